"""The policy makers' screen: the derived timeline as a Gantt chart (Thai, BE dates, the rule and its
source on hover), what-if controls — a moved deadline is a rule per fiscal year or a date for one
chosen year; an impossible timeline is refused naming the field and the rule — and the national
simulation of who is locked out at the cut-over and how much money lapses.

The controls come first: the page's cell builds them and nothing else (no plotly, pandas or
simulation import); the chart is drawn once the frontend has displayed the page (it counts the
placeholder's views, ``_view_count``), the simulation's population after that, in a thread. A click
is answered before any chart: a language switch relabels the page's widgets in place (none built,
none torn down) and sends the charts, plotly's slowest work in the browser, once the labels are out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading

import ipywidgets as w

from ..calendar import BusinessCalendar, format_moment
from ..domain.policy import apply_rules
from ..whatif import (
    CUTOVER_TIME,
    Changes,
    Problem,
    WhatIf,
    cutover_names,
    cutover_refuse_from,
    read_days,
    read_moment,
    run,
)
from .policy_charts import gantt, lines, outputs
from .policy_controls import RuleControls, _mark, _show, _slider, format_example, later, tr
from .widgets import CSS, button, esc, safe, table_html

__all__ = ["PolicyExplorer", "RuleControls", "format_example", "later"]
log = logging.getLogger("sandbox.ui")
SIM_FY = 2567  # the national simulation's fiscal year (its September round)
CHART_LATER_S = 0.25  # a language switch: the labels first, the charts (plotly's redraw) this much later
FIRST_CHART_S = 0.5  # the chart this long after the page is displayed: its first paint done without plotly
FALLBACK_S = 8.0  # draw anyway if no frontend reports the page displayed by then
STYLE = ("<style>.gf-pol-bad input, .gf-pol-bad select { border: 2px solid #c62828 !important; }"
         ".gf-pol-help { color: #555; font-size: 12px; padding-left: 6px; }</style>")


class PolicyExplorer(w.VBox):
    """Thai first; «English» switches every label (the controls keep their values)."""

    def __init__(self, fiscal_years=(2566, 2567, 2568), seed: int = 2566, lang: str = "th"):
        super().__init__()
        self.add_class("gf-app")
        self.lang, self.seed = lang, seed
        self.years = w.SelectMultiple(options=list(range(2565, 2571)), value=tuple(fiscal_years), rows=6,
                                      layout=w.Layout(width="110px"))
        self.sept_rule = RuleControls("september", "gf-pol-sept")
        self.march_rule = RuleControls("march", "gf-pol-march")
        self.sept, self.march = self.sept_rule.date, self.march_rule.date
        self.holiday = w.Text(layout=w.Layout(width="260px"))
        self.holiday.add_class("gf-pol-holiday")
        self.cutover = w.Dropdown(layout=w.Layout(width="330px"))
        self.cutover_to = w.Text(layout=w.Layout(width="160px"))
        self.cutover_to.add_class("gf-pol-cutover")
        self.helps = {key: w.HTML() for key in ("holiday", "cutover")}
        self.draw_btn = button("", "gf-pol-draw", "primary")
        self.lang_btn = button("", "gf-lang")
        self.chart = w.Output()
        self.chart_wait = w.HTML()
        self.moved_view = w.HTML()
        self.enrol = _slider(0.18, 0.02, 0.6, 0.01)
        self.confirm = _slider(0.10, 0.01, 0.5, 0.01)
        self.procrastination = _slider(0.6, 0.0, 3.0, 0.1)
        self.sim_btn = button("", "gf-pol-sim", "warning")
        self.sim_head = w.HTML()
        self.sim_out = w.Output()
        self.sim_table = w.HTML()
        self.outcomes = None
        self.result: WhatIf | None = None
        self.drawn = False
        self._population = None
        self._population_lock = threading.Lock()
        self.draw_btn.on_click(safe(lambda _b: self.draw(), self._error))
        self.sim_btn.on_click(safe(lambda _b: self.run_simulation(), self._error))
        self.lang_btn.on_click(safe(lambda _b: self.set_lang("en" if self.lang == "th" else "th"), self._error))
        self.years.observe(lambda _c: self._years_changed(), names="value")
        self.cutover.observe(lambda _c: self._cutover_example(), names="value")
        self._years_changed()
        self._build()
        self.set_lang(lang)
        # The chart after the first paint: the frontend counts the placeholder's views once it is displayed.
        self.chart_wait._view_count = 0
        self.chart_wait.observe(safe(self._displayed, self._error), names="_view_count")
        # A pre-heated kernel waits for its page however long it takes: drawn before it, the chart would be
        # in the page's first state, and plotly (its module's first run and the chart) before the first paint.
        if os.environ.get("VOILA_PREHEAT") != "True":
            later(FALLBACK_S, safe(lambda: self.drawn or self.first_draw(), self._error), or_now=False)

    # ------------------------------------------------------------------ the page

    def _build(self) -> None:
        """The page's tree, once: a language switch relabels these widgets in place (no new widget
        for the frontend to create, no old one to tear down)."""
        self.title = w.HTML(layout=w.Layout(flex="1"))
        self.labels = {key: w.HTML(layout=w.Layout(width=width, flex="0 0 auto"))
                       for key, width in (("fiscal_years", "110px"), ("extra_holidays", "150px"), ("cutover", "150px"))}
        row = lambda key, widget: w.HBox([self.labels[key], widget])  # noqa: E731
        controls = w.VBox([
            w.HBox([self.title, self.lang_btn]),
            w.HBox([row("fiscal_years", self.years),
                    w.VBox([self.sept_rule.row, self.march_rule.row,
                            row("extra_holidays", w.HBox([self.holiday, self.helps["holiday"]])),
                            row("cutover", w.HBox([self.cutover, self.cutover_to, self.helps["cutover"]])),
                            self.draw_btn])]),
        ])
        sim = w.VBox([self.sim_head, self.enrol, self.confirm, self.procrastination, self.sim_btn, self.sim_table, self.sim_out])
        self.children = [w.HTML(CSS + STYLE), controls, self.moved_view, self.chart_wait, self.chart, sim]

    def set_lang(self, lang: str) -> None:
        """Label every control in ``lang`` and redraw what is on the page: the texts at once, the
        charts once the kernel is free again (the person sees the answer first)."""
        self.lang = lang
        for btn, key in ((self.draw_btn, "redraw"), (self.sim_btn, "simulate"), (self.lang_btn, "language")):
            btn.description = tr(key, lang)
        for slider, key in ((self.enrol, "enrol_rate"), (self.confirm, "confirm_rate"), (self.procrastination, "procrastination")):
            slider.description = tr(key, lang)
        for rule in (self.sept_rule, self.march_rule):
            rule.relabel(lang)
        keep = self.cutover.value
        self.cutover.options = cutover_names(lang)
        self.cutover.value = keep or "all_agencies"
        self.holiday.placeholder = tr("pol_example_day", lang)
        self._cutover_example()
        self.helps["holiday"].value = f"<span class='gf-pol-help'>{esc(tr('pol_holiday_help', lang))}</span>"
        self.helps["cutover"].value = f"<span class='gf-pol-help'>{esc(tr('pol_cutover_help', lang))}</span>"
        self.chart_wait.value = f"<div class='gf-info'>{esc(tr('pol_drawing', lang))}</div>"
        self.title.value = (f"<div class='gf-title'>{esc(tr('title', lang))}</div>"
                            f"<div class='gf-crumb'>{esc(tr('subtitle', lang))}</div>")
        for key, box in self.labels.items():
            box.value = f"<span>{esc(tr(key, lang))}</span>"
        self._sim_head()
        if self.drawn:
            self.draw(chart_later=True)
        if self.outcomes is not None:
            self.show_outcomes(*self.outcomes, charts_later=True)

    def _sim_head(self) -> None:
        lang, pop = self.lang, self._population
        counts = "" if pop is None else tr("population", lang).format(
            units=f"{len(pop.units):,}", users=f"{len(pop.users):,}", documents=f"{len(pop.documents):,}", seed=self.seed)
        self.sim_head.value = (f"<hr><div class='gf-title'>{esc(tr('simulation', lang))}</div>"
                               f"<div class='gf-crumb'>{esc(counts)}</div>"
                               f"<div class='gf-crumb'>{esc(tr('pol_sim_year', lang).format(fy=SIM_FY))}</div>")

    def _cutover_example(self) -> None:
        """The chosen group's own cut-over day as the example: what the what-if moves."""
        if self.cutover.value:
            self.cutover_to.placeholder = format_example(cutover_refuse_from(self.cutover.value))[:10]

    def _years_changed(self) -> None:
        years = sorted(self.years.value)
        for rule in (self.sept_rule, self.march_rule):
            rule.set_years(years)

    def _displayed(self, change) -> None:
        """The frontend has displayed the page: draw once its first paint is done (plotly's first run,
        0.5-1 s of the browser's main thread, no longer holds the controls back)."""
        if change["new"] and not self.drawn:
            later(FIRST_CHART_S, safe(self.first_draw, self._error))

    def first_draw(self) -> None:
        """The chart, then (once the kernel is free again) the simulation's population."""
        if not self.drawn:
            self.draw()
        later(0.5, safe(self._load_population, self._error))

    def _load_population(self) -> None:
        """Built now, so «Simulate» answers at once; on a running kernel in a thread (0.3-0.4 s of
        pandas and numpy): a click meanwhile is answered between two of its steps, not after it."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.population  # noqa: B018
            self._sim_head()
            return

        def build() -> None:
            try:
                self.population  # noqa: B018
            except Exception:  # «Simulate» builds it again and reports what went wrong
                log.exception("policy page: the population")
                return
            with contextlib.suppress(RuntimeError):  # a loop closed meanwhile (a script, a test): nothing to show
                loop.call_soon_threadsafe(safe(self._sim_head, self._error))

        threading.Thread(target=build, name="policy-population", daemon=True).start()

    @property
    def population(self):
        with self._population_lock:  # the thread above, or «Simulate» before it is done
            if self._population is None:
                from ..simulation import population

                self._population = population(seed=self.seed)
        return self._population

    def _error(self, html: str) -> None:
        self.moved_view.value = html

    # ------------------------------------------------------------------ the what-if

    def changes(self) -> tuple[Changes, list[Problem]]:
        """What the controls say, and what could not be read (each naming its field)."""
        problems: list[Problem] = []
        sept, march = self.sept_rule.rule(problems), self.march_rule.rule(problems)
        holidays = read_days(self.holiday.value, problems)
        cutover = None
        if self.cutover_to.value.strip():
            moment = read_moment("cutover", self.cutover_to.value.strip(), CUTOVER_TIME, problems)
            cutover = (self.cutover.value, moment) if moment else None
        if not self.years.value:
            problems.append(Problem("fiscal_years", "no_years"))
        return Changes(tuple(sorted(self.years.value)), sept, march, holidays, cutover), problems

    def what_if(self) -> WhatIf:
        """The timeline under the controls' values, the events that moved, and what is impossible."""
        changes, problems = self.changes()
        return run(changes, problems)

    def _problems_html(self, problems: list[Problem]) -> str:
        items = "".join(f"<li>{esc(p.message(self.lang))}</li>" for p in problems)
        return f"<div class='gf-err'><b>{esc(tr('pol_refused', self.lang))}</b><ul>{items}</ul></div>"

    def _mark(self, problems: list[Problem]) -> None:
        bad = {p.field for p in problems}
        self.sept_rule.mark("september_deadline" in bad)
        self.march_rule.mark("march_deadline" in bad)
        _mark(self.holiday, "extra_holidays" in bad)
        _mark(self.cutover_to, "cutover" in bad)
        _mark(self.years, "fiscal_years" in bad)

    def draw(self, chart_later: bool = False) -> WhatIf:
        """Redraw under the controls' values; an impossible timeline is refused and the chart stays.
        ``chart_later``: the texts now, the chart once this message is answered (a language switch)."""
        lang = self.lang
        result = self.what_if()
        self.result = result
        self._mark(result.problems)
        if result.refused:
            self.moved_view.value = self._problems_html(result.problems)
            return result
        if chart_later:
            later(CHART_LATER_S, safe(lambda: self.result is result and self._chart(result, lang), self._error))
        else:
            self._chart(result, lang)
        html = ""
        if result.shifts:
            rows = [[a.label(lang), a.span(lang), b.span(lang)] for a, b in result.shifts]
            html += (f"<b>{esc(tr('moved', lang))}</b>"
                     + table_html([tr("event", lang), tr("before", lang), tr("after", lang)], rows))
        else:
            html += f"<div class='gf-info'>{esc(tr('no_what_if', lang))}</div>"
        if any(r.kind != "letters" for r in result.changes.rules):
            html += self._deadlines_html(result)
        self.moved_view.value = html
        return result

    def _chart(self, result: WhatIf, lang: str) -> None:
        title = tr("chart_title", lang).format(years=", ".join(map(str, result.changes.fiscal_years)))
        self.chart.outputs = outputs(gantt(result.events, title, lang))
        _show(self.chart_wait, False)
        self.drawn = True

    def _deadlines_html(self, result: WhatIf) -> str:
        lang = self.lang
        rows = []
        for fy, policy in sorted(result.policies.items()):
            rows.append([str(fy)] + [f"{format_moment(policy.window(r)[0], lang)} – {format_moment(policy.window(r)[1], lang)}"
                                     for r in ("september", "march")])
        head = [tr("pol_fiscal_year", lang), tr("pol_round_september", lang), tr("pol_round_march", lang)]
        return f"<b>{esc(tr('pol_deadlines', lang))}</b>" + table_html(head, rows)

    # ------------------------------------------------------------------ the national simulation

    def run_simulation(self):
        """The country under the current policy and under the controls' changes (FY ``SIM_FY``);
        an impossible timeline is refused and nothing is simulated."""
        from ..simulation import Behaviour, simulate

        result = self.what_if()
        changes = result.changes
        problems = list(result.problems)
        policy = None
        if not problems:
            policy, found = apply_rules(SIM_FY, BusinessCalendar(changes.extra_holidays), changes.rules)
            problems += [Problem(f"{p.round}_deadline", p.code, p.fiscal_year, p.deadline, p.limit) for p in found]
        self._mark(problems)
        if problems:
            self.moved_view.value = self._problems_html(problems)
            return None
        behaviour = Behaviour(self.enrol.value, self.confirm.value, self.procrastination.value)
        current: dict = {"cutover_key": self.cutover.value, "fiscal_year": SIM_FY}
        changed = dict(current)
        if changes.cutover:
            changed["refuse_from"] = changes.cutover[1]
        if policy.september_override:
            changed["september_deadline"] = policy.september_override
        if changes.extra_holidays:
            changed["extra_holidays"] = list(changes.extra_holidays)
        self.outcomes = (simulate(self.population, behaviour, **current), simulate(self.population, behaviour, **changed))
        return self.show_outcomes(*self.outcomes)

    def show_outcomes(self, a, b, charts_later: bool = False):
        """The table now; the two charts now, or (a language switch) once this message is answered."""
        from ..simulation import compare

        lang = self.lang
        table = compare(a, b, lang)
        rows = [[m, f"{c:,.0f}" if isinstance(c, float) else f"{c:,}", f"{d:,.0f}" if isinstance(d, float) else f"{d:,}"]
                for m, c, d in table.itertuples(index=False)]
        self.sim_table.value = table_html(["", tr("current", lang), tr("changed", lang)], rows, {1, 2})
        if charts_later:
            outcomes = self.outcomes
            later(CHART_LATER_S, safe(lambda: self.outcomes is outcomes and self._sim_charts(a, b, lang), self._error))
        else:
            self._sim_charts(a, b, lang)
        return table

    def _sim_charts(self, a, b, lang: str) -> None:
        figures = []
        for curve, x, y, scale, title in (
            ("enrolment_curve", "date", "enrolled_share", 100, "enrolment_chart"),
            ("confirm_curve", "day", "confirmed_money", 1e-9, "money_chart"),
        ):
            series = [(tr(name, lang), list(getattr(o, curve)[x]), list(getattr(o, curve)[y] * scale))
                      for o, name in ((a, "current_short"), (b, "changed_short"))]
            figures.append(lines(series, tr(title, lang), lang))
        self.sim_out.outputs = outputs(*figures)
