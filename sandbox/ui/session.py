"""The sandbox the app works on: ``SANDBOX_DB`` or ``var/sandbox.sqlite``, with the demo world."""

from __future__ import annotations

import os

from ..engine import Sandbox

DEMO_START = "2025-09-01T09:00:00+07:00"


def app_sandbox(db: str | None = None, *, world: str = "demo", start: str = DEMO_START) -> Sandbox:
    """Open the app's sandbox; load the demo world the first time (state survives restarts)."""
    sb = Sandbox(db or os.environ.get("SANDBOX_DB"))
    if not sb.has_world():
        sb.load_world(world, start)
    return sb
