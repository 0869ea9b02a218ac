"""Repository: loads domain objects from the tables and writes back what changed.

Objects loaded in one unit of work are kept in an identity map with a snapshot of their row;
``flush`` writes only the columns that differ, so a handler just changes objects.
"""

from __future__ import annotations

import dataclasses
import json
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
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
from .fastsql import FastSQL

SET_FIELDS = {"roles", "apps"}


@cache
def _columns(cls) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(plain fields, set fields) of a mapped dataclass."""
    names = [f.name for f in dataclasses.fields(cls) if f.name != "contracts"]
    return tuple(n for n in names if n not in SET_FIELDS), tuple(n for n in names if n in SET_FIELDS)


def _to_row(obj) -> dict[str, Any]:
    plain, sets = _columns(type(obj))
    row = {name: getattr(obj, name) for name in plain}
    for name in sets:
        row[name] = ",".join(sorted(getattr(obj, name)))
    return row


def _from_row(cls, data) -> Any:
    """An object from a row mapping (``dict`` or ``Row._mapping``)."""
    plain, sets = _columns(cls)
    values = {name: data[name] for name in plain if name in data}
    for name in sets:
        values[name] = frozenset(x for x in data[name].split(",") if x)
    return cls(**values)


TABLES = {
    Agency: (orm.agencies, "code"),
    Unit: (orm.units, "code"),
    User: (orm.users, "id"),
    Session: (orm.sessions, "user_id"),
    BudgetLine: (orm.budget_lines, "id"),
    ReserveDocument: (orm.reserve_docs, "doc_no"),
    Withdrawal: (orm.withdrawals, "request_no"),
}


# Statements are built once with bind parameters, so SQLAlchemy compiles each only once.
@cache
def _select_by_key(table_name: str, many: bool = False):
    table = orm.metadata.tables[table_name]
    pk = next(iter(table.primary_key.columns)) if table_name != "contract_lines" else table.c.doc_no
    if many:
        return select(table).where(pk.in_(bindparam("keys", expanding=True)))
    return select(table).where(pk == bindparam("key"))


@cache
def _insert(table_name: str):
    return insert(orm.metadata.tables[table_name])


@cache
def _update_by_key(table_name: str, columns: tuple[str, ...]):
    table = orm.metadata.tables[table_name]
    pk = next(iter(table.primary_key.columns))
    return update(table).where(pk == bindparam("_key")).values({c: bindparam(c) for c in columns})


_LINES_OF = select(orm.budget_lines).where(
    orm.budget_lines.c.unit == bindparam("unit"), orm.budget_lines.c.budget_code == bindparam("code")
)
_PENDING = select(func.coalesce(func.sum(orm.withdrawals.c.amount), 0)).where(
    orm.withdrawals.c.doc_no == bindparam("doc"),
    or_(orm.withdrawals.c.status == "requested", orm.withdrawals.c.status == "approved"),
)
_NEXT_NUMBER = (
    update(orm.counters).where(orm.counters.c.name == bindparam("prefix"))
    .values(value=orm.counters.c.value + 1).returning(orm.counters.c.value)
)


class ReferenceCache:
    """Agencies and units never change while a world is loaded: read them once per sandbox."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.agencies: dict[str, Agency] = {}
        self.units: dict[str, Unit] = {}
        self.owners: dict[str, Unit | None] = {}


