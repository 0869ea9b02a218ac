"""One handler per command, one module per concern; each loads what it needs through the
repository, applies the domain's rules in the order the exercise format fixes
(docs/exercises.md) and returns what the caller should see. Importing this package registers
every handler in :data:`HANDLERS`."""

from __future__ import annotations

from . import auth, base, queries, reserve, rounds, set_runs, softtoken, spending, users  # noqa: F401  (they register)
from .base import HANDLERS, Context, PolicyPort, handles, require_session

__all__ = ["HANDLERS", "Context", "PolicyPort", "handles", "require_session"]
