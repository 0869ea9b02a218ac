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
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import json
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
        self._depth = 0

    @contextlib.contextmanager
    def messages(self):
        publish = DummyComm.publish_msg
        meter = self

        def counting(self, msg_type, data=None, metadata=None, buffers=None, **keys):
            meter.counts[msg_type] += 1
            meter.counts["bytes"] += len(json.dumps(data, default=str)) + sum(len(b) for b in buffers or ())
            return publish(self, msg_type, data, metadata, buffers, **keys)

        DummyComm.publish_msg = counting
        try:
            yield self
        finally:
            DummyComm.publish_msg = publish

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
        out["engine_ms"] = self.engine * 1000
        self.counts.clear()
        self.engine = 0.0
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

    meter = Meter()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp, meter.messages():
        folder = Path(tmp)
        app = (open_class if class_mode else open_plain)(folder, scenario, lang)
        start_ticking(app)
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


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(rows: list[dict]) -> dict:
    out: dict = {"actions": len(rows)}
    for key in ("cpu_ms", "engine_ms", *KINDS, "bytes"):
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
    args = parser.parse_args()
    profile = cProfile.Profile() if args.profile else None
    with open("/proc/loadavg") as f:
        print("load average:", " ".join(f.read().split()[:3]))
    print("(p50, p95, total) per action")
    for scenario in args.scenarios:
        runs = [play(scenario, class_mode=args.class_mode, profile=profile) for _ in range(args.repeat)]
        rows = [{**r, **{k: statistics.median(run[i][k] for run in runs) for k in ("cpu_ms", "engine_ms", *KINDS, "bytes")}}
                for i, r in enumerate(runs[0])]
        print(scenario, "class" if args.class_mode else "plain", summary(rows))
        if args.steps:
            for r in rows:
                print(f"  {r['step']:>2} {r['action']:<24} cpu {r['cpu_ms']:7.1f} ms  engine {r['engine_ms']:6.1f} ms  "
                      f"open {r['comm_open']:>4} msg {r['comm_msg']:>4} close {r['comm_close']:>4}  {r['bytes']:>8} B")
    if profile is not None:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(args.profile)


if __name__ == "__main__":
    main()
