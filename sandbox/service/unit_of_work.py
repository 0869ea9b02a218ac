"""Unit of work: one transaction per batch of actions; commit on success, roll back otherwise."""

from __future__ import annotations

from sqlalchemy.engine import Engine


class UnitOfWork:
    def __init__(self, engine: Engine):
        self.engine = engine

    def __enter__(self) -> UnitOfWork:
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        return self

    def commit(self) -> None:
        self.tx.commit()

    def rollback(self) -> None:
        if self.tx.is_active:
            self.tx.rollback()

    def __exit__(self, *exc) -> None:
        self.rollback()
        self.conn.close()
