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
    PostgreSQL store analysed (as its autovacuum would), SQLite as the app leaves it (no stats)."""
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
        units = None if scope is None else views.unit_scope(conn, scope)
        assert views.nfma60(conn, units, cond, contracts=cx), f"{name}: the data has rows for the filter"
        where = views._conditions(units, cond)
        for what, query in [("listing", views.nfma60_query(units, cond, contracts=cx)),
                            ("count and sums", select(func.count(), func.sum(views.docs.c.value)).where(*where))]:
            text = plan(conn, query)
            dialect = conn.dialect.name
            assert not full_scan(text, dialect), f"{name} ({what}) scans every document:\n{text}"
            assert searched_columns(text, dialect) & columns, f"{name} ({what}): no index on {columns}:\n{text}"



def test_a_sqlite_sandbox_leaves_planner_statistics_when_it_closes(tmp_path):
    """After a session that ran a filtered report, the file holds SQLite's planner statistics
    (``PRAGMA optimize`` as a connection closes), so the next session's plan is informed."""
    path = str(tmp_path / "stats.sqlite")
    sb = Sandbox(path)
    sb.load_world(world(20), START)
    with sb.engine.begin() as conn:
        generate(conn, 20, 600)
    sb.close()
    raw = sqlite3.connect(path)  # forget what the loading session gathered
    raw.execute("DELETE FROM sqlite_stat1")
    raw.commit()
    raw.close()

    def stats() -> set[str]:
        with Sandbox(path).engine.connect() as conn:
            names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
            if "sqlite_stat1" not in names:
                return set()
            return {r[0] for r in conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1")}

    assert "reserve_docs" not in stats()  # opening and closing alone gathers nothing
    sb = Sandbox(path)
    with sb.engine.connect() as conn:
        assert views.nfma60(conn, None, FY | {"status": "not_listed"}, contracts=False)
    sb.close()
    assert "reserve_docs" in stats()
