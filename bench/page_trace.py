"""Where a page's time goes in the browser (issue 17): Chrome's trace of one page load, as a table.

Starts the same Voila server as ``bench.pages`` (or, with ``--bare``, a Voila server whose only
notebook shows one ipywidgets button: Voila's own cost) and loads a page ``--loads`` times, each
in a new browser context, with Chrome's tracing on (timeline, V8 and the sampling CPU profiler).
For the renderer's main thread, from the navigation to the first control being usable:

- self time by kind of work: script compile/parse, script execution (by file), style
  recalculation, layout, paint, parsing HTML, garbage collection, idle (waiting: the network,
  the server, the kernel);
- the sampling profiler's self time by script file and by function (top ``--top``);
- the main thread's CPU time (``tdur``: not inflated by waiting for a core) and the browser's CPU;
- the same by phase: the HTML, to DOMContentLoaded, Voila's frontend booting (to its kernel
  websocket), the kernel (kernel info, the widget state in one ``request_states``), the render;
- the page's websocket messages (count, bytes, each one's type in the JSON) and its requests;
  the server's time for the HTML (``responseStart`` - ``requestStart`` and the stream's end).

    .venv/bin/python -m bench.page_trace                      # the app page, 3 loads
    .venv/bin/python -m bench.page_trace --bare               # one-button Voila page
    .venv/bin/python -m bench.page_trace --frontend lab       # Voila's JupyterLab frontend (default: lite)
    .venv/bin/python -m bench.page_trace --baseline DIR       # paired: DIR/voila/templates/gfmis vs ours
    .venv/bin/python -m bench.page_trace --write-preload      # the template's preload list, written again
    .venv/bin/python -m bench.page_trace --json var/trace.json
    KEEP_TRACE=1 .venv/bin/python -m bench.page_trace         # keep Chrome's trace files (chrome://tracing)

Only 127.0.0.1 is ever contacted; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .pages import ARGS, CHROMIUM, PAGES, ROOT, TIMEOUT_MS, free_port, served
from .trace_analysis import duration_spans, main_thread, med, profile, self_times, thread_cpu

CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "blink",
              "loading", "toplevel", "disabled-by-default-v8.cpu_profiler", "blink.user_timing"]
BARE = {"cells": [{"cell_type": "code", "execution_count": None, "id": "b0", "metadata": {}, "outputs": [],
                   "source": ["import ipywidgets\n", "ipywidgets.Button(description='go', _dom_classes=['gf-bare'])"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}
# A mark in the page's timeline the moment its first control is usable (a MutationObserver).
MARK = """(sel) => { const seen = () => { const e = document.querySelector(sel);
  if (e && !e.disabled) { performance.mark('gf-first'); console.timeStamp('gf-first'); obs.disconnect(); } };
  const obs = new MutationObserver(seen);
  document.addEventListener('DOMContentLoaded', () => { obs.observe(document.body, {subtree: true, childList: true, attributes: true}); seen(); });
  window.__gfws = [];
  const kind = (data) => { try {
      if (typeof data === 'string') { const m = JSON.parse(data); return [m.channel, m.header.msg_type, (m.content||{}).data && (m.content.data.method || '')]; }
      const v = new DataView(data instanceof ArrayBuffer ? data : data.buffer); const o = [];
      const n = Number(v.getBigUint64(0, true)); for (let i = 1; i <= n; i++) o.push(Number(v.getBigUint64(8 * i, true)));
      const dec = new TextDecoder(); const u = new Uint8Array(v.buffer, v.byteOffset);
      const header = JSON.parse(dec.decode(u.slice(o[1], o[2]))); const content = JSON.parse(dec.decode(u.slice(o[4], o[5])));
      return [dec.decode(u.slice(o[0], o[1])), header.msg_type, (content.data && content.data.method) || ''];
    } catch (err) { return ['?', String(err), '']; } };
  const size = (d) => typeof d === 'string' ? d.length : (d.byteLength || 0);
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig { constructor(...a) { super(...a); window.__gfws.push([performance.now(), 'new', 0, String(a[0]).split('?')[0].slice(-40)]);
      this.addEventListener('open', () => window.__gfws.push([performance.now(), 'open', 0, '']));
      this.addEventListener('message', (ev) => window.__gfws.push([performance.now(), 'in', size(ev.data), ...kind(ev.data)])); }
    send(d) { window.__gfws.push([performance.now(), 'out', size(d), ...kind(d)]); return super.send(d); } };
}"""
def start_server(folder: Path, bare: bool, jupyter: str = "", frontend: str | None = None) -> tuple[subprocess.Popen, str, object]:
    """A Voila server as ``serve`` starts it; ``jupyter``: a folder whose ``voila/templates/gfmis``
    replaces ours (another version of the template, for paired runs); ``frontend``: lite or lab."""
    from sandbox.ui.serve import NOTEBOOKS, voila_command, voila_env
    from sandbox.ui.session import app_sandbox

    folder.mkdir(parents=True, exist_ok=True)
    env = voila_env(str(folder / "app.sqlite"))
    if jupyter:
        env["JUPYTER_PATH"] = str(Path(jupyter).resolve()) + os.pathsep + env["JUPYTER_PATH"]
    port = free_port()
    command = voila_command(port, frontend=frontend)
    if bare:
        nbdir = folder / "nb"
        nbdir.mkdir()
        (nbdir / "app.ipynb").write_text(json.dumps(BARE), "utf-8")
        command = [str(nbdir) if c == str(NOTEBOOKS) else c for c in command]
        command = [c for c in command if "kernel_pools_config" not in c]
    else:
        app_sandbox(env["SANDBOX_DB"]).close()
    log = open(folder / "voila.log", "w")
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}", log


PRELOAD = ROOT / "sandbox" / "ui" / "jupyter" / "voila" / "templates" / "gfmis" / "preload.html.j2"
PRELOAD_HEAD = """{#- Written by `python -m bench.page_trace --write-preload` (do not edit): every script file the
    app, an exercise and the policy page fetched, in their order, but the plotly extension's
    (4.7 MB, the policy and trainer pages only). Preloaded in the head: fetched at once instead of
    in three waves. tests/test_pages_s8.py checks that each is still a file of the installed Voila
    or of a lab extension (a new version renames them: write the list again). -#}
"""


def write_preload(folder: Path, gap: float) -> list[str]:
    """Load the app, an exercise and the policy page with no preload list (our template, its list
    emptied), note every script they fetched, and write the list."""
    from playwright.sync_api import sync_playwright

    shutil.copytree(PRELOAD.parents[3], folder / "jupyter")
    (folder / "jupyter" / PRELOAD.relative_to(PRELOAD.parents[3])).write_text("", "utf-8")
    # the scripts of Voila's frontend: every page on it (the light frontend fetches one script)
    proc, base, log = start_server(folder / "server", False, str(folder / "jupyter"), frontend="lab")
    urls: list[str] = []
    try:
        _ready(base)
        time.sleep(gap)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name in ("app", "exercise", "policy"):
                path, first = PAGES[name]
                context = browser.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                page.goto(base + path, timeout=TIMEOUT_MS)
                page.wait_for_selector(first, state="visible", timeout=TIMEOUT_MS)
                page.wait_for_timeout(2000)
                for url in page.evaluate("() => performance.getEntriesByType('resource')"
                                         ".filter(r => r.initiatorType === 'script').map(r => r.name)"):
                    rel = url.split("//", 1)[1].split("/", 1)[1]
                    if rel.startswith("voila/") and "jupyterlab-plotly" not in rel and rel not in urls:
                        urls.append(rel)
                context.close()
                time.sleep(gap)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    PRELOAD.write_text(PRELOAD_HEAD + "".join(
        f'<link rel="preload" as="script" href="{{{{ resources.base_url }}}}{u}">\n' for u in urls), "utf-8")
    return urls


def _ready(base: str) -> None:
    if not served(base + "/voila/render/app.ipynb"):
        raise SystemExit(f"error: voila did not start at {base}")


def browser_cpu_s(servers: list[int]) -> float:
    """CPU seconds so far of the processes under this one but the servers' trees: Playwright's
    driver and the browser (as ``bench.pages`` reads them)."""
    from .class_load import tree

    skip = {pid for server in servers for pid in tree(server)} | {os.getpid()}
    total = 0
    for pid in tree(os.getpid()):
        if pid in skip:
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def one_load(browser, base: str, name: str, folder: Path, i: int, servers: list[int]) -> dict:
    path, first = PAGES[name] if name in PAGES else ("/voila/render/app.ipynb", "button.gf-bare")
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.add_init_script(f"({MARK})({json.dumps(first)})")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    frames: list = []
    requests: list = []
    cdp.on("Network.webSocketFrameReceived", lambda ev: frames.append(("in", ev["timestamp"], len(ev["response"]["payloadData"]), ev["response"]["payloadData"][:300])))
    cdp.on("Network.webSocketFrameSent", lambda ev: frames.append(("out", ev["timestamp"], len(ev["response"]["payloadData"]), ev["response"]["payloadData"][:300])))
    cdp.on("Network.webSocketCreated", lambda ev: frames.append(("open", time.monotonic(), 0, ev["url"])))
    cdp.on("Network.loadingFinished", lambda ev: requests.append(ev.get("encodedDataLength", 0)))
    trace = folder / f"trace-{name}-{i}.json"
    browser.start_tracing(page=page, path=str(trace), categories=CATEGORIES)
    cpu0 = browser_cpu_s(servers)
    start = time.perf_counter()
    page.goto(base + path, timeout=TIMEOUT_MS)
    page.wait_for_function("() => performance.getEntriesByName('gf-first').length > 0", timeout=TIMEOUT_MS, polling=100)
    wall = time.perf_counter() - start
    cpu = browser_cpu_s(servers) - cpu0
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {first: performance.getEntriesByName('gf-first')[0].startTime, reqStart: n.requestStart,
                respStart: n.responseStart, respEnd: n.responseEnd, dcl: n.domContentLoadedEventEnd,
                load: n.loadEventEnd, origin: performance.timeOrigin, ws: window.__gfws,
                res: performance.getEntriesByType('resource').map(r => [r.name, r.startTime, r.responseEnd, r.transferSize, r.initiatorType])}; }""")
    page.wait_for_timeout(500)
    browser.stop_tracing()
    context.close()
    events = json.loads(trace.read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    pid, tid = main_thread(events)
    marks = [e["ts"] for e in events if e.get("name") == "TimeStamp" and ((e.get("args") or {}).get("data") or {}).get("message") == "gf-first"]
    nav = [e["ts"] for e in events if e.get("name") in ("navigationStart", "NavigationTiming")
           and e.get("pid") == pid]
    t1 = marks[0] if marks else max(e["ts"] for e in events)
    t0 = t1 - timing["first"] * 1000  # the navigation's start, in trace time
    spans = duration_spans(events, pid, tid)
    kinds, files, busy = self_times(spans, t0, t1)
    cpu_main = thread_cpu(spans, t0, t1)
    prof_files, prof_fns = profile(events, pid, tid, t0, t1)
    ws_t0 = min((f[1] for f in frames), default=0)
    out = {
        "first_widget_ms": timing["first"], "wall_s": wall, "main_busy_ms": busy,
        "main_cpu_ms": cpu_main, "browser_cpu_ms": cpu * 1000,
        "idle_ms": timing["first"] - busy, "kinds_ms": kinds,
        "files_ms": {f"{k}:{u}": v for (k, u), v in files.items()},
        "profile_files_ms": prof_files, "profile_fns_ms": prof_fns,
        "html_server_ms": timing["respStart"] - timing["reqStart"], "html_end_ms": timing["respEnd"],
        "dcl_ms": timing["dcl"],
        "ws_in": sum(1 for f in frames if f[0] == "in"), "ws_out": sum(1 for f in frames if f[0] == "out"),
        "ws_bytes_in": sum(f[2] for f in frames if f[0] == "in"),
        "ws_bytes_out": sum(f[2] for f in frames if f[0] == "out"),
        "ws_span_ms": (max((f[1] for f in frames), default=0) - ws_t0) * 1000,
        "requests": len(requests), "bytes": sum(requests), "nav_events": len(nav),
    }
    out["ws"] = timing["ws"]
    out["res"] = timing["res"]
    ws_new = next((w[0] for w in timing["ws"] if w[1] == "new"), timing["first"])
    states = next((w[0] for w in timing["ws"] if w[1] == "in" and len(w) > 5 and w[5] == "update_states"), ws_new)
    edges = [("html", 0, timing["respEnd"]), ("to_dcl", timing["respEnd"], timing["dcl"]),
             ("boot", timing["dcl"], ws_new), ("kernel", ws_new, states), ("render", states, timing["first"])]
    out["phases"] = {}
    for label, a, b in edges:
        k, _, busy_ = self_times(spans, t0 + a * 1000, t0 + b * 1000)
        out["phases"][label] = {"wall": b - a, "busy": busy_, **{kk: round(v, 1) for kk, v in k.items()}}
    if not os.environ.get("KEEP_TRACE"):
        trace.unlink()
    return out


def table(label: str, rows: list[dict], top: int) -> None:
    print(f"\n== {label}: median of {len(rows)} loads ==")
    for key in ("first_widget_ms", "browser_cpu_ms", "main_cpu_ms", "main_busy_ms", "idle_ms", "html_server_ms", "html_end_ms", "dcl_ms",
                "ws_in", "ws_out", "ws_bytes_in", "ws_bytes_out", "ws_span_ms", "requests", "bytes"):
        print(f"  {key:16s} {med(rows, key):12.0f}")
    kinds = sorted({k for r in rows for k in r["kinds_ms"]}, key=lambda k: -med(rows, "kinds_ms", k))
    for ph in rows[0].get("phases", {}):
        print(f"  phase {ph:7s} " + ", ".join(f"{k} {med(rows, 'phases', ph, k):.0f}" for k in
                                             ("wall", "busy", "script", "compile", "style", "layout", "paint", "gc", "other")))
    print("  main thread self time by kind (ms): " + ", ".join(f"{k} {med(rows, 'kinds_ms', k):.0f}" for k in kinds))
    for key, title in (("files_ms", "trace: script/compile by file"), ("profile_files_ms", "profiler: self by file"),
                       ("profile_fns_ms", "profiler: self by function")):
        names = sorted({k for r in rows for k in r[key]}, key=lambda k: -med(rows, key, k))[:top]
        print(f"  {title} (ms):")
        for n in names:
            print(f"     {med(rows, key, n):7.1f}  {n}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loads", type=int, default=3)
    ap.add_argument("--gap", type=float, default=5.0)
    ap.add_argument("--page", default="app", help="app, exercise, policy")
    ap.add_argument("--bare", action="store_true", help="a one-button Voila page instead of ours")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--json")
    ap.add_argument("--write-preload", action="store_true", help="write the template's preload list and stop")
    ap.add_argument("--baseline", help="a folder with another voila/templates/gfmis: loads alternate between it and ours")
    ap.add_argument("--frontend", choices=["lite", "lab"], help="what draws the pages (default: SANDBOX_FRONTEND, then lite)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-trace-"))
    if args.write_preload:
        urls = write_preload(folder, args.gap)
        print(f"{PRELOAD}: {len(urls)} scripts")
        return 0
    name = "bare" if args.bare else args.page
    variants = [("ours", "")] + ([("baseline", args.baseline)] if args.baseline else [])
    servers = {label: start_server(folder / label, args.bare, jupyter, args.frontend) for label, jupyter in variants}
    rows: dict = {label: [] for label, _ in variants}
    try:
        for _, base, _ in servers.values():
            _ready(base)
        time.sleep(args.gap)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(args.loads):
                for label, (_, base, _) in (servers.items() if i % 2 == 0 else reversed(servers.items())):
                    rows[label].append(one_load(browser, base, name, folder, i, [s[0].pid for s in servers.values()]))
                    time.sleep(args.gap)
            browser.close()
    finally:
        for proc, _, log in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
            log.close()
    for label, got in rows.items():
        table(f"{name} ({label})", got, args.top)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
