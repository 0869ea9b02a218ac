"""A moved deadline is a rule per fiscal year, or a date for one chosen year; an impossible
timeline is refused (issue 16). The rules (sandbox.domain.policy, pure) and the what-if engine
that uses them (sandbox.whatif)."""

import datetime as dt

import pytest

from sandbox.domain.calendar import BANGKOK, BusinessCalendar
from sandbox.domain.policy import (
    DeadlineRule,
    RoundPolicy,
    apply_rules,
    deadline_problems,
    parse_moment,
    rule_problems,
)
from sandbox.whatif import Changes, run

YEARS = (2566, 2567, 2568)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def deadlines(rule: DeadlineRule, years=YEARS, calendar=None) -> dict[int, dt.datetime]:
    cal = calendar or BusinessCalendar()
    return {fy: rule.deadline(RoundPolicy(fy, cal)) for fy in years}


# ------------------------------------------------------------------ the rules, per fiscal year

def test_n_business_days_before_the_last_gives_each_year_its_own_deadline():
    got = deadlines(DeadlineRule("september", "before_last", 5))
    # last business days of September: Fri 29 Sep 2023, Mon 30 Sep 2024, Tue 30 Sep 2025
    assert got == {2566: at(2023, 9, 22, 16, 30), 2567: at(2024, 9, 23, 16, 30), 2568: at(2025, 9, 23, 16, 30)}
    for fy, deadline in got.items():
        policy = RoundPolicy(fy, BusinessCalendar())
        assert policy.september_opens < deadline < policy.fiscal_year_end  # inside its own year's round
        assert deadline_problems("september", policy, deadline) == []
    assert deadlines(DeadlineRule("september", "before_last", 0))[2566] == RoundPolicy(2566, BusinessCalendar()).september_deadline


def test_the_n_th_business_day_of_the_round_skips_holidays():
    got = deadlines(DeadlineRule("september", "after_opening", 1))
    # 1 and 2 August 2566 are Asahna Bucha and Buddhist Lent: the round's first business day is the 3rd
    assert got == {2566: at(2023, 8, 3, 16, 30), 2567: at(2024, 8, 1, 16, 30), 2568: at(2025, 8, 1, 16, 30)}
    march = deadlines(DeadlineRule("march", "after_opening", 20))
    for fy, deadline in march.items():
        policy = RoundPolicy(fy, BusinessCalendar())
        assert policy.march_opens < deadline and deadline.month in (2, 3)
        assert deadline_problems("march", policy, deadline) == []


def test_a_date_applies_to_the_one_fiscal_year_chosen():
    rule = DeadlineRule("september", "on_date", on=at(2024, 9, 20, 16, 30), fiscal_year=2567)
    assert deadlines(rule) == {2566: None, 2567: at(2024, 9, 20, 16, 30), 2568: None}
    policy, problems = apply_rules(2567, BusinessCalendar(), [rule])
    assert problems == [] and policy.september_deadline == at(2024, 9, 20, 16, 30)
    other, _ = apply_rules(2568, BusinessCalendar(), [rule])
    assert other.september_deadline == at(2025, 9, 30, 16, 30)  # the letters' rule, untouched


def test_the_letters_rule_moves_nothing():
    assert deadlines(DeadlineRule("march")) == {2566: None, 2567: None, 2568: None}


# ------------------------------------------------------------------ impossible timelines

def test_the_issue_one_september_date_for_every_year_is_refused_where_impossible():
    """20 Sep 2567 as FY2566's deadline is after FY2566 ends; as FY2568's it is before its round opens."""
    day = at(2024, 9, 20, 16, 30)
    late = deadline_problems("september", RoundPolicy(2566, BusinessCalendar()), day)
    assert [(p.code, p.fiscal_year, p.limit) for p in late] == [("after_year_end", 2566, at(2023, 10, 1))]
    early = deadline_problems("september", RoundPolicy(2568, BusinessCalendar()), day)
    assert [(p.code, p.fiscal_year, p.limit) for p in early] == [("before_opening", 2568, at(2025, 8, 1))]


def test_a_deadline_on_a_weekend_or_a_holiday_is_refused():
    policy = RoundPolicy(2567, BusinessCalendar())
    assert [p.code for p in deadline_problems("september", policy, at(2024, 9, 21, 16, 30))] == ["not_business_day"]
    march = RoundPolicy(2566, BusinessCalendar())
    assert [p.code for p in deadline_problems("march", march, at(2024, 4, 8, 16, 30))] == ["not_business_day"]  # Chakri Day in lieu
    off = RoundPolicy(2567, BusinessCalendar([dt.date(2024, 9, 20)]))  # a what-if's extra day off
    assert [p.code for p in deadline_problems("september", off, at(2024, 9, 20, 16, 30))] == ["not_business_day"]


