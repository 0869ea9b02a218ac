"""Policy data: the Soft Token cut-over timeline [letters 000 and 002] and each fiscal year's
round windows, deadlines and usable periods [manual 004], derived with the business-day calendar
(docs/rules.md). The bundled cut-overs are read by :mod:`sandbox.adapters.policy_store`."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from .calendar import BANGKOK, BusinessCalendar, ce_year, parse_date, parse_datetime

DEADLINE_TIME = dt.time(16, 30)


def letter_in_time(letter_day: dt.date, deadline: dt.datetime) -> bool:
    """A cancel-Confirm letter is dated *before* the deadline day, not on it
    («ก่อนวันทำการสุดท้ายของเดือนกันยายน», «ก่อนวันที่ ๒๙ มีนาคม ๒๕๖๗» [004])."""
    return letter_day < deadline.date()


@dataclass(frozen=True)
class Cutover:
    key: str
    name_th: str
    name_en: str
    refuse_from: dt.datetime
    register_from: dt.datetime | None = None
    token_return_by: dt.date | None = None
    source: str = ""
    clause: str = ""
    events: tuple = ()


@dataclass
class RoundPolicy:
    """Windows, deadlines and usable periods for the reserve documents of fiscal year N."""

    fiscal_year: int
    calendar: BusinessCalendar
    september_override: dt.datetime | None = None
    march_override: dt.datetime | None = None

    @property
    def _end_ce(self) -> int:
        return ce_year(self.fiscal_year)

    def _at(self, day: dt.date, time: dt.time = dt.time(0)) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=BANGKOK)

    # September round, in the last months of FY N
    @cached_property
    def september_opens(self) -> dt.datetime:
        return self._at(dt.date(self._end_ce, 8, 1))

    @cached_property
    def september_deadline(self) -> dt.datetime:
        if self.september_override:
            return self.september_override
        return self._at(self.calendar.last_business_day(self._end_ce, 9), DEADLINE_TIME)

    @cached_property
    def fiscal_year_end(self) -> dt.datetime:
        """Blank and 21 documents lapse at this instant (1 October, 00:00); a PO carries over."""
        return self._at(dt.date(self._end_ce, 10, 1))

    # March round, in FY N+1
    @cached_property
    def march_opens(self) -> dt.datetime:
        return self._at(dt.date(self._end_ce + 1, 2, 1))

    @cached_property
    def march_deadline(self) -> dt.datetime:
        if self.march_override:
            return self.march_override
        return self._at(self.calendar.last_business_day(self._end_ce + 1, 3), DEADLINE_TIME)

    @cached_property
    def carry_over_usable_until(self) -> dt.datetime:
        """50 money is usable to the end of the last business day of March of FY N+1."""
        return self.calendar.end_of_day(self.calendar.last_business_day(self._end_ce + 1, 3))

    @cached_property
    def extension_usable_until(self) -> dt.datetime:
        """40 money is usable to the end of the last business day of September of FY N+1."""
        return self.calendar.end_of_day(self.calendar.last_business_day(self._end_ce + 1, 9))

    def window(self, round_: str) -> tuple[dt.datetime, dt.datetime]:
        if round_ == "september":
            return self.september_opens, self.september_deadline
        return self.march_opens, self.march_deadline

    def deadline(self, round_: str) -> dt.datetime:
        return self.window(round_)[1]

    def open_round(self, now: dt.datetime) -> str | None:
        """The round in which this year's documents may be listed and confirmed right now."""
        if self.september_opens <= now <= self.september_deadline:
            return "september"
        if self.march_opens <= now <= self.march_deadline:
            return "march"
        return None

    @cached_property
    def september_lapse(self) -> dt.datetime:
        """Blank and 21 documents lapse when the year ends — or when the List/Confirm window
        closes, if a policy moved the deadline past the year's end."""
        return max(self.fiscal_year_end, self.september_deadline)

    @cached_property
    def march_lapse(self) -> dt.datetime:
        """50, 22 and carried blank documents (a PO, or after a March List cancel) lapse when carry-over money stops being
        usable — or when a deadline moved later by policy closes the March window."""
        return max(self.carry_over_usable_until, self.march_deadline)

    def usable_until(self, status: str, carried: bool) -> dt.datetime:
        """The instant a document of this year at ``status`` stops being spendable; ``carried``:
        approved in September, or a PO (carried over without List or Confirm [004 letter 1.1])."""
        if status == "40":
            return self.extension_usable_until
        if carried:
            return self.carry_over_usable_until
        return self.fiscal_year_end


# ---------------------------------------------------------------- what-if: a moved deadline, per fiscal year

ROUNDS = ("september", "march")
# letters: the letters' own rule (the last business day of the month, 16:30) — nothing moves;
# before_last: N business days before that last business day, 16:30;
# after_opening: the N-th business day of the round, counted from the day it opens, 16:30;
# on_date: one moment, for one chosen fiscal year (every other year keeps the letters' rule).
RULE_KINDS = ("letters", "before_last", "after_opening", "on_date")
MAX_RULE_DAYS = 60


