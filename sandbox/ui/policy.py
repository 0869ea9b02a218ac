"""The policy makers' screen: the derived timeline as a plotly Gantt chart (Thai, BE dates, the rule
and its source on hover), what-if controls that redraw it and list what moved, and the national
simulation of who is locked out at the cut-over and how much money lapses."""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import plotly.graph_objects as go

from ..simulation import Behaviour, compare, population, simulate
from ..timeline import Event, derive, moved, thai_span, with_cutover
from .widgets import CSS, button, field, safe, table_html

COLOURS = {"round": "#1f4e79", "cutover": "#c62828"}
MONTHS_TH = ["ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."]


def be_ticks(first: dt.datetime, last: dt.datetime) -> tuple[list, list]:
    """Month ticks labelled in Thai with the Buddhist-era year."""
    vals, texts = [], []
    day = dt.date(first.year, first.month, 1)
    while day <= last.date():
        vals.append(day)
        texts.append(f"{MONTHS_TH[day.month - 1]} {str(day.year + 543)[-2:]}")
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return vals, texts


def gantt(events: list[Event], title: str) -> go.Figure:
    fig = go.Figure()
    rows = [e.label_th for e in events]
    for e in events:
        hover = f"<b>{e.label_th}</b><br>{thai_span(e)}<br>{e.rule_th}<br>ที่มา: [{e.source}]"
        if e.end:
            fig.add_trace(go.Bar(
                x=[(e.end - e.start).total_seconds() * 1000], base=[e.start], y=[e.label_th], orientation="h",
                marker_color=COLOURS[e.group], hovertemplate=hover + "<extra></extra>", showlegend=False))
        else:
            fig.add_trace(go.Scatter(
                x=[e.start], y=[e.label_th], mode="markers", marker={"symbol": "diamond", "size": 13, "color": COLOURS[e.group]},
                hovertemplate=hover + "<extra></extra>", showlegend=False))
    if events:
        first = min(e.start for e in events)
        last = max((e.end or e.start) for e in events)
        vals, texts = be_ticks(first, last)
        fig.update_xaxes(type="date", tickvals=vals, ticktext=texts)
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(rows)))
    fig.update_layout(title=title, height=120 + 28 * len(events), margin={"l": 10, "r": 10, "t": 50, "b": 30},
                      font={"family": "Sarabun, Noto Sans Thai, sans-serif"}, barmode="overlay")
    return fig


