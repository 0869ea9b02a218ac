"""The policy page's first click (issue 17, «usable in ≤ 3 s»): the mechanisms, not the seconds
(those are in ``python -m bench.pages``). A language switch relabels the page in place and sends
its charts after the answer; the timeline is a fixed, small number of plotly traces; the
simulation's population is built off the kernel's event loop."""

import asyncio
import threading

import pytest
from ipywidgets.widgets.widget import _instances

import sandbox.simulation
from sandbox.timeline import derive
from sandbox.ui import policy
from sandbox.ui.policy import PolicyExplorer
from sandbox.ui.policy_charts import PLOTLY, gantt


def chart_title(page: PolicyExplorer) -> str:
    return page.chart.outputs[-1]["data"][PLOTLY]["layout"]["title"]["text"]


def test_a_language_switch_builds_no_widget_and_keeps_the_page_tree():
    page = PolicyExplorer()
    page.draw()
    tree, count = page.children, len(_instances)
    page.lang_btn.click()
    assert "Policy timeline" in page.title.value and page.labels["cutover"].value != ""
    assert page.children is tree or list(page.children) == list(tree)
    assert len(_instances) == count  # nothing new for the browser to create, nothing left open
    assert chart_title(page).startswith("Timeline")  # no running loop (a test): the chart at once


def test_on_a_running_kernel_the_labels_go_first_and_the_chart_after():
    async def scenario():
        page = PolicyExplorer()
        page.draw()
        page.lang_btn.click()
        answered = (page.title.value, chart_title(page))
        await asyncio.sleep(policy.CHART_LATER_S + 0.2)
        return answered, chart_title(page)

    (title, chart_then), chart_later = asyncio.run(scenario())
    assert "Policy timeline" in title
    assert chart_then.startswith("ลำดับเวลา")  # still the Thai chart when the click is answered
    assert chart_later.startswith("Timeline")


def test_a_chart_overtaken_by_a_newer_draw_is_not_sent():
    async def scenario():
        page = PolicyExplorer()
        page.draw()
        page.lang_btn.click()  # English chart scheduled
        page.years.value = (2567,)
        page.draw()  # drawn at once, for one year
        await asyncio.sleep(policy.CHART_LATER_S + 0.2)
        return chart_title(page)

    assert asyncio.run(scenario()) == policy.tr("chart_title", "en").format(years="2567")


@pytest.mark.parametrize("years", [(2567,), (2565, 2566, 2567, 2568, 2569, 2570)])
def test_the_timeline_is_two_traces_whatever_its_events(years):
    events = [e for fy in years for e in derive(fy)]
    fig = gantt(events, "t", "th")
    assert [t["type"] for t in fig["data"]] == ["bar", "scatter"]
    points = sum(len(t["y"]) for t in fig["data"])
    assert points >= len(events)  # every event drawn: a bar, a diamond or both
    for trace in fig["data"]:
        assert len(trace["hovertemplate"]) == len(trace["y"]) == len(trace["marker"]["color"])
        assert all("[" in h and "<extra></extra>" in h for h in trace["hovertemplate"])  # the rule's source on hover


def test_the_population_is_built_off_the_event_loop(monkeypatch):
    release, started = threading.Event(), threading.Event()
    real = sandbox.simulation.population

    def slow_population(**kwargs):
        started.set()
        assert release.wait(10)
        return real(**kwargs)

    monkeypatch.setattr(sandbox.simulation, "population", slow_population)

    async def scenario():
        page = PolicyExplorer()
        page._load_population()
        assert await asyncio.to_thread(started.wait, 10)
        page.lang_btn.click()  # the loop answers a click while the population is being built
        answered = "Policy timeline" in page.title.value and page._population is None
        release.set()
        for _ in range(200):
            if page._population is not None and "8,000" in page.sim_head.value:
                break
            await asyncio.sleep(0.05)
        return answered, page

    answered, page = asyncio.run(scenario())
    assert answered
    assert "8,000" in page.sim_head.value and threading.current_thread() is threading.main_thread()


@pytest.mark.parametrize("preheated", [True, False])
def test_a_pre_heated_kernel_draws_only_once_its_page_is_displayed(monkeypatch, preheated):
    """Voila runs a pre-heated kernel's cell before anyone asks: a chart drawn then would be in the
    page's first state, and plotly's first run before the first paint. Without a page's view
    count, only a kernel started for its page draws anyway (after FALLBACK_S)."""
    monkeypatch.setattr(policy, "FALLBACK_S", 0.05)
    monkeypatch.setattr(policy, "FIRST_CHART_S", 0.05)
    if preheated:
        monkeypatch.setenv("VOILA_PREHEAT", "True")
    else:
        monkeypatch.delenv("VOILA_PREHEAT", raising=False)

    async def scenario():
        page = PolicyExplorer()
        await asyncio.sleep(0.3)
        waited = page.drawn
        page.chart_wait._view_count = 1  # the page is displayed
        await asyncio.sleep(0.3)
        return waited, page.drawn

    waited, drawn = asyncio.run(scenario())
    assert waited is not preheated and drawn
