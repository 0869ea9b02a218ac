"""Database connection: a SQLite file by default (WAL), PostgreSQL when given a URL.

Reads run at the store's default (PostgreSQL: READ COMMITTED; SQLite: a deferred ``BEGIN``, so
readers never queue behind a writer). A unit of work that may write asks for ``for_writing``:
SERIALIZABLE on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite (it takes the write lock at once and
waits its turn for up to ``BUSY_TIMEOUT`` seconds, instead of failing when it later upgrades a
stale read snapshot). What two concurrent writers can still run into (a serialization failure,
a deadlock, a duplicate number, a busy database) ``is_conflict`` recognises: the transaction is
then redone from the start (``service.unit_of_work.run_in_transaction``).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Connection, Engine

DEFAULT_DB = Path("var") / "sandbox.sqlite"
BUSY_TIMEOUT = 30  # seconds a SQLite writer waits for the write lock
_WRITE = "sandbox_write"  # execution option: this connection's transactions may write
# PostgreSQL SQLSTATEs of a conflict between concurrent transactions (redo the transaction)
_RETRY_STATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected
_UNIQUE_VIOLATION = "23505"
# Tables whose unique keys two concurrent transactions may both try to take: the number counters
# (a first number of a type) and sessions (a first login). Another duplicate key is a bug.
_RETRY_UNIQUE_TABLES = {"counters", "sessions"}
CACHE_KIB = int(os.environ.get("SANDBOX_SQLITE_CACHE_KIB", 65536))  # page cache per connection
ANALYSIS_LIMIT = 400  # rows SQLite samples per index when it gathers statistics (PRAGMA optimize)
_SQLITE_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED (extended codes: the low byte)


def database_url(db: str | os.PathLike | None = None) -> str:
    """``db`` may be a URL, a file path, or ``None`` (then ``SANDBOX_DB``, then the default file)."""
    value = str(db) if db is not None else os.environ.get("SANDBOX_DB") or str(DEFAULT_DB)
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (savepoints work).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # A page cache that holds a big sandbox's hot indexes (SQLite's default is 2 MiB: with
            # 100,000 documents every look-up went to the file). Pages are taken only as used.
            cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
            cur.close()

        @event.listens_for(engine, "close")
        def _optimize(dbapi_conn, _record):
            # SQLite's advice for a connection about to close: gather the planner's statistics for
            # the tables its queries could have used them on (bounded work, a short wait for the
            # lock; skipped when busy). Without them a filtered report may scan the wrong index.
            try:
                dbapi_conn.execute("PRAGMA busy_timeout=200")
                dbapi_conn.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                dbapi_conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def for_writing(conn: Connection) -> Connection:
    """Make ``conn``'s next transaction a writing one (call before it begins)."""
    if conn.dialect.name == "sqlite":
        return conn.execution_options(**{_WRITE: True})
    return conn.execution_options(isolation_level="SERIALIZABLE")


@contextmanager
def begin_writing(engine: Engine) -> Iterator[Connection]:
    """``engine.begin()`` for a short write outside a unit of work (screen state, the clock, the
    world): on SQLite it takes the write lock at once (``BEGIN IMMEDIATE``, waiting its turn)
    rather than failing when a read snapshot turns out stale; PostgreSQL keeps its default."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def is_conflict(exc: BaseException) -> bool:
    """``exc`` (a SQLAlchemy error or the driver's own, from a raw cursor) says the transaction
    collided with a concurrent one and would succeed if redone."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_BUSY
        return "database is locked" in str(orig) or "database table is locked" in str(orig)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _RETRY_STATES:
        return True
    if state == _UNIQUE_VIOLATION:
        return getattr(getattr(orig, "diag", None), "table_name", None) in _RETRY_UNIQUE_TABLES
    return False


def alembic_config(engine_or_url):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("sandbox").joinpath("migrations")))
    cfg.attributes["connection_url"] = engine_or_url
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision. Several processes may open a new
    database at once (a server's kernels starting together): one migrates, the others wait
    for it (a file lock beside a SQLite file, an advisory lock on PostgreSQL) and find the
    schema current."""
    from alembic import command

    with _migration_lock(engine), engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7428011)")  # "GFMIS" migrations
        cfg = alembic_config(None)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")  # at head already: nothing to do


@contextmanager
def _migration_lock(engine: Engine):
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:" or path.startswith("file:"):
        yield
        return
    import fcntl

    with open(f"{path}.migrate-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@lru_cache(maxsize=8)
def _head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(None)).get_current_head()


def schema_is_current(engine: Engine) -> bool:
    if not inspect(engine).has_table("alembic_version"):
        return False
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return row is not None and row[0] == _head_revision()
