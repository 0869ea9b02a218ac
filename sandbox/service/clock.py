"""The simulated clock: it moves forward only, and every rule that time triggers fires as it
moves — the lapse «ถูกพับไปโดยผลของกฎหมาย» [manual 004; docs/rules.md, lapse].

The lapse is set-based, one statement per rule and fiscal year. A document that must have lapsed
by ``now`` is closed with the instant of the rule that closed it, so one jump of the clock across
several deadlines gives the same result as many small ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import and_, func, insert, literal, not_, or_, select, update
from sqlalchemy.engine import Connection, Engine

from ..adapters import orm
from ..adapters.db import begin_writing
from ..adapters.state import read_now, read_state, write_now
from ..domain.calendar import parse_datetime
from ..domain.policy import RoundPolicy
from ..limits import check_clock_move

docs = orm.reserve_docs
lines = orm.budget_lines


def move_clock(conn: Connection, round_policy: Callable[[int], RoundPolicy], now: dt.datetime, to: dt.datetime) -> None:
    """Within a transaction: set the clock to ``to`` (never backwards, at most a few years past the
    world's start) and sweep the lapses."""
    check_clock_move(now, to, read_state(conn, "start"))
    write_now(conn, to)
    sweep(conn, round_policy, to)


def advance_clock(engine: Engine, round_policy: Callable[[int], RoundPolicy], to) -> dt.datetime:
    """Move the simulated clock in a transaction of its own; returns the new moment."""
    to = parse_datetime(to)
    with begin_writing(engine) as conn:
        move_clock(conn, round_policy, read_now(conn), to)
    return to


def carried():
    """Carried into the next fiscal year: approved in September, or a PO (a signed contract
    carries over without List or Confirm [004 letter 1.1])."""
    return or_(docs.c.sept_approved, docs.c.doc_type == "PO")


def lapse_rules(policy: RoundPolicy):
    """(instant, which documents of the year lapse then, the rule's name)."""
    return [
        (policy.september_lapse,
         and_(not_(carried()), docs.c.status.in_(("", "21"))),
         "fiscal_year_end"),
        (policy.march_lapse,
         and_(carried(), docs.c.status.in_(("", "50", "22"))),
         "carry_over_end"),
        (policy.extension_usable_until, docs.c.status == "40", "extension_end"),
    ]


def sweep(conn: Connection, policy_of: Callable[[int], RoundPolicy], now: dt.datetime) -> int:
    """Close every open document whose money has lapsed by ``now``; returns how many."""
    years = conn.execute(select(docs.c.fiscal_year).where(docs.c.closed == "").distinct()).scalars().all()
    total = 0
    for fy in years:
        for instant, condition, rule in lapse_rules(policy_of(fy)):
            if now < instant:
                continue
            where = and_(docs.c.fiscal_year == fy, docs.c.closed == "", condition)
            amount = (
                select(func.coalesce(func.sum(docs.c.remaining), 0))
                .where(where, docs.c.budget_line_id == lines.c.id)
                .scalar_subquery()
            )
            conn.execute(
                update(lines)
                .where(lines.c.id.in_(select(docs.c.budget_line_id).where(where)))
                .values(reserved=lines.c.reserved - amount, lapsed=lines.c.lapsed + amount)
            )
            conn.execute(
                insert(orm.doc_history).from_select(
                    ["doc_no", "at", "actor", "action", "from_status", "to_status", "note"],
                    select(
                        docs.c.doc_no, literal(instant, orm.Moment()), literal("system"),
                        literal("lapse"), docs.c.status, docs.c.status, literal(rule),
                    ).where(where),
                )
            )
            wd = orm.withdrawals
            conn.execute(
                update(wd)
                .where(wd.c.status.in_(("requested", "approved")),
                       wd.c.doc_no.in_(select(docs.c.doc_no).where(where)))
                .values(status="void")
            )
            total += conn.execute(
                update(docs).where(where).values(remaining=0, closed="lapsed", closed_at=instant, close_note=rule)
            ).rowcount
    return total