class PolicyExplorer(w.VBox):
    def __init__(self, fiscal_years=(2566, 2567, 2568), seed: int = 2566):
        super().__init__()
        self.add_class("gf-app")
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
        self.draw_btn = button("วาดใหม่ (redraw)", "gf-pol-draw", "primary")
        self.chart = w.Output()
        self.moved_view = w.HTML()
        self.enrol = w.FloatSlider(value=0.18, min=0.02, max=0.6, step=0.01, description="ลงทะเบียน/สัปดาห์", style={"description_width": "140px"}, layout=w.Layout(width="420px"))
        self.confirm = w.FloatSlider(value=0.10, min=0.01, max=0.5, step=0.01, description="Confirm/วันทำการ", style={"description_width": "140px"}, layout=w.Layout(width="420px"))
        self.procrastination = w.FloatSlider(value=0.6, min=0.0, max=3.0, step=0.1, description="ทำตอนใกล้กำหนด", style={"description_width": "140px"}, layout=w.Layout(width="420px"))
        self.sim_btn = button("จำลองทั้งประเทศ (simulate)", "gf-pol-sim", "warning")
        self.sim_out = w.Output()
        self.sim_table = w.HTML()
        self.draw_btn.on_click(safe(lambda _b: self.draw(), self._error))
        self.sim_btn.on_click(safe(lambda _b: self.run_simulation(), self._error))
        self.population = population(seed=seed)
        controls = w.VBox([
            w.HTML("<div class='gf-title'>ลำดับเวลาตามนโยบาย (policy timeline)</div>"
                   "<div class='gf-crumb'>วันที่ทั้งหมดคำนวณจากข้อมูลนโยบายและปฏิทินวันทำการ (SPEC §3.5, §5) · "
                   "every date is derived from the policy data and the business-day calendar</div>"),
            w.HBox([field("ปีงบประมาณ", self.years, "100px"),
                    w.VBox([field("กำหนดรอบกันยายน", self.sept, "150px"), field("กำหนดรอบมีนาคม", self.march, "150px"),
                            field("วันหยุดเพิ่ม", self.holiday, "150px"),
                            w.HBox([field("วันเปลี่ยนผ่าน", self.cutover, "150px"), self.cutover_to]), self.draw_btn])]),
        ])
        sim = w.VBox([
            w.HTML("<hr><div class='gf-title'>จำลองระดับประเทศ (national simulation)</div>"
                   f"<div class='gf-crumb'>{len(self.population.units):,} หน่วยเบิกจ่าย · {len(self.population.users):,} ผู้ใช้ · "
                   f"{len(self.population.documents):,} เอกสารสำรองเงิน (สุ่มด้วย seed {seed})</div>"),
            self.enrol, self.confirm, self.procrastination, self.sim_btn, self.sim_table, self.sim_out,
        ])
        self.children = [w.HTML(CSS), controls, self.moved_view, self.chart, sim]
        self.draw()

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
        events, shifts = self.what_if()
        self.chart.clear_output(wait=True)
        with self.chart:
            gantt(events, "ลำดับเวลา ปีงบประมาณ " + ", ".join(map(str, sorted(self.years.value)))).show()
        if shifts:
            rows = [[a.label_th, thai_span(a), thai_span(b)] for a, b in shifts]
            self.moved_view.value = "<b>วันที่ที่เปลี่ยนไป (dates that moved)</b>" + table_html(["เหตุการณ์", "เดิม", "ใหม่"], rows)
        else:
            self.moved_view.value = "<div class='gf-info'>ยังไม่มีการเปลี่ยนแปลง (no what-if yet)</div>"
        self.shifts = shifts
        return shifts

    def run_simulation(self):
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
        table = compare(self.population, behaviour, current_args, changed_args)
        a = simulate(self.population, behaviour, **current_args)
        b = simulate(self.population, behaviour, **changed_args)
        rows = [[m, f"{c:,.0f}" if isinstance(c, float) else f"{c:,}", f"{d:,.0f}" if isinstance(d, float) else f"{d:,}"]
                for m, c, d in table.itertuples(index=False)]
        self.sim_table.value = table_html(["", "นโยบายปัจจุบัน (current)", "นโยบายที่เปลี่ยน (changed)"], rows, {1, 2})
        self.sim_out.clear_output(wait=True)
        with self.sim_out:
            enrol = go.Figure()
            enrol.add_scatter(x=a.enrolment_curve["date"], y=a.enrolment_curve["enrolled_share"] * 100, name="ปัจจุบัน")
            enrol.add_scatter(x=b.enrolment_curve["date"], y=b.enrolment_curve["enrolled_share"] * 100, name="เปลี่ยน")
            enrol.update_layout(title="ผู้ใช้ที่ลงทะเบียน Soft Token แล้ว (%)", height=320, yaxis_title="%")
            enrol.show()
            money = go.Figure()
            money.add_scatter(x=a.confirm_curve["day"], y=a.confirm_curve["confirmed_money"] / 1e9, name="ปัจจุบัน")
            money.add_scatter(x=b.confirm_curve["day"], y=b.confirm_curve["confirmed_money"] / 1e9, name="เปลี่ยน")
            money.update_layout(title="เงินที่ List และ Confirm แล้ว รอบกันยายน (พันล้านบาท)", height=320)
            money.show()
        self.outcomes = (a, b)
        return table