class Repository:
    def __init__(self, conn: Connection, reference: ReferenceCache | None = None):
        self.conn = conn
        self.sql = FastSQL(conn)  # the per-command statements
        self.reference = reference or ReferenceCache()
        self._seen: dict[tuple, tuple[Any, dict]] = {}
        self._new: list[Any] = []
        self._deleted: list[Any] = []
        self._history: list[dict] = []
        self._audit: list[dict] = []
        self._touched: set[tuple] = set()  # loaded or handed out since the last flush
        self._history_mark = 0
        self._lines_of: dict[tuple[str, str], list[tuple]] = {}

    def forget(self) -> None:
        """Drop every loaded object and unwritten change (after a refusal rolled the database
        back, or after set-based SQL changed rows behind the identity map)."""
        self._seen.clear()
        self._touched.clear()
        self._new.clear()
        self._deleted.clear()
        del self._history[self._history_mark:]
        self._lines_of.clear()

    def begin_command(self) -> None:
        """Mark where this command's buffered history starts (a refusal drops only its own)."""
        self._history_mark = len(self._history)

    # ------------------------------------------------------------ identity map
    def _key(self, obj) -> tuple:
        table, pk = TABLES[type(obj)]
        return (table.name, getattr(obj, pk))

    def _track(self, obj):
        key = self._key(obj)
        self._touched.add(key)
        if key in self._seen:
            return self._seen[key][0]
        snapshot = _to_row(obj)
        if isinstance(obj, ReserveDocument):
            snapshot["contracts"] = [dataclasses.astuple(c) for c in obj.contracts]
        self._seen[key] = (obj, snapshot)
        return obj

    def _get(self, cls, key_value):
        table, _ = TABLES[cls]
        key = (table.name, key_value)
        if key in self._seen:
            self._touched.add(key)
            return self._seen[key][0]
        row = self.sql.first(_select_by_key(table.name), {"key": key_value})
        if row is None:
            return None
        obj = _from_row(cls, row)
        if isinstance(obj, ReserveDocument):
            obj.contracts = self._contracts(obj.doc_no)
        return self._track(obj)

    def load_documents(self, doc_nos) -> None:
        """Load many documents (and their contract lines) in two queries."""
        keys = [("reserve_docs", str(d)) for d in doc_nos]
        self._touched.update(k for k in keys if k in self._seen)
        wanted = [k[1] for k in keys if k not in self._seen]
        if not wanted:
            return
        docs = {
            r.doc_no: _from_row(ReserveDocument, r._mapping)
            for r in self.conn.execute(_select_by_key("reserve_docs", True), {"keys": wanted})
        }
        for r in self.conn.execute(_select_by_key("contract_lines", True), {"keys": list(docs)}):
            docs[r.doc_no].contracts.append(_from_row(ContractLine, r._mapping))
        for doc in docs.values():
            doc.contracts.sort(key=lambda c: c.line)
            self._track(doc)

    def add(self, obj) -> None:
        self._new.append(obj)

    def delete(self, obj) -> None:
        self._deleted.append(obj)
        self._seen.pop(self._key(obj), None)

    # ------------------------------------------------------------ reads
    def _reference_row(self, cache: dict, cls, code: str):
        if code not in cache:
            found = self._get(cls, code)
            if found is None:
                return None
            cache[code] = found
        return cache[code]

    def agency(self, code: str) -> Agency | None:
        return self._reference_row(self.reference.agencies, Agency, code)

    def unit(self, code: str) -> Unit | None:
        return self._reference_row(self.reference.units, Unit, code)

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
        keys = self._lines_of.get((unit, budget_code))
        if keys is not None and all(k in self._seen for k in keys):
            self._touched.update(keys)
            return [self._seen[k][0] for k in keys]
        rows = self.sql.rows(_LINES_OF, {"unit": unit, "code": budget_code})
        lines = [self._track(_from_row(BudgetLine, r)) for r in rows]
        self._lines_of[(unit, budget_code)] = [self._key(x) for x in lines]
        return lines

    def budget_code_known(self, budget_code: str) -> bool:
        t = orm.budget_lines
        return self.conn.execute(select(t.c.id).where(t.c.budget_code == budget_code).limit(1)).first() is not None

    def owning_unit(self, agency: str) -> Unit | None:
        """The agency's unit that is not regional: it owns the budget and Confirms."""
        if agency not in self.reference.owners:
            t = orm.units
            row = self.conn.execute(
                select(t).where(t.c.agency == agency, t.c.regional.is_(False)).order_by(t.c.code).limit(1)
            ).first()
            self.reference.owners[agency] = _from_row(Unit, row._mapping) if row else None
        return self.reference.owners[agency]

    def pending_withdrawals(self, doc_no: str) -> int:
        """Requested or approved but not yet paid: money already spoken for."""
        return int(next(iter(self.sql.first(_PENDING, {"doc": doc_no}).values())))

    def _contracts(self, doc_no: str) -> list[ContractLine]:
        rows = self.sql.rows(_select_by_key("contract_lines"), {"key": doc_no})
        return sorted((_from_row(ContractLine, r) for r in rows), key=lambda c: c.line)

    def next_number(self, prefix: str) -> str:
        """``CX00000001``: the type, then 8 digits, one counter per type."""
        updated = self.sql.first(_NEXT_NUMBER, {"prefix": prefix})
        if updated is None:
            self.sql.execute(_insert("counters"), {"name": prefix, "value": 1})
            value = 1
        else:
            value = updated["value"]
        return f"{prefix}{value:08d}"

    # ------------------------------------------------------------ writes
    def history(self, doc: ReserveDocument, at, actor: str, action: str, from_status: str, note: str = "") -> None:
        """A line of the document's history, written with the next flush."""
        self._history.append({
            "doc_no": doc.doc_no, "at": at, "actor": actor, "action": action,
            "from_status": from_status, "to_status": doc.status, "note": note,
        })

    def flush(self) -> None:
        """Write deletions, new objects and changed columns; updates of the same shape go out
        together as one executemany."""
        for obj in self._deleted:
            table, pk = TABLES[type(obj)]
            self.conn.execute(table.delete().where(table.c[pk] == getattr(obj, pk)))
        self._deleted.clear()
        for obj in self._new:
            table, _ = TABLES[type(obj)]
            row = _to_row(obj)
            if row.get("id", 0) is None:
                row.pop("id")
                obj.id = self.conn.execute(insert(table).returning(table.c.id), row).scalar_one()
            else:
                self.sql.execute(_insert(table.name), row)
            if isinstance(obj, ReserveDocument):
                self._write_contracts(obj)
            self._track(obj)
        self._new.clear()
        updates: dict[tuple, list[dict]] = {}
        rewrite_contracts = []
        touched, self._touched = self._touched, set()
        for key in touched:
            if key not in self._seen:
                continue
            obj, snapshot = self._seen[key]
            row = _to_row(obj)
            changed = tuple(k for k, v in row.items() if snapshot.get(k) != v)
            table, pk = TABLES[type(obj)]
            if changed:
                updates.setdefault((table.name, changed), []).append(
                    {"_key": getattr(obj, pk), **{k: row[k] for k in changed}}
                )
            if isinstance(obj, ReserveDocument):
                lines = [dataclasses.astuple(c) for c in obj.contracts]
                if lines != snapshot["contracts"]:
                    rewrite_contracts.append(obj)
                row["contracts"] = lines
            self._seen[key] = (obj, row)
        for (table_name, columns), params in updates.items():
            self.sql.execute(_update_by_key(table_name, columns), params)
        for doc in rewrite_contracts:
            self.conn.execute(orm.contract_lines.delete().where(orm.contract_lines.c.doc_no == doc.doc_no))
            self._write_contracts(doc)

    def write_buffered(self) -> None:
        """History and audit lines of the whole batch, each table in one executemany."""
        if self._history:
            self.sql.execute(_insert("doc_history"), self._history)
            self._history = []
        self._history_mark = 0
        if self._audit:
            self.sql.execute(_insert("audit"), self._audit)
            self._audit = []

    def _write_contracts(self, doc: ReserveDocument) -> None:
        if doc.contracts:
            self.sql.execute(
                _insert("contract_lines"),
                [{"doc_no": doc.doc_no, **dataclasses.asdict(c)} for c in doc.contracts],
            )

    def write_audit(self, at, actor: str, action: str, input_: dict, ok: bool, error: str | None, result: dict) -> None:
        """Buffer an audit line; ``write_buffered`` sends them out together."""
        self._audit.append({
            "at": at, "actor": actor, "action": action,
            "input": json.dumps(input_, ensure_ascii=False, default=str),
            "ok": ok, "error": error,
            "result": json.dumps(result, ensure_ascii=False, default=str),
        })

