"""Write-behind for the repository: rows of the domain objects, the identity map's entries, and
the batch writer that sends what settled commands changed in as few statements as possible.

``Repository`` (``adapters/repository.py``) builds on ``WriteBehind``: it loads objects and
decides when a command's changes are settled; ``flush`` here writes them.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from itertools import compress
from operator import attrgetter, itemgetter, ne
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
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
from .audit_line import audit_texts
from .fastsql import FastSQL

SET_FIELDS = {"roles", "apps"}


class _Spec:
    """How a dataclass maps to its row: its column fields, read all at once as a tuple."""

    def __init__(self, cls):
        fields = dataclasses.fields(cls)
        self.names = tuple(f.name for f in fields if f.name != "contracts")
        self.values = attrgetter(*self.names)  # obj -> tuple, the snapshot kept in the identity map
        self.name_set = frozenset(self.names)
        self.sets = tuple(n for n in self.names if n in SET_FIELDS)
        # Fields that are not columns (a document's contract lines): made fresh for a loaded object.
        self.factories = tuple((f.name, f.default_factory) for f in fields
                               if f.name not in self.names and f.default_factory is not dataclasses.MISSING)
        # A loaded object gets its fields straight from the row; its __init__ (which only assigns
        # them) is skipped unless the class does more there.
        self.plain = not hasattr(cls, "__post_init__") and len(self.factories) + len(self.names) == len(fields)
        self.as_is = self.plain and not self.sets  # a row dict of its columns can become its __dict__


_SPECS: dict[type, _Spec] = {}


def _spec(cls) -> _Spec:
    spec = _SPECS.get(cls)
    if spec is None:
        spec = _SPECS[cls] = _Spec(cls)
    return spec


def _db(name: str, value):
    """A field's value as stored: sets are comma-joined."""
    return ",".join(sorted(value)) if name in SET_FIELDS else value


def to_row(obj) -> dict[str, Any]:
    spec = _spec(type(obj))
    if spec.sets:
        return {n: _db(n, v) for n, v in zip(spec.names, spec.values(obj), strict=True)}
    return dict(zip(spec.names, spec.values(obj), strict=True))


def from_row(cls, data) -> Any:
    """An object from a row mapping with every column (a row dict of exactly the object's
    columns, fresh from ``FastSQL.rows``, becomes the object's own)."""
    spec = _SPECS.get(cls) or _spec(cls)
    if spec.as_is and type(data) is dict and data.keys() == spec.name_set:
        for name, factory in spec.factories:
            data[name] = factory()
        obj = cls.__new__(cls)
        obj.__dict__ = data
        return obj
    values = {name: data[name] for name in spec.names}
    for name in spec.sets:
        values[name] = frozenset(x for x in data[name].split(",") if x)
    if not spec.plain:
        return cls(**values)
    for name, factory in spec.factories:
        values[name] = factory()
    obj = cls.__new__(cls)
    obj.__dict__ = values
    return obj


_CONTRACT_VALUES = attrgetter(*(f.name for f in dataclasses.fields(ContractLine)))
_CONTRACT_COLUMNS = ("doc_no", *(f.name for f in dataclasses.fields(ContractLine)))


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
def select_by_key(table_name: str):
    table = orm.metadata.tables[table_name]
    pk = next(iter(table.primary_key.columns)) if table_name != "contract_lines" else table.c.doc_no
    return select(table).where(pk == bindparam("key"))


@cache
def insert_into(table_name: str):
    return insert(orm.metadata.tables[table_name])


@cache
def _update_by_key(table_name: str, columns: tuple[str, ...]):
    table = orm.metadata.tables[table_name]
    pk = next(iter(table.primary_key.columns))
    return update(table).where(pk == bindparam("_key")).values({c: bindparam(c) for c in columns})


