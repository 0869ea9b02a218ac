"""The engine's hot statements, compiled once per dialect and run on the DBAPI cursor.

SQLAlchemy Core builds and compiles the statements (so they are the same on SQLite and
PostgreSQL), and its types convert the values (dates, moments, booleans) exactly as they do in
``Connection.execute``. What is skipped is the per-call machinery around that (cache-key
lookup, parameter construction, result-proxy set-up): about 80 µs a statement, most of a
command's time when a command needs four or five statements.

Statements with expanding ``IN`` parameters do not go through here (``rows_in`` builds ``IN``
lists of fixed sizes instead); the rest use ``Connection.execute`` as usual, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import ClauseElement


@dataclass(frozen=True)
class Compiled:
    sql: str
    names: tuple[str, ...]  # bind names in the order the statement wants them
    pick: Callable  # values mapping -> tuple of the bind values, in that order
    literals: dict[str, Any]  # values written into the statement (``x + 1``), used when not given
    process: tuple[tuple[int, Callable], ...]  # (index, bind processor) where one is needed
    positional: bool
    columns: tuple[str, ...]  # result column names
    convert: tuple[tuple[int, str, Callable], ...]  # (index, name, result processor) where one is needed

    @cached_property
    def make_row(self) -> Callable[[Sequence], dict[str, Any]]:
        """A function from a result tuple to its row dict, values converted: written out as one
        dict display (the way ``dataclasses`` writes ``__init__``), the fastest form CPython has."""
        conv = {i: f"_p{i}" for i, _, _ in self.convert}
        items = ", ".join(f"{name!r}: {conv[i]}(r[{i}])" if i in conv else f"{name!r}: r[{i}]"
                          for i, name in enumerate(self.columns))
        scope = {f"_p{i}": proc for i, _, proc in self.convert}
        exec(f"def make_row(r):\n    return {{{items}}}\n", scope)  # noqa: S102 (column keys of our own tables)
        return scope["make_row"]

    def _bind_values(self, value_of: Callable[[int, str], str], scope: dict[str, Any]) -> str:
        """The expression of the bind values as the DBAPI wants them (a tuple, or a dict by name):
        ``value_of(i, name)`` is the source expression of each, wrapped in its bind processor."""
        processors = dict(self.process)
        parts = []
        for i, name in enumerate(self.names):
            value = value_of(i, name)
            if i in processors:
                scope[f"_p{i}"] = processors[i]
                value = f"_p{i}({value})"
            parts.append(value if self.positional else f"{name!r}: {value}")
        if self.positional:
            return f"({', '.join(parts)},)" if parts else "()"
        return f"{{{', '.join(parts)}}}"

    @cached_property
    def params(self) -> Callable[[Mapping[str, Any]], Any]:
        """values -> the bind values, converted, as the DBAPI wants them (a tuple, or a dict by
        name): one generated expression per statement, like ``make_row``."""
        scope: dict[str, Any] = {"_slow": self._params}

        def value_of(i: int, name: str) -> str:
            if name in self.literals:
                scope[f"_l{i}"] = self.literals[name]
                return f"(v[{name!r}] if {name!r} in v else _l{i})"
            return f"v[{name!r}]"

        body = self._bind_values(value_of, scope)
        exec(  # noqa: S102 (bind names of our own statements)
            f"def params(v):\n    try:\n        return {body}\n    except KeyError:\n        return _slow(v)\n", scope)
        return scope["params"]

    @cached_property
    def _params_by_order(self) -> dict[tuple[str, ...], Callable[[Sequence], Any]]:
        return {}

    def params_of(self, order: tuple[str, ...]) -> Callable[[Sequence], Any]:
        """A tuple of values in ``order`` -> the bind values, converted, as the DBAPI wants them
        (rows built as tuples need no dict on the way). A bind ``order`` does not name takes its
        literal; one without a literal is an error here, once, not at the first row."""
        fn = self._params_by_order.get(order)
        if fn is not None:
            return fn
        index = {name: i for i, name in enumerate(order)}
        scope: dict[str, Any] = {}

        def value_of(i: int, name: str) -> str:
            if name in index:
                return f"t[{index[name]}]"
            if name in self.literals:
                scope[f"_l{i}"] = self.literals[name]
                return f"_l{i}"
            raise KeyError(f"no value for bind parameter {name!r}")

        body = self._bind_values(value_of, scope)
        exec(f"def params(t):\n    return {body}\n", scope)  # noqa: S102 (bind names of our own statements)
        fn = self._params_by_order[order] = scope["params"]
        return fn

    def _params(self, values: Mapping[str, Any]):
        """``params`` written out plainly (and the error that names a missing value)."""
        if self.literals:
            values = {**self.literals, **values}
        try:
            picked = self.pick(values)
        except KeyError as exc:
            raise KeyError(f"no value for bind parameter {exc.args[0]!r}") from None
        if self.process:
            picked = list(picked)
            for i, proc in self.process:
                picked[i] = proc(picked[i])
        return tuple(picked) if self.positional else dict(zip(self.names, picked, strict=True))

_COMPILED: dict[tuple[int, str, tuple[str, ...] | None], tuple[ClauseElement, Compiled]] = {}


def _processor(type_, dialect: Dialect, kind: str):
    impl = type_.dialect_impl(dialect)
    return impl.bind_processor(dialect) if kind == "bind" else impl.result_processor(dialect, None)


def compile_for(stmt: ClauseElement, dialect: Dialect, column_keys: tuple[str, ...] | None = None) -> Compiled:
    """``stmt`` compiled for ``dialect``; an ``insert`` is compiled for exactly ``column_keys``."""
    key = (id(stmt), dialect.name, column_keys)
    hit = _COMPILED.get(key)
    if hit is not None and hit[0] is stmt:
        return hit[1]
    compiled = stmt.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
    if compiled.positional:
        names = list(compiled.positiontup)
    else:
        names = list(dict.fromkeys(compiled.bind_names.values()))
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        raise ValueError("Python-side column defaults are not applied here: give every column")
    if "POSTCOMPILE" in compiled.string:
        raise ValueError("expanding IN parameters are not supported here; use Connection.execute")
    binds = [compiled.binds[n] for n in names]
    literals = {n: b.value for n, b in zip(names, binds, strict=True) if not b.required}
    process = tuple((i, proc) for i, b in enumerate(binds) if (proc := _processor(b.type, dialect, "bind")))
    if len(names) > 1:
        pick = itemgetter(*names)
    else:  # itemgetter of one name gives the value, not a tuple
        pick = lambda values, only=tuple(names): tuple(values[n] for n in only)  # noqa: E731
    selected = getattr(stmt, "selected_columns", None)
    if selected is None:
        selected = stmt.exported_columns if getattr(stmt, "_returning", ()) else ()
    columns = tuple(col.key for col in selected)
    convert = tuple(
        (i, col.key, proc) for i, col in enumerate(selected)
        if (proc := _processor(col.type, dialect, "result")) is not None
    )
    escaped = getattr(compiled, "escaped_bind_names", None) or {}
    if escaped:  # never the case for our bind names; refuse rather than send a wrong name
        raise ValueError(f"bind names need escaping: {escaped}")
    out = Compiled(compiled.string, tuple(names), pick, literals, process, compiled.positional, columns, convert)
    _COMPILED[key] = (stmt, out)
    return out


class FastSQL:
    """Runs compiled statements on the connection's DBAPI cursor, in its current transaction."""

    def __init__(self, conn: Connection):
        self.dialect = conn.dialect
        self.cursor = conn.connection.driver_connection.cursor()

    def rows(self, stmt: ClauseElement, values: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The result rows as dicts (column key → converted value)."""
        c = compile_for(stmt, self.dialect)
        self.cursor.execute(c.sql, c.params(values))
        return list(map(c.make_row, self.cursor.fetchall()))

    def rows_in(self, table: Table, column: str, keys: Sequence, columns: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Rows of ``table`` whose ``column`` is one of ``keys``, in parts of at most 512 keys
        (statements for 1, 2, 4 … 512 keys, the last key repeated to fill the part); every
        column, or only ``columns``."""
        out = []
        for start in range(0, len(keys), IN_PART):
            part = list(keys[start:start + IN_PART])
            size = 1 << (len(part) - 1).bit_length()
            part += [part[-1]] * (size - len(part))
            out += self.rows(_select_in(table, column, size, columns), {f"k{i}": k for i, k in enumerate(part)})
        return out

    def first(self, stmt: ClauseElement, values: Mapping[str, Any]) -> dict[str, Any] | None:
        found = self.rows(stmt, values)
        return found[0] if found else None

    def execute(self, stmt: ClauseElement, values: Mapping[str, Any] | Sequence[Mapping[str, Any]],
                column_keys: Iterable[str] | None = None) -> int:
        """Run a statement without a result, once or (given a list) as one executemany; returns
        the rows it changed (as the driver counts them)."""
        many = not isinstance(values, Mapping)
        if many and not values:
            return 0
        first = values[0] if many else values
        keys = tuple(column_keys) if column_keys is not None else tuple(first)
        c = compile_for(stmt, self.dialect, keys if _is_insert(stmt) else None)
        if many:
            params = c.params
            self.cursor.executemany(c.sql, [params(v) for v in values])
        else:
            self.cursor.execute(c.sql, c.params(values))
        return self.cursor.rowcount

    def execute_tuples(self, stmt: ClauseElement, order: tuple[str, ...], rows: Sequence[Sequence]) -> int:
        """``execute`` for rows given as tuples of values in ``order`` (an insert's columns, or an
        update's binds): one executemany (or one execute for a single row)."""
        if not rows:
            return 0
        c = compile_for(stmt, self.dialect, order if _is_insert(stmt) else None)
        params = c.params_of(order)
        if len(rows) == 1:
            self.cursor.execute(c.sql, params(rows[0]))
        else:
            self.cursor.executemany(c.sql, list(map(params, rows)))
        return self.cursor.rowcount


IN_PART = 512


@cache
def _select_in(table: Table, column: str, size: int, columns: tuple[str, ...] | None = None):
    picked = [table.c[name] for name in columns] if columns else [table]
    return select(*picked).where(table.c[column].in_([bindparam(f"k{i}") for i in range(size)]))


def _is_insert(stmt: ClauseElement) -> bool:
    return getattr(stmt, "is_insert", False)
