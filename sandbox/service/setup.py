"""Setting the sandbox up: empty it, load a world with the clock at its start, override the
round deadlines, move a cut-over (what-if). Each in one transaction — loading a world empties the
sandbox in the same transaction, so a crash half-way leaves the old world whole; the caller then
tells the policy store to forget what it read."""

from __future__ import annotations

import json

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection, Engine

from ..adapters import orm
from ..adapters.db import begin_writing
from ..adapters.policy_store import bundled_cutovers
from ..domain.calendar import fiscal_year, parse_datetime
from ..world import load_world as load


def reset(engine: Engine) -> None:
    """Empty every table (the schema stays)."""
    with begin_writing(engine) as conn:
        _empty(conn)


def _empty(conn: Connection) -> None:
    for table in orm.RESET_ORDER:
        conn.execute(delete(table))


def load_world(engine: Engine, world, start, *, extra_holidays=(), policy: dict | None = None) -> None:
    """Empty the sandbox and load ``world`` (a bundled name or a mapping) with the clock at
    ``start`` and the deadline overrides of ``policy``: all or nothing, in one transaction."""
    start = parse_datetime(start)
    with begin_writing(engine) as conn:
        _empty(conn)
        load(conn, world, start)
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
            _set_policy(conn, policy)


def set_policy(engine: Engine, policy: dict) -> None:
    """Override deadlines: ``september_deadline`` and/or ``march_deadline`` (a moment each)."""
    with begin_writing(engine) as conn:
        _set_policy(conn, policy)


def _set_policy(conn: Connection, policy: dict) -> None:
    rp = orm.round_policy
    for key, fy_of in (("september_deadline", fiscal_year), ("march_deadline", lambda m: fiscal_year(m) - 1)):
        if policy.get(key) is None:
            continue
        moment = parse_datetime(policy[key])
        fy = fy_of(moment)
        if conn.execute(select(rp.c.fiscal_year).where(rp.c.fiscal_year == fy)).first() is None:
            conn.execute(insert(rp).values(fiscal_year=fy))
        conn.execute(update(rp).where(rp.c.fiscal_year == fy).values(**{key: moment}))


def set_cutover(engine: Engine, key: str, refuse_from) -> None:
    """What-if: move a cut-over instant (the timeline is data)."""
    with begin_writing(engine) as conn:
        conn.execute(update(orm.cutover_policy).where(orm.cutover_policy.c.key == key)
                     .values(refuse_from=parse_datetime(refuse_from)))
