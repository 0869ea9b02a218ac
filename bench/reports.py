"""Benchmark: NFMA60 / NFMA60CX over 1,000,000 reserve documents across 2,000 units, each filter
the report screen offers, before and after the report indexes (migration 0003_report_indexes),
on SQLite and PostgreSQL; then every row streamed into an Excel and a CSV file in a child
process, with its peak memory (``ru_maxrss``).

    .venv/bin/python -m bench.reports                          # SQLite and PostgreSQL, 1,000,000 documents
    .venv/bin/python -m bench.reports --store sqlite --docs 200000
    .venv/bin/python -m bench.reports --store postgresql --pg-url postgresql+psycopg://…

"Before" is the report as the screen ran it until now: every matching row read into a list,
without the new indexes. "After" is what the screen runs now: the count and the sums in SQL
(``views.nfma60_summary``) and the first page of 100 rows (``views.nfma60_page``), with the
indexes; "all rows" is every matching row read into a list, with the indexes (shown up to
50,000 rows). Times are medians of ``--repeat`` runs, wall clock; the machine's load is printed.
SQLite plans with the statistics a new file is made with (migration 0005), as in the app from
its first query on; "no stats" is the same screen without any (a file made before 0005).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.reports_data import START, generate, world

PAGE = 100
ALL_ROWS_UP_TO = 50_000
FY = {"fiscal_year": 2566, "round": "september"}
CENTRAL = "3000500000"  # a central unit: its agency's 20 units


def cases(doc_no: str) -> list[tuple[str, str | None, dict, bool]]:
    """(name, scope, conditions, NFMA60CX): scope None is the whole country (CGD), a unit code
    that unit's scope (a central unit: its agency)."""
    return [
        ("country, status listed", None, FY | {"status": "listed"}, False),
        ("country, status approved + type CX", None, FY | {"status": "approved", "doc_type": "CX"}, False),
        ("country, status confirmed + reason CX04", None, FY | {"status": "confirmed", "reason": "CX04"}, False),
        ("country, not listed", None, FY | {"status": "not_listed"}, False),
        ("country, type CX", None, FY | {"doc_type": "CX"}, False),
        ("country, reason CK05", None, FY | {"reason": "CK05"}, False),
        ("country, area (province) 5000", None, FY | {"area": "5000"}, False),
        ("country, fund source 6611310", None, FY | {"fund_source": "6611310"}, False),
        ("country, budget code", None, FY | {"budget_code": "30005350001000000101"}, False),
        ("country, budget unit 30005", None, FY | {"budget_unit": "30005"}, False),
        ("country, document number", None, FY | {"doc": doc_no}, False),
        ("country, remaining 1,000,000.00", None, FY | {"remaining": "1000000.00"}, False),
        ("country, owner unit", None, FY | {"unit": "3000500001"}, False),
        ("country, March round not listed", None, {"fiscal_year": 2566, "round": "march", "status": "not_listed"}, False),
        ("country, March approved + type CK", None,
         {"fiscal_year": 2566, "round": "march", "status": "approved", "doc_type": "CK"}, False),
        ("agency (central unit), every row", CENTRAL, FY, False),
        ("agency (central unit), status listed", CENTRAL, FY | {"status": "listed"}, False),
        ("agency (central unit), NFMA60CX", CENTRAL, FY, True),
        ("country, NFMA60CX confirmed + CX04", None, FY | {"status": "confirmed", "reason": "CX04"}, True),
        ("country, fiscal year only (every row)", None, FY, False),
        ("country, March round (every row)", None, {"fiscal_year": 2566, "round": "march"}, False),
    ]


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def plan(conn, query) -> str:
    """The store's plan for ``query``, one line: SQLite's EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN."""
    sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name == "sqlite":
        return " / ".join(r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
    lines = [r[0].strip() for r in conn.exec_driver_sql("EXPLAIN " + sql)]
    steps = [x.split("  (cost")[0].lstrip("-> ") for x in lines if "Scan" in x or "Index Cond" in x or x.startswith("Sort")]
    return " / ".join(s if len(s) < 120 else s[:117] + "..." for s in steps)


def set_indexes(sb, present: bool, stats: list | None = None) -> None:
    """Drop or make the report indexes; on SQLite ``stats`` are the file's planner statistics
    for them, put back (dropping an index drops its ``sqlite_stat1`` row)."""
    from sqlalchemy import text

    from sandbox.adapters import orm

    with sb.engine.begin() as conn:
        for index in orm.REPORT_INDEXES:
            if present:
                index.create(conn, checkfirst=True)
            else:
                index.drop(conn, checkfirst=True)
        if present and stats:
            conn.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE tbl IN ('reserve_docs', 'contract_lines')")
            for row in stats:
                conn.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", tuple(row))
            # this connection reads them too (as migration 0005 does): a connection closing with an
            # index it holds no statistics for has PRAGMA optimize sample the table over them
            conn.exec_driver_sql("ANALYZE sqlite_schema")
    sb.engine.dispose()
    analyze(sb)
    with sb.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def file_statistics(sb) -> list | None:
    """SQLite: the planner statistics of the documents as the file was made with them (migration
    0005: a prototype country's, the same from a file's first session on)."""
    if sb.engine.dialect.name != "sqlite":
        return None
    with sb.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT tbl, idx, stat FROM sqlite_stat1 WHERE tbl IN ('reserve_docs', 'contract_lines')")]


def analyze(sb) -> None:
    """Statistics for the planner: PostgreSQL's autovacuum keeps them (``VACUUM ANALYZE``); a
    SQLite file keeps the ones it was made with (``file_statistics``), as in the app."""
    if sb.engine.dialect.name == "sqlite":
        return
    with sb.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def measure(url: str, args) -> list[dict]:
    from sqlalchemy import text

    from sandbox import views
    from sandbox.engine import Sandbox

    sb = Sandbox(url)
    stats = file_statistics(sb)
    sb.load_world(world(args.units), START)
    t = time.perf_counter()
    with sb.engine.begin() as conn:
        generate(conn, args.units, args.docs)
    made = time.perf_counter() - t
    analyze(sb)
    store = "SQLite" if url.startswith(("sqlite", "/")) or "://" not in url else "PostgreSQL"
    print(f"\n{store}: {args.docs:,} documents across {args.units:,} units generated in {made:.1f} s "
          f"(set-based INSERT … SELECT); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    with sb.engine.connect() as conn:
        doc_no = conn.execute(text("SELECT max(doc_no) FROM reserve_docs WHERE doc_type = 'CX'")).scalar_one()
        todo = [(name, None if unit is None else views.unit_scope(conn, unit), cond, cx)
                for name, unit, cond, cx in cases(doc_no)]
    results = []
    set_indexes(sb, present=False)
    with sb.engine.connect() as conn:
        for name, units, cond, cx in todo:
            n = views.nfma60_summary(conn, units, cond, contracts=cx)["rows"]
            if n > 200_000:  # every row: measured once, in the streaming part below
                results.append({"name": name, "rows": n, "before": None})
                continue
            secs, _ = timed(lambda units=units, cond=cond, cx=cx: views.nfma60(conn, units, cond, contracts=cx),
                            args.before_repeat)
            results.append({"name": name, "rows": n, "before": secs})
    set_indexes(sb, present=True, stats=stats)
    with sb.engine.connect() as conn:
        for out, (_, units, cond, cx) in zip(results, todo, strict=True):
            def screen(units=units, cond=cond, cx=cx):
                return (views.nfma60_summary(conn, units, cond, contracts=cx),
                        views.nfma60_page(conn, units, cond, contracts=cx, limit=PAGE))
            out["screen"], _ = timed(screen, args.repeat)
            if out["rows"] <= ALL_ROWS_UP_TO:
                out["all"], _ = timed(lambda units=units, cond=cond, cx=cx: views.nfma60(conn, units, cond, contracts=cx),
                                      args.repeat)
            out["plan"] = plan(conn, views.nfma60_query(units, cond, contracts=cx))
    if sb.engine.dialect.name == "sqlite":
        # the same screen queries without any planner statistics: a file made before migration
        # 0005 in its first session (its later sessions had PRAGMA optimize's sampled ones, which
        # chose the same plans)
        with sb.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM sqlite_stat1")
        sb.engine.dispose()
        print(f"  (planner statistics: the file's own, {len(stats)} sqlite_stat1 rows for reserve_docs and "
              "contract_lines (migration 0005); then none)")
        with sb.engine.connect() as conn:
            for out, (_, units, cond, cx) in zip(results, todo, strict=True):
                def screen(units=units, cond=cond, cx=cx):
                    return (views.nfma60_summary(conn, units, cond, contracts=cx),
                            views.nfma60_page(conn, units, cond, contracts=cx, limit=PAGE))
                out["nostats"], _ = timed(screen, args.repeat)
                out["plan_nostats"] = plan(conn, views.nfma60_query(units, cond, contracts=cx))
    sb.close()
    print(f"  {'filter':<42} {'rows':>9} {'before':>9} {'after: screen':>14} {'all rows':>9} {'screen, no stats':>17}")
    for r in results:
        before = f"{r['before'] * 1000:7.1f}ms" if r["before"] is not None else "   (below)"
        every = f"{r['all'] * 1000:7.1f}ms" if "all" in r else "        —"
        nostats = f"{r['nostats'] * 1000:15.1f}ms" if "nostats" in r else ""
        print(f"  {r['name']:<42} {r['rows']:>9,} {before:>9} {r['screen'] * 1000:12.1f}ms {every:>9} {nostats}")
    print(f"  (before: every row into a list, old indexes, median of {args.before_repeat}; screen: count, sums and "
          f"the first {PAGE} rows, new indexes, median of {args.repeat}; all rows: new indexes)")
    print("  plans (the listing query, new indexes):")
    for r in results:
        print(f"    {r['name']:<42} {r['plan']}")
        if "plan_nostats" in r and r["plan_nostats"] != r["plan"]:
            print(f"    {'  (no statistics)':<42} {r['plan_nostats']}")
    for label, mode in [("every row, streamed into Excel (after)", "xlsx"), ("every row, streamed into CSV (after)", "csv"),
                        ("every row into a list (before)", "list")]:
        if mode not in args.children.split(","):
            continue
        got = child(url, mode)
        print(f"  {label:<42} {got['rows']:>9,} rows {got['secs']:8.1f} s   peak RSS {got['maxrss_mib']:,.0f} MiB"
              + (f"   file {got['bytes'] / 2**20:,.1f} MiB" if got.get("bytes") else ""))
    return results


def child(url: str, mode: str) -> dict:
    """Run one whole-country listing in a fresh process; its own peak RSS is what it holds."""
    proc = subprocess.run([sys.executable, "-m", "bench.reports", "--child", mode, "--url", url],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def peak_rss_mib() -> float:
    """This process's own peak RSS (``VmHWM``). Not ``ru_maxrss``: Linux carries the parent's
    high-water mark across fork and exec, so a child of a big parent would report the parent's."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(url: str, mode: str) -> None:
    from sandbox import views
    from sandbox.engine import Sandbox
    from sandbox.reports import build_report, write

    sb = Sandbox(url)
    t = time.perf_counter()
    out = {"mode": mode}
    if mode == "list":
        with sb.engine.connect() as conn:
            out["rows"] = len(views.nfma60(conn, None, FY))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"all.{mode}"
            report = build_report(sb, CENTRAL, "nfma60", stream=True, every_unit=True, **FY)
            write(report, mode, str(path))
            out["rows"], out["bytes"] = report.row_count, path.stat().st_size
    out["secs"] = time.perf_counter() - t
    out["maxrss_mib"] = peak_rss_mib()
    sb.close()
    print(json.dumps(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", help="an empty PostgreSQL database (default: a throw-away server)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--before-repeat", type=int, default=5)
    parser.add_argument("--children", default="xlsx,csv,list", help="whole-country runs: xlsx, csv, list")
    parser.add_argument("--child", choices=["xlsx", "csv", "list"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    if args.child:
        run_child(args.url, args.child)
        return 0
    if args.store in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            measure(str(Path(tmp) / "reports.sqlite"), args)
    if args.store in ("postgresql", "both"):
        if args.pg_url:
            measure(args.pg_url, args)
        else:
            from tests.pgserver import PostgresServer

            server = PostgresServer()
            try:
                measure(server.start(), args)
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
