"""Benchmark: what a page costs a person who opens it (issues 16 and 17), in Debian's Chromium.

Starts the one-person server (``python -m sandbox serve``'s Voila command line: one pre-heated
app kernel; exercises and the policy page start their kernel on request) on a free local port
with a fresh SQLite file, then loads each page ``--loads`` times, every load in a new browser
context (an empty cache, as a new visitor), ``--gap`` seconds apart (the pool re-fills its
pre-heated kernel between two loads of the app page). For every page it reports, median over
the loads:

- requests and bytes transferred (Chrome DevTools ``encodedDataLength``: headers and bodies as
  they came over the wire, websocket frames not counted), counted until the network is idle;
- time to first widget: from ``page.goto`` to the page's first control being visible and enabled
  (app: the login's user box; exercise: the guided panel's «play this step»; policy: «วาดใหม่»);
- for the policy page also the time until its controls *respond* (a click on «English» changes
  the title: the kernel answers) and until the timeline chart is drawn;
- the browser's CPU seconds from ``page.goto`` to the first widget (Playwright's driver included);
- with ``--idle S``: the browser's CPU seconds while the page then sits open and untouched for S
  seconds (what an open page costs a trainee's PC, and a class load's shared cores), per 20 s.

    .venv/bin/python -m bench.pages                        # 5 loads of each page, 10 s apart
    .venv/bin/python -m bench.pages --loads 3 --gap 4 --pages policy
    .venv/bin/python -m bench.pages --json var/pages.json  # also write every figure
    .venv/bin/python -m bench.pages --pages app --loads 3 --idle 20   # and the idle page's CPU
    .venv/bin/python -m bench.pages --warm                 # a returning visitor: cache and compiled code kept
    .venv/bin/python -m bench.pages --jupyter DIR          # DIR/voila/templates/gfmis instead of ours (paired runs)
    .venv/bin/python -m bench.pages --frontend lab         # Voila's JupyterLab frontend for every page (default: lite)

Targets (issue 17): app page ≤ 3 MB, first widget ≤ 1.0 s with a pre-heated kernel; the policy
page usable in ≤ 3 s. Only 127.0.0.1 is ever contacted; every wait has a timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
EXERCISE = "sept-round-cx-basic"
# page: (path, the first control a person can use)
PAGES = {
    "app": ("/voila/render/app.ipynb?screen=login", ".gf-login-user input"),
    "exercise": (f"/voila/render/app.ipynb?scenario={EXERCISE}&mode=practice", "button.gf-guide-play"),
    "policy": ("/voila/render/policy.ipynb", "button.gf-pol-draw"),
}
TIMEOUT_MS = 90_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Usable: enabled, and drawn where a click lands (``elementFromPoint`` finds it), unless it lies
# outside the window. Playwright's "visible" alone also holds for a control inside a box of no
# height: a page whose layout broke (seen when Voila's voila-style.js was left out) looked fast.
USABLE = """(s) => { const e = document.querySelector(s); if (!e || e.disabled) return false;
  const r = e.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
  if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) return true;
  const hit = document.elementFromPoint(x, y); return !!hit && (hit === e || e.contains(hit)); }"""


def enabled(page, selector: str) -> None:
    page.wait_for_selector(selector, state="visible", timeout=TIMEOUT_MS)
    # polled every 50 ms: Playwright's default (every animation frame) keeps the page drawing
    page.wait_for_function(USABLE, arg=selector, timeout=TIMEOUT_MS, polling=50)


def browser_cpu_s(server_pid: int) -> float:
    """CPU seconds so far of the processes under this one (Playwright's driver and the browser),
    the Voila server's tree left out."""
    from .class_load import tree

    server = set(tree(server_pid))
    total = 0
    for pid in tree(os.getpid()):
        if pid == os.getpid() or pid in server:
            continue
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def load(browser, base: str, name: str, idle: float = 0.0, server_pid: int = 0, context=None) -> dict:
    """One load of one page in a fresh context (a new visitor), or in ``context`` (a visitor who
    has been here before: the browser's cache and compiled scripts kept): its figures."""
    path, first = PAGES[name]
    own = context is None
    if own:
        context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    counts = {"requests": 0, "bytes": 0}

    def sent(event):
        if not event["request"]["url"].startswith(("data:", "blob:")):
            counts["requests"] += 1

    def finished(event):
        counts["bytes"] += event.get("encodedDataLength", 0)

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.loadingFinished", finished)
    out: dict = {}
    cpu = browser_cpu_s(server_pid) if server_pid else 0.0
    start = time.perf_counter()
    try:
        page.goto(base + path, timeout=TIMEOUT_MS)
        enabled(page, first)
        out["first_widget_s"] = time.perf_counter() - start
        if server_pid:
            out["browser_cpu_s"] = browser_cpu_s(server_pid) - cpu
        if name == "policy":
            page.click("button.gf-lang")
            page.wait_for_selector("text=Policy timeline", timeout=TIMEOUT_MS)
            out["responds_s"] = time.perf_counter() - start
            page.wait_for_selector(".js-plotly-plot", timeout=TIMEOUT_MS)
            out["chart_s"] = time.perf_counter() - start
        try:
            page.wait_for_load_state("networkidle", timeout=15_000)
        except Exception:  # a page that keeps fetching is still measured: what it fetched so far
            out["network_busy"] = True
        if idle > 0:
            page.wait_for_timeout(3000)  # the first paint's work done
            before = browser_cpu_s(server_pid)
            page.wait_for_timeout(idle * 1000)
            out["idle_cpu_s_per_20s"] = (browser_cpu_s(server_pid) - before) * 20 / idle
    except Exception as exc:  # counted and reported, never hidden
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    out.update(counts)
    if own:
        context.close()  # the page's kernel goes with it
    else:
        page.close()
    return out


def median(rows: list[dict], key: str) -> float | None:
    values = [r[key] for r in rows if key in r]
    return statistics.median(values) if values else None


def report(name: str, rows: list[dict]) -> dict:
    summary = {"page": name, "loads": len(rows), "errors": [r["error"] for r in rows if "error" in r]}
    for key in ("requests", "bytes", "first_widget_s", "browser_cpu_s", "responds_s", "chart_s", "idle_cpu_s_per_20s"):
        summary[key] = median(rows, key)
    line = (f"{name:9s} {summary['requests']:>5.0f} requests {summary['bytes'] / 1e6:6.2f} MB  "
            f"first widget {summary['first_widget_s'] or float('nan'):5.2f} s"
            f"  browser CPU {summary['browser_cpu_s'] or float('nan'):4.2f} s")
    if summary["responds_s"] is not None:
        line += f"  responds {summary['responds_s']:5.2f} s  chart {summary['chart_s'] or float('nan'):5.2f} s"
    if summary["idle_cpu_s_per_20s"] is not None:
        line += f"  idle: browser CPU {summary['idle_cpu_s_per_20s']:.2f} s per 20 s"
    times = ", ".join(f"{r['first_widget_s']:.2f}" for r in rows if "first_widget_s" in r)
    print(f"{line}   (first widget per load: {times})" + (f"  ERRORS: {summary['errors']}" if summary["errors"] else ""))
    summary["runs"] = rows
    return summary


def served(url: str, tries: int = 240) -> bool:
    """Whether ``url`` answers within ``tries`` half-second waits (a server starting)."""
    for _ in range(tries):
        try:
            urllib.request.urlopen(url, timeout=30)
            return True
        except OSError:
            time.sleep(0.5)
    return False


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--loads", type=int, default=5, help="loads of each page (the median is reported)")
    ap.add_argument("--gap", type=float, default=10.0, help="seconds between two loads")
    ap.add_argument("--pages", default="app,exercise,policy", help="comma-separated: " + ", ".join(PAGES))
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--warm", action="store_true",
                    help="the loads of a page share one browser context: the first is a new visitor's, the others a returning one's")
    ap.add_argument("--jupyter", help="a folder whose voila/templates/gfmis replaces ours (another version, for paired runs)")
    ap.add_argument("--frontend", choices=["lite", "lab"], help="what draws the pages (default: SANDBOX_FRONTEND, then lite)")
    ap.add_argument("--idle", type=float, default=0.0, help="seconds to leave each page open and untouched, its browser CPU measured")
    args = ap.parse_args(argv)
    names = [n.strip() for n in args.pages.split(",") if n.strip()]
    unknown = [n for n in names if n not in PAGES]
    if unknown or not 1 <= args.loads <= 50:
        ap.error(f"unknown page {unknown}" if unknown else "--loads 1-50")

    from playwright.sync_api import sync_playwright

    from sandbox.ui.serve import frontend_of, voila_command, voila_env
    from sandbox.ui.session import app_sandbox

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    env = voila_env(str(folder / "app.sqlite"))
    if args.jupyter:
        env["JUPYTER_PATH"] = str(Path(args.jupyter).resolve()) + os.pathsep + env["JUPYTER_PATH"]
    app_sandbox(env["SANDBOX_DB"]).close()  # as `serve` does: the demo world before the first page
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = open(folder / "voila.log", "w")
    proc = subprocess.Popen(voila_command(port, frontend=args.frontend), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    results = []
    try:
        if not served(base + "/voila/render/app.ipynb?screen=login"):
            print("error: voila did not start (see", folder / "voila.log", ")")
            return 1
        time.sleep(args.gap)  # the page above took the pre-heated kernel: let the pool re-fill
        print(f"server {base}, {args.loads} loads per page, {args.gap:g} s apart, frontend {frontend_of(args.frontend)}, "
              f"Chromium {CHROMIUM}")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name in names:
                rows = []
                context = browser.new_context(viewport={"width": 1366, "height": 768}) if args.warm else None
                for _ in range(args.loads + (1 if args.warm else 0)):
                    rows.append(load(browser, base, name, args.idle, proc.pid, context))
                    time.sleep(args.gap)
                if context is not None:
                    context.close()
                    print(f"{name:9s} (a new visitor's load, not in the median: first widget "
                          f"{rows[0].get('first_widget_s', float('nan')):.2f} s, {rows[0]['bytes'] / 1e6:.2f} MB)")
                    rows = rows[1:]
                results.append(report(name + (" (returning)" if args.warm else ""), rows))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), "utf-8")
    failed = any(r["errors"] for r in results)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
