"""Every filter of the report screen reads through an index, on both stores: the plan of the
NFMA60 / NFMA60CX listing and of its count-and-sums names an index on the filter's column and
never scans the whole document table (SQLite ``EXPLAIN QUERY PLAN``, PostgreSQL ``EXPLAIN``
with sequential scans priced out, so a missing index shows as a scan)."""

from __future__ import annotations

import re
import sqlite3

import pytest
from sqlalchemy import func, select

from bench.reports_data import START, generate, world
from sandbox import views
from sandbox.engine import Sandbox

FY = {"fiscal_year": 2566, "round": "september"}
CENTRAL = "3000100000"

# (name, scope (None: the whole country; a unit: its scope), conditions, NFMA60CX, columns one of
# which the index search must name)
FILTERS = [
    ("status", None, FY | {"status": "listed"}, False, {"status"}),
    ("status not listed", None, FY | {"status": "not_listed"}, False, {"status"}),
    ("status + type", None, FY | {"status": "approved", "doc_type": "CX"}, False, {"status", "doc_type"}),
    ("status + reason", None, FY | {"status": "confirmed", "reason": "CX04"}, False, {"status", "reason"}),
    ("type", None, FY | {"doc_type": "CX"}, False, {"doc_type"}),
    ("reason", None, FY | {"reason": "CK05"}, False, {"reason"}),
    ("area", None, FY | {"area": "5000"}, False, {"area"}),
    ("fund source", None, FY | {"fund_source": "6611310"}, False, {"fund_source"}),
    ("budget code", None, FY | {"budget_code": "30001350001000000021"}, False, {"budget_code"}),
    ("budget unit", None, FY | {"budget_unit": "30001"}, False, {"budget_code"}),
    ("document", None, FY | {"doc": "CX00000002"}, False, {"doc_no"}),
    ("remaining", None, FY | {"remaining": "1277943.95"}, False, {"remaining"}),
    ("owner unit", None, FY | {"unit": "3000100001"}, False, {"unit"}),
    # SQLite: read in document order, see test_march_not_listed_reads_the_documents_in_order
    ("March not listed", None, {"fiscal_year": 2566, "round": "march", "status": "not_listed"}, False, {"status"}),
    ("March approved + type", None, {"fiscal_year": 2566, "round": "march", "status": "approved", "doc_type": "CK"},
     False, {"status", "doc_type"}),
    ("agency (central unit)", CENTRAL, FY, False, {"unit"}),
    ("agency + status", CENTRAL, FY | {"status": "listed"}, False, {"unit", "status"}),
    ("NFMA60CX, reason", None, FY | {"reason": "CX04"}, True, {"reason"}),
]