LINES_OF = select(orm.budget_lines).where(
    orm.budget_lines.c.unit == bindparam("unit"), orm.budget_lines.c.budget_code == bindparam("code")
)
# Read a counter and take its row's write lock until the batch commits (an UPDATE locks on both
# databases), so numbers can be handed out in memory and written back once.
TAKE_COUNTER = (
    update(orm.counters).where(orm.counters.c.name == bindparam("prefix"))
    .values(value=orm.counters.c.value).returning(orm.counters.c.value)
)


NOW = select(orm.state.c.value).where(orm.state.c.key == "now")


@cache
def step_in(size: int, values: tuple[str, ...], copy: tuple[tuple[str, str], ...]):
    d = orm.reserve_docs
    # The status and "open" guards are written as expressions (both columns are NOT NULL, so
    # ``coalesce`` changes nothing) so that only the primary key can serve the statement: on a
    # table without statistics yet, PostgreSQL's generic plan otherwise walks the whole lapse
    # index (fiscal_year, closed, status) for every step: 40 ms instead of 1 ms for 100 documents.
    return (
        update(d)
        .where(d.c.doc_no.in_([bindparam(f"k{i}") for i in range(size)]),
               func.coalesce(d.c.status, "") == bindparam("before"), func.coalesce(d.c.closed, "") == "")
        .values({**{k: bindparam(f"v_{k}") for k in values}, **{k: d.c[other] for k, other in copy}})
    )


# History and audit lines are kept as tuples of these columns (no dict per line).
HISTORY_COLUMNS = ("doc_no", "at", "actor", "action", "from_status", "to_status", "note")
AUDIT_COLUMNS = ("at", "actor", "action", "input", "ok", "error", "result")

_SET_COUNTER = update(orm.counters).where(orm.counters.c.name == bindparam("prefix")).values(value=bindparam("last"))


# (class, which columns differ) -> (those columns, a function picking their values from a state)
_UPDATE_LAYOUTS: dict[tuple, tuple[tuple[str, ...], Any]] = {}


def _update_layout(spec: _Spec, differs: tuple[bool, ...]) -> tuple[tuple[str, ...], Any]:
    columns = tuple(compress(spec.names, differs))
    index = [i for i, d in enumerate(differs) if d]
    pick = itemgetter(*index) if len(index) > 1 else (lambda values, i=index[0]: (values[i],))
    return columns, pick


class Entry:
    """One object in the identity map.

    ``stored``: its row as the database has it (``None`` while its insert is pending);
    ``settled``: its state after the last command that succeeded (``None`` while the running
    command created it). Both are (column values, contract lines) tuples.
    """

    __slots__ = ("obj", "stored", "settled")

    def __init__(self, obj, stored, settled):
        self.obj, self.stored, self.settled = obj, stored, settled


def _state_function(cls):
    values = _spec(cls).values
    if cls is ReserveDocument:
        def state(obj) -> tuple:
            contracts = obj.contracts
            return values(obj), (tuple(map(_CONTRACT_VALUES, contracts)) if contracts else ())
    else:
        def state(obj) -> tuple:
            return values(obj), None
    return state


# class -> its objects' snapshot function (the identity map takes one at every load and settle)
STATE_OF = {cls: _state_function(cls) for cls in TABLES}


def state_of(obj) -> tuple:
    return STATE_OF[type(obj)](obj)


