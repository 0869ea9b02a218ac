"""Repository: loads domain objects from the tables and writes back what changed.

Objects loaded in one unit of work are kept in an identity map with a snapshot of their row;
``flush`` (the write-behind in ``adapters/batch.py``) writes only the columns that differ, so a
handler just changes objects.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select
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
from ..limits import MAX_ID, bad_character
from . import orm
from .batch import (
    LINES_OF,
    NOW,
    STATE_OF,
    TABLES,
    TAKE_COUNTER,
    Entry,
    WriteBehind,
    from_row,
    insert_into,
    select_by_key,
    state_of,
    to_row,
)
from .records import Records
from .set_rows import SetRows

PENDING_REQUEST = ("requested", "approved")  # withdrawal requests whose money is spoken for


class ReferenceCache:
    """Agencies and units never change while a world is loaded: read them once per sandbox."""

    def __init__(self):
        self.clear()

    def clear(self) -> None:
        self.agencies: dict[str, Agency] = {}
        self.units: dict[str, Unit] = {}
        self.owners: dict[str, Unit | None] = {}


class Repository(Records, SetRows, WriteBehind):
    """Loads domain objects and writes back what changed, behind the commands of one batch.

    A command changes objects in memory. When it succeeds, ``settle`` records their new state;
    the rows are written together by ``flush`` (inserts and updates of the same shape in one
    executemany each), before anything reads the tables directly (``conn``), before set-based
    SQL, and at the end of the batch. A refused command is simply not settled: its objects are
    dropped from the map and load again as the last command left them.
    """

    def __init__(self, conn: Connection, reference: ReferenceCache | None = None):
        super().__init__(conn)
        self.reference = reference or ReferenceCache()
        self._command_deletes: list[tuple] = []
        self._command_history: list[tuple] = []  # lines of the running command
        self._lines_of: dict[tuple[str, str], list[tuple]] = {}
        self._withdrawals_of: dict[str, set[tuple]] = {}  # doc_no -> withdrawal keys in the map
        self._all_withdrawals_of: set[str] = set()  # documents whose every request is in the map
        self._without_contracts: set[str] = set()  # documents in the map whose lines are not read yet
        self._counters_at_start: dict[str, int] = {}  # … when the running command began

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
        if self.deferred:
            return  # (no command of the batch is undone: see ``WriteBehind.deferred``)
        self._touched.clear()
        self._command_deletes.clear()
        self._counters_at_start = dict(self._counters)

    def settle(self) -> None:
        """The running command succeeded: what it changed becomes due for writing."""
        if not self.deferred:
            self._settle_touched()
        self._deletes.extend(self._command_deletes)
        self._command_deletes.clear()
        self._history.extend(self._command_history)
        self._command_history = []

    def discard(self) -> None:
        """The running command was refused: forget the objects it touched (they may be changed);
        earlier commands' changes are written first, so those objects load again as settled."""
        if self.deferred:
            raise RuntimeError("a batch whose settling is deferred cannot undo a command: run it again without")
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
        self._without_contracts.clear()

    def _drop(self, key) -> None:
        entry = self._seen.pop(key, None)
        self._dirty.pop(key, None)
        if entry is not None and isinstance(entry.obj, Withdrawal):
            self._withdrawals_of.get(entry.obj.doc_no, set()).discard(key)
            self._all_withdrawals_of.discard(entry.obj.doc_no)
        elif key[0] == "reserve_docs":
            self._without_contracts.discard(key[1])

    # ------------------------------------------------------------ identity map
    def _key(self, obj) -> tuple:
        table, pk = TABLES[type(obj)]
        return (table.name, getattr(obj, pk))

    def _track(self, obj, touch: bool = True, stored: bool = True):
        """Put a loaded (``stored``) or new object in the map; an object already there wins."""
        cls = type(obj)
        table, pk = TABLES[cls]
        key = (table.name, getattr(obj, pk))
        if touch:
            self._touched[key] = None
        entry = self._seen.get(key)
        if entry is not None:
            return entry.obj
        state = STATE_OF[cls](obj) if stored else None  # (a new object is snapshot when it settles)
        self._seen[key] = Entry(obj, state, state)
        if cls is Withdrawal:
            self._withdrawals_of.setdefault(obj.doc_no, set()).add(key)
        return obj

    def _get(self, cls, key_value):
        table, _ = TABLES[cls]
        key = (table.name, key_value)
        entry = self._seen.get(key)
        if entry is not None:
            self._touched[key] = None
            return entry.obj
        if any((table.name, value) == key for table, _, value in (*self._deletes, *self._command_deletes)):
            return None  # its deletion is not written yet
        row = self.sql.first(select_by_key(table.name), {"key": key_value})
        if row is None:
            return None
        obj = from_row(cls, row)
        if isinstance(obj, ReserveDocument):
            obj.contracts = self._contracts(obj.doc_no)
        return self._track(obj)

    def prefetch(self, commands, objects_of=None) -> None:
        """Load the actors (users and sessions), documents and withdrawal requests a batch of
        commands names in a few queries (instead of one query per command); they are not handed
        to any command yet. ``objects_of``: the commands whose documents and requests to load
        (all of them unless given)."""
        named, requests = set(), set()
        actors = sorted({a for a, _, _ in commands if isinstance(a, str) and queryable(a)})
        if objects_of is not None:
            commands = objects_of
        for cls, column in ((User, "id"), (Session, "user_id")):
            table, _ = TABLES[cls]
            wanted = [a for a in actors if (table.name, a) not in self._seen]
            for row in self.sql.rows_in(table, column, wanted):
                self._track(from_row(cls, row), touch=False)
        for _, _, data in commands:
            if isinstance(data, dict):  # only ids a query can carry (the parser refuses the rest)
                if isinstance(data.get("doc"), str) and queryable(data["doc"]):
                    named.add(data["doc"])
                if isinstance(data.get("request"), str) and queryable(data["request"]):
                    requests.add(data["request"])
        docs = set(named)
        wanted = sorted(r for r in requests if ("withdrawals", r) not in self._seen)
        for row in self.sql.rows_in(orm.withdrawals, "request_no", wanted):
            docs.add(self._track(from_row(Withdrawal, row), touch=False).doc_no)
        # (their contract lines are read when a command asks for them: the spending steps do not)
        self.load_documents(docs, touch=False, contracts=False)
        self._load_withdrawals_of(named)  # a withdrawal request checks what is spoken for

    def _load_withdrawals_of(self, doc_nos) -> None:
        """Every withdrawal request of these documents into the map (those there already stay)."""
        wanted = sorted(d for d in doc_nos if d not in self._all_withdrawals_of)
        for row in self.sql.rows_in(orm.withdrawals, "doc_no", wanted):
            self._track(from_row(Withdrawal, row), touch=False)
        self._all_withdrawals_of.update(wanted)

    def load_documents(self, doc_nos, touch: bool = True, contracts: bool = True) -> None:
        """Load many documents (and their contract lines, unless ``contracts`` is false) in two
        queries per 512."""
        keys = [("reserve_docs", str(d)) for d in doc_nos]
        if touch:
            self._touched.update((k, None) for k in keys if k in self._seen)
        if contracts and self._without_contracts:
            self._read_contracts([k[1] for k in keys if k[1] in self._without_contracts and k in self._seen])
        wanted = sorted({k[1] for k in keys if k not in self._seen})
        docs = {r["doc_no"]: from_row(ReserveDocument, r) for r in self.sql.rows_in(orm.reserve_docs, "doc_no", wanted)}
        if contracts:
            for r in self.sql.rows_in(orm.contract_lines, "doc_no", list(docs)):
                docs[r["doc_no"]].contracts.append(from_row(ContractLine, r))
        else:
            self._without_contracts.update(docs)
        for doc in docs.values():
            if len(doc.contracts) > 1:
                doc.contracts.sort(key=_line)
            self._track(doc, touch)

    def _read_contracts(self, doc_nos: list[str]) -> None:
        """The contract lines of documents in the map that were loaded without them; their
        snapshots learn them too (the lines are as stored: nothing could change them unread)."""
        docs = {d: self._seen[("reserve_docs", d)] for d in doc_nos}
        lines: dict[str, list[ContractLine]] = {d: [] for d in docs}
        for r in self.sql.rows_in(orm.contract_lines, "doc_no", sorted(docs)):
            lines[r["doc_no"]].append(from_row(ContractLine, r))
        for doc_no, entry in docs.items():
            entry.obj.contracts = sorted(lines[doc_no], key=_line)
            read = state_of(entry.obj)[1]
            if entry.stored is not None:
                entry.stored = (entry.stored[0], read)
            if entry.settled is not None:
                entry.settled = (entry.settled[0], read)
            self._without_contracts.discard(doc_no)

    def add(self, obj) -> None:
        """A new object: inserted with the next flush if the running command succeeds."""
        if getattr(obj, "id", 0) is None:  # the database gives the key: insert at once
            table, _ = TABLES[type(obj)]
            row = to_row(obj)
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
        self._touched.pop(key, None)
        self._drop(key)

    # ------------------------------------------------------------ reads
    def now(self) -> dt.datetime:
        """The simulated clock, read straight from its row (once per batch)."""
        row = self.sql.first(NOW, {})
        if row is None:
            raise RuntimeError("no world is loaded: call load_world() first")
        return dt.datetime.fromisoformat(row["value"])

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

    def document(self, doc_no: str, contracts: bool = True) -> ReserveDocument | None:
        """The document; with its contract lines unless ``contracts`` is false (then its
        ``contracts`` may be empty whatever it has, and must be neither read nor changed)."""
        doc = self._get(ReserveDocument, str(doc_no))
        if contracts and doc is not None and doc.doc_no in self._without_contracts:
            self._read_contracts([doc.doc_no])
        return doc

    def withdrawal(self, request_no: str) -> Withdrawal | None:
        return self._get(Withdrawal, str(request_no))

    def budget_lines_of(self, unit: str, budget_code: str) -> list[BudgetLine]:
        keys = self._lines_of.get((unit, budget_code))
        if keys is not None and all(k in self._seen for k in keys):
            self._touched.update(dict.fromkeys(keys))
            return [self._seen[k].obj for k in keys]
        rows = self.sql.rows(LINES_OF, {"unit": unit, "code": budget_code})
        lines = [self._track(from_row(BudgetLine, r)) for r in rows]
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
            self.reference.owners[agency] = from_row(Unit, row._mapping) if row else None
        return self.reference.owners[agency]

    def pending_withdrawals(self, doc_no: str) -> int:
        """Requested or approved but not yet paid: money already spoken for. Summed over the
        document's requests in the map (rows of new ones may not be written yet)."""
        self._load_withdrawals_of([doc_no])
        requests = (self._seen[k].obj for k in self._withdrawals_of.get(doc_no, ()))
        return sum(wd.amount for wd in requests if wd.status in PENDING_REQUEST)

    def _contracts(self, doc_no: str) -> list[ContractLine]:
        rows = self.sql.rows(select_by_key("contract_lines"), {"key": doc_no})
        return sorted((from_row(ContractLine, r) for r in rows), key=lambda c: c.line)

    def next_number(self, prefix: str) -> str:
        """``CX00000001``: the type, then 8 digits, one counter per type."""
        value = self._counters.get(prefix)
        if value is None:
            row = self.sql.first(TAKE_COUNTER, {"prefix": prefix})
            if row is None:
                self.sql.execute(insert_into("counters"), {"name": prefix, "value": 0})
            value = self._counters_written[prefix] = row["value"] if row else 0
        value += 1
        self._counters[prefix] = value
        return f"{prefix}{value:08d}"


def queryable(value: str) -> bool:
    """An id PostgreSQL can compare (no NUL, no lone surrogate) of a sane length."""
    return len(value) <= MAX_ID and (value.isprintable() or bad_character(value) is None)


def _line(contract: ContractLine) -> int:
    return contract.line
