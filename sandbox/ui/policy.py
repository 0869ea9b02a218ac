"""The policy makers' screen: the derived timeline as a plotly Gantt chart (Thai, BE dates, the rule
and its source on hover), what-if controls that redraw it and list what moved, and the national
simulation of who is locked out at the cut-over and how much money lapses."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ..i18n import text
from ..simulation import Behaviour, Outcome, compare, population, simulate
from ..timeline import Event, derive, moved, with_cutover
from .widgets import CSS, button, esc, field, safe, table_html

COLOURS = {"round": "#1f4e79", "cutover": "#c62828"}


def tr(key: str, lang: str) -> str:
    return text("policy", key, lang)


def be_ticks(first: dt.datetime, last: dt.datetime, lang: str = "th") -> tuple[list, list]:
    """Month ticks with the Buddhist-era year (the Thai short month and two digits; ``Sep 2566`` in English)."""
    vals, texts = [], []
    day = dt.date(first.year, first.month, 1)
    while day <= last.date():
        vals.append(day)
        year = str(day.year + 543)
        texts.append(f"{tr(f'month_{day.month}', lang)} {year[-2:] if lang == 'th' else year}")
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return vals, texts


def gantt(events: list[Event], title: str, lang: str = "th") -> go.Figure:
    fig = go.Figure()
    for e in events:
        hover = f"<b>{e.label(lang)}</b><br>{e.span(lang)}<br>{e.rule(lang)}<br>{tr('source', lang)}: [{e.source}]"
        if e.end:
            fig.add_trace(go.Bar(
                x=[(e.end - e.start).total_seconds() * 1000], base=[e.start], y=[e.label(lang)], orientation="h",
                marker_color=COLOURS[e.group], hovertemplate=hover + "<extra></extra>", showlegend=False))
        else:
            fig.add_trace(go.Scatter(
                x=[e.start], y=[e.label(lang)], mode="markers", marker={"symbol": "diamond", "size": 13, "color": COLOURS[e.group]},
                hovertemplate=hover + "<extra></extra>", showlegend=False))
    if events:
        first = min(e.start for e in events)
        last = max((e.end or e.start) for e in events)
        vals, texts = be_ticks(first, last, lang)
        fig.update_xaxes(type="date", tickvals=vals, ticktext=texts)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed([e.label(lang) for e in events])))
    fig.update_layout(title=title, height=120 + 28 * len(events), margin={"l": 10, "r": 10, "t": 50, "b": 30},
                      font={"family": "Sarabun, Noto Sans Thai, sans-serif"}, barmode="overlay")
    return fig


def _slider(value: float, low: float, high: float, step: float) -> w.FloatSlider:
    return w.FloatSlider(value=value, min=low, max=high, step=step, style={"description_width": "160px"},
                         layout=w.Layout(width="440px"))


class PolicyExplorer(w.VBox):
    """Thai first; «English» switches every label (the controls keep their values)."""

    def __init__(self, fiscal_years=(2566, 2567, 2568), seed: int = 2566, lang: str = "th"):
        super().__init__()
        self.add_class("gf-app")
        self.lang = lang
        self.seed = seed
        self.years = w.SelectMultiple(options=list(range(2565, 2571)), value=tuple(fiscal_years), rows=6,
                                      layout=w.Layout(width="110px"))
        self.sept = w.Text(placeholder="2024-09-27T16:30", layout=w.Layout(width="200px"))
        self.march = w.Text(placeholder="2024-03-29T16:30", layout=w.Layout(width="200px"))
        self.holiday = w.Text(placeholder="2024-03-29, 2024-09-30", layout=w.Layout(width="260px"))
        self.cutover = w.Dropdown(options=["all_agencies", "treasury_offices", "pilot_sao", "pilot_mof_cgd"], layout=w.Layout(width="200px"))
        self.cutover_to = w.Text(placeholder="2025-05-01T00:00", layout=w.Layout(width="200px"))
        for box, cls in ((self.sept, "gf-pol-sept"), (self.march, "gf-pol-march"), (self.holiday, "gf-pol-holiday"),
                         (self.cutover_to, "gf-pol-cutover")):
            box.add_class(cls)
        self.draw_btn = button("", "gf-pol-draw", "primary")
        self.lang_btn = button("", "gf-lang")
        self.chart = w.Output()
        self.moved_view = w.HTML()
        self.enrol = _slider(0.18, 0.02, 0.6, 0.01)
        self.confirm = _slider(0.10, 0.01, 0.5, 0.01)
        self.procrastination = _slider(0.6, 0.0, 3.0, 0.1)
        self.sim_btn = button("", "gf-pol-sim", "warning")
        self.sim_out = w.Output()
        self.sim_table = w.HTML()
        self.outcomes = None
        self.draw_btn.on_click(safe(lambda _b: self.draw(), self._error))
        self.sim_btn.on_click(safe(lambda _b: self.run_simulation(), self._error))
        self.lang_btn.on_click(safe(lambda _b: self.set_lang("en" if self.lang == "th" else "th"), self._error))
        self.population = population(seed=seed)
        self.set_lang(lang)

    def set_lang(self, lang: str) -> None:
        """Label every control in ``lang`` and redraw what is on the page."""
        self.lang = lang
        for btn, key in ((self.draw_btn, "redraw"), (self.sim_btn, "simulate"), (self.lang_btn, "language")):
            btn.description = tr(key, lang)
        for slider, key in ((self.enrol, "enrol_rate"), (self.confirm, "confirm_rate"), (self.procrastination, "procrastination")):
            slider.description = tr(key, lang)
        pop = self.population
        controls = w.VBox([
            w.HBox([w.HTML(f"<div class='gf-title'>{esc(tr('title', lang))}</div>"
                           f"<div class='gf-crumb'>{esc(tr('subtitle', lang))}</div>", layout=w.Layout(flex="1")),
                    self.lang_btn]),
            w.HBox([field(tr("fiscal_years", lang), self.years, "110px"),
                    w.VBox([field(tr("september_deadline", lang), self.sept, "150px"),
                            field(tr("march_deadline", lang), self.march, "150px"),
                            field(tr("extra_holidays", lang), self.holiday, "150px"),
                            w.HBox([field(tr("cutover", lang), self.cutover, "150px"), self.cutover_to]), self.draw_btn])]),
        ])
        counts = tr("population", lang).format(units=f"{len(pop.units):,}", users=f"{len(pop.users):,}",
                                               documents=f"{len(pop.documents):,}", seed=self.seed)
        sim = w.VBox([
            w.HTML(f"<hr><div class='gf-title'>{esc(tr('simulation', lang))}</div><div class='gf-crumb'>{esc(counts)}</div>"),
            self.enrol, self.confirm, self.procrastination, self.sim_btn, self.sim_table, self.sim_out,
        ])
        self.children = [w.HTML(CSS), controls, self.moved_view, self.chart, sim]
        self.draw()
        if self.outcomes is not None:
            self.show_outcomes(*self.outcomes)

    def _error(self, html: str) -> None:
        self.moved_view.value = html

    def changes(self) -> dict:
        out = {}
        if self.sept.value.strip():
            out["september_deadline"] = self.sept.value.strip()
        if self.march.value.strip():
            out["march_deadline"] = self.march.value.strip()
        if self.holiday.value.strip():
            out["extra_holidays"] = [d.strip() for d in self.holiday.value.split(",") if d.strip()]
        if self.cutover_to.value.strip():
            out["cutovers"] = with_cutover(self.cutover.value, self.cutover_to.value.strip())
        return out

    def what_if(self) -> tuple[list[Event], list[tuple[Event, Event]]]:
        """The timeline under the controls' values, and the events that moved."""
        changed = self.changes()
        events, shifts = [], []
        for fy in sorted(self.years.value):
            base = derive(fy)
            now = derive(fy, **changed)
            events += now
            shifts += moved(base, now)
        return events, shifts

    def draw(self) -> list[tuple[Event, Event]]:
        lang = self.lang
        events, shifts = self.what_if()
        self.chart.clear_output(wait=True)
        with self.chart:
            gantt(events, tr("chart_title", lang).format(years=", ".join(map(str, sorted(self.years.value)))), lang).show()
        if shifts:
            rows = [[a.label(lang), a.span(lang), b.span(lang)] for a, b in shifts]
            self.moved_view.value = (f"<b>{esc(tr('moved', lang))}</b>"
                                     + table_html([tr("event", lang), tr("before", lang), tr("after", lang)], rows))
        else:
            self.moved_view.value = f"<div class='gf-info'>{esc(tr('no_what_if', lang))}</div>"
        self.shifts = shifts
        return shifts

    def run_simulation(self) -> pd.DataFrame:
        """The country under the current policy and under the controls' changes."""
        behaviour = Behaviour(self.enrol.value, self.confirm.value, self.procrastination.value)
        changed = self.changes()
        current_args: dict = {"cutover_key": self.cutover.value}
        changed_args: dict = {"cutover_key": self.cutover.value}
        if "cutovers" in changed:
            changed_args["refuse_from"] = changed["cutovers"][self.cutover.value].refuse_from
        if "september_deadline" in changed:
            changed_args["september_deadline"] = changed["september_deadline"]
        if "extra_holidays" in changed:
            changed_args["extra_holidays"] = changed["extra_holidays"]
        self.outcomes = (simulate(self.population, behaviour, **current_args),
                         simulate(self.population, behaviour, **changed_args))
        return self.show_outcomes(*self.outcomes)

    def show_outcomes(self, a: Outcome, b: Outcome) -> pd.DataFrame:
        lang = self.lang
        table = compare(a, b, lang)
        rows = [[m, f"{c:,.0f}" if isinstance(c, float) else f"{c:,}", f"{d:,.0f}" if isinstance(d, float) else f"{d:,}"]
                for m, c, d in table.itertuples(index=False)]
        self.sim_table.value = table_html(["", tr("current", lang), tr("changed", lang)], rows, {1, 2})
        self.sim_out.clear_output(wait=True)
        with self.sim_out:
            for curve, x, y, scale, title in (
                ("enrolment_curve", "date", "enrolled_share", 100, "enrolment_chart"),
                ("confirm_curve", "day", "confirmed_money", 1e-9, "money_chart"),
            ):
                fig = go.Figure()
                for outcome, name in ((a, "current_short"), (b, "changed_short")):
                    data = getattr(outcome, curve)
                    fig.add_scatter(x=data[x], y=data[y] * scale, name=tr(name, lang))
                fig.update_layout(title=tr(title, lang), height=320, font={"family": "Sarabun, Noto Sans Thai, sans-serif"})
                fig.show()
        return table
