"""Chrome's trace of a page load, read: the renderer's main thread's self time by kind of work
and by script file, its CPU time, and the sampling profiler's self time by file and function
(``bench.page_trace`` drives the browser)."""

from __future__ import annotations

import statistics
from collections import defaultdict

KINDS = {
    "compile": ("v8.compile", "v8.compileModule", "V8.CompileCode", "v8.parseOnBackground", "V8.ScriptCompiler",
                "CompileScript", "v8.produceCache", "v8.produceModuleCache", "v8.deserializeOnBackground",
                "V8.CompileLazy", "V8.ParseFunction", "V8.CompileFullCode"),
    "script": ("EvaluateScript", "FunctionCall", "v8.run", "v8.callFunction", "TimerFire", "EventDispatch",
               "FireAnimationFrame", "v8.evaluateModule", "RunMicrotasks", "V8.Execute", "XHRReadyStateChange",
               "HandlePostMessage", "FireIdleCallback", "ResourceReceivedData"),
    "style": ("UpdateLayoutTree", "RecalculateStyles", "ParseAuthorStyleSheet", "InvalidateLayout",
              "ScheduleStyleRecalculation", "StyleInvalidatorInvalidationTracking"),
    "layout": ("Layout", "UpdateLayerTree", "HitTest", "IntersectionObserverController::computeIntersections"),
    "paint": ("Paint", "PrePaint", "Layerize", "CompositeLayers", "Commit", "PaintImage", "Decode Image",
              "ImageDecodeTask", "RasterTask"),
    "html": ("ParseHTML", "ParseHTMLTokens"),
    "gc": ("MajorGC", "MinorGC", "V8.GCScavenger", "V8.GCFinalizeMC", "V8.GCCompactor", "BlinkGC.AtomicPhase",
           "V8.GC_MC_BACKGROUND_MARKING", "GCEvent", "V8.GCIncrementalMarking", "V8.GCMarkCompactor",
           "BlinkGC.CompleteSweep", "BlinkGC.LazySweepInIdle", "V8.GCIncrementalMarkingFinalize"),
}
KIND_OF = {name: kind for kind, names in KINDS.items() for name in names}


def main_thread(events: list[dict]) -> tuple[int, int]:
    """(pid, tid) of the page's renderer main thread: the CrRendererMain with the most work."""
    mains = {(e["pid"], e["tid"]) for e in events
             if e.get("ph") == "M" and e.get("name") == "thread_name" and e["args"].get("name") == "CrRendererMain"}
    busy: dict = defaultdict(float)
    for e in events:
        if (e.get("pid"), e.get("tid")) in mains and e.get("ph") == "X":
            busy[(e["pid"], e["tid"])] += e.get("dur", 0)
    return max(busy, key=busy.get)


def duration_spans(events: list[dict], pid: int, tid: int) -> list[tuple[float, float, dict]]:
    """Every duration event on one thread as (start, end, event), B/E pairs joined."""
    out, open_ = [], defaultdict(list)
    for e in sorted((e for e in events if e.get("pid") == pid and e.get("tid") == tid), key=lambda e: e["ts"]):
        if e["ph"] == "X" and "dur" in e:
            out.append((e["ts"], e["ts"] + e["dur"], e))
        elif e["ph"] == "B":
            open_[e["name"]].append(e)
        elif e["ph"] == "E" and open_[e["name"]]:
            b = open_[e["name"]].pop()
            merged = dict(b)
            merged.setdefault("args", {}).update(e.get("args") or {})
            out.append((b["ts"], e["ts"], merged))
    out.sort(key=lambda s: (s[0], -s[1]))
    return out


def _url(e: dict) -> str:
    data = (e.get("args") or {}).get("data") or {}
    url = data.get("url") or (e.get("args") or {}).get("fileName") or data.get("scriptName") or ""
    if not url and data.get("stackTrace"):
        url = data["stackTrace"][0].get("url", "")
    return short(url)


