"""Unit of work: one transaction per action; commit on success, roll back on any refusal."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ..adapters.repository import Repository


class UnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        self.repo = Repository(self.conn)
        return self

    def flush(self) -> None:
        self.repo.flush()

    def commit(self) -> None:
        self.repo.flush()
        self.tx.commit()

    def rollback(self) -> None:
        if self.tx.is_active:
            self.tx.rollback()

    def __exit__(self, *exc) -> None:
        self.rollback()
        self.conn.close()