@dataclass(frozen=True)
class DeadlineRule:
    """How a policy maker moves one round's deadline: a rule that gives each fiscal year its own
    deadline, or one date for one chosen fiscal year (docs/rules.md, the policy page)."""

    round: str = "september"
    kind: str = "letters"
    days: int = 0
    on: dt.datetime | None = None
    fiscal_year: int | None = None

    def deadline(self, policy: RoundPolicy) -> dt.datetime | None:
        """This rule's deadline in ``policy``'s fiscal year; ``None``: the letters' rule applies."""
        cal = policy.calendar
        if self.kind == "before_last":
            return policy._at(business_days_before(cal, letters_deadline(policy, self.round).date(), self.days),
                              DEADLINE_TIME)
        if self.kind == "after_opening":
            opens = policy.window(self.round)[0].date()
            return policy._at(cal.add_business_days(opens - dt.timedelta(days=1), self.days), DEADLINE_TIME)
        if self.kind == "on_date" and self.fiscal_year == policy.fiscal_year:
            return self.on
        return None


@dataclass(frozen=True)
class DeadlineProblem:
    """Why a what-if deadline is impossible: ``code`` names the rule broken (the catalogue's
    ``policy.pol_<code>``), ``round`` the field, ``fiscal_year`` the year, ``limit`` the instant
    the deadline had to respect."""

    code: str
    round: str
    fiscal_year: int | None = None
    deadline: dt.datetime | None = None
    limit: dt.datetime | None = None


def letters_deadline(policy: RoundPolicy, round_: str) -> dt.datetime:
    """The letters' deadline: the last business day of September (or of March of FY N+1), 16:30 [004]."""
    year = policy._end_ce + (round_ == "march")
    return policy._at(policy.calendar.last_business_day(year, 9 if round_ == "september" else 3), DEADLINE_TIME)


def business_days_before(cal: BusinessCalendar, day: dt.date, n: int) -> dt.date:
    """The n-th business day before ``day`` (``day`` itself when n is 0)."""
    counted = 0
    while counted < n:
        day -= dt.timedelta(days=1)
        if cal.is_business_day(day):
            counted += 1
    return day


def round_year_end(policy: RoundPolicy, round_: str) -> dt.datetime:
    """The end of the fiscal year in which a round runs: FY N for September, FY N+1 for March."""
    return policy._at(dt.date(policy._end_ce + (round_ == "march"), 10, 1))


def rule_problems(rule: DeadlineRule, fiscal_years) -> list[DeadlineProblem]:
    """What is wrong with the rule itself, whatever the year."""
    if rule.round not in ROUNDS or rule.kind not in RULE_KINDS:
        return [DeadlineProblem("bad_rule", rule.round)]
    if rule.kind in ("before_last", "after_opening"):
        low = 0 if rule.kind == "before_last" else 1
        if not low <= rule.days <= MAX_RULE_DAYS:
            return [DeadlineProblem(f"bad_days_{rule.kind}", rule.round)]
    if rule.kind == "on_date":
        if rule.on is None:
            return [DeadlineProblem("no_date", rule.round)]
        if rule.fiscal_year not in fiscal_years:
            return [DeadlineProblem("year_not_shown", rule.round, rule.fiscal_year)]
    return []


def deadline_problems(round_: str, policy: RoundPolicy, deadline: dt.datetime) -> list[DeadlineProblem]:
    """An impossible timeline: a deadline must fall after its round opens, before the fiscal year
    in which the round runs ends, and on a business day (the letters set deadlines on business
    days, «วันทำการสุดท้าย» [004])."""
    found = []
    opens = policy.window(round_)[0]
    if deadline <= opens:
        found.append(DeadlineProblem("before_opening", round_, policy.fiscal_year, deadline, opens))
    year_end = round_year_end(policy, round_)
    if deadline >= year_end:
        found.append(DeadlineProblem("after_year_end", round_, policy.fiscal_year, deadline, year_end))
    if not policy.calendar.is_business_day(deadline.date()):
        found.append(DeadlineProblem("not_business_day", round_, policy.fiscal_year, deadline))
    return found


def apply_rules(fiscal_year: int, calendar: BusinessCalendar, rules) -> tuple[RoundPolicy, list[DeadlineProblem]]:
    """The year's round policy under the rules (one per round), and every impossible deadline."""
    base = RoundPolicy(fiscal_year, calendar)
    moved, problems = {}, []
    for rule in rules:
        deadline = rule.deadline(base)
        if deadline is None:
            continue
        problems += deadline_problems(rule.round, base, deadline)
        moved[rule.round] = deadline
    return RoundPolicy(fiscal_year, calendar, moved.get("september"), moved.get("march")), problems


_TIME_AT_END = re.compile(r"^(.*?\d)\s+\D*?(\d{1,2})[:.](\d{2})\D*$")  # "<date> [words] 16:30 [words]"


def parse_moment(text: str, default_time: dt.time = DEADLINE_TIME) -> dt.datetime:
    """A moment as a policy maker types it: ``29/09/2566 16:30``, ``29/09/2566`` (at ``default_time``),
    ``29 กันยายน 2566 เวลา 16.30 น.``, ISO ``2023-09-29T16:30``; Thai or Arabic digits, BE or CE year.
    Raises ``ValueError`` when the text is not a moment."""
    value = str(text).strip()
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}T", value):
        return parse_datetime(value)
    match = _TIME_AT_END.match(value)
    if match:
        day, hour, minute = parse_date(match.group(1)), int(match.group(2)), int(match.group(3))
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BANGKOK)
    return dt.datetime.combine(parse_date(value), default_time, tzinfo=BANGKOK)
