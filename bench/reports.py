"""Benchmark: NFMA60 over 1,000,000 reserve documents across 2,000 units (SQLite), the Excel
file of 50,000 rows and the PDF of 2,000 rows. Prints times and peak memory.

    .venv/bin/python -m bench.reports                 # 1,000,000 documents, 2,000 units
    .venv/bin/python -m bench.reports --docs 100000
"""

from __future__ import annotations

import argparse
import random
import resource
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

START = "2024-02-05T09:00:00+07:00"  # FY2567; the documents belong to FY2566 (March round open)
UNITS_PER_AGENCY = 20


def world(units: int) -> dict:
    agencies = sorted({f"{30000 + i // UNITS_PER_AGENCY:05d}" for i in range(units)})
    return {
        "agencies": [{"code": a, "name": f"กรม {a}", "kind": "government", "cutover": "all_agencies"} for a in agencies],
        "units": [
            {"code": f"{30000 + i // UNITS_PER_AGENCY:05d}{i % UNITS_PER_AGENCY:05d}", "agency": f"{30000 + i // UNITS_PER_AGENCY:05d}",
             "area": f"{1000 + (i % 77) * 100:04d}", "name": f"หน่วยเบิกจ่าย {i}", "regional": i % UNITS_PER_AGENCY != 0}
            for i in range(units)
        ],
        "users": [],
        "budget_lines": [],
    }


STATUSES = [("", False), ("21", False), ("31", False), ("50", True), ("22", True), ("32", True), ("40", True)]


def generate(db: str, units: int, docs: int, seed: int = 2566) -> None:
    """Documents written straight into the tables (the read side is what is measured)."""
    rng = random.Random(seed)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO budget_lines (unit, budget_code, fund_source, commitment_item, allocation, reserved, disbursed, lapsed) "
        "VALUES (?, ?, '6611200', '5101020000', 0, 0, 0, 0)",
        [(u, f"{u[:5]}3500010000{i:05d}") for i, (u,) in enumerate(conn.execute("SELECT code FROM units ORDER BY code").fetchall())],
    )
    lines = {u: (lid, code) for lid, u, code in conn.execute("SELECT id, unit, budget_code FROM budget_lines")}
    unit_rows = conn.execute("SELECT code, agency, area FROM units ORDER BY code").fetchall()
    batch, contracts = [], []
    reasons = [f"CX0{n}" for n in range(1, 8)] + [f"CK{n:02d}" for n in range(1, 14)]
    for n in range(1, docs + 1):
        unit, agency, area = unit_rows[n % units]
        lid, code = lines[unit]
        reason = rng.choice(reasons)
        kind = reason[:2]
        status, sept = rng.choice(STATUSES)
        value = rng.randrange(1_000_00, 5_000_000_00)
        doc_no = f"{kind}{n:08d}"
        batch.append((doc_no, kind, unit, agency, area, 2566, lid, code, "6611200", "5101020000", f"รายการที่ {n}", reason, "",
                       "2023-09-01", "2023-09-01", value, value, value if status in ("50", "22", "32", "40") else 0,
                       status, sept, "", None, "", "bench", "2023-09-01 02:00:00.000000"))
        if kind == "CX":
            contracts.append((doc_no, 1, f"สัญญา {n}", "", "", "งานจ้าง", "บริษัทตัวอย่าง จำกัด", "2023-08-01", "2024-03-31"))
        if len(batch) == 50_000:
            flush(conn, batch, contracts)
    flush(conn, batch, contracts)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()


def flush(conn, batch, contracts) -> None:
    conn.executemany(
        "INSERT INTO reserve_docs (doc_no, doc_type, unit, agency, area, fiscal_year, budget_line_id, budget_code, fund_source, "
        "commitment_item, text, reason, reason_detail, doc_date, posting_date, value, remaining, approved, status, "
        "sept_approved, closed, closed_at, close_note, created_by, created_at) VALUES (" + ",".join("?" * 25) + ")", batch)
    conn.executemany(
        "INSERT INTO contract_lines (doc_no, line, contract_no, lc_no, lao_name, item, creditor, signed, due) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", contracts)
    batch.clear()
    contracts.clear()


