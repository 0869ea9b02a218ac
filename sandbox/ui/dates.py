"""Dates as Thai officials type them: a box that takes ``29/03/2567`` (Buddhist-era year; ISO,
Thai digits and ``29 มีนาคม 2567`` are read too), its placeholder the simulated clock's today,
and beside it the date spelled out in the Buddhist era — weekday, month name, year — or what
is wrong with it. ``ThaiMomentBox`` adds the time (``29/03/2567 16:30``) for the clock box.

Why a typed box and not day / month / year dropdowns: GFMIS's own date fields are typed
``วว/ดด/ปปปป`` and the manual teaches them so; an official enters dozens of dates a day and three
dropdowns per date are slow; scenario drivers and tests set ``.value`` as text. The spelled-out
hint is the calendar check: a trainee who types 2024 or swaps day and month sees it at once."""

from __future__ import annotations

import datetime as dt
import re

import ipywidgets as w
import traitlets as tl
from pythainlp.util import thai_strftime

from ..calendar import BANGKOK, be_year, parse_date, parse_datetime
from ..i18n import text
from .shared_looks import layout
from .widgets import esc, t

# a date, then hours and minutes (16:30 or 16.30), as a Thai letter or a trainee writes a moment
_TIME = re.compile(r"^(.*\S)\s+(\d{1,2})[:.](\d{2})\D*$")


def typed_date(day: dt.date) -> str:
    """``29/03/2567``: a date as the box takes it."""
    return f"{day.day:02d}/{day.month:02d}/{be_year(day.year)}"


def typed_moment(moment: dt.datetime) -> str:
    """``29/03/2567 16:30``: a moment as the clock box takes it."""
    return f"{typed_date(moment.date())} {moment.hour:02d}:{moment.minute:02d}"


def spelled_date(day: dt.date, lang: str = "th") -> str:
    """``วันศุกร์ 29 มีนาคม 2567`` / ``Fri 29 Mar 2567 BE``."""
    if lang == "th":
        return thai_strftime(dt.datetime.combine(day, dt.time(0)), "%A %-d %B %Y")
    return f"{day.strftime('%a')} {day.day} {day.strftime('%b')} {be_year(day.year)} BE"


def parse_moment(value: str) -> dt.datetime:
    """A moment typed as ``29/03/2567 16:30`` (or ISO ``2024-03-29T16:30``, or a date alone: 00:00)."""
    value = thai_digits_to_arabic(str(value)).strip()
    match = _TIME.match(value)
    if match and not re.match(r"^\d{4}-\d{2}-\d{2}T", value):
        day = parse_date(match.group(1))
        return dt.datetime.combine(day, dt.time(int(match.group(2)), int(match.group(3))), tzinfo=BANGKOK)
    return parse_datetime(value)


def thai_digits_to_arabic(value: str) -> str:
    from pythainlp.util import thai_digit_to_arabic_digit

    return thai_digit_to_arabic_digit(value)


def iso_moment(value: str) -> str:
    """What the engine's clock takes: the typed moment as ISO (the text itself if unreadable, so
    the engine's refusal explains it)."""
    try:
        return parse_moment(value).isoformat()
    except (ValueError, TypeError):
        return value


class ThaiDateBox(w.HBox):
    """A date box: ``value`` is the text as typed (what the engine reads), the hint beside it
    spells the date out in the Buddhist era. ``today(now)`` sets the placeholder to the
    simulated clock's date."""

    value = tl.Unicode("")

    def __init__(self, lang: str = "th", cls: str | None = None, width: str = "140px", moment: bool = False):
        # shared layouts, classes in the comm_open (issue 14: no widget or message more than needed)
        text = w.Text(layout=layout(width=width), continuous_update=False)  # see widgets.text_input
        hint = w.HTML(_dom_classes=("gf-date-hint",))
        super().__init__([text, hint], layout=layout(align_items="center"), _dom_classes=(*([cls] if cls else []), "gf-date"))
        self.lang = lang
        self.moment = moment
        self.text, self.hint = text, hint
        tl.link((self.text, "value"), (self, "value"))
        self.observe(lambda _c: self.explain(), "value")

    @property
    def placeholder(self) -> str:
        return self.text.placeholder

    @placeholder.setter
    def placeholder(self, value: str) -> None:
        self.text.placeholder = value

    @property
    def disabled(self) -> bool:
        return self.text.disabled

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self.text.disabled = value

    def today(self, now: dt.datetime) -> None:
        """The simulated clock's today (and time) as the placeholder: never a stale year."""
        self.placeholder = typed_moment(now) if self.moment else typed_date(now.date())
        self.explain()

    def parsed(self) -> dt.date | dt.datetime | None:
        """The date (or moment) typed, ``None`` when empty or unreadable."""
        if not self.value.strip():
            return None
        try:
            return parse_moment(self.value) if self.moment else parse_date(self.value)
        except (ValueError, TypeError):
            return None

    def explain(self) -> None:
        lang = self.lang
        if not self.value.strip():  # the placeholder is the example; the hint names the era
            self.hint.value = f"<span class='gf-src'>{esc(t('uxs_date_era', lang))}</span>"
            return
        got = self.parsed()
        if got is None:
            self.hint.value = f"<span class='gf-mark'>⚠ {esc(text('details', 'not_a_date', lang))}</span>"
            return
        day = got.date() if isinstance(got, dt.datetime) else got
        shown = spelled_date(day, lang)
        if isinstance(got, dt.datetime):
            shown += f" {got.hour:02d}:{got.minute:02d}"
        self.hint.value = f"<span class='gf-date-spelled'>{esc(shown)}</span>"
