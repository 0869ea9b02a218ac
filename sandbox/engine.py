"""The sandbox: the one door through which the scenario runner, the screens and the tests enter.

    sb = Sandbox("var/sandbox.sqlite")           # or a postgresql+psycopg:// URL
    sb.load_world("demo", start="2025-09-01T09:00:00+07:00")
    result = sb.execute("rec1", "auth.login", {"method": "soft_token", "password": "…", "otp": "auto"})
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from . import commands as c
from . import views
from .adapters import orm
from .adapters.db import database_url, make_engine, migrate, schema_is_current
from .adapters.repository import ReferenceCache, Repository
from .calendar import BusinessCalendar, fiscal_year_bounds, parse_datetime
from .domain.policy import Cutover, RoundPolicy, bundled_cutovers
from .errors import Refusal
from .limits import check_clock_move
from .service.handlers import HANDLERS, Context
from .service.lapse import sweep
from .service.unit_of_work import UnitOfWork


@dataclass
class Result:
    """What an action gave: ``ok``, or the refusal's code with its Thai/English message."""

    action: str
    actor: str
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    field: str | None = None
    message_th: str = ""
    message_en: str = ""
    source_th: str = ""
    source_en: str = ""

    def message(self, lang: str = "th") -> str:
        return self.message_th if lang == "th" else self.message_en


# Objects a batch keeps in memory before it writes them out and lets them go (bounds memory
# when one batch touches tens of thousands of documents).
MAP_LIMIT = 10_000


