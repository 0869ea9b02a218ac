"""Benchmark: what one trainee's action costs the kernel and the browser (issue 14, item 8).

An action is the guided panel's «play this step» click (``button.gf-guide-play``), as
``bench.class_load`` drives it: the kernel plays the step on the screens, the engine runs the
command, the screens redraw and every widget change is a message the browser must apply. For each
action: the kernel's CPU time (``time.process_time``), the part of it spent in the sandbox's own
methods (the engine: commands and read queries), and the widget messages sent (``comm_open``,
``comm_msg``, ``comm_close``, and their JSON bytes).

    .venv/bin/python -m bench.actions                         # sept-round-cx-basic, reports-nfma60
    .venv/bin/python -m bench.actions --class-mode            # in a class sandbox with the gradebook
    .venv/bin/python -m bench.actions --steps                 # one line per step
    .venv/bin/python -m bench.actions --profile 30            # the 30 costliest functions (cProfile)
    .venv/bin/python -m bench.actions --browser               # one page in Chromium: the renderer's
                                                              # main-thread time per click (CDP metrics)
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import cProfile
import gc
import json
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from comm import DummyComm

DEFAULT = ("sept-round-cx-basic", "reports-nfma60")
KINDS = ("comm_open", "comm_msg", "comm_close")


class Meter:
    """Counts the widget messages (by type, and JSON bytes) and the CPU spent in the sandbox."""

    def __init__(self) -> None:
        self.counts: collections.Counter = collections.Counter()
        self.engine = 0.0
        self.gc = 0.0  # CPU in the garbage collector (a full collection of a kernel's heap: ~80 ms)
        self._depth = 0
        self._gc_began = 0.0

    def _gc(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_began = time.process_time()
        else:
            self.gc += time.process_time() - self._gc_began

    @contextlib.contextmanager
    def messages(self):
        publish = DummyComm.publish_msg
        meter = self

        def counting(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            meter.counts[msg_type] += 1
            meter.counts["bytes"] += len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or ())
            return publish(self, msg_type, data, metadata, buffers, **keys)

        DummyComm.publish_msg = counting
        gc.callbacks.append(self._gc)
        try:
            yield self
        finally:
            DummyComm.publish_msg = publish
            gc.callbacks.remove(self._gc)

    def watch(self, sandbox) -> None:
        """Time the sandbox's public methods (outermost calls only) on this instance."""
        for name in dir(type(sandbox)):
            if name.startswith("_") or not callable(getattr(type(sandbox), name, None)):
                continue
            setattr(sandbox, name, self._timed(getattr(sandbox, name)))

    def _timed(self, method):
        def timed(*args, **kwargs):
            if self._depth:
                return method(*args, **kwargs)
            self._depth += 1
            began = time.process_time()
            try:
                return method(*args, **kwargs)
            finally:
                self.engine += time.process_time() - began
                self._depth -= 1

        return timed

    def take(self) -> dict:
        out = {k: self.counts[k] for k in (*KINDS, "bytes")}
        out["engine_ms"], out["gc_ms"] = self.engine * 1000, self.gc * 1000
        self.counts.clear()
        self.engine = self.gc = 0.0
        return out


def open_plain(folder: Path, scenario: str, lang: str):
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    sb = Sandbox(str(folder / "bench.sqlite"))
    return App(sb, lang=lang, scenario=scenario, mode="practice", running=True)


def open_class(folder: Path, scenario: str, lang: str):
    """The app as a class page opens it: the trainee's own sandbox, the gradebook hooks."""
    from sandbox.classroom import Classroom
    from sandbox.ui.app import App
    from sandbox.ui.classmode import ClassHooks

    room = Classroom(str(folder / "class.sqlite"), folder / "sandboxes")
    info = room.create_class("bench", trainees=1, exercises=[scenario])
    who = room.sign_in(info.trainees[0]["token"])
    sb, ref = room.sandbox(who, scenario, mode="practice")
    app = App(sb, lang=lang, running=True)
    ClassHooks(app, room, who, ref, {"t": info.trainees[0]["token"]})
    return app


