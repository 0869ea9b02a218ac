"""Repository: loads domain objects from the tables and writes back what changed.

Objects loaded in one unit of work are kept in an identity map with a snapshot of their row;
``flush`` writes only the columns that differ, so a handler just changes objects.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Connection

from ..domain.model import (
    Agency,
    BudgetLine,
    ContractLine,
    ReserveDocument,
    Session,
    Unit,
    User,
    Withdrawal,
)
from . import orm

SET_FIELDS = {"roles", "apps"}


def _to_row(obj) -> dict[str, Any]:
    row = {}
    for f in dataclasses.fields(obj):
        if f.name == "contracts":
            continue
        value = getattr(obj, f.name)
        if f.name in SET_FIELDS:
            value = ",".join(sorted(value))
        row[f.name] = value
    return row


def _from_row(cls, row) -> Any:
    data = dict(row._mapping)
    for name in SET_FIELDS & data.keys():
        data[name] = frozenset(x for x in data[name].split(",") if x)
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


TABLES = {
    Agency: (orm.agencies, ("code",)),
    Unit: (orm.units, ("code",)),
    User: (orm.users, ("id",)),
    Session: (orm.sessions, ("user_id",)),
    BudgetLine: (orm.budget_lines, ("id",)),
    ReserveDocument: (orm.reserve_docs, ("doc_no",)),
    Withdrawal: (orm.withdrawals, ("request_no",)),
}


class Repository:
    def __init__(self, conn: Connection):
        self.conn = conn
        self._seen: dict[tuple, tuple[Any, dict]] = {}
        self._new: list[Any] = []
        self._deleted: list[Any] = []

    # ------------------------------------------------------------ identity map
    def _key(self, obj) -> tuple:
        table, pk = TABLES[type(obj)]
        return (table.name, *(getattr(obj, k) for k in pk))

    def _track(self, obj):
        key = self._key(obj)
        if key in self._seen:
            return self._seen[key][0]
        snapshot = _to_row(obj)
        if isinstance(obj, ReserveDocument):
            snapshot["contracts"] = [dataclasses.astuple(c) for c in obj.contracts]
        self._seen[key] = (obj, snapshot)
        return obj

    def _get(self, cls, *pk_values):
        table, pk = TABLES[cls]
        key = (table.name, *pk_values)
        if key in self._seen:
            return self._seen[key][0]
        cond = [table.c[k] == v for k, v in zip(pk, pk_values, strict=True)]
        row = self.conn.execute(select(table).where(*cond)).first()
        if row is None:
            return None
        obj = _from_row(cls, row)
        if isinstance(obj, ReserveDocument):
            obj.contracts = self._contracts(obj.doc_no)
        return self._track(obj)

    def add(self, obj) -> None:
        self._new.append(obj)

    def delete(self, obj) -> None:
        self._deleted.append(obj)
        self._seen.pop(self._key(obj), None)

    # ------------------------------------------------------------ reads
    def agency(self, code: str) -> Agency | None:
        return self._get(Agency, code)

    def unit(self, code: str) -> Unit | None:
        return self._get(Unit, code)

    def user(self, user_id: str) -> User | None:
        return self._get(User, user_id)

    def session(self, user_id: str) -> Session | None:
        return self._get(Session, user_id)

    def budget_line(self, line_id: int) -> BudgetLine | None:
        return self._get(BudgetLine, line_id)

    def document(self, doc_no: str) -> ReserveDocument | None:
        return self._get(ReserveDocument, str(doc_no))

    def withdrawal(self, request_no: str) -> Withdrawal | None:
        return self._get(Withdrawal, str(request_no))

    def budget_lines_of(self, unit: str, budget_code: str) -> list[BudgetLine]:
        t = orm.budget_lines
        rows = self.conn.execute(select(t).where(t.c.unit == unit, t.c.budget_code == budget_code))
        return [self._track(_from_row(BudgetLine, r)) for r in rows]

    def budget_code_known(self, budget_code: str) -> bool:
        t = orm.budget_lines
        return self.conn.execute(select(t.c.id).where(t.c.budget_code == budget_code).limit(1)).first() is not None

    def owning_unit(self, agency: str) -> Unit | None:
        """The agency's unit that is not regional: it owns the budget and Confirms."""
        t = orm.units
        row = self.conn.execute(
            select(t).where(t.c.agency == agency, t.c.regional.is_(False)).order_by(t.c.code).limit(1)
        ).first()
        return self._track(_from_row(Unit, row)) if row else None

    def pending_withdrawals(self, doc_no: str) -> int:
        t = orm.withdrawals
        total = self.conn.execute(
            select(func.coalesce(func.sum(t.c.amount), 0)).where(
                t.c.doc_no == doc_no, t.c.status.in_(("requested", "approved"))
            )
        ).scalar_one()
        return int(total)

    def _contracts(self, doc_no: str) -> list[ContractLine]:
        t = orm.contract_lines
        rows = self.conn.execute(select(t).where(t.c.doc_no == doc_no).order_by(t.c.line))
        return [_from_row(ContractLine, r) for r in rows]

    def next_number(self, prefix: str) -> str:
        """``CX00000001``: the type, then 8 digits, one counter per type."""
        t = orm.counters
        updated = self.conn.execute(
            update(t).where(t.c.name == prefix).values(value=t.c.value + 1).returning(t.c.value)
        ).first()
        if updated is None:
            self.conn.execute(insert(t).values(name=prefix, value=1))
            value = 1
        else:
            value = updated[0]
        return f"{prefix}{value:08d}"

    # ------------------------------------------------------------ writes
    def history(self, doc: ReserveDocument, at, actor: str, action: str, from_status: str, note: str = "") -> None:
        self.conn.execute(
            insert(orm.doc_history).values(
                doc_no=doc.doc_no, at=at, actor=actor, action=action,
                from_status=from_status, to_status=doc.status, note=note,
            )
        )

    def flush(self) -> None:
        for obj in self._deleted:
            table, pk = TABLES[type(obj)]
            self.conn.execute(table.delete().where(*[table.c[k] == getattr(obj, k) for k in pk]))
        self._deleted.clear()
        for obj in self._new:
            table, _ = TABLES[type(obj)]
            row = _to_row(obj)
            if row.get("id", 0) is None:
                row.pop("id")
                obj.id = self.conn.execute(insert(table).values(**row).returning(table.c.id)).scalar_one()
            else:
                self.conn.execute(insert(table).values(**row))
            if isinstance(obj, ReserveDocument):
                self._write_contracts(obj)
            self._track(obj)
        self._new.clear()
        for key, (obj, snapshot) in list(self._seen.items()):
            row = _to_row(obj)
            changed = {k: v for k, v in row.items() if snapshot.get(k) != v}
            table, pk = TABLES[type(obj)]
            if changed:
                self.conn.execute(
                    update(table).where(*[table.c[k] == getattr(obj, k) for k in pk]).values(**changed)
                )
            if isinstance(obj, ReserveDocument):
                lines = [dataclasses.astuple(c) for c in obj.contracts]
                if lines != snapshot["contracts"]:
                    self.conn.execute(orm.contract_lines.delete().where(orm.contract_lines.c.doc_no == obj.doc_no))
                    self._write_contracts(obj)
                row["contracts"] = lines
            self._seen[key] = (obj, row)

    def _write_contracts(self, doc: ReserveDocument) -> None:
        if doc.contracts:
            self.conn.execute(
                insert(orm.contract_lines),
                [{"doc_no": doc.doc_no, **dataclasses.asdict(c)} for c in doc.contracts],
            )

    def write_audit(self, at, actor: str, action: str, input_: dict, ok: bool, error: str | None, result: dict) -> None:
        self.conn.execute(
            insert(orm.audit).values(
                at=at, actor=actor, action=action,
                input=json.dumps(input_, ensure_ascii=False, default=str),
                ok=ok, error=error,
                result=json.dumps(result, ensure_ascii=False, default=str),
            )
        )