def first_doc(conn) -> str:
    from sqlalchemy import text

    return conn.execute(text("SELECT doc_no FROM reserve_docs ORDER BY doc_no DESC LIMIT 1")).scalar_one()


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(fn, repeat: int = 5):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=2_000)
    args = parser.parse_args(argv)

    from sandbox.engine import Sandbox
    from sandbox.reports import build_report, to_pdf, to_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "reports.sqlite")
        sb = Sandbox(db)
        sb.load_world(world(args.units), START)
        t = time.perf_counter()
        generate(db, args.units, args.docs)
        print(f"NFMA60 over {args.docs:,} documents across {args.units:,} units, SQLite "
              f"(generated in {time.perf_counter() - t:.1f} s)")
        regional, central = "3000000003", "3000000000"
        cases = [
            ("regional unit, no optional conditions", regional, "nfma60", {"round": "september"}),
            ("regional unit, status listed + type CX", regional, "nfma60", {"round": "march", "status": "listed", "doc_type": "CX"}),
            ("central unit (its 20 units), no conditions", central, "nfma60", {"round": "september"}),
            ("central unit, status approved + reason CK05", central, "nfma60", {"round": "march", "status": "approved", "reason": "CK05"}),
            ("central unit, NFMA60CX", central, "nfma60cx", {"round": "september"}),
        ]
        for name, unit, kind, cond in cases:
            secs, report = timed(lambda unit=unit, kind=kind, cond=cond: build_report(sb, unit, kind, fiscal_year=2566, **cond))
            print(f"  {name:<46} {secs * 1000:8.1f} ms  ({len(report.rows):,} rows, median of 5)")

        # Whole-country views (CGD): the same query with no unit, through the read side.
        from sandbox import views

        with sb.engine.connect() as conn:
            for name, cond in [
                ("all units, status confirmed + CX04", {"fiscal_year": 2566, "round": "september", "status": "confirmed", "reason": "CX04"}),
                ("all units, one document number", {"fiscal_year": 2566, "doc": first_doc(conn)}),
            ]:
                secs, rows = timed(lambda cond=cond: views.nfma60(conn, None, cond))
                print(f"  {name:<46} {secs * 1000:8.1f} ms  ({len(rows):,} rows, median of 5)")
            t = time.perf_counter()
            rows = views.nfma60(conn, None, {"fiscal_year": 2566, "round": "september"})
            print(f"  {'all units, no conditions (every row)':<46} {(time.perf_counter() - t) * 1000:8.1f} ms  ({len(rows):,} rows)")

        big = build_report(sb, central, "nfma60", fiscal_year=2566, round="september")
        big.rows = [r for r in rows[:50_000]]
        before = rss_mib()
        t = time.perf_counter()
        to_xlsx(big, str(Path(tmp) / "big.xlsx"))
        secs = time.perf_counter() - t
        print(f"  {'Excel, ' + format(len(big.rows), ',') + ' rows':<46} {secs:8.2f} s   "
              f"({(Path(tmp) / 'big.xlsx').stat().st_size / 2**20:.1f} MiB file, RSS {before:,.0f} → {rss_mib():,.0f} MiB)")
        big.rows = big.rows[:2_000]
        t = time.perf_counter()
        to_pdf(big, str(Path(tmp) / "big.pdf"))
        secs = time.perf_counter() - t
        print(f"  {'PDF, ' + format(len(big.rows), ',') + ' rows':<46} {secs:8.2f} s   "
              f"({(Path(tmp) / 'big.pdf').stat().st_size / 2**20:.1f} MiB file)")
        sb.close()
    print(f"  peak RSS of the run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
