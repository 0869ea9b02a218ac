"""Unit of work: one transaction per batch of actions; commit on success, roll back otherwise.

Every unit of work is a writing transaction (``adapters.db.for_writing``): SERIALIZABLE on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite, so each batch of commands acts as if it ran alone.
When it collides with a concurrent one (``adapters.db.is_conflict``), ``run_in_transaction``
redoes the whole batch from the start on a fresh connection, a few times with a short jittered
pause; when every attempt collided it raises ``Busy``, which the caller turns into a refusal
(code ``busy``) naming the documents — never a database error in front of a trainee.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy.engine import Engine

from ..adapters.db import for_writing, is_conflict
from ..errors import Joined, Refusal, Text

T = TypeVar("T")

ATTEMPTS = 8  # transactions tried before giving up
BACKOFF = 0.01  # seconds: first pause, doubled at each attempt (with jitter) up to BACKOFF_MAX
BACKOFF_MAX = 0.4
STATS = {"redone": 0, "busy": 0}  # in this process: transactions redone after a conflict, batches given up


class UnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.conn = for_writing(self.engine.connect())
        try:
            self.tx = self.conn.begin()
        except BaseException:
            self.conn.close()
            raise
        return self

    def commit(self) -> None:
        self.tx.commit()

    def rollback(self) -> None:
        if self.tx.is_active:
            self.tx.rollback()

    def __exit__(self, *exc) -> None:
        try:
            self.rollback()
        finally:
            self.conn.close()


class Busy(Exception):
    """Every attempt collided with concurrent transactions."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        super().__init__(f"the transaction collided with concurrent ones {attempts} times")


def pause(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (0, 1, …): exponential, jittered
    so that two colliding clients do not collide again in step."""
    return min(BACKOFF_MAX, BACKOFF * 2**attempt) * random.uniform(0.5, 1.5)


def run_in_transaction(engine: Engine, work: Callable[[UnitOfWork], T], attempts: int = ATTEMPTS) -> T:
    """``work(uow)`` in a unit of work that is committed when it returns. A conflict with a
    concurrent transaction rolls everything back and runs ``work`` again from scratch (so
    ``work`` must keep no state of its own between attempts); any other exception propagates."""
    for attempt in range(attempts):
        try:
            with UnitOfWork(engine) as uow:
                out = work(uow)
                uow.commit()
                return out
        except Exception as exc:
            if not is_conflict(exc):
                raise
            STATS["redone"] += 1
            if attempt + 1 < attempts:
                time.sleep(pause(attempt))
    STATS["busy"] += 1
    raise Busy(attempts)


def _named(commands: Iterable) -> tuple[list[str], list[str]]:
    """The documents and the withdrawal requests a batch of commands names, in order, once each."""
    docs: dict[str, None] = {}
    requests: dict[str, None] = {}
    for _, _, data in commands:
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("doc"), str):
            docs[data["doc"]] = None
        if isinstance(data.get("docs"), list):
            docs.update((str(d), None) for d in data["docs"])
        if isinstance(data.get("request"), str):
            requests[data["request"]] = None
    return list(docs), list(requests)


def _listed(names: list[str]) -> str:
    return ", ".join(names[:5]) + (" …" if len(names) > 5 else "")


def busy_refusal(commands: Iterable) -> Refusal:
    """The refusal every command of a batch gets when its transaction kept colliding: it names
    the documents and requests the batch was working on."""
    docs, requests = _named(commands)
    parts = []
    if docs:
        parts.append(Text("busy_documents", names=_listed(docs)))
    if requests:
        parts.append(Text("busy_requests", names=_listed(requests)))
    if not parts:
        parts = [Text("busy_same_records")]
    return Refusal("busy", None, what=Joined(tuple(parts), "and_separator"))