def test_the_march_round_ends_with_the_next_fiscal_year():
    policy = RoundPolicy(2566, BusinessCalendar())
    assert deadline_problems("march", policy, at(2024, 4, 5, 16, 30)) == []  # later than the letters, still possible
    assert [p.code for p in deadline_problems("march", policy, at(2024, 10, 1, 16, 30))] == ["after_year_end"]
    assert [p.code for p in deadline_problems("march", policy, at(2024, 1, 31, 16, 30))] == ["before_opening"]


def test_a_rule_that_lands_outside_the_round_is_refused_for_each_year():
    _, problems = apply_rules(2567, BusinessCalendar(), [DeadlineRule("september", "after_opening", 60)])
    assert [p.code for p in problems] == ["after_year_end"]
    assert [p.code for p in rule_problems(DeadlineRule("september", "after_opening", 0), YEARS)] == ["bad_days_after_opening"]
    assert [p.code for p in rule_problems(DeadlineRule("march", "before_last", 61), YEARS)] == ["bad_days_before_last"]
    assert [p.code for p in rule_problems(DeadlineRule("march", "on_date", fiscal_year=2567), YEARS)] == ["no_date"]
    chosen = DeadlineRule("march", "on_date", on=at(2024, 3, 22, 16, 30), fiscal_year=2569)
    assert [p.code for p in rule_problems(chosen, YEARS)] == ["year_not_shown"]


@pytest.mark.parametrize("typed, moment", [
    ("20/09/2567", at(2024, 9, 20, 16, 30)),
    ("20/09/2567 15:00", at(2024, 9, 20, 15, 0)),
    ("๒๐/๐๙/๒๕๖๗ ๑๕.๐๐", at(2024, 9, 20, 15, 0)),
    ("20 กันยายน 2567 เวลา 16.30 น.", at(2024, 9, 20, 16, 30)),
    ("2024-09-20T16:30:00+07:00", at(2024, 9, 20, 16, 30)),
    ("2024-09-20", at(2024, 9, 20, 16, 30)),
])
def test_a_deadline_reads_as_people_type_it(typed, moment):
    assert parse_moment(typed) == moment


@pytest.mark.parametrize("typed", ["soon", "31/02/2567", "20/09/2567 25:00", ""])
def test_what_is_not_a_moment_is_refused(typed):
    with pytest.raises(ValueError):
        parse_moment(typed)


# ------------------------------------------------------------------ the what-if engine uses the rules

def test_the_what_if_moves_each_year_by_its_own_rule():
    result = run(Changes(YEARS, september=DeadlineRule("september", "before_last", 5)))
    assert not result.refused
    moved = {(b.key, b.start.year) for a, b in result.shifts if b.key == "september_deadline"}
    assert moved == {("september_deadline", 2023), ("september_deadline", 2024), ("september_deadline", 2025)}
    for policy in result.policies.values():
        start, end = policy.window("september")
        assert start < end < policy.fiscal_year_end  # never the FY2566 round ending in 2567


def test_the_what_if_refuses_an_impossible_timeline_and_draws_nothing():
    rule = DeadlineRule("september", "on_date", on=at(2024, 9, 20, 16, 30), fiscal_year=2566)
    result = run(Changes(YEARS, september=rule))
    assert result.refused and result.events == [] and result.shifts == []
    [problem] = result.problems
    assert problem.field == "september_deadline" and problem.code == "after_year_end" and problem.fiscal_year == 2566
    th, en = problem.message("th"), problem.message("en")
    assert "«กำหนดรอบกันยายน» ปีงบประมาณ 2566" in th and "20 กันยายน 2567 เวลา 16.30 น." in th and "มาตรา 43" in th
    assert "«September deadline», FY2566" in en and "§43" in en


def test_the_what_if_refuses_a_cutover_before_its_registration_opens():
    result = run(Changes((2568,), cutover=("all_agencies", at(2025, 2, 1))))
    assert [(p.field, p.code) for p in result.problems] == [("cutover", "cutover_before_registration")]
    assert "10 กุมภาพันธ์ 2568" in result.problems[0].message("th")
    fine = run(Changes((2568,), cutover=("all_agencies", at(2025, 5, 1))))
    assert not fine.refused and any(b.key == "all_agencies:cutover" for _a, b in fine.shifts)


def test_a_holiday_moves_the_letters_deadline_but_refuses_a_date_set_on_it():
    day_off = (dt.date(2023, 9, 29),)
    moved = run(Changes((2566,), extra_holidays=day_off))
    assert not moved.refused and moved.policies[2566].september_deadline == at(2023, 9, 28, 16, 30)
    pinned = DeadlineRule("september", "on_date", on=at(2023, 9, 29, 16, 30), fiscal_year=2566)
    refused = run(Changes((2566,), september=pinned, extra_holidays=day_off))
    assert [p.code for p in refused.problems] == ["not_business_day"]
