"""The policy page's controls: one round's deadline rule (RuleControls) and the small helpers the
page shares with it (split from policy.py, which keeps the page itself)."""

from __future__ import annotations

import asyncio

import ipywidgets as w

from ..domain.policy import DEADLINE_TIME, MAX_RULE_DAYS, RULE_KINDS, DeadlineRule
from ..i18n import text
from ..whatif import Problem, letters_deadlines, read_moment
from .widgets import esc


def tr(key: str, lang: str) -> str:
    return text("policy", key, lang)


def _slider(value: float, low: float, high: float, step: float) -> w.FloatSlider:
    return w.FloatSlider(value=value, min=low, max=high, step=step, style={"description_width": "160px"},
                         layout=w.Layout(width="440px"))


def _show(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


def later(seconds: float, callback, *, or_now: bool = True) -> None:
    """Run ``callback`` on the kernel's event loop after ``seconds``, between two messages; with no
    running loop (a test, a script) right away, or never when not ``or_now``."""
    try:
        asyncio.get_running_loop().call_later(seconds, callback)
    except RuntimeError:
        if or_now:
            callback()


def _mark(widget: w.Widget, bad: bool) -> None:
    (widget.add_class if bad else widget.remove_class)("gf-pol-bad")


class RuleControls:
    """One round's deadline: how it moves (letters / N business days before the last one / the
    N-th business day of the round / one date for one fiscal year), N, or the date and its year."""

    def __init__(self, round_: str, cls: str):
        self.round = round_
        self.field = f"{round_}_deadline"
        self.kind = w.Dropdown(layout=w.Layout(width="390px"))
        self.days = w.BoundedIntText(value=5, min=0, max=MAX_RULE_DAYS, layout=w.Layout(width="64px"))
        self.date = w.Text(layout=w.Layout(width="160px"))
        self.year = w.Dropdown(layout=w.Layout(width="90px"))
        self.days_unit, self.for_year = w.HTML(), w.HTML()
        self.label = w.HTML(layout=w.Layout(width="150px", flex="0 0 auto"))
        self.row = w.HBox([self.label, w.HBox([self.kind, self.days, self.days_unit, self.date, self.for_year, self.year])])
        for box, suffix in ((self.kind, "-rule"), (self.days, "-days"), (self.date, ""), (self.year, "-year")):
            box.add_class(cls + suffix)
        self.kind.observe(lambda _c: self.show(), names="value")

    def relabel(self, lang: str) -> None:
        kind = self.kind.value or "letters"
        self.kind.options = [(tr(f"pol_rule_{k}", lang), k) for k in RULE_KINDS]
        self.kind.value = kind
        self.label.value = f"<span>{esc(tr(self.field, lang))}</span>"
        self.days_unit.value = f"<span class='gf-pol-help'>{esc(tr('pol_days_unit', lang))}</span>"
        self.for_year.value = f"<span class='gf-pol-help'>{esc(tr('pol_for_year', lang))}</span>"
        self.show()

    def set_years(self, years: list[int]) -> None:
        keep = self.year.value
        self.year.options = years
        if years:
            self.year.value = keep if keep in years else years[0]
            self.date.placeholder = format_example(letters_deadlines(self.year.value)[self.round])

    def show(self) -> None:
        kind = self.kind.value
        for box in (self.days, self.days_unit):
            _show(box, kind in ("before_last", "after_opening"))
        for box in (self.date, self.for_year, self.year):
            _show(box, kind == "on_date")

    def rule(self, problems: list[Problem]) -> DeadlineRule:
        kind = self.kind.value
        if kind != "on_date":
            return DeadlineRule(self.round, kind, int(self.days.value))
        on = None
        if self.date.value.strip():
            on = read_moment(self.field, self.date.value.strip(), DEADLINE_TIME, problems)
            if on is None:
                return DeadlineRule(self.round)  # the unreadable date is the problem reported
        return DeadlineRule(self.round, kind, on=on, fiscal_year=self.year.value)

    def mark(self, bad: bool) -> None:
        for box in (self.kind, self.days, self.date, self.year):
            _mark(box, bad)


def format_example(moment) -> str:
    """``29/09/2566 16:30``: how the date boxes read a moment (day/month/BE year)."""
    return f"{moment.day:02d}/{moment.month:02d}/{moment.year + 543} {moment.strftime('%H:%M')}"
