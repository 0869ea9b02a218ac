"""Repository: loads domain objects from the tables and writes back what changed.

Objects loaded in one unit of work are kept in an identity map with a snapshot of their row;
``flush`` writes only the columns that differ, so a handler just changes objects.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from operator import attrgetter
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from ..audit_safe import audit_row
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
from ..limits import MAX_ID, bad_character
from . import orm
from .fastsql import FastSQL

SET_FIELDS = {"roles", "apps"}
PENDING_REQUEST = ("requested", "approved")  # withdrawal requests whose money is spoken for


class _Spec:
    """How a dataclass maps to its row: its column fields, read all at once as a tuple."""

    def __init__(self, cls):
        self.names = tuple(f.name for f in dataclasses.fields(cls) if f.name != "contracts")
        self.values = attrgetter(*self.names)  # obj -> tuple, the snapshot kept in the identity map
        self.sets = tuple(n for n in self.names if n in SET_FIELDS)


@cache
def _spec(cls) -> _Spec:
    return _Spec(cls)


def _db(name: str, value):
    """A field's value as stored: sets are comma-joined."""
    return ",".join(sorted(value)) if name in SET_FIELDS else value


def _to_row(obj) -> dict[str, Any]:
    spec = _spec(type(obj))
    if spec.sets:
        return {n: _db(n, v) for n, v in zip(spec.names, spec.values(obj), strict=True)}
    return dict(zip(spec.names, spec.values(obj), strict=True))


def _from_row(cls, data) -> Any:
    """An object from a row mapping with every column."""
    spec = _spec(cls)
    values = {name: data[name] for name in spec.names}
    for name in spec.sets:
        values[name] = frozenset(x for x in data[name].split(",") if x)
    return cls(**values)


def _contract_snapshot(doc) -> tuple:
    values = _spec(ContractLine).values
    return tuple(values(c) for c in doc.contracts)


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
def _select_by_key(table_name: str):
    table = orm.metadata.tables[table_name]
    pk = next(iter(table.primary_key.columns)) if table_name != "contract_lines" else table.c.doc_no
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
# Read a counter and take its row's write lock until the batch commits (an UPDATE locks on both
# databases), so numbers can be handed out in memory and written back once.
_TAKE_COUNTER = (
    update(orm.counters).where(orm.counters.c.name == bindparam("prefix"))
    .values(value=orm.counters.c.value).returning(orm.counters.c.value)
)
_SET_COUNTER = update(orm.counters).where(orm.counters.c.name == bindparam("prefix")).values(value=bindparam("last"))


