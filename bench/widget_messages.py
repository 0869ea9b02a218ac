"""Benchmark: the widget messages the kernel sends while a guided exercise is played on the
screens (issue 14: in a class every message is browser work in each of the browsers).

Each step is done on the screens as Demo mode does it (``App.perform``); the kernel's comms are
counted by type (``comm_open`` a new widget, ``comm_msg`` a change, ``comm_close`` a closed one).

    .venv/bin/python -m bench.widget_messages                       # sept-round-cx-basic, reports-nfma60
    .venv/bin/python -m bench.widget_messages reserve-edit-cancel
"""

from __future__ import annotations

import argparse
import collections
import tempfile
from pathlib import Path

from comm import DummyComm

DEFAULT = ("sept-round-cx-basic", "reports-nfma60")


def count_messages(scenario: str, lang: str = "th") -> dict:
    """Play ``scenario`` on a new sandbox; the messages sent, by type, and the actions played."""
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    counts: collections.Counter = collections.Counter()
    publish = DummyComm.publish_msg

    def counting(self, msg_type, *args, **kwargs):
        counts[msg_type] += 1
        return publish(self, msg_type, *args, **kwargs)

    DummyComm.publish_msg = counting
    try:
        with tempfile.TemporaryDirectory() as folder:
            sb = Sandbox(str(Path(folder) / "bench.sqlite"))
            app = App(sb, lang=lang, scenario=scenario, mode="practice")
            counts.clear()
            guide, played = app.guide, 0
            while guide.step is not None:
                step, before = guide.step, guide.player.position
                app.perform(step.actor, step.action, guide._inputs(step, lang))
                played += 1
                if guide.player.position <= before:
                    raise RuntimeError(f"{scenario}: step {before + 1} ({step.action}) did not pass")
            sb.close()
    finally:
        DummyComm.publish_msg = publish
    return {"scenario": scenario, "actions": played, **{k: counts[k] for k in ("comm_open", "comm_msg", "comm_close")},
            "open_and_msg": counts["comm_open"] + counts["comm_msg"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=list(DEFAULT))
    for scenario in parser.parse_args().scenarios:
        print(count_messages(scenario))


if __name__ == "__main__":
    main()
