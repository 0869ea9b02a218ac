"""The policy page from Python (issue 16): a moved deadline per fiscal year, impossible timelines
refused at their field, every row of the chart marked, and the controls built before the charts."""

import json
import subprocess
import sys

import pytest

from sandbox.timeline import derive
from sandbox.ui.policy import PolicyExplorer
from sandbox.ui.policy_charts import PLOTLY, VISIBLE, gantt

BRIEFINGS = ("ประชุมชี้แจงผ่าน Microsoft Teams", "ประชุมชี้แจงผ่าน Facebook Live")


def figure_of(output) -> dict:
    fig = output.outputs[-1]["data"][PLOTLY]
    json.dumps(fig)  # plain data the frontend can take
    return fig


def rows_without_mark(fig: dict) -> list[str]:
    """Rows of the chart with nothing a person can see: no marker, and no bar of visible length."""
    marked = set()
    for trace in fig["data"]:
        for x, y in zip(trace["x"], trace["y"], strict=True):
            if trace["type"] == "scatter" or x >= VISIBLE.total_seconds() * 1000:
                marked.add(y)
    return [row for row in fig["layout"]["yaxis"]["categoryarray"] if row not in marked]


@pytest.fixture
def page():
    return PolicyExplorer(fiscal_years=(2566, 2567, 2568))


def test_every_row_of_the_timeline_has_a_mark_the_briefings_too():
    events = derive(2567) + derive(2568)
    fig = gantt(events, "t", "th")
    fig = fig if isinstance(fig, dict) else fig.to_plotly_json()
    rows = fig["layout"]["yaxis"]["categoryarray"]
    assert [b for b in BRIEFINGS if any(r.startswith(b) for r in rows)] == list(BRIEFINGS)
    assert rows_without_mark(fig) == []