class ReferenceCache:
    """Agencies and units never change while a world is loaded: read them once per sandbox."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.agencies: dict[str, Agency] = {}
        self.units: dict[str, Unit] = {}
        self.owners: dict[str, Unit | None] = {}


class _Entry:
    """One object in the identity map.

    ``stored``: its row as the database has it (``None`` while its insert is pending);
    ``settled``: its state after the last command that succeeded (``None`` while the running
    command created it). Both are (column values, contract lines) tuples.
    """

    __slots__ = ("obj", "stored", "settled")

    def __init__(self, obj, stored, settled):
        self.obj, self.stored, self.settled = obj, stored, settled


def _state(obj) -> tuple:
    contracts = _contract_snapshot(obj) if isinstance(obj, ReserveDocument) else None
    return _spec(type(obj)).values(obj), contracts


class Repository:
    """Loads domain objects and writes back what changed, behind the commands of one batch.

    A command changes objects in memory. When it succeeds, ``settle`` records their new state;
    the rows are written together by ``flush`` (inserts and updates of the same shape in one
    executemany each), before anything reads the tables directly (``conn``), before set-based
    SQL, and at the end of the batch. A refused command is simply not settled: its objects are
    dropped from the map and load again as the last command left them.
    """

    def __init__(self, conn: Connection, reference: ReferenceCache | None = None):
        self._conn = conn
        self.sql = FastSQL(conn)  # the per-command statements
        self.reference = reference or ReferenceCache()
        self._seen: dict[tuple, _Entry] = {}
        self._touched: set[tuple] = set()  # loaded, handed out or added by the running command
        self._dirty: dict[tuple, None] = {}  # settled differs from stored (ordered set)
        self._deletes: list[tuple] = []  # (table, pk column, key) settled for deletion
        self._command_deletes: list[tuple] = []
        self._history: list[dict] = []  # lines of settled commands, written with the next flush
        self._command_history: list[dict] = []  # lines of the running command
        self._audit: list[dict] = []
        self._lines_of: dict[tuple[str, str], list[tuple]] = {}
        self._withdrawals_of: dict[str, set[tuple]] = {}  # doc_no -> withdrawal keys in the map
        self._all_withdrawals_of: set[str] = set()  # documents whose every request is in the map
        self._counters: dict[str, int] = {}  # prefix -> last number handed out (row locked)
        self._counters_at_start: dict[str, int] = {}  # … when the running command began
        self._counters_written: dict[str, int] = {}

    def __len__(self) -> int:
        """Objects in the identity map."""
        return len(self._seen)

    @property
    def conn(self) -> Connection:
        """The connection, for statements outside the repository: pending writes go out first,
        so what it reads is what the commands so far have done."""
        self.flush()
        return self._conn

    # ------------------------------------------------------------ command boundaries
    def begin_command(self) -> None:
        self._command_history = []
        self._touched.clear()
        self._command_deletes.clear()
        self._counters_at_start = dict(self._counters)

    def settle(self) -> None:
        """The running command succeeded: what it changed becomes due for writing."""
        for key in self._touched:
            entry = self._seen.get(key)
            if entry is None:
                continue
            state = _state(entry.obj)
            if state != entry.settled:
                entry.settled = state
                if state != entry.stored:
                    self._dirty[key] = None
        self._touched.clear()
        self._deletes.extend(self._command_deletes)
        self._command_deletes.clear()
        self._history.extend(self._command_history)
        self._command_history = []

    def discard(self) -> None:
        """The running command was refused: forget the objects it touched (they may be changed);
        earlier commands' changes are written first, so those objects load again as settled."""
        self._counters = self._counters_at_start  # a refused command takes no number
        self._command_history = []
        self.flush()
        for key in self._touched:
            self._drop(key)
        self._touched.clear()
        self._command_deletes.clear()

    def forget(self) -> None:
        """Write what is pending, then let every object go (a big batch, or set-based SQL about
        to change rows behind the map)."""
        self.flush()
        self._seen.clear()
        self._touched.clear()
        self._lines_of.clear()
        self._withdrawals_of.clear()
        self._all_withdrawals_of.clear()

    def _drop(self, key) -> None:
        entry = self._seen.pop(key, None)
        self._dirty.pop(key, None)
        if entry is not None and isinstance(entry.obj, Withdrawal):
            self._withdrawals_of.get(entry.obj.doc_no, set()).discard(key)
            self._all_withdrawals_of.discard(entry.obj.doc_no)

    # ------------------------------------------------------------ identity map
    def _key(self, obj) -> tuple:
        table, pk = TABLES[type(obj)]
        return (table.name, getattr(obj, pk))

    def _track(self, obj, touch: bool = True, stored: bool = True):
        """Put a loaded (``stored``) or new object in the map; an object already there wins."""
        key = self._key(obj)
        if touch:
            self._touched.add(key)
        entry = self._seen.get(key)
        if entry is not None:
            return entry.obj
        state = _state(obj)
        self._seen[key] = _Entry(obj, state if stored else None, state if stored else None)
        if isinstance(obj, Withdrawal):
            self._withdrawals_of.setdefault(obj.doc_no, set()).add(key)
        return obj

    def _get(self, cls, key_value):
        table, _ = TABLES[cls]
        key = (table.name, key_value)
        entry = self._seen.get(key)
        if entry is not None:
            self._touched.add(key)
            return entry.obj
        if any((table.name, value) == key for table, _, value in (*self._deletes, *self._command_deletes)):
            return None  # its deletion is not written yet
        row = self.sql.first(_select_by_key(table.name), {"key": key_value})
        if row is None:
            return None
        obj = _from_row(cls, row)
        if isinstance(obj, ReserveDocument):
            obj.contracts = self._contracts(obj.doc_no)
        return self._track(obj)

    def prefetch(self, commands) -> None:
        """Load the documents and withdrawal requests a batch of commands names in a few queries
        (instead of one query per command); they are not handed to any command yet."""
        named, requests = set(), set()
        for _, _, data in commands:
            if isinstance(data, dict):  # only ids a query can carry (the parser refuses the rest)
                if isinstance(data.get("doc"), str) and _queryable(data["doc"]):
                    named.add(data["doc"])
                if isinstance(data.get("request"), str) and _queryable(data["request"]):
                    requests.add(data["request"])
        docs = set(named)
        wanted = sorted(r for r in requests if ("withdrawals", r) not in self._seen)
        for row in self.sql.rows_in(orm.withdrawals, "request_no", wanted):
            docs.add(self._track(_from_row(Withdrawal, row), touch=False).doc_no)
        self.load_documents(docs, touch=False)
        self._load_withdrawals_of(named)  # a withdrawal request checks what is spoken for

    def _load_withdrawals_of(self, doc_nos) -> None:
        """Every withdrawal request of these documents into the map (those there already stay)."""
        wanted = sorted(d for d in doc_nos if d not in self._all_withdrawals_of)
        for row in self.sql.rows_in(orm.withdrawals, "doc_no", wanted):
            self._track(_from_row(Withdrawal, row), touch=False)
        self._all_withdrawals_of.update(wanted)

    def load_documents(self, doc_nos, touch: bool = True) -> None:
        """Load many documents (and their contract lines) in two queries per thousand."""
        keys = [("reserve_docs", str(d)) for d in doc_nos]
        if touch:
            self._touched.update(k for k in keys if k in self._seen)
        wanted = sorted({k[1] for k in keys if k not in self._seen})
        docs = {r["doc_no"]: _from_row(ReserveDocument, r) for r in self.sql.rows_in(orm.reserve_docs, "doc_no", wanted)}
        for r in self.sql.rows_in(orm.contract_lines, "doc_no", list(docs)):
            docs[r["doc_no"]].contracts.append(_from_row(ContractLine, r))
        for doc in docs.values():
            doc.contracts.sort(key=lambda c: c.line)
            self._track(doc, touch)

    def add(self, obj) -> None:
        """A new object: inserted with the next flush if the running command succeeds."""
        if getattr(obj, "id", 0) is None:  # the database gives the key: insert at once
            table, _ = TABLES[type(obj)]
            row = _to_row(obj)
            row.pop("id")
            obj.id = self._conn.execute(insert(table).returning(table.c.id), row).scalar_one()
            self._track(obj)
            return
        key = self._key(obj)
        if key in self._seen:
            raise RuntimeError(f"{key} is already in the identity map")
        self._track(obj, stored=False)

    def delete(self, obj) -> None:
        table, pk = TABLES[type(obj)]
        key = self._key(obj)
        self._command_deletes.append((table, pk, getattr(obj, pk)))
        self._touched.discard(key)
        self._drop(key)

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
            return [self._seen[k].obj for k in keys]
        rows = self.sql.rows(_LINES_OF, {"unit": unit, "code": budget_code})
        lines = [self._track(_from_row(BudgetLine, r)) for r in rows]
        self._lines_of[(unit, budget_code)] = [self._key(x) for x in lines]
        return lines

    def budget_code_known(self, budget_code: str) -> bool:
        t = orm.budget_lines
        return self._conn.execute(select(t.c.id).where(t.c.budget_code == budget_code).limit(1)).first() is not None

    def owning_unit(self, agency: str) -> Unit | None:
        """The agency's unit that is not regional: it owns the budget and Confirms."""
        if agency not in self.reference.owners:
            t = orm.units
            row = self._conn.execute(
                select(t).where(t.c.agency == agency, t.c.regional.is_(False)).order_by(t.c.code).limit(1)
            ).first()
            self.reference.owners[agency] = _from_row(Unit, row._mapping) if row else None
        return self.reference.owners[agency]

    def pending_withdrawals(self, doc_no: str) -> int:
        """Requested or approved but not yet paid: money already spoken for. Summed over the
        document's requests in the map (rows of new ones may not be written yet)."""
        self._load_withdrawals_of([doc_no])
        requests = (self._seen[k].obj for k in self._withdrawals_of.get(doc_no, ()))
        return sum(wd.amount for wd in requests if wd.status in PENDING_REQUEST)

    def _contracts(self, doc_no: str) -> list[ContractLine]:
        rows = self.sql.rows(_select_by_key("contract_lines"), {"key": doc_no})
        return sorted((_from_row(ContractLine, r) for r in rows), key=lambda c: c.line)

    def next_number(self, prefix: str) -> str:
        """``CX00000001``: the type, then 8 digits, one counter per type."""
        value = self._counters.get(prefix)
        if value is None:
            row = self.sql.first(_TAKE_COUNTER, {"prefix": prefix})
            if row is None:
                self.sql.execute(_insert("counters"), {"name": prefix, "value": 0})
            value = self._counters_written[prefix] = row["value"] if row else 0
        value += 1
        self._counters[prefix] = value
        return f"{prefix}{value:08d}"

    # ------------------------------------------------------------ writes
    def history(self, doc: ReserveDocument, at, actor: str, action: str, from_status: str, note: str = "") -> None:
        """A line of the document's history, written if the running command succeeds."""
        self._command_history.append({
            "doc_no": doc.doc_no, "at": at, "actor": actor, "action": action,
            "from_status": from_status, "to_status": doc.status, "note": note,
        })

    def flush(self) -> None:
        """Write what settled commands changed: deletions, then inserts (parents first), then
        updates of the changed columns, then history and audit lines; rows of the same shape go
        out as one executemany."""
        if self._deletes:
            for table, pk, value in self._deletes:
                self._conn.execute(table.delete().where(table.c[pk] == value))
            self._deletes.clear()
        for prefix, last in self._counters.items():
            if self._counters_written.get(prefix) != last:
                self.sql.execute(_SET_COUNTER, {"prefix": prefix, "last": last})
                self._counters_written[prefix] = last
        if self._dirty:
            self._write_objects()
        if self._history:
            self.sql.execute(_insert("doc_history"), self._history)
            self._history = []
        if self._audit:
            self.sql.execute(_insert("audit"), self._audit)
            self._audit = []

    def _write_objects(self) -> None:
        inserts: dict[tuple, list[dict]] = {}
        updates: dict[tuple, list[dict]] = {}
        contracts_of: list[tuple[str, tuple]] = []
        rewrite: list[str] = []
        for key in self._dirty:
            entry = self._seen[key]
            obj, (now, contracts) = entry.obj, entry.settled
            spec = _spec(type(obj))
            table, pk = TABLES[type(obj)]
            if entry.stored is None:
                row = {n: _db(n, v) for n, v in zip(spec.names, now, strict=True)}
                inserts.setdefault((table.name, spec.names), []).append(row)
                if contracts:
                    contracts_of.append((getattr(obj, pk), contracts))
            else:
                before, contracts_before = entry.stored
                if now != before:
                    changed = [i for i, (a, b) in enumerate(zip(now, before, strict=True)) if a != b]
                    params = {"_key": getattr(obj, pk)}
                    for i in changed:
                        params[spec.names[i]] = _db(spec.names[i], now[i])
                    updates.setdefault((table.name, tuple(spec.names[i] for i in changed)), []).append(params)
                if contracts != contracts_before:
                    rewrite.append(getattr(obj, pk))
                    contracts_of.append((getattr(obj, pk), contracts))
            entry.stored = entry.settled
        self._dirty.clear()
        for table in orm.metadata.sorted_tables:  # parents before children (foreign keys)
            for (name, columns), rows in inserts.items():
                if name == table.name:
                    self.sql.execute(_insert(name), rows, columns)
        for (name, columns), params in updates.items():
            self.sql.execute(_update_by_key(name, columns), params if len(params) > 1 else params[0])
        cl = orm.contract_lines
        for doc_no in rewrite:
            self._conn.execute(cl.delete().where(cl.c.doc_no == doc_no))
        names = _spec(ContractLine).names
        rows = [{"doc_no": doc_no, **dict(zip(names, c, strict=True))} for doc_no, lines in contracts_of for c in lines]
        self.sql.execute(_insert("contract_lines"), rows, ("doc_no", *names))

    def write_audit(self, at, actor: str, action: str, input_: dict, ok: bool, error: str | None, result: dict) -> None:
        """Buffer an audit line (of a finished command, refused or not); ``flush`` writes it."""
        actor, action, input_text, result_text = audit_row(actor, action, input_, result)
        self._audit.append({
            "at": at, "actor": actor, "action": action, "input": input_text,
            "ok": ok, "error": error, "result": result_text,
        })


def _queryable(value: str) -> bool:
    """An id PostgreSQL can compare (no NUL, no lone surrogate) of a sane length."""
    return len(value) <= MAX_ID and bad_character(value) is None
