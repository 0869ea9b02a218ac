"""The policy page's charts as plotly JSON (``application/vnd.plotly.v1+json``), built as plain data:
no plotly import and no validation pass in the kernel, so the page's controls come first. Dates are
Bangkok wall-clock time; month ticks carry the Buddhist-era year."""

from __future__ import annotations

import datetime as dt

from ..calendar import to_bangkok
from ..i18n import text
from ..timeline import Event

PLOTLY = "application/vnd.plotly.v1+json"
COLOURS = {"round": "#1f4e79", "cutover": "#c62828"}
FONT = {"family": "Sarabun, Noto Sans Thai, sans-serif"}
CONFIG = {"displaylogo": False, "responsive": True}
# A period shorter than this is a sliver on a chart of months (a briefing is 2.5 hours): its row
# also gets a marker at its start, so every row shows something.
VISIBLE = dt.timedelta(days=7)


def tr(key: str, lang: str) -> str:
    return text("policy", key, lang)


def local(moment: dt.datetime | dt.date) -> str:
    """Bangkok wall-clock time as plotly reads dates (plotly.js ignores UTC offsets)."""
    if isinstance(moment, dt.datetime):
        return to_bangkok(moment).strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat()


def be_ticks(first: dt.datetime, last: dt.datetime, lang: str = "th") -> tuple[list, list]:
    """Ticks with the Buddhist-era year, few enough to stay level and readable: the 1st and the 15th
    of each month over a short span (``15 ส.ค. 67``), else every month, second or third month
    (``ก.ย. 66``; ``Sep 2566`` in English)."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    vals, texts = [], []
    day = dt.date(first.year, first.month, 1)
    while day <= last.date():
        year = str(day.year + 543)
        short = f"{tr(f'month_{day.month}', lang)} {year[-2:] if lang == 'th' else year}"
        if months <= 4:
            for d in (1, 15):
                vals.append(day.replace(day=d).isoformat())
                texts.append(f"{d} {short}")
        elif (day.month - 1) % (1 if months <= 14 else 2 if months <= 26 else 3) == 0:
            vals.append(day.isoformat())
            texts.append(short)
        day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return vals, texts


def date_axis(first, last, lang: str) -> dict:
    vals, texts = be_ticks(first, last, lang)
    return {"type": "date", "tickvals": vals, "ticktext": texts, "tickangle": 0}


def gantt(events: list[Event], title: str, lang: str = "th") -> dict:
    """The timeline: a bar for every period, a diamond for every instant and for every period too
    short to see (every row has a mark); hover: the rule and its source. Two traces in all (the
    bars, the diamonds: colour and hover per point): plotly's cost grows with traces, not points."""
    rows: list[str] = []
    bars: dict = {"x": [], "base": [], "y": [], "color": [], "hover": []}
    marks: dict = {"x": [], "y": [], "color": [], "hover": []}
    for e in events:
        row = e.label(lang)
        if row not in rows:
            rows.append(row)
        hover = (f"<b>{row}</b><br>{e.span(lang)}<br>{e.rule(lang)}<br>{tr('source', lang)}: [{e.source}]"
                 "<extra></extra>")
        if e.end:
            for key, value in (("x", (e.end - e.start).total_seconds() * 1000), ("base", local(e.start)), ("y", row),
                               ("color", COLOURS[e.group]), ("hover", hover)):
                bars[key].append(value)
        if not e.end or e.end - e.start < VISIBLE:
            for key, value in (("x", local(e.start)), ("y", row), ("color", COLOURS[e.group]), ("hover", hover)):
                marks[key].append(value)
    data = []
    if bars["y"]:
        data.append({"type": "bar", "orientation": "h", "x": bars["x"], "base": bars["base"], "y": bars["y"],
                     "marker": {"color": bars["color"]}, "hovertemplate": bars["hover"], "showlegend": False})
    if marks["y"]:
        data.append({"type": "scatter", "mode": "markers", "x": marks["x"], "y": marks["y"], "showlegend": False,
                     "marker": {"symbol": "diamond", "size": 13, "color": marks["color"]}, "hovertemplate": marks["hover"]})
    layout: dict = {
        "title": {"text": title}, "height": 120 + 28 * len(rows), "margin": {"l": 10, "r": 10, "t": 50, "b": 30},
        "font": FONT, "barmode": "overlay",
        "yaxis": {"categoryorder": "array", "categoryarray": list(reversed(rows)), "automargin": True},
        "xaxis": {"type": "date"},
    }
    if events:
        layout["xaxis"] = date_axis(min(e.start for e in events), max((e.end or e.start) for e in events), lang)
    return {"data": data, "layout": layout, "config": CONFIG}


def lines(series: list[tuple[str, list, list]], title: str, lang: str = "th") -> dict:
    """A line chart over dates: (name, x, y) per line; ticks and hover in the Buddhist era."""
    data = [{"type": "scatter", "mode": "lines", "name": name, "x": [local(v) for v in x], "y": [float(v) for v in y],
             "customdata": [format_day(v, lang) for v in x], "hovertemplate": "%{customdata}: %{y:,.1f}"}
            for name, x, y in series]
    layout: dict = {"title": {"text": title}, "height": 320, "font": FONT}
    xs = [v for _name, x, _y in series for v in x]
    if xs:
        layout["xaxis"] = date_axis(min(xs), max(xs), lang)
    return {"data": data, "layout": layout, "config": CONFIG}


def format_day(moment, lang: str) -> str:
    """``15 ส.ค. 2567`` / ``15 Aug 2567``: a day on a chart's hover."""
    return f"{moment.day} {tr(f'month_{moment.month}', lang)} {moment.year + 543}"


def outputs(*figures: dict, note: str = "") -> tuple[dict, ...]:
    """The figures as an Output widget's outputs (set directly: no display machinery, no capture)."""
    return tuple({"output_type": "display_data", "metadata": {},
                  "data": {PLOTLY: fig, "text/plain": note or fig["layout"]["title"]["text"]}} for fig in figures)