@pytest.fixture(scope="module")
def country(request, tmp_path_factory):
    """3,000 documents over 100 units (5 agencies), as the report benchmark makes them; the
    PostgreSQL store analysed (as its autovacuum would), SQLite as a new file: the planner
    statistics its schema was written with (migration 0005), none of its own data."""
    url = (str(tmp_path_factory.mktemp("plans") / "plans.sqlite") if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    sb = Sandbox(url)
    sb.load_world(world(100), START)
    with sb.engine.begin() as conn:
        generate(conn, 100, 3000)
    if request.param == "postgresql":
        with sb.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    yield sb
    sb.close()


def plan(conn, query) -> str:
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return "\n".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    conn.exec_driver_sql("SET enable_seqscan = off")  # a table this small is otherwise read whole
    try:
        return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
    finally:
        conn.exec_driver_sql("RESET enable_seqscan")


def searched_columns(text: str, dialect: str) -> set[str]:
    """The reserve_docs columns an index search is keyed on, read from the plan."""
    if dialect == "sqlite":
        keys = re.findall(r"SEARCH reserve_docs USING (?:COVERING )?INDEX \S+ \(([^)]*)\)", text)
        return {m.group(1) for k in keys for m in re.finditer(r"(\w+)(?:=|>|<| IN)", k)}
    conds = re.findall(r"Index Cond: (.*)", text)
    return {m.group(1) for c in conds for m in re.finditer(r"\(+(?:reserve_docs\.)?(\w+)\)?(?:::\w+)? (?:=|>=|<|>)", c)}


def full_scan(text: str, dialect: str) -> bool:
    if dialect == "sqlite":
        return bool(re.search(r"SCAN reserve_docs(?! USING (COVERING )?INDEX \S+ \()", text))
    return bool(re.search(r"Seq Scan on reserve_docs", text)) or bool(
        re.search(r"Index (Only )?Scan using pk_reserve_docs on reserve_docs\n(?!.*Index Cond)", text))


@pytest.mark.parametrize("country", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize(("name", "scope", "cond", "cx", "columns"), FILTERS, ids=[f[0] for f in FILTERS])
def test_every_report_filter_reads_through_an_index(country, name, scope, cond, cx, columns):
    with country.engine.connect() as conn:
        if name == "March not listed" and conn.dialect.name == "sqlite":
            return  # test_march_not_listed_reads_the_documents_in_order
        units = None if scope is None else views.unit_scope(conn, scope)
        assert views.nfma60(conn, units, cond, contracts=cx), f"{name}: the data has rows for the filter"
        where = views._conditions(units, cond)
        for what, query in [("listing", views.nfma60_query(units, cond, contracts=cx)),
                            ("count and sums", select(func.count(), func.sum(views.docs.c.value)).where(*where))]:
            text = plan(conn, query)
            dialect = conn.dialect.name
            assert not full_scan(text, dialect), f"{name} ({what}) scans every document:\n{text}"
            assert searched_columns(text, dialect) & columns, f"{name} ({what}): no index on {columns}:\n{text}"


@pytest.mark.parametrize("country", ["sqlite"], indirect=True)
def test_march_not_listed_reads_the_documents_in_order(country):
    """«March round, not listed» is two statuses, a third of a country's documents: on SQLite the
    page walks the documents in number order (no sort: a page of 100 stops after a few hundred)
    and the count and sums read the table once, not a third of it through the status index."""
    cond = {"fiscal_year": 2566, "round": "march", "status": "not_listed"}
    with country.engine.connect() as conn:
        rows = views.nfma60(conn, None, cond)
        assert rows and all(r["status"] in ("", "50") for r in rows)
        assert views.nfma60_summary(conn, None, cond)["rows"] == len(rows)
        listing = plan(conn, views.nfma60_query(None, cond).limit(100))
        assert listing == "SCAN reserve_docs USING INDEX sqlite_autoindex_reserve_docs_1", listing
        where = views._conditions(None, cond)
        count = plan(conn, select(func.count(), func.sum(views.docs.c.value)).where(*where))
        assert count == "SCAN reserve_docs", count


def _statistics(path: str) -> dict[tuple[str, str], str]:
    raw = sqlite3.connect(path)
    try:
        return {(t, i): s for t, i, s in raw.execute(
            "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl IN ('reserve_docs', 'contract_lines')")}
    finally:
        raw.close()


def test_a_new_sqlite_file_has_planner_statistics_for_every_index_and_keeps_them(tmp_path):
    """A new file plans its reports from its first query on: ``sqlite_stat1`` holds a row for every
    index of the documents and their contract lines (a prototype country's, migration 0005; an
    index without a row would have ``PRAGMA optimize`` sample the table again), and a session
    that wrote documents and ran the reports leaves them as they were when it closes."""
    path = str(tmp_path / "stats.sqlite")
    sb = Sandbox(path)
    made = _statistics(path)
    with sb.engine.connect() as conn:
        indexes = {(t, r[1]) for t in ("reserve_docs", "contract_lines")
                   for r in conn.exec_driver_sql(f"PRAGMA index_list({t})")}
    assert indexes and set(made) == indexes
    assert all(int(stat.split()[0]) >= 100_000 for stat in made.values())
    sb.load_world(world(20), START)
    with sb.engine.begin() as conn:
        generate(conn, 20, 600)
    with sb.engine.connect() as conn:
        assert views.nfma60(conn, None, FY | {"status": "not_listed"}, contracts=False)
        assert views.nfma60_page(conn, None, {"fiscal_year": 2566, "round": "march"}, limit=10)
    sb.close()
    assert _statistics(path) == made
