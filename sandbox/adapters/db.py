"""Database connection: a SQLite file by default (WAL), PostgreSQL when given a URL."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import create_engine, event, inspect
from sqlalchemy.engine import Engine

DEFAULT_DB = Path("var") / "sandbox.sqlite"


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
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            # Let SQLAlchemy, not pysqlite, decide when transactions begin (savepoints work).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            conn.exec_driver_sql("BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine_or_url):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("sandbox").joinpath("migrations")))
    cfg.attributes["connection_url"] = engine_or_url
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    from alembic import command

    with engine.begin() as conn:
        cfg = alembic_config(None)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
