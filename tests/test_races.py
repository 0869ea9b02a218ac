"""Two clients race for the same records (issue 13), on SQLite and PostgreSQL: every command is
atomic and isolated. Two spawned processes, each with its own ``Sandbox``, line up on a barrier
and send their commands at the same instant; exactly the expected number of sides wins, money is
conserved on every budget line, every document's statuses form a chain of legal transitions, and
every call returns a result (no raw database error). ``python -m bench.races`` runs the same
races many more times."""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from sqlalchemy import select

from bench import races
from sandbox.adapters import orm
from sandbox.engine import Sandbox
from sandbox.errors import message
from sandbox.service import unit_of_work
from sandbox.service.unit_of_work import Busy, busy_refusal, run_in_transaction

TRIALS = 3


def test_every_race_has_one_winner_and_leaves_the_books_sound(db_url):
    tallies = races.run_races(db_url, TRIALS)
    assert [t.races for t in tallies.values()] == [TRIALS] * len(races.RACES)
    broken = {name: t.examples for name, t in tallies.items() if t.anomalies}
    assert not broken, broken


def test_a_collision_redoes_the_whole_transaction(sqlite_sandbox):
    sb = sqlite_sandbox
    races.prepare(sb)
    attempts = []

    def work(uow):
        attempts.append(len(attempts))
        uow.conn.execute(orm.state.update().where(orm.state.c.key == "world").values(value=f"try {len(attempts)}"))
        if len(attempts) < 3:  # what SQLite says to a writer that lost the race
            raise sqlite3.OperationalError("database is locked")
        return "done"

    assert run_in_transaction(sb.engine, work) == "done"
    assert attempts == [0, 1, 2]
    assert sb.get_state("world") == "try 3"  # the third attempt alone was committed


def test_when_retries_run_out_every_command_is_refused_as_busy(sqlite_sandbox, monkeypatch):
    sb = sqlite_sandbox
    races.prepare(sb)
    before = len(sb.audit())

    def always_busy(engine, work, attempts=unit_of_work.ATTEMPTS):
        if attempts == unit_of_work.ATTEMPTS:  # the batch itself; its audit lines go through
            raise Busy(attempts)
        return run_in_transaction(engine, work, attempts)

    monkeypatch.setattr("sandbox.service.dispatch.run_in_transaction", always_busy)
    results = sb.execute_many([
        ("appr_c", "round.confirm", {"docs": ["CX00000001", "CX00000002"]}),
        ("pay1", "payment.approve", {"request": "WR00000007"}),
    ])
    assert [(r.ok, r.error) for r in results] == [(False, "busy"), (False, "busy")]
    assert "CX00000001, CX00000002" in results[0].message_th and "WR00000007" in results[0].message_th
    assert "ลองใหม่" in results[0].message_th and "try again" in results[0].message_en
    assert results[0].source_th and results[0].source_en
    trail = sb.audit()
    assert len(trail) == before + 2 and {a["error"] for a in trail[:2]} == {"busy"}


def test_busy_names_something_even_without_documents():
    refusal = busy_refusal([("rec1", "auth.login", {"method": "soft_token"})])
    assert "ข้อมูลเดียวกัน" in message(refusal, "th") and "the same records" in message(refusal, "en")


def test_only_collisions_are_redone(sqlite_sandbox):
    sb = sqlite_sandbox
    races.prepare(sb)
    attempts = []

    def work(uow):
        attempts.append(1)
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        run_in_transaction(sb.engine, work)
    assert attempts == [1]


def test_writers_take_the_write_lock_at_once_and_readers_do_not(sqlite_sandbox):
    sb = sqlite_sandbox
    races.prepare(sb)
    with unit_of_work.UnitOfWork(sb.engine) as uow:
        uow.conn.execute(select(orm.state.c.value)).all()  # only read, yet the write lock is held
        other = Sandbox(sb.url)
        try:
            raw = sqlite3.connect(sb.engine.url.database, timeout=0.1, isolation_level=None)
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
            assert other.now  # a plain read is not held up
            raw.close()
        finally:
            other.close()


def test_screen_state_written_while_a_command_commits(sqlite_sandbox):
    """A short write outside the unit of work (the screen's state) waits for a writer instead of
    failing on a stale read snapshot ("database is locked")."""
    sb = sqlite_sandbox
    races.prepare(sb)
    sb.set_state("ui_screen", "home")
    holding, done = threading.Event(), []

    def writer():
        with unit_of_work.UnitOfWork(sb.engine) as uow:
            uow.conn.execute(orm.state.update().where(orm.state.c.key == "world").values(value="busy"))
            holding.set()
            time.sleep(0.3)
            uow.commit()
        done.append(True)

    thread = threading.Thread(target=writer)
    thread.start()
    holding.wait(5)
    sb.set_state("ui_screen", "reserve")
    thread.join()
    assert done and sb.get_state("ui_screen") == "reserve" and sb.get_state("world") == "busy"
