"""The policy the rules read, from the database: the business-day calendar (with a scenario's
extra days off), the Soft Token cut-overs and each fiscal year's round deadlines. Read once and
kept until :meth:`PolicyStore.invalidate` (every change of world or policy calls it)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..domain.calendar import BusinessCalendar, parse_datetime
from ..domain.policy import Cutover, RoundPolicy
from . import orm


@lru_cache(maxsize=1)
def bundled_cutovers() -> dict[str, Cutover]:
    raw = yaml.safe_load(
        resources.files("sandbox").joinpath("data/cutover.yaml").read_text("utf-8")
    )
    result = {}
    for key, row in raw.items():
        result[key] = Cutover(
            key=key,
            name_th=row["name"]["th"],
            name_en=row["name"]["en"],
            refuse_from=parse_datetime(row["refuse_from"]),
            register_from=parse_datetime(row["register_from"]) if row.get("register_from") else None,
            token_return_by=row.get("token_return_by"),
            source=str(row.get("source", "")),
            clause=row.get("clause", ""),
            events=tuple(row.get("events", ())),
        )
    return result

class PolicyStore:
    """The policy port the handlers see: ``cutover(key)``, ``calendar()``, ``round_policy(fy)``."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._cache: dict[str | tuple, Any] = {}

    def invalidate(self) -> None:
        """Forget what was read: the world or the policy changed."""
        self._cache.clear()

    def _cached(self, key: str | tuple, load):
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]

    def calendar(self) -> BusinessCalendar:
        def load():
            with self.engine.connect() as conn:
                days = conn.execute(select(orm.extra_holidays.c.day)).scalars().all()
            return BusinessCalendar(days)

        return self._cached("calendar", load)

    def cutovers(self) -> dict[str, Cutover]:
        def load():
            with self.engine.connect() as conn:
                rows = conn.execute(select(orm.cutover_policy)).all()
            if not rows:
                return bundled_cutovers()
            return {
                r.key: Cutover(r.key, r.name_th, r.name_en, r.refuse_from, r.register_from, r.token_return_by,
                               r.source, r.clause, tuple(json.loads(r.events)))
                for r in rows
            }

        return self._cached("cutovers", load)

    def cutover(self, key: str) -> Cutover:
        return self.cutovers()[key]

    def round_policy(self, fy: int) -> RoundPolicy:
        found = self._cache.get(("round_policy", fy))  # (asked for by every spending step)
        if found is not None:
            return found

        def load():
            with self.engine.connect() as conn:
                return {r.fiscal_year: r for r in conn.execute(select(orm.round_policy))}

        def build():
            row = self._cached("round_overrides", load).get(fy)
            return RoundPolicy(
                fy, self.calendar(),
                row.september_deadline if row else None,
                row.march_deadline if row else None,
            )

        return self._cached(("round_policy", fy), build)
