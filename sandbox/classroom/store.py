"""The class database: classes, trainees, their sandboxes and the gradebook of step results.

Its own tables on their own ``MetaData`` (not the sandbox schema, not Alembic): a SQLite file by
default (``var/classes.sqlite``), or a PostgreSQL database given by URL. ``class_store_meta``
holds the version of this small schema; ``create_all`` makes what is missing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
)
from sqlalchemy.engine import Engine

from ..adapters.db import begin_writing, database_url, make_engine

DEFAULT_CLASS_DB = "var/classes.sqlite"
SCHEMA_VERSION = "1"

metadata = MetaData()

class_store_meta = Table(
    "class_store_meta", metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)

classes = Table(
    "classes", metadata,
    Column("name", String(60), primary_key=True),
    Column("world", String(80), nullable=False),
    Column("start", String(40), nullable=False),        # ISO moment, +07:00
    Column("exercises", Text, nullable=False, default=""),  # ids, comma separated, in order
    Column("trainer_code", String(40), nullable=False, unique=True),
    Column("assigned", String(80)),                     # the exercise everyone should open
    Column("clock", String(40)),                        # the class clock the trainer last set
    Column("created", String(40), nullable=False),
)

trainees = Table(
    "trainees", metadata,
    Column("class_name", String(60), nullable=False),
    Column("code", String(12), nullable=False),
    Column("token", String(64), nullable=False, unique=True),
    Column("free_number", Integer, nullable=False, default=0),  # the current free-play sandbox
    Column("last_seen", String(40)),
    UniqueConstraint("class_name", "code"),
    ForeignKeyConstraint(["class_name"], ["classes.name"]),
)

sandboxes = Table(
    "sandboxes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_name", String(60), nullable=False),
    Column("code", String(12), nullable=False),
    Column("kind", String(80), nullable=False),          # "free" or an exercise id
    Column("attempt", Integer, nullable=False),
    Column("mode", String(12), nullable=False),          # free, demo, practice, test
    Column("location", String(300), nullable=False),     # file under the root, or a database name
    Column("current", Boolean, nullable=False, default=True),
    Column("created", String(40), nullable=False),
    Column("seconds_to_create", Float),
    UniqueConstraint("class_name", "code", "kind", "attempt"),
    ForeignKeyConstraint(["class_name"], ["classes.name"]),
)

step_results = Table(
    "step_results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_name", String(60), nullable=False),
    Column("code", String(12), nullable=False),
    Column("exercise", String(80), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("mode", String(12), nullable=False),
    Column("step", Integer, nullable=False),             # index in the exercise, from 0
    Column("outcome", String(8), nullable=False),        # ok / wrong
    Column("error", String(60)),                         # the refusal code of a wrong attempt
    Column("points", Integer, nullable=False, default=0),
    Column("seconds", Float, nullable=False, default=0),
    Column("at", String(40), nullable=False),            # real time (UTC), when it was recorded
    ForeignKeyConstraint(["class_name"], ["classes.name"]),
)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class ClassStore:
    """The class database at ``url`` (a SQLite path or a database URL; default ``var/classes.sqlite``)."""

    def __init__(self, url: str | None = None):
        self.url = database_url(url or DEFAULT_CLASS_DB)
        self.engine: Engine = make_engine(self.url)
        metadata.create_all(self.engine)
        with begin_writing(self.engine) as conn:
            version = conn.execute(
                select(class_store_meta.c.value).where(class_store_meta.c.key == "version")
            ).scalar()
            if version is None:
                conn.execute(insert(class_store_meta).values(key="version", value=SCHEMA_VERSION))
            elif version != SCHEMA_VERSION:
                raise RuntimeError(f"class database {self.url.split('@')[-1]} has schema {version}, expected {SCHEMA_VERSION}")

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def connect(self):
        return self.engine.connect()

    def begin(self):
        return begin_writing(self.engine)

    def close(self) -> None:
        self.engine.dispose()
