"""A sandbox per trainee, made from a prepared world in well under a second.

The world (schema migrated, world loaded, clock at its start) is built once per (world, start,
holidays, policy) — a *prepared world* — and every sandbox is a copy of it:

- SQLite: the prepared world is a file ``<root>/_worlds/<world>-<key>.sqlite``; a sandbox is a
  copy made with SQLite's backup API into ``<root>/<class>/<code>/<kind>-<n>.sqlite``.
- PostgreSQL: the prepared world is a database ``gfw_<key>`` marked as a template; a sandbox is
  ``CREATE DATABASE … TEMPLATE gfw_<key>`` on the same server (one server for the whole class).
  PostgreSQL refuses two copies of one template at the same moment, so copies of a template
  queue behind an advisory lock.

Building a prepared world is guarded too (a file lock, an advisory lock): the first trainee to
need it builds it, the others wait for it and copy.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ..engine import Sandbox

_SAFE = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class WorldSpec:
    """What a prepared world is made of: a world (a bundled name or a mapping) and its start,
    with an exercise's extra holidays and deadline policy."""

    world: Any
    start: str
    holidays: tuple[str, ...] = ()
    policy: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str:
        blob = json.dumps([self.world, self.start, list(self.holidays), self.policy], sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    @property
    def label(self) -> str:
        return _SAFE.sub("_", self.world.lower())[:20] if isinstance(self.world, str) else "inline"

    def load_into(self, sb: Sandbox) -> None:
        sb.load_world(self.world, self.start, extra_holidays=self.holidays, policy=self.policy or None)


@contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SandboxFactory:
    """Makes sandboxes under ``root`` (SQLite), or on the PostgreSQL server of ``pg_url``."""

    # CREATE DATABASE … STRATEGY: FILE_COPY copies the files after a checkpoint; WAL_LOG (the
    # default of PostgreSQL 15) copies page by page through the WAL. bench/class_sandboxes.py
    # measures both.
    pg_strategy = "WAL_LOG"

    def __init__(self, root: str | Path, pg_url: str | None = None):
        self.root = Path(root).expanduser().resolve()
        self.pg_url = pg_url
        self._admin = create_engine(pg_url, isolation_level="AUTOCOMMIT", pool_size=1) if pg_url else None

    def close(self) -> None:
        if self._admin is not None:
            self._admin.dispose()

    # ------------------------------------------------------------ where a sandbox lives
    def url(self, location: str) -> str:
        """The database URL (or SQLite path) of a sandbox at ``location``."""
        if self.pg_url:
            return make_url(self.pg_url).set(database=location).render_as_string(hide_password=False)
        return str(self.root / location)

    def open(self, location: str) -> Sandbox:
        return Sandbox(self.url(location))

    @staticmethod
    def location_for(class_name: str, code: str, kind: str, number: int, *, postgres: bool) -> str:
        if not postgres:
            return f"{class_name}/{code}/{kind}-{number}.sqlite"
        # Readable, within PostgreSQL's 63 characters, and unique: "a-b" and "A_b" differ
        readable = _SAFE.sub("_", f"{class_name}_{code}_{kind}_{number}".lower())[:44]
        digest = hashlib.sha256(f"{class_name}/{code}/{kind}/{number}".encode()).hexdigest()[:10]
        return f"gfs_{readable}_{digest}"

    # ------------------------------------------------------------ making one
    def prepare(self, spec: WorldSpec) -> None:
        """Build ``spec``'s prepared world now (if it is not there yet), so no trainee waits for it."""
        if self.pg_url:
            self._prepared_pg(spec)
        else:
            self._prepared_sqlite(spec)

    def create(self, spec: WorldSpec, location: str) -> float:
        """Make the sandbox at ``location`` as a copy of ``spec``'s prepared world; returns the
        seconds the copy took (building the prepared world the first time is not counted)."""
        if self.pg_url:
            template = self._prepared_pg(spec)
            began = time.perf_counter()
            self._copy_pg(template, location)
        else:
            prepared = self._prepared_sqlite(spec)
            began = time.perf_counter()
            self._copy_sqlite(prepared, self.root / location)
        return time.perf_counter() - began

    def drop(self, location: str) -> None:
        """Remove a sandbox (its file, or its database)."""
        if self.pg_url:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{location}" WITH (FORCE)'))
            return
        for suffix in ("", "-wal", "-shm"):
            Path(str(self.root / location) + suffix).unlink(missing_ok=True)

    # ------------------------------------------------------------ SQLite
    def _prepared_sqlite(self, spec: WorldSpec) -> Path:
        folder = self.root / "_worlds"
        final = folder / f"{spec.label}-{spec.key}.sqlite"
        if final.exists():
            return final
        with _file_lock(folder / f"{spec.key}.lock"):
            if final.exists():  # another process built it while we waited
                return final
            tmp = folder / f".{final.name}.{os.getpid()}.building"
            for suffix in ("", "-wal", "-shm"):
                Path(str(tmp) + suffix).unlink(missing_ok=True)
            sb = Sandbox(str(tmp))
            try:
                spec.load_into(sb)
            finally:
                sb.close()
            con = sqlite3.connect(tmp)  # fold the WAL in: the prepared world is one plain file
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA journal_mode=DELETE")
            finally:
                con.close()
            os.replace(tmp, final)
        return final

    @staticmethod
    def _copy_sqlite(prepared: Path, target: Path) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        src = sqlite3.connect(f"file:{prepared}?mode=ro", uri=True)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    # ------------------------------------------------------------ PostgreSQL
    def _exists_pg(self, conn, name: str) -> bool:
        return conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None

    @contextmanager
    def _pg_lock(self, conn, key: str):
        conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": key})

    def _prepared_pg(self, spec: WorldSpec) -> str:
        name = f"gfw_{spec.label}_{spec.key}"
        with self._admin.connect() as conn:
            if self._exists_pg(conn, name):
                return name
            with self._pg_lock(conn, name):
                if self._exists_pg(conn, name):
                    return name
                building = f"{name}_building"
                conn.execute(text(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{building}"'))
                sb = Sandbox(self.url(building))
                try:
                    spec.load_into(sb)
                finally:
                    sb.close()
                conn.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
                conn.execute(text(f'ALTER DATABASE "{name}" IS_TEMPLATE true'))
        return name

    def _copy_pg(self, template: str, location: str) -> None:
        with self._admin.connect() as conn, self._pg_lock(conn, template):
            conn.execute(text(f'DROP DATABASE IF EXISTS "{location}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{location}" TEMPLATE "{template}" STRATEGY {self.pg_strategy}'))
