"""The sandbox: the one door through which the scenario runner, the screens and the tests enter.

    sb = Sandbox("var/sandbox.sqlite")           # or a postgresql+psycopg:// URL
    sb.load_world("demo", start="2025-09-01T09:00:00+07:00")
    result = sb.execute("rec1", "auth.login", {"method": "soft_token", "password": "…", "otp": "auto"})

The composition root: it builds the database engine, the policy store and the dispatcher and
hands each what it needs; the work itself is in :mod:`sandbox.service` (commands, clock, setup)
and :mod:`sandbox.views` (reading).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from . import views
from .adapters.db import database_url, make_engine, migrate, schema_is_current
from .adapters.policy_store import PolicyStore
from .adapters.repository import ReferenceCache
from .adapters.state import StateStore, has_clock, read_now
from .domain.calendar import BusinessCalendar, fiscal_year_bounds
from .domain.policy import Cutover, RoundPolicy
from .service import clock, setup
from .service.dispatch import Dispatcher, Result

__all__ = ["Result", "Sandbox"]


class Sandbox:
    def __init__(self, db: str | None = None):
        self.url = database_url(db)
        self.engine = make_engine(self.url)
        if not schema_is_current(self.engine):
            migrate(self.engine)
        self.policy = PolicyStore(self.engine)
        self._reference = ReferenceCache()
        self.ui_state = StateStore(self.engine)
        self._dispatcher = Dispatcher(self.engine, self.policy, self._reference)

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ setting up
    def invalidate(self) -> None:
        """The world or the policy changed: forget everything read ahead."""
        self.policy.invalidate()
        self._reference.clear()

    def reset(self) -> None:
        """Empty every table (the schema stays)."""
        setup.reset(self.engine)
        self.invalidate()

    def load_world(self, world, start, *, extra_holidays=(), policy: dict | None = None) -> None:
        """Reset the sandbox and load ``world`` (a bundled name or a mapping) with the clock at ``start``."""
        try:
            setup.load_world(self.engine, world, start, extra_holidays=extra_holidays, policy=policy)
        finally:
            self.invalidate()

    def set_policy(self, policy: dict) -> None:
        """Override deadlines: ``september_deadline`` and/or ``march_deadline`` (a moment each)."""
        setup.set_policy(self.engine, policy)
        self.invalidate()

    def set_cutover(self, key: str, refuse_from) -> None:
        """What-if: move a cut-over instant (the timeline is data)."""
        setup.set_cutover(self.engine, key, refuse_from)
        self.invalidate()

    def has_world(self) -> bool:
        with self.engine.connect() as conn:
            return has_clock(conn)

    # ------------------------------------------------------------ time and policy
    @property
    def now(self) -> dt.datetime:
        with self.engine.connect() as conn:
            return read_now(conn)

    def calendar(self) -> BusinessCalendar:
        return self.policy.calendar()

    def cutovers(self) -> dict[str, Cutover]:
        return self.policy.cutovers()

    def cutover(self, key: str) -> Cutover:
        return self.policy.cutover(key)

    def round_policy(self, fy: int) -> RoundPolicy:
        return self.policy.round_policy(fy)

    @staticmethod
    def fiscal_year_bounds(fy: int):
        return fiscal_year_bounds(fy)

    def advance_clock(self, to) -> dt.datetime:
        """Move the simulated clock (never backwards) and fire every rule time triggers."""
        return clock.advance_clock(self.engine, self.policy.round_policy, to)

    # ------------------------------------------------------------ actions
    def execute(self, actor: str, action: str, data: dict | None = None) -> Result:
        """Run one action as ``actor``. A refusal stores nothing but its audit line."""
        return self.execute_many([(actor, action, data)])[0]

    def execute_many(self, commands) -> list[Result]:
        """Run several actions in one transaction: every action gets exactly the checks, refusals
        and audit line it would get alone (for bulk work: one commit for the lot)."""
        return self._dispatcher.execute_many(commands)

    # ------------------------------------------------------------ read side
    def document(self, doc_no: str) -> dict | None:
        with self.engine.connect() as conn:
            return views.document(conn, doc_no)

    def user_state(self, user_id: str) -> dict | None:
        with self.engine.connect() as conn:
            return views.user_state(conn, user_id, read_now(conn), self.policy.cutover)

    def budget_line(self, budget_code: str, fund_source: str, commitment_item: str, unit: str | None = None) -> dict | None:
        with self.engine.connect() as conn:
            return views.budget_line(conn, budget_code, fund_source, commitment_item, unit)

    def unit_state(self, unit: str) -> dict:
        with self.engine.connect() as conn:
            return views.unit_state(conn, unit, read_now(conn), self.policy.cutover)

    def unit(self, code: str) -> dict | None:
        """A disbursement unit with its agency's code and name (``None`` if there is none)."""
        with self.engine.connect() as conn:
            return views.unit_with_agency(conn, code)

    def session_live(self, user_id: str) -> bool:
        with self.engine.connect() as conn:
            return views.session_live(conn, user_id, read_now(conn))

    def users(self) -> list[dict]:
        with self.engine.connect() as conn:
            return views.users(conn)

    def documents(self, **cond) -> list[dict]:
        """Every document matching report-style conditions (trainer and screen lists)."""
        with self.engine.connect() as conn:
            return views.nfma60(conn, cond.pop("units", None), cond)

    def report_rows(self, unit: str, cond: dict, *, contracts: bool = False) -> list[dict]:
        """NFMA60 (or NFMA60CX) rows over the documents ``unit`` sees."""
        with self.engine.connect() as conn:
            return views.nfma60(conn, views.unit_scope(conn, unit), cond, contracts=contracts)

    def report_stream(self, unit: str, cond: dict, *, contracts: bool = False, every_unit: bool = False,
                      viewer: str | None = None, chunk: int = 2000) -> Iterator[dict]:
        """The same rows read ``chunk`` at a time while a file is written (a whole country's
        documents in a flat amount of memory); ``every_unit``: every unit's; ``viewer``: the
        documents that user sees (CGD and trainers: every unit's), as the report action."""
        with self.engine.connect() as conn:
            if viewer is not None:
                units = views.visible_units_of(conn, viewer)
            else:
                units = None if every_unit else views.unit_scope(conn, unit)
            for rows in views.nfma60_chunks(conn, units, cond, contracts=contracts, chunk=chunk):
                yield from rows

    def pending_requests(self, unit: str) -> list[dict]:
        with self.engine.connect() as conn:
            return views.withdrawals(conn, unit)

    def get_state(self, key: str, default: str | None = None) -> str | None:
        return self.ui_state.get(key, default)

    def set_state(self, key: str, value: str) -> None:
        """Screen state that survives a page reload or a kernel restart (who is at the desk …)."""
        self.ui_state.set(key, value)

    def audit(self, limit: int | None = None) -> list[dict]:
        with self.engine.connect() as conn:
            return views.audit(conn, limit)