def test_the_controls_come_without_plotly_pandas_or_the_simulation():
    """The page's cell builds the controls only: what costs seconds waits for the first paint."""
    code = ("import sys; from sandbox.ui.policy import PolicyExplorer; p = PolicyExplorer(); "
            "print(sorted(m for m in ('plotly', 'pandas', 'sandbox.simulation', 'nbformat') if m in sys.modules), "
            "p.chart.outputs == (), p.chart_wait.layout.display)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] True None"


def test_the_chart_is_drawn_once_the_frontend_has_displayed_the_page(page):
    assert page.chart.outputs == () and not page.drawn and page._population is None
    assert "กำลังวาดลำดับเวลา" in page.chart_wait.value
    page.chart_wait._view_count = 1  # what the frontend sends when the placeholder's view is displayed
    fig = figure_of(page.chart)
    assert page.drawn and page.chart_wait.layout.display == "none"
    assert fig["layout"]["title"]["text"] == "ลำดับเวลา ปีงบประมาณ 2566, 2567, 2568"
    assert rows_without_mark(fig) == []
    assert page._population is not None and "8,000" in page.sim_head.value


def test_a_rule_gives_each_fiscal_year_its_own_deadline(page):
    page.sept_rule.kind.value = "before_last"
    page.sept_rule.days.value = 5
    page.draw_btn.click()
    html = page.moved_view.value
    assert "gf-err" not in html and "กำหนดส่งของแต่ละปีงบประมาณ" in html
    for deadline in ("22 กันยายน 2566 เวลา 16.30 น.", "23 กันยายน 2567 เวลา 16.30 น.", "23 กันยายน 2568 เวลา 16.30 น."):
        assert deadline in html
    assert "1 สิงหาคม 2566 เวลา 00.00 น. – 22 กันยายน 2566 เวลา 16.30 น." in html  # FY2566 stays in 2566
    assert page.sept_rule.days.layout.display is None and page.sept.layout.display == "none"


def test_a_date_moves_only_the_fiscal_year_chosen(page):
    page.sept_rule.kind.value = "on_date"
    assert page.sept.layout.display is None and list(page.sept_rule.year.options) == [2566, 2567, 2568]
    assert page.sept.placeholder == "29/09/2566 16:30"  # the chosen year's own deadline as the example
    page.sept.value = "20/09/2567"
    page.sept_rule.year.value = 2567
    result = page.draw()
    assert not result.refused
    assert {b.start.year for a, b in result.shifts if b.key == "september_deadline"} == {2024}
    assert result.policies[2566].september_deadline.isoformat() == "2023-09-29T16:30:00+07:00"
    assert result.policies[2568].september_deadline.isoformat() == "2025-09-30T16:30:00+07:00"


def test_the_issue_timeline_is_refused_at_its_field_and_the_chart_stays(page):
    page.draw()
    before = page.chart.outputs
    page.sept_rule.kind.value = "on_date"
    page.sept.value = "20/09/2567"
    page.sept_rule.year.value = 2566  # FY2566's round ending in 2567: the issue's timeline
    page.draw_btn.click()
    html = page.moved_view.value
    assert "gf-err" in html and "ลำดับเวลานี้เป็นไปไม่ได้" in html
    assert "«กำหนดรอบกันยายน» ปีงบประมาณ 2566" in html and "เลยสิ้นปีงบประมาณ" in html and "มาตรา 43" in html
    assert page.chart.outputs == before  # nothing drawn from an impossible timeline
    assert "gf-pol-bad" in page.sept._dom_classes and "gf-pol-bad" not in page.march._dom_classes
    page.lang_btn.click()
    assert "«September deadline», FY2566" in page.moved_view.value and "Act §43" in page.moved_view.value
    page.sept_rule.year.value = 2568
    page.lang_btn.click()
    assert "ปีงบประมาณ 2568" in page.moved_view.value and "อยู่ก่อนวันเปิดรอบ" in page.moved_view.value
    page.sept_rule.year.value = 2567
    page.draw_btn.click()
    assert "gf-err" not in page.moved_view.value and "gf-pol-bad" not in page.sept._dom_classes
    assert page.chart.outputs != before


def test_a_deadline_on_a_day_off_and_a_date_that_is_no_date_are_refused(page):
    page.years.value = (2567,)
    page.holiday.value = "20/09/2567"
    page.sept_rule.kind.value = "on_date"
    page.sept.value = "20/09/2567 16:30"
    page.draw_btn.click()
    assert "«กำหนดรอบกันยายน» ปีงบประมาณ 2567: 20 กันยายน 2567 เวลา 16.30 น. ไม่ใช่วันทำการ (วันหยุดเพิ่มเติม" in page.moved_view.value
    page.holiday.value = "30/02/2567"
    page.draw_btn.click()
    assert "«วันหยุดเพิ่ม»: «30/02/2567» ไม่ใช่วันที่" in page.moved_view.value
    assert "gf-pol-bad" in page.holiday._dom_classes


def test_the_simulation_is_refused_for_an_impossible_timeline_and_follows_the_rule(page):
    page.sept_rule.kind.value = "after_opening"
    page.sept_rule.days.value = 60  # the 60th business day after 1 August is in October
    assert page.run_simulation() is None and page.outcomes is None
    assert "gf-err" in page.moved_view.value and page.sim_table.value == ""
    page.sept_rule.days.value = 20
    table = page.run_simulation()
    assert table is not None and "นโยบายปัจจุบัน" in page.sim_table.value
    current, changed = page.outcomes
    assert changed.lapsed_money > current.lapsed_money  # a deadline in August leaves more money unconfirmed
    figures = [o["data"][PLOTLY] for o in page.sim_out.outputs]
    assert [f["layout"]["title"]["text"] for f in figures] == [
        "ผู้ใช้ที่ลงทะเบียน Soft Token แล้ว (%)", "เงินที่ List และ Confirm แล้ว รอบกันยายน (พันล้านบาท)"]
    enrol, money = (f["layout"]["xaxis"] for f in figures)  # Buddhist-era dates, level ticks
    assert enrol["ticktext"][0] == "ก.พ. 68" and money["ticktext"][:2] == ["1 ส.ค. 67", "15 ส.ค. 67"]
    assert enrol["tickangle"] == 0 and figures[1]["data"][0]["customdata"][0].endswith("2567")


def test_the_cutover_choice_is_named_not_coded(page):
    labels = [label for label, _key in page.cutover.options]
    assert "หน่วยงานผู้เบิกทุกหน่วยงาน" in labels and not any("_" in label for label in labels)
    assert page.cutover.value == "all_agencies" and page.cutover_to.placeholder == "12/04/2568"
    page.cutover.value = "treasury_offices"
    assert page.cutover_to.placeholder == "01/05/2567"  # the group's own cut-over day, in the Buddhist era
    page.lang_btn.click()
    assert "Every disbursing agency" in [label for label, _ in page.cutover.options]
    assert page.cutover.value == "treasury_offices"  # the choice is kept across languages
