"""Thai government calendar rules: fiscal years, Buddhist-era years, business days, and reading
dates as Thai users type them [docs/rules.md, calendar]. Pure: every function takes the moment it
works on; nothing reads the machine's clock. Thai display formats live in :mod:`sandbox.calendar`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from pythainlp.util import thai_digit_to_arabic_digit, thai_strptime

BANGKOK = ZoneInfo("Asia/Bangkok")
BE_OFFSET = 543
EXTRA_HOLIDAY = "extra"  # holiday_name of a day off a scenario adds (sandbox.calendar names it)


def to_bangkok(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` in Asia/Bangkok; a naive moment is taken to be Bangkok time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BANGKOK)
    return moment.astimezone(BANGKOK)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    return be - BE_OFFSET


def fiscal_year(moment: dt.date | dt.datetime) -> int:
    """Fiscal year (BE) of a moment: FY N runs 1 Oct (N-1) to 30 Sep N, named by its end."""
    if isinstance(moment, dt.datetime):
        moment = to_bangkok(moment).date()
    year = moment.year + 1 if moment.month >= 10 else moment.year
    return be_year(year)


@lru_cache(maxsize=64)  # (every new document asks: two aware datetimes built once per year)
def fiscal_year_bounds(fy_be: int) -> tuple[dt.datetime, dt.datetime]:
    """First instant of the fiscal year and first instant of the next one (Bangkok time)."""
    end_ce = ce_year(fy_be)
    start = dt.datetime(end_ce - 1, 10, 1, tzinfo=BANGKOK)
    stop = dt.datetime(end_ce, 10, 1, tzinfo=BANGKOK)
    return start, stop


def fy_month_year(fy_be: int, month: int) -> int:
    """CE calendar year in which ``month`` of fiscal year ``fy_be`` falls."""
    end_ce = ce_year(fy_be)
    return end_ce - 1 if month >= 10 else end_ce


def is_labour_day(english_name: str) -> bool:
    """National Labour Day (1 May) and a day in lieu of it: the ``holidays`` package lists them as
    public holidays, but government offices work then — business days [docs/rules.md]."""
    parts = [part.strip().lower() for part in english_name.split(";") if part.strip()]
    return bool(parts) and all("labour day" in part or "labor day" in part for part in parts)


@lru_cache(maxsize=64)
def _thai_holidays(year: int) -> dict[dt.date, str]:
    # Government offices close on public holidays and on the government-category days, but not on
    # National Labour Day (matched by the package's English name; the Thai name is the one shown).
    kinds = ("public", "government")
    english = holidays.Thailand(years=year, categories=kinds, language="en_US")
    found = holidays.Thailand(years=year, categories=kinds, language="th")
    return {day: name for day, name in found.items() if not is_labour_day(english.get(day, ""))}


class BusinessCalendar:
    """Business days: Monday–Friday that are not Thai government holidays nor extra days off."""

    def __init__(self, extra_holidays: Iterable[dt.date] = ()):
        self.extra_holidays = frozenset(extra_holidays)

    def holiday_name(self, day: dt.date) -> str | None:
        """The holiday's name (the ``holidays`` package's Thai name), :data:`EXTRA_HOLIDAY` for
        a day off a scenario adds, ``None`` on a working day."""
        if day in self.extra_holidays:
            return EXTRA_HOLIDAY
        return _thai_holidays(day.year).get(day)

    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and self.holiday_name(day) is None

    def last_business_day(self, year: int, month: int) -> dt.date:
        """The last business day of a calendar month (CE year)."""
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        day = nxt - dt.timedelta(days=1)
        while not self.is_business_day(day):
            day -= dt.timedelta(days=1)
        return day

    def add_business_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th business day after ``start`` (``start`` itself is not counted)."""
        day = start
        counted = 0
        while counted < n:
            day += dt.timedelta(days=1)
            if self.is_business_day(day):
                counted += 1
        return day

    def end_of_day(self, day: dt.date) -> dt.datetime:
        """The instant a day ends: 00:00 of the next day, Bangkok time."""
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=BANGKOK)



# ---------------------------------------------------------------- parsing

_NUMERIC_DATE = re.compile(r"^\s*(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})\s*$")


def _year_to_ce(year: int) -> int:
    if year < 100:  # two-digit BE year as Thai users type it: 67 → 2567
        year += 2500
    return year - BE_OFFSET if year > 2400 else year


def parse_date(value: str | dt.date | dt.datetime) -> dt.date:
    """Read a date as Thai users type it: BE or CE year, Thai or Arabic digits.

    Accepts ISO ``2024-03-29``, ``29/03/2567``, ``๒๙/๐๓/๒๕๖๗`` and ``29 มีนาคม 2567``.
    Raises ``ValueError`` when the text is not a date.
    """
    if isinstance(value, dt.datetime):
        return to_bangkok(value).date()
    if isinstance(value, dt.date):
        return value
    text = thai_digit_to_arabic_digit(str(value)).strip()
    match = _NUMERIC_DATE.match(text)
    if match:
        a, b, c = (int(x) for x in match.groups())
        if len(match.group(1)) == 4:  # year first (ISO)
            return dt.date(_year_to_ce(a), b, c)
        return dt.date(_year_to_ce(c), b, a)
    parts = text.split()
    if len(parts) == 3 and parts[2].isdigit():
        year = int(parts[2])
        era = "be" if year > 2400 or year < 100 else "ad"
        if year < 100:
            year += 2500
        parsed = thai_strptime(f"{parts[0]} {parts[1]} {year}", "%d %B %Y", year=era)
        return parsed.date()
    raise ValueError(f"not a date: {value!r}")


def parse_datetime(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A moment from YAML or a form: ISO with or without offset (default +07:00), or a date."""
    if isinstance(value, dt.datetime):
        return to_bangkok(value)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(0), tzinfo=BANGKOK)
    text = thai_digit_to_arabic_digit(str(value)).strip()
    try:
        return to_bangkok(dt.datetime.fromisoformat(text))
    except ValueError:
        pass
    day = parse_date(text)
    return dt.datetime.combine(day, dt.time(0), tzinfo=BANGKOK)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` calendar months later, clipped to the month's end."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")