def short(url: str) -> str:
    if not url:
        return ""
    url = url.split("?")[0]
    for key in ("/voila/static/", "/voila/labextensions/", "/voila/render/"):
        if key in url:
            return url.split(key, 1)[1]
    return url.rsplit("/", 1)[-1]


def self_times(spans, t0: float, t1: float) -> tuple[dict, dict, float]:
    """Self time (ms) by kind and by (kind, file) of the work between t0 and t1, and the busy time."""
    by_kind: dict = defaultdict(float)
    by_file: dict = defaultdict(float)
    stack: list = []  # [end, event, kind, url, child_total]
    busy = 0.0

    def close(item):
        end, e, kind, url, start, child = item
        own = (min(end, t1) - max(start, t0)) - child
        if own > 0:
            by_kind[kind] += own / 1000
            if kind in ("script", "compile"):
                by_file[(kind, url)] += own / 1000

    for start, end, e in spans:
        if end <= t0 or start >= t1:
            continue
        while stack and stack[-1][0] <= start:
            close(stack.pop())
        kind = KIND_OF.get(e["name"])
        url = _url(e)
        if stack:
            parent = stack[-1]
            if kind is None:
                kind = parent[2]
            if not url and kind == parent[2]:
                url = parent[3]
            parent[5] += min(end, t1) - max(start, t0)
        else:
            kind = kind or "other"
            busy += (min(end, t1) - max(start, t0)) / 1000
        stack.append([end, e, kind, url, start, 0.0])
    while stack:
        close(stack.pop())
    return dict(by_kind), dict(by_file), busy


def thread_cpu(spans, t0: float, t1: float) -> float:
    """CPU time (ms) of the thread's top-level tasks that started between t0 and t1 (``tdur``:
    not inflated when the thread waits for a core, as wall durations are on a busy machine)."""
    total, end = 0.0, 0.0
    for start, stop, e in spans:
        if start < t0 or start >= t1 or start < end:
            continue
        total += e.get("tdur", 0) / 1000
        end = stop
    return total


def profile(events: list[dict], pid: int, tid: int, t0: float, t1: float) -> tuple[dict, dict]:
    """The sampling profiler's self time (ms) by script file and by function, between t0 and t1."""
    nodes: dict = {}
    samples: list = []
    for e in events:
        if e.get("pid") != pid or e.get("name") != "ProfileChunk":
            continue
        data = (e.get("args") or {}).get("data") or {}
        cpu = data.get("cpuProfile") or {}
        for n in cpu.get("nodes") or []:
            nodes[n["id"]] = n["callFrame"]
        ts = e["ts"] if not samples else samples[-1][0]
        for node_id, delta in zip(cpu.get("samples") or [], data.get("timeDeltas") or [], strict=False):
            ts += delta
            samples.append((ts, node_id))
    by_file: dict = defaultdict(float)
    by_fn: dict = defaultdict(float)
    samples.sort()
    for (ts, node_id), (nxt, _) in zip(samples, samples[1:], strict=False):
        if not t0 <= ts <= t1:
            continue
        frame = nodes.get(node_id) or {}
        fn = frame.get("functionName") or "(anonymous)"
        if fn in ("(idle)", "(program)", "(root)"):
            continue
        file = short(frame.get("url", "")) or fn
        by_file[file] += (nxt - ts) / 1000
        by_fn[f"{fn} {file}:{frame.get('lineNumber', 0)}"] += (nxt - ts) / 1000
    return dict(by_file), dict(by_fn)


def med(rows, *keys) -> float:
    """The median over ``rows`` of the value at ``keys`` (a missing one counts as 0)."""
    values = []
    for r in rows:
        v = r
        for k in keys:
            v = v.get(k, 0) if isinstance(v, dict) else 0
        values.append(v or 0)
    if not values:
        return 0.0
    return statistics.median(values)
