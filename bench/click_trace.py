"""Where a click's browser CPU goes (issue 14, item 8): Chrome's trace of the «play this step» clicks.

Serves the app as ``bench.actions --browser`` does (one person, a new database), opens
``sept-round-cx-basic`` in practice mode in one page and clicks «play this step» ``--clicks`` times
with Chrome's tracing on. For each click, from the click to one second after the step shows:

- every process's and thread's CPU (``tdur`` of its top-level tasks): the renderer's main thread
  and compositor, the browser process, the GPU process (Debian's chromium), and the process CPU
  read from /proc (all of Chromium's processes under this one, as ``bench.actions`` reads it);
- the renderer main thread's self time by kind of work (``bench.trace_analysis``), by trace event
  name (what the kinds leave as "other"), and the sampling profiler's self time by function;
- the same self time by event name for the browser and GPU processes' busiest threads.

    .venv/bin/python -m bench.click_trace                          # Debian's chromium, 6 clicks
    .venv/bin/python -m bench.click_trace --client headless-shell  # the class bench's client
    .venv/bin/python -m bench.click_trace --json var/clicks.json --top 25
    .venv/bin/python -m bench.click_trace --no-trace --clicks 14   # CPU by thread, tracing's cost left out
    .venv/bin/python -m bench.click_trace --no-trace --clicks 14 --rounds 4 --baseline DIR  # paired:
                                       # DIR/voila/templates/gfmis (another build) against ours, alternating
    KEEP_TRACE=1 .venv/bin/python -m bench.click_trace             # keep the trace (chrome://tracing)

Only 127.0.0.1 is ever contacted; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from .trace_analysis import duration_spans, med, profile, self_times

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "blink",
              "loading", "toplevel", "disabled-by-default-v8.cpu_profiler", "blink.user_timing", "cc", "gpu",
              "viz", "ipc", "mojom", "disabled-by-default-devtools.timeline.frame", "benchmark", "renderer.scheduler"]
STEP = "() => { const e = document.querySelector('.gf-guide .gf-step-title'); const m = e && e.innerText.match(/(\\d+)\\//); return m ? Number(m[1]) : 0; }"
# The bench's wait: a mark in the trace when the step's title changes (a MutationObserver; the
# bench polls only a flag, no innerText that would force a layout).
WATCH = """(b) => { window.__gfDone = false; const title = () => { const e = document.querySelector('.gf-guide .gf-step-title');
  const m = e && e.textContent.match(/(\\d+)\\//); return m ? Number(m[1]) : 0; };
  const obs = new MutationObserver(() => { if (title() !== b) { obs.disconnect(); console.timeStamp('gf-step'); window.__gfDone = true; } });
  obs.observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def names(events: list[dict]) -> tuple[dict, dict]:
    procs = {e["pid"]: e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "process_name"}
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("ph") == "M" and e.get("name") == "thread_name"}
    return procs, threads


def by_name(spans, t0: float, t1: float) -> dict:
    """Self time (ms) by trace event name of the work between t0 and t1 on one thread."""
    out: dict = defaultdict(float)
    stack: list = []  # [end, name, start, child]
    for start, end, e in spans:
        if end <= t0 or start >= t1:
            continue
        while stack and stack[-1][0] <= start:
            top = stack.pop()
            out[top[1]] += ((min(top[0], t1) - max(top[2], t0)) - top[3]) / 1000
        if stack:
            stack[-1][3] += min(end, t1) - max(start, t0)
        stack.append([end, e["name"], start, 0.0])
    while stack:
        top = stack.pop()
        out[top[1]] += ((min(top[0], t1) - max(top[2], t0)) - top[3]) / 1000
    return dict(out)


def cpu(spans, t0: float, t1: float) -> float:
    """CPU ms of the thread's top-level tasks that started between t0 and t1 (tdur, else dur)."""
    total, end = 0.0, 0.0
    for start, stop, e in spans:
        if start < t0 or start >= t1 or start < end:
            continue
        total += e.get("tdur", stop - start) / 1000
        end = stop
    return total


def analyse(events: list[dict], windows: list[tuple[float, float]]) -> list[dict]:
    procs, threads = names(events)
    spans = {key: duration_spans(events, *key) for key in threads}
    renderers = [k for k, n in threads.items() if n == "CrRendererMain"]
    main = max(renderers, key=lambda k: sum(s[1] - s[0] for s in spans[k]))
    rows = []
    for t0, t1 in windows:
        row: dict = {"threads": {}, "names": {}}
        for key, sp in spans.items():
            ms = cpu(sp, t0, t1)
            if ms >= 0.5:
                label = f"{procs.get(key[0], key[0])}/{threads[key]}"
                label = ("page:" if key[0] == main[0] else "") + label
                row["threads"][label] = row["threads"].get(label, 0) + ms
                row["names"][label] = by_name(sp, t0, t1)
        kinds, _files, busy = self_times(spans[main], t0, t1)
        row["main_kinds"], row["main_busy"] = kinds, busy
        row["fns"] = profile(events, main[0], main[1], t0, t1)[1]
        row["frames"] = {n: sum(1 for s in spans[k] if t0 <= s[0] < t1 and s[2]["name"] == n)
                         for k in spans for n in ("BeginMainFrame", "DrawFrame", "Display::DrawAndSwap", "Paint")
                         if any(s[2]["name"] == n for s in spans[k])}
        rows.append(row)
    return rows


def report(rows: list[dict], top: int) -> None:
    if not rows:
        return
    print(f"== median of {len(rows)} clicks (ms) ==")
    for key in ("wall_ms", "proc_cpu_ms", "main_busy")[:3 if "main_busy" in rows[0] else 2]:
        print(f"  {key:14s} {med(rows, key):8.1f}   (p95 {sorted(r[key] for r in rows)[-1 if len(rows) < 20 else int(0.95 * len(rows))]:.1f})")
    for proc, ms in sorted(((p, med(rows, "proc_by_kind", p)) for p in {p for r in rows for p in r["proc_by_kind"]}), key=lambda x: -x[1]):
        print(f"  /proc {proc:24s} {ms:8.1f}")
    print("  /proc CPU by thread:")
    for label in sorted({k for r in rows for k in r["by_thread"]}, key=lambda k: -med(rows, "by_thread", k))[:top]:
        print(f"    {med(rows, 'by_thread', label):7.1f}  (mean {statistics.mean(r['by_thread'].get(label, 0) for r in rows):5.1f})  {label}")
    if "threads" not in rows[0]:
        return
    labels = sorted({k for r in rows for k in r["threads"]}, key=lambda k: -med(rows, "threads", k))
    print("  trace CPU by thread:")
    for label in labels[:top]:
        print(f"    {med(rows, 'threads', label):7.1f}  {label}")
    print("  page main thread self time by kind: " + ", ".join(
        f"{k} {med(rows, 'main_kinds', k):.1f}" for k in sorted({k for r in rows for k in r["main_kinds"]}, key=lambda k: -med(rows, "main_kinds", k))))
    for label in labels[:6]:
        evs = sorted({n for r in rows for n in r["names"].get(label, {})}, key=lambda n: -med(rows, "names", label, n))
        print(f"  {label}: self time by event")
        for n in evs[:top]:
            print(f"    {med(rows, 'names', label, n):7.1f}  {n}")
    print("  frames:", {n: med(rows, "frames", n) for n in sorted({n for r in rows for n in r["frames"]})})
    fns = sorted({n for r in rows for n in r["fns"]}, key=lambda n: -med(rows, "fns", n))
    print("  page main thread, profiler self time by function:")
    for n in fns[:top]:
        print(f"    {med(rows, 'fns', n):7.1f}  {n}")


def thread_cpu_ms() -> dict:
    """CPU ms so far of every thread of every Chromium process under this one, by
    "process type/thread name" (/proc/PID/task: no tracing, so nothing inflates it)."""
    from .actions import _kind
    from .class_load import tree

    out: dict = defaultdict(float)
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    for pid in tree(os.getpid()):
        try:
            if "chrom" not in Path(f"/proc/{pid}/comm").read_text():
                continue
            kind = _kind(pid)
            for task in os.listdir(f"/proc/{pid}/task"):
                stat = Path(f"/proc/{pid}/task/{task}/stat").read_text()
                name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
                out[f"{kind}/{re.sub(r'[0-9]+$', '', name)}"] += (int(rest[11]) + int(rest[12])) * tick
        except (OSError, ValueError, IndexError):
            continue
    return out


def clicks(url: str, executable: str, count: int, folder: Path, traced: bool = True, idle: float = 0) -> list[dict]:
    from playwright.sync_api import sync_playwright

    from .actions import BY_PROCESS, browser_cpu_ms
    from .class_load import ARGS

    trace = folder / "clicks.json"
    out: list[dict] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".gf-guide-play", timeout=120_000)
        time.sleep(2)
        if idle:  # the page left alone (the clock's beat every few seconds): CPU per second
            t0 = thread_cpu_ms()
            time.sleep(idle)
            t1 = thread_cpu_ms()
            per_s = {k: (v - t0.get(k, 0)) / idle for k, v in t1.items()}
            print(f"idle {idle:.0f} s, chromium CPU ms per second: {sum(per_s.values()):.1f}",
                  {k: round(v, 1) for k, v in sorted(per_s.items(), key=lambda kv: -kv[1]) if v >= 0.5})
        if traced:
            browser.start_tracing(page=page, path=str(trace), categories=CATEGORIES)
        for _ in range(count):
            before = page.evaluate(STEP)
            if not before:
                break
            BY_PROCESS.clear()
            page.evaluate("() => console.timeStamp('gf-click')")
            t0, c0, began = thread_cpu_ms(), browser_cpu_ms(), time.perf_counter()
            page.evaluate(WATCH, before)
            page.click("button.gf-guide-play")
            page.wait_for_function("() => window.__gfDone", timeout=60_000, polling=50)
            wall = time.perf_counter() - began
            time.sleep(1.0)
            t1 = thread_cpu_ms()
            out.append({"step": before, "wall_ms": wall * 1000, "proc_cpu_ms": browser_cpu_ms() - c0,
                        "proc_by_kind": dict(BY_PROCESS), "by_thread": {k: v - t0.get(k, 0) for k, v in t1.items()}})
            page.evaluate("() => console.timeStamp('gf-end')")
            time.sleep(0.3)
        if traced:
            browser.stop_tracing()
        browser.close()
    if not traced:
        return out
    events = json.loads(trace.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    marks = sorted((e["ts"], ((e.get("args") or {}).get("data") or {}).get("message")) for e in events if e.get("name") == "TimeStamp")
    starts = [ts for ts, m in marks if m == "gf-click"]
    ends = [ts for ts, m in marks if m == "gf-end"]
    for row, stats in zip(out, analyse(events, list(zip(starts, ends, strict=False))), strict=False):
        row.update(stats)
    if not os.environ.get("KEEP_TRACE"):
        trace.unlink()
    else:
        print("trace:", trace)
    return out


def play(scenario: str, executable: str, count: int, traced: bool, idle: float, jupyter: str = "") -> list[dict]:
    """A new server (``jupyter``: a folder whose voila/templates/gfmis replaces ours) and one page."""
    import subprocess
    import urllib.request

    from sandbox.ui.serve import voila_command, voila_env

    from .class_load import ROOT, free_port

    folder = Path(tempfile.mkdtemp(prefix="bench-clicks-"))
    env = voila_env(str(folder / "b.sqlite"))
    if jupyter:
        env["JUPYTER_PATH"] = str(Path(jupyter).resolve()) + os.pathsep + env["JUPYTER_PATH"]
    port = free_port()
    log = open(folder / "voila.log", "w")
    proc = subprocess.Popen(voila_command(port), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/app.ipynb?x=1", timeout=30).read(1)
                break
            except OSError:
                time.sleep(0.5)
        url = f"http://127.0.0.1:{port}/voila/render/app.ipynb?scenario={scenario}&mode=practice"
        return clicks(url, executable, count, folder, traced, idle)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clicks", type=int, default=6)
    ap.add_argument("--client", choices=["chromium", "headless-shell"], default="chromium")
    ap.add_argument("--scenario", default="sept-round-cx-basic")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--json")
    ap.add_argument("--idle", type=float, default=0, help="first leave the page alone this many seconds: its CPU per second")
    ap.add_argument("--no-trace", action="store_true", help="no tracing: the CPU by process and thread from /proc only")
    ap.add_argument("--baseline", help="a folder with another voila/templates/gfmis: runs alternate between it and ours")
    ap.add_argument("--rounds", type=int, default=1, help="play the exercise this many times (each on a new server)")
    args = ap.parse_args(argv)
    from .class_load import CHROMIUM, HEADLESS_SHELL

    executable = CHROMIUM if args.client == "chromium" else HEADLESS_SHELL
    variants = [("ours", "")] + ([("baseline", args.baseline)] if args.baseline else [])
    rows: dict = {label: [] for label, _ in variants}
    for i in range(args.rounds):
        for label, jupyter in (variants if i % 2 == 0 else variants[::-1]):
            rows[label] += play(args.scenario, executable, args.clicks, not args.no_trace, args.idle, jupyter)
    with open("/proc/loadavg") as f:
        print("load average:", " ".join(f.read().split()[:3]), "client:", args.client)
    for label, got in rows.items():
        print(f"\n#### {label}")
        report(got, args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), "utf-8")
    return 0 if all(rows.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
