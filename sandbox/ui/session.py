"""The sandbox the app works on: ``SANDBOX_DB`` or ``var/sandbox.sqlite``, with the demo world."""

from __future__ import annotations

import os
from urllib.parse import parse_qs

from ..engine import Sandbox

DEMO_START = "2025-09-01T09:00:00+07:00"


def app_sandbox(db: str | None = None, *, world: str = "demo", start: str = DEMO_START) -> Sandbox:
    """Open the app's sandbox; load the demo world the first time (state survives restarts)."""
    sb = Sandbox(db or os.environ.get("SANDBOX_DB"))
    if not sb.has_world():
        sb.load_world(world, start)
    return sb


def query_parameters() -> dict[str, str]:
    """Voila hands the page's query string to the kernel (``?scenario=<id>&mode=demo``). In a
    pre-heated kernel this waits for the request that takes the kernel."""
    raw = os.environ.get("QUERY_STRING", "")
    try:
        from voila.utils import get_query_string

        raw = get_query_string() or raw
    except ImportError:
        pass
    return {k: v[0] for k, v in parse_qs(raw).items()}
