"""Round windows, deadlines, lapses and usable periods of a fiscal year, without a database."""

import datetime as dt

from sandbox.domain.calendar import BANGKOK, BusinessCalendar
from sandbox.domain.policy import RoundPolicy


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BANGKOK)


def test_fy2566_deadlines_are_the_last_business_days_at_16_30():
    p = RoundPolicy(2566, BusinessCalendar())
    assert p.september_deadline == at(2023, 9, 29, 16, 30)
    assert p.march_deadline == at(2024, 3, 29, 16, 30)
    assert p.fiscal_year_end == at(2023, 10, 1)


def test_open_round_only_inside_a_window():
    p = RoundPolicy(2566, BusinessCalendar())
    assert p.open_round(at(2023, 7, 31, 23, 59)) is None
    assert p.open_round(at(2023, 8, 1)) == "september"
    assert p.open_round(at(2023, 9, 29, 16, 30)) == "september"
    assert p.open_round(at(2023, 9, 29, 16, 31)) is None
    assert p.open_round(at(2024, 2, 1)) == "march"


def test_an_extra_day_off_moves_the_deadline_and_an_override_wins():
    moved = RoundPolicy(2566, BusinessCalendar([dt.date(2023, 9, 29)]))
    assert moved.september_deadline == at(2023, 9, 28, 16, 30)
    late = RoundPolicy(2566, BusinessCalendar(), september_override=at(2023, 10, 6, 16, 30))
    assert late.september_deadline == at(2023, 10, 6, 16, 30)
    assert late.september_lapse == late.september_deadline  # the window closes after the year's end


def test_usable_until_by_status():
    p = RoundPolicy(2566, BusinessCalendar())
    assert p.usable_until("", False) == p.fiscal_year_end
    assert p.usable_until("50", True) == p.carry_over_usable_until == at(2024, 3, 30)
    assert p.usable_until("40", True) == p.extension_usable_until == at(2024, 10, 1)
