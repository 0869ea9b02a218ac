"""The ``state`` table: the simulated clock and small values the screens keep (who is at the
desk …) so they survive a page reload or a kernel restart."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from . import orm
from .db import begin_writing


def read_now(conn: Connection) -> dt.datetime:
    value = conn.execute(select(orm.state.c.value).where(orm.state.c.key == "now")).scalar_one_or_none()
    if value is None:
        raise RuntimeError("no world is loaded: call load_world() first")
    return dt.datetime.fromisoformat(value)


def read_state(conn: Connection, key: str) -> str | None:
    return conn.execute(select(orm.state.c.value).where(orm.state.c.key == key)).scalar_one_or_none()


def write_now(conn: Connection, moment: dt.datetime) -> None:
    conn.execute(update(orm.state).where(orm.state.c.key == "now").values(value=moment.isoformat()))


def has_clock(conn: Connection) -> bool:
    return conn.execute(select(orm.state.c.value).where(orm.state.c.key == "now")).first() is not None


def put(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(orm.state.c.key).where(orm.state.c.key == key)).first() is None:
        conn.execute(insert(orm.state).values(key=key, value=value))
    else:
        conn.execute(update(orm.state).where(orm.state.c.key == key).values(value=value))


class StateStore:
    """Screen state by key (the facade's ``get_state`` / ``set_state``)."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def get(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as conn:
            value = conn.execute(select(orm.state.c.value).where(orm.state.c.key == key)).scalar_one_or_none()
        return default if value is None else value

    def set(self, key: str, value: str) -> None:
        with begin_writing(self.engine) as conn:
            put(conn, key, value)