class WriteBehind:
    """What settled commands changed and not yet written: objects (``_dirty`` keys of the identity
    map ``_seen``), deletions, number counters, history and audit lines."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self.sql = FastSQL(conn)  # the per-command statements
        self._seen: dict[tuple, Entry] = {}
        self._dirty: dict[tuple, None] = {}  # settled differs from stored (ordered set)
        self._deletes: list[tuple] = []  # (table, pk column, key) settled for deletion
        self._history: list[tuple] = []  # lines of settled commands (HISTORY_COLUMNS), written with the next flush
        self._audit: list[tuple] = []  # (AUDIT_COLUMNS)
        self._counters: dict[str, int] = {}  # prefix -> last number handed out (row locked)
        self._counters_written: dict[str, int] = {}
        # Objects loaded, handed out or added since they were last settled (insertion-ordered).
        self._touched: dict[tuple, None] = {}
        # Deferred settling: the batch's objects are compared with their stored rows once, when
        # they are written, not after every command (a snapshot per object per batch instead of
        # one per command). Only for a batch in which no command is refused: a refusal could not
        # undo its command's changes, so the dispatcher runs such a batch again without.
        self.deferred = False

    def _settle_touched(self) -> None:
        """Touched objects whose state differs from their last settled one become due."""
        seen, dirty, state_of_ = self._seen, self._dirty, STATE_OF
        for key in self._touched:
            entry = seen.get(key)
            if entry is None:
                continue
            obj = entry.obj
            state = state_of_[type(obj)](obj)
            if state != entry.settled:
                entry.settled = state
                if state != entry.stored:
                    dirty[key] = None
        self._touched.clear()

    def history(self, doc: ReserveDocument, at, actor: str, action: str, from_status: str, note: str = "") -> None:
        """A line of the document's history, written if the running command succeeds."""
        self._command_history.append((doc.doc_no, at, actor, action, from_status, doc.status, note))

    def flush(self) -> None:
        """Write what settled commands changed: deletions, then inserts (parents first), then
        updates of the changed columns, then history and audit lines; rows of the same shape go
        out as one executemany."""
        if self.deferred and self._touched:
            self._settle_touched()
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
            self.sql.execute_tuples(insert_into("doc_history"), HISTORY_COLUMNS, self._history)
            self._history = []
        if self._audit:
            self.sql.execute_tuples(insert_into("audit"), AUDIT_COLUMNS, self._audit)
            self._audit = []

    def _write_objects(self) -> None:
        inserts: dict[tuple, list[tuple]] = {}
        updates: dict[tuple, list[tuple]] = {}
        contracts_of: list[tuple[str, tuple]] = []
        rewrite: list[str] = []
        seen, layouts = self._seen, _UPDATE_LAYOUTS
        for key in self._dirty:
            entry = seen[key]
            obj, (now, contracts) = entry.obj, entry.settled
            cls = type(obj)
            spec = _SPECS[cls]
            if entry.stored is None:
                inserts.setdefault((key[0], spec.names), []).append(
                    tuple(map(_db, spec.names, now)) if spec.sets else now)
                if contracts:
                    contracts_of.append((key[1], contracts))
            else:
                before, contracts_before = entry.stored
                if now != before:
                    differs = (cls, tuple(map(ne, now, before)))
                    layout = layouts.get(differs)
                    if layout is None:
                        layout = layouts[differs] = _update_layout(spec, differs[1])
                    columns, pick = layout
                    values = pick(now)
                    if spec.sets:
                        values = tuple(map(_db, columns, values))
                    updates.setdefault((key[0], columns), []).append((*values, key[1]))
                if contracts != contracts_before:
                    rewrite.append(key[1])
                    contracts_of.append((key[1], contracts))
            entry.stored = entry.settled
        self._dirty.clear()
        for table in orm.metadata.sorted_tables:  # parents before children (foreign keys)
            for (name, columns), rows in inserts.items():
                if name == table.name:
                    self.sql.execute_tuples(insert_into(name), columns, rows)
        for (name, columns), rows in updates.items():
            self.sql.execute_tuples(_update_by_key(name, columns), (*columns, "_key"), rows)
        cl = orm.contract_lines
        for doc_no in rewrite:
            self._conn.execute(cl.delete().where(cl.c.doc_no == doc_no))
        rows = [(doc_no, *c) for doc_no, lines in contracts_of for c in lines]
        self.sql.execute_tuples(insert_into("contract_lines"), _CONTRACT_COLUMNS, rows)

    def write_audit(self, at, actor: str, action: str, input_: dict, ok: bool, error: str | None, result: dict) -> None:
        """Buffer an audit line (of a finished command, refused or not); ``flush`` writes it."""
        actor, action, input_text, result_text = audit_texts(actor, action, input_, result)
        self._audit.append((at, actor, action, input_text, ok, error, result_text))