def play(scenario: str, lang: str = "th", class_mode: bool = False, profile: cProfile.Profile | None = None) -> list[dict]:
    """Every «play this step» click of ``scenario``, one row each."""
    from sandbox.ui.clock import start_ticking

    try:
        from sandbox.ui.app import settle
    except ImportError:  # (the code before it: nothing frozen)
        def settle() -> None:
            pass

    meter = Meter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp, meter.messages():
        folder = Path(tmp)
        app = (open_class if class_mode else open_plain)(folder, scenario, lang)
        start_ticking(app)
        settle()  # as open_app does for a page
        meter.watch(app.sandbox)
        guide = app.guide
        meter.take()
        while guide.step is not None:
            step, before = guide.step, guide.player.position
            began = time.process_time()
            if profile is not None:
                profile.enable()
            guide.play_btn.click()
            if profile is not None:
                profile.disable()
            cpu = (time.process_time() - began) * 1000
            rows.append({"step": before + 1, "action": step.action, "cpu_ms": cpu, **meter.take()})
            if guide.player.position <= before:
                raise RuntimeError(f"{scenario}: step {before + 1} ({step.action}) did not pass")
        app.sandbox.close()
    return rows


def browser_cpu_ms() -> float:
    """CPU time (user + system) of every Chromium process under this one, in ms."""
    import os

    parent, cpu, names = {}, {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
        parent[int(entry)], names[int(entry)] = int(rest[1]), name
        cpu[int(entry)] = (int(rest[11]) + int(rest[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    me, total = os.getpid(), 0.0
    for pid, ms in cpu.items():
        if "chrom" not in names[pid]:
            continue
        up = parent.get(pid)
        while up and up != me:
            up = parent.get(up)
        if up == me:
            total += ms
            BY_PROCESS[_kind(pid)] = BY_PROCESS.get(_kind(pid), 0.0) + ms * _SIGN[0]
    _SIGN[0] = -_SIGN[0]
    return total


BY_PROCESS: dict[str, float] = {}  # chromium CPU ms by process type (renderer, gpu-process, …), over the clicks
_SIGN = [-1.0]  # browser_cpu_ms is called before (-) and after (+) each click


def _kind(pid: int) -> str:
    import re

    try:
        found = re.search(rb"--type=(\S+)", Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" "))
    except OSError:
        return "?"
    return found.group(1).decode() if found else "browser"


async def _browser_clicks(url: str, steps: int) -> list[dict]:
    """One app page in Chromium: for each «play this step», the wall time to the next step and the
    renderer's main-thread time (CDP ``Performance.getMetrics``: tasks, scripts, layout, style)."""
    import re

    from playwright.async_api import async_playwright

    from bench.class_load import ARGS, CHROMIUM, POLL_MS

    rows = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = await browser.new_page(viewport={"width": 1366, "height": 900})
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Performance.enable")

        async def metrics() -> dict:
            got = await cdp.send("Performance.getMetrics")
            return {m["name"]: m["value"] for m in got["metrics"]}

        await page.goto(url, timeout=120_000)
        await page.wait_for_selector(".gf-guide-play", timeout=120_000)
        await asyncio.sleep(2)
        for _ in range(steps):
            title = await page.evaluate("() => (document.querySelector('.gf-guide .gf-step-title') || {}).innerText || ''")
            found = re.search(r"(\d+)/\d+", title)
            if found is None:
                break
            before = int(found.group(1))
            m0, c0, began = await metrics(), browser_cpu_ms(), time.perf_counter()
            await page.click("button.gf-guide-play")
            await page.wait_for_function(
                "(b) => { const e = document.querySelector('.gf-guide .gf-step-title');"
                " const m = e && e.innerText.match(/(\\d+)\\//); return !m || Number(m[1]) > b; }",
                arg=before, timeout=60_000, polling=POLL_MS)
            wall = time.perf_counter() - began
            await asyncio.sleep(1.0)  # what the page still draws after the step shows
            m1 = await metrics()
            rows.append({"step": before, "wall_ms": wall * 1000, "chromium_cpu_ms": browser_cpu_ms() - c0, "nodes": m1.get("Nodes", 0),
                         **{f"{k.replace('Duration', '').lower()}_ms": (m1[k] - m0[k]) * 1000
                            for k in ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")}})
        await browser.close()
    return rows


def browser(scenario: str, steps: int = 40) -> list[dict]:
    """Serve the app (one person, a new database) and play ``scenario`` in one Chromium page."""
    import subprocess
    import urllib.request

    import sandbox
    from bench.class_load import free_port
    from sandbox.ui.serve import voila_command, voila_env

    root = Path(sandbox.__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        log = open(Path(tmp) / "voila.log", "w")
        proc = subprocess.Popen(voila_command(port), cwd=root, env=voila_env(str(Path(tmp) / "b.sqlite")),
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(240):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/render/app.ipynb?x=1", timeout=30).read(1)
                    break
                except OSError:
                    time.sleep(0.5)
            url = f"http://127.0.0.1:{port}/voila/render/app.ipynb?scenario={scenario}&mode=practice"
            return asyncio.run(_browser_clicks(url, steps))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
            log.close()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(rows: list[dict]) -> dict:
    out: dict = {"actions": len(rows)}
    for key in ("cpu_ms", "engine_ms", "gc_ms", *KINDS, "bytes"):
        values = [r[key] for r in rows]
        out[key] = (round(statistics.median(values), 1), round(pct(values, 0.95), 1), round(sum(values), 1))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULT))
    parser.add_argument("--class-mode", action="store_true", help="a class sandbox and the gradebook")
    parser.add_argument("--steps", action="store_true", help="one line per step")
    parser.add_argument("--repeat", type=int, default=1, help="play each exercise this many times (medians per step)")
    parser.add_argument("--profile", type=int, default=0, help="print this many costliest functions")
    parser.add_argument("--browser", action="store_true", help="one page in Chromium: renderer time per click")
    parser.add_argument("--frontend", choices=["lite", "lab"], help="with --browser: what draws the page (default: lite)")
    args = parser.parse_args()
    if args.frontend:
        os.environ["SANDBOX_FRONTEND"] = args.frontend  # read by serve.voila_command
    if args.browser:
        with open("/proc/loadavg") as f:
            print("load average:", " ".join(f.read().split()[:3]))
        for scenario in args.scenarios:
            rows = browser(scenario)
            for r in rows if args.steps else ():
                print("  " + "  ".join(f"{k} {v:.0f}" for k, v in r.items()))
            print("  chromium CPU ms by process, all clicks:", {k: round(v) for k, v in BY_PROCESS.items()})
            BY_PROCESS.clear()
            print(scenario, "browser", {k: (round(statistics.median(r[k] for r in rows)), round(pct([r[k] for r in rows], 0.95)),
                                            round(sum(r[k] for r in rows))) for k in rows[0] if k != "step"})
        return
    profile = cProfile.Profile() if args.profile else None
    with open("/proc/loadavg") as f:
        print("load average:", " ".join(f.read().split()[:3]))
    print("(p50, p95, total) per action")
    for scenario in args.scenarios:
        runs = [play(scenario, class_mode=args.class_mode, profile=profile) for _ in range(args.repeat)]
        rows = [{**r, **{k: statistics.median(run[i][k] for run in runs) for k in ("cpu_ms", "engine_ms", "gc_ms", *KINDS, "bytes")}}
                for i, r in enumerate(runs[0])]
        print(scenario, "class" if args.class_mode else "plain", summary(rows))
        if args.steps:
            for r in rows:
                print(f"  {r['step']:>2} {r['action']:<24} cpu {r['cpu_ms']:7.1f} ms  engine {r['engine_ms']:6.1f} ms  gc {r['gc_ms']:5.1f} ms  "
                      f"open {r['comm_open']:>4} msg {r['comm_msg']:>4} close {r['comm_close']:>4}  {r['bytes']:>8} B")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
