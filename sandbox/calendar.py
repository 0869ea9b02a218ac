"""Thai government calendar for people: the rules of :mod:`sandbox.domain.calendar` (re-exported
here) and the Buddhist-era display formats the screens, reports and messages use.

Nothing here reads the machine's clock: every function takes the moment it works on.
"""

from __future__ import annotations

import datetime as dt

from pythainlp.util import arabic_digit_to_thai_digit, thai_strftime

from .domain.calendar import (  # noqa: F401  (re-exported: the calendar's one public door)
    BANGKOK,
    BE_OFFSET,
    EXTRA_HOLIDAY,
    BusinessCalendar,
    add_months,
    be_year,
    ce_year,
    fiscal_year,
    fiscal_year_bounds,
    fy_month_year,
    parse_date,
    parse_datetime,
    to_bangkok,
)
from .i18n import text


def holiday_name(calendar: BusinessCalendar, day: dt.date, lang: str = "th") -> str | None:
    """The name of a day off as a page shows it (a scenario's extra day from the catalogue)."""
    name = calendar.holiday_name(day)
    return text("labels", "extra_holiday", lang) if name == EXTRA_HOLIDAY else name


# ---------------------------------------------------------------- display

def format_date(day: dt.date | dt.datetime, *, thai_digits: bool = False, short: bool = False) -> str:
    """``29 มีนาคม 2567`` (or ``29 มี.ค. 2567`` when short), Buddhist-era year."""
    if isinstance(day, dt.datetime):
        day = to_bangkok(day)
    else:
        day = dt.datetime.combine(day, dt.time(0))
    fmt = "%-d %b %Y" if short else "%-d %B %Y"
    return thai_strftime(day, fmt, thaidigit=thai_digits)


def format_datetime(moment: dt.datetime, *, thai_digits: bool = False) -> str:
    """``29 มีนาคม 2567 เวลา 16.30 น.`` as Thai letters write a deadline."""
    moment = to_bangkok(moment)
    return thai_strftime(moment, text("labels", "datetime_format", "th"), thaidigit=thai_digits)


def format_datetime_en(moment: dt.datetime) -> str:
    """``29 Mar 2567 BE, 16:30`` for visitors reading English."""
    moment = to_bangkok(moment)
    return f"{moment.day} {moment.strftime('%b')} {be_year(moment.year)} BE, {moment.strftime('%H:%M')}"


def format_moment(moment: dt.datetime, lang: str = "th") -> str:
    """A moment as the page's language writes it (``format_datetime`` or ``format_datetime_en``)."""
    return format_datetime(moment) if lang == "th" else format_datetime_en(moment)


def thai_digits(text: str) -> str:
    return arabic_digit_to_thai_digit(text)


def format_amount(value) -> str:
    """``1,250,000.00``"""
    return f"{value:,.2f}"
