"""Policy data: the Soft Token cut-over timeline [letters 000 and 002] and each fiscal year's
round windows, deadlines and usable periods [manual 004], derived with the business-day calendar
(docs/rules.md). The bundled cut-overs are read by :mod:`sandbox.adapters.policy_store`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from .calendar import BANGKOK, BusinessCalendar, ce_year

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