class Sandbox:
    def __init__(self, db: str | None = None):
        self.url = database_url(db)
        self.engine = make_engine(self.url)
        if not schema_is_current(self.engine):
            migrate(self.engine)
        self._policy_cache: dict[str, Any] = {}
        self._reference = ReferenceCache()

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------ state
    def reset(self) -> None:
        """Empty every table (the schema stays)."""
        with self.engine.begin() as conn:
            for table in orm.RESET_ORDER:
                conn.execute(delete(table))
        self._policy_cache.clear()
        self._reference.clear()

    def load_world(self, world, start, *, extra_holidays=(), policy: dict | None = None) -> None:
        """Reset the sandbox and load ``world`` (a bundled name or a mapping) with the clock at ``start``."""
        from .world import load_world

        start = parse_datetime(start)
        self.reset()
        with self.engine.begin() as conn:
            load_world(conn, world, start)
            conn.execute(insert(orm.state).values(key="now", value=start.isoformat()))
            conn.execute(insert(orm.state).values(key="start", value=start.isoformat()))
            conn.execute(insert(orm.state).values(key="world", value=world if isinstance(world, str) else "inline"))
            for key, cut in bundled_cutovers().items():
                conn.execute(
                    insert(orm.cutover_policy).values(
                        key=key, name_th=cut.name_th, name_en=cut.name_en, register_from=cut.register_from,
                        refuse_from=cut.refuse_from, token_return_by=cut.token_return_by, source=cut.source,
                        clause=cut.clause, events=json.dumps(list(cut.events), default=str, ensure_ascii=False),
                    )
                )
            for day in extra_holidays:
                conn.execute(insert(orm.extra_holidays).values(day=parse_datetime(day).date(), name="scenario"))
        if policy:
            self.set_policy(policy)
        self._policy_cache.clear()

    def set_policy(self, policy: dict) -> None:
        """Override deadlines: ``september_deadline`` and/or ``march_deadline`` (a moment each)."""
        rp = orm.round_policy
        with self.engine.begin() as conn:
            for key, fy_of in (("september_deadline", lambda m: _fy(m)), ("march_deadline", lambda m: _fy(m) - 1)):
                if policy.get(key) is None:
                    continue
                moment = parse_datetime(policy[key])
                fy = fy_of(moment)
                if conn.execute(select(rp.c.fiscal_year).where(rp.c.fiscal_year == fy)).first() is None:
                    conn.execute(insert(rp).values(fiscal_year=fy))
                conn.execute(update(rp).where(rp.c.fiscal_year == fy).values(**{key: moment}))
        self._policy_cache.clear()

    def set_cutover(self, key: str, refuse_from) -> None:
        """What-if: move a cut-over instant (the timeline is data)."""
        with self.engine.begin() as conn:
            conn.execute(update(orm.cutover_policy).where(orm.cutover_policy.c.key == key)
                         .values(refuse_from=parse_datetime(refuse_from)))
        self._policy_cache.clear()

    def has_world(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(select(orm.state.c.value).where(orm.state.c.key == "now")).first() is not None

    @property
    def now(self) -> dt.datetime:
        with self.engine.connect() as conn:
            return self._now(conn)

    def _now(self, conn: Connection) -> dt.datetime:
        value = conn.execute(select(orm.state.c.value).where(orm.state.c.key == "now")).scalar_one_or_none()
        if value is None:
            raise RuntimeError("no world is loaded: call load_world() first")
        return dt.datetime.fromisoformat(value)

    def _cached(self, key: str, load):
        if key not in self._policy_cache:
            self._policy_cache[key] = load()
        return self._policy_cache[key]

    def calendar(self) -> BusinessCalendar:
        def load():
            with self.engine.connect() as conn:
                days = conn.execute(select(orm.extra_holidays.c.day)).scalars().all()
            return BusinessCalendar(days)

        return self._cached("calendar", load)

    def cutovers(self) -> dict[str, Cutover]:
        def load():
            with self.engine.connect() as conn:
                rows = conn.execute(select(orm.cutover_policy)).all()
            if not rows:
                return bundled_cutovers()
            return {
                r.key: Cutover(r.key, r.name_th, r.name_en, r.refuse_from, r.register_from, r.token_return_by,
                               r.source, r.clause, tuple(json.loads(r.events)))
                for r in rows
            }

        return self._cached("cutovers", load)

    def cutover(self, key: str) -> Cutover:
        return self.cutovers()[key]

    def round_policy(self, fy: int) -> RoundPolicy:
        def load():
            with self.engine.connect() as conn:
                return {r.fiscal_year: r for r in conn.execute(select(orm.round_policy))}

        def build():
            row = self._cached("round_overrides", load).get(fy)
            return RoundPolicy(
                fy, self.calendar(),
                row.september_deadline if row else None,
                row.march_deadline if row else None,
            )

        return self._cached(f"round_policy:{fy}", build)

    @staticmethod
    def fiscal_year_bounds(fy: int):
        return fiscal_year_bounds(fy)

    # ------------------------------------------------------------ the clock
    def move_clock(self, conn: Connection, now: dt.datetime, to: dt.datetime) -> None:
        start = conn.execute(select(orm.state.c.value).where(orm.state.c.key == "start")).scalar_one_or_none()
        check_clock_move(now, to, start)  # only forward, at most a few years past the world's start
        conn.execute(update(orm.state).where(orm.state.c.key == "now").values(value=to.isoformat()))
        sweep(conn, self.round_policy, to)

    def advance_clock(self, to) -> dt.datetime:
        """Move the simulated clock (never backwards) and fire every rule time triggers."""
        to = parse_datetime(to)
        with self.engine.begin() as conn:
            self.move_clock(conn, self._now(conn), to)
        return to

    # ------------------------------------------------------------ actions
    def require_session(self, ctx: Context) -> None:
        session = ctx.repo.session(ctx.actor_id)
        if session is None or not session.live_at(ctx.now):
            raise Refusal("not_logged_in", "session")
        session.last_seen = ctx.now

    def execute(self, actor: str, action: str, data: dict | None = None) -> Result:
        """Run one action as ``actor``. A refusal stores nothing but its audit line."""
        return self.execute_many([(actor, action, data)])[0]

    def execute_many(self, commands) -> list[Result]:
        """Run several actions in one transaction: every action gets exactly the checks, refusals
        and audit line it would get alone (for bulk work: one commit for the lot)."""
        commands = list(commands)
        results = []
        with UnitOfWork(self.engine) as uow:
            repo = Repository(uow.conn, self._reference)  # one identity map for the batch
            now = self._now(uow.conn)
            if len(commands) > 1:
                repo.prefetch(commands)
            for actor, action, data in commands:
                result, now = self._run(uow, repo, now, actor, action, {} if data is None else data)
                results.append(result)
            repo.flush()
            uow.commit()
        return results

    def _run(self, uow: UnitOfWork, repo: Repository, now: dt.datetime, actor: str, action: str,
             data: Any) -> tuple[Result, dt.datetime]:
        # No savepoint: handlers change objects in memory (written when the repository flushes
        # what settled commands changed) and write SQL of their own only after their last check,
        # so a refused command has written nothing and dropping its objects undoes it.
        repo.begin_command()
        ctx = Context(self, repo, now, actor)
        try:
            try:
                cmd = c.parse_command(action, data, actor)
            except KeyError:
                raise Refusal("unknown_action", "action", action=action) from None
            if cmd.needs_session:
                self.require_session(ctx)
            out = HANDLERS[type(cmd)](cmd, ctx) or {}
            repo.settle()
            if ctx.sweep_after or ctx.now != now or len(repo) > MAP_LIMIT:
                # Set-based SQL (lapse) is about to change rows behind the identity map, or a big
                # batch has gathered enough: write what is pending and start afresh.
                repo.forget()
                if ctx.sweep_after:
                    sweep(uow.conn, self.round_policy, ctx.now)
            repo.write_audit(ctx.now, actor, action, data, True, None, _audit_view(out))
            return Result(action, actor, True, out), ctx.now
        except Refusal as refusal:
            repo.discard()
            for table, key, values in ctx.keep:
                uow.conn.execute(update(table).where(*[table.c[k] == v for k, v in key.items()]).values(**values))
            repo.write_audit(now, actor, action, data, False, refusal.code, refusal.as_dict())
            info = refusal.as_dict()
            result = Result(
                action, actor, False, {}, refusal.code, refusal.field,
                info["message_th"], info["message_en"], info["source_th"], info["source_en"],
            )
            return result, now

    # ------------------------------------------------------------ read side
    def document(self, doc_no: str) -> dict | None:
        with self.engine.connect() as conn:
            return views.document(conn, doc_no)

    def user_state(self, user_id: str) -> dict | None:
        with self.engine.connect() as conn:
            return views.user_state(conn, self, user_id)

    def budget_line(self, budget_code: str, fund_source: str, commitment_item: str, unit: str | None = None) -> dict | None:
        with self.engine.connect() as conn:
            return views.budget_line(conn, budget_code, fund_source, commitment_item, unit)

    def unit_state(self, unit: str) -> dict:
        with self.engine.connect() as conn:
            return views.unit_state(conn, unit, self._now(conn))

    def session_live(self, user_id: str) -> bool:
        with self.engine.connect() as conn:
            return views.session_live(conn, user_id, self._now(conn))

    def users(self) -> list[dict]:
        with self.engine.connect() as conn:
            return views.users(conn)

    def documents(self, **cond) -> list[dict]:
        """Every document matching report-style conditions (trainer and screen lists)."""
        with self.engine.connect() as conn:
            return views.nfma60(conn, cond.pop("units", None), cond)

    def pending_requests(self, unit: str) -> list[dict]:
        with self.engine.connect() as conn:
            return views.withdrawals(conn, unit)

    def get_state(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(orm.state.c.value).where(orm.state.c.key == key)).scalar_one_or_none()
        return default if value is None else value

    def set_state(self, key: str, value: str) -> None:
        """Screen state that survives a page reload or a kernel restart (who is at the desk …)."""
        with self.engine.begin() as conn:
            if conn.execute(select(orm.state.c.key).where(orm.state.c.key == key)).first() is None:
                conn.execute(insert(orm.state).values(key=key, value=value))
            else:
                conn.execute(update(orm.state).where(orm.state.c.key == key).values(value=value))

    def audit(self, limit: int | None = None) -> list[dict]:
        with self.engine.connect() as conn:
            return views.audit(conn, limit)


def _fy(moment: dt.datetime) -> int:
    from .calendar import fiscal_year

    return fiscal_year(moment)


def _audit_view(out: dict) -> dict:
    """What the audit keeps of a result: one-time passwords are never written down."""
    hidden = {"one_time_password", "provisioning_uri"}
    return {k: ("***" if k in hidden else v) for k, v in out.items() if k != "rows"} | (
        {"rows": len(out["rows"])} if "rows" in out else {}
    )
