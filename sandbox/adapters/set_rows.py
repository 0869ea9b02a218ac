"""The repository's set-based reads and writes: rows read and written many at a time, kept out of
the identity map (``repository.Repository`` takes them in as a mixin).

The set-based paths of a batch (``service/handlers/set_runs.py``: runs of many new documents,
withdrawal requests, approvals or payments; ``service/handlers/set_based.py``: a round's step)
read the rows they check in one query per 512, check them in memory with the object path's own
functions, and write what they changed in one statement per table. What is pending in the identity
map is written first, and objects of the map that the set-based write makes stale are let go.
"""

from __future__ import annotations

from ..domain.model import ReserveDocument
from . import orm
from .batch import (
    _CONTRACT_COLUMNS,
    _CONTRACT_VALUES,
    TABLES,
    _spec,
    _update_by_key,
    from_row,
    insert_into,
    step_in,
)
from .fastsql import IN_PART

# The columns of a document the spending steps read or change (``spending.spendable``, the unit,
# the remaining, the budget line, the history line's status).
SPENDING_COLUMNS = ("doc_no", "doc_type", "unit", "fiscal_year", "budget_line_id", "remaining", "status",
                    "sept_approved", "closed")


class SetRows:
    """Set-based reads and writes of ``Repository`` (which gives ``flush``, ``sql``, ``_seen``,
    ``_drop`` and the maps of withdrawals)."""

    def let_go_of_documents(self) -> None:
        """Write what is pending, then let go of the documents and withdrawal requests in the map
        (users, sessions and budget lines stay): a set-based run is about to read, write and
        change their rows behind it."""
        self.flush()
        for key in [k for k in self._seen if k[0] in ("reserve_docs", "withdrawals")]:
            self._drop(key)
        self._withdrawals_of.clear()
        self._all_withdrawals_of.clear()
        self._without_contracts.clear()

    def detached_rows(self, cls, column: str, keys) -> list:
        """Objects of ``cls`` whose ``column`` is one of ``keys``, as stored (pending writes go
        out first), read in one query per 512 and kept out of the identity map (a document
        without its contract lines)."""
        self.flush()
        table, _ = TABLES[cls]
        return [from_row(cls, r) for r in self.sql.rows_in(table, column, sorted(set(keys)))]

    def spending_documents(self, doc_nos) -> dict[str, ReserveDocument]:
        """The documents as stored (pending writes go out first), kept out of the identity map
        and read with only ``SPENDING_COLUMNS``, what the spending steps look at and change: one
        query per 512, no dates to convert. Any other field of theirs is missing (reading it
        is an ``AttributeError``, not a wrong value)."""
        self.flush()
        out = {}
        for row in self.sql.rows_in(orm.reserve_docs, "doc_no", sorted(set(doc_nos)), SPENDING_COLUMNS):
            doc = ReserveDocument.__new__(ReserveDocument)
            doc.__dict__ = row
            out[row["doc_no"]] = doc
        return out

    def update_rows(self, cls, columns: tuple[str, ...], rows: list[tuple]) -> None:
        """Set ``columns`` of rows of ``cls`` by key: each row is the values in ``columns``
        order, then the key; one executemany (after what is pending)."""
        self.flush()
        table, _ = TABLES[cls]
        self.sql.execute_tuples(_update_by_key(table.name, columns), (*columns, "_key"), rows)

    def insert_rows(self, cls, objs: list) -> None:
        """Insert new objects of ``cls`` (no set-valued fields) kept out of the identity map:
        one executemany (after what is pending)."""
        self.flush()
        table, _ = TABLES[cls]
        spec = _spec(cls)
        if spec.sets:
            raise ValueError(f"{cls.__name__} has set-valued fields")
        self.sql.execute_tuples(insert_into(table.name), spec.names, list(map(spec.values, objs)))

    def insert_documents(self, docs: list[ReserveDocument]) -> None:
        """Insert new documents and their contract lines, kept out of the identity map: one
        executemany each (after what is pending)."""
        self.insert_rows(ReserveDocument, docs)
        rows = [(doc.doc_no, *_CONTRACT_VALUES(line)) for doc in docs for line in doc.contracts]
        self.sql.execute_tuples(insert_into("contract_lines"), _CONTRACT_COLUMNS, rows)

    # ------------------------------------------------------------ set-based round steps
    def detached_documents(self, doc_nos) -> dict[str, ReserveDocument]:
        """The documents as the commands so far left them, read in one query per 512 and kept
        out of the identity map (without their contract lines): a set-based step checks them in
        memory and then changes their rows with ``step_documents``."""
        self.flush()
        wanted = sorted({str(d) for d in doc_nos})
        return {r["doc_no"]: from_row(ReserveDocument, r) for r in self.sql.rows_in(orm.reserve_docs, "doc_no", wanted)}

    def step_documents(self, doc_nos: list[str], before: str, values: dict, copy: dict[str, str]) -> None:
        """The open documents ``doc_nos`` whose status is ``before`` get ``values`` and, for each
        ``column: other`` of ``copy``, their own ``other`` column: one UPDATE per 512 documents.
        Objects of theirs in the identity map are let go (they would be stale)."""
        self.flush()
        changed = 0
        for start in range(0, len(doc_nos), IN_PART):
            part = doc_nos[start:start + IN_PART]
            size = 1 << (len(part) - 1).bit_length()
            params = {f"k{i}": k for i, k in enumerate(part + [part[-1]] * (size - len(part)))}
            params.update({f"v_{k}": v for k, v in values.items()}, before=before)
            changed += self.sql.execute(step_in(size, tuple(sorted(values)), tuple(sorted(copy.items()))), params)
        if changed != len(doc_nos):
            raise RuntimeError(f"a set-based step changed {changed} of {len(doc_nos)} documents")
        for doc_no in doc_nos:
            self._drop(("reserve_docs", doc_no))
