"""Benchmark: the NFMA60 files a trainee downloads — Excel of 50,000 rows, PDF of 2,000 rows —
against baselines writing the same cells in the same run: openpyxl's write-only mode (with and
without lxml, in a subprocess each, since openpyxl picks its XML writer at import) and a bare
XlsxWriter loop. Prints wall and CPU seconds (median of --repeat) and peak memory.

    .venv/bin/python -m bench.exports                  # 50,000 rows of Excel, 2,000 of PDF
    .venv/bin/python -m bench.exports --xlsx-rows 10000 --pdf-rows 500 --repeat 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sandbox.calendar import BANGKOK
from sandbox.reports import COLUMNS, MONEY, Report, to_pdf, to_xlsx, totals

REASONS = [f"CX0{n}" for n in range(1, 8)] + [f"CK{n:02d}" for n in range(1, 14)]
TEXTS = ["จ้างปรับปรุงห้องเรียน", "ซื้อครุภัณฑ์คอมพิวเตอร์สำหรับสำนักงาน", "ก่อสร้างอาคารเรียนและหอประชุม",
         "จ้างเหมาบริการทำความสะอาด", "ซ่อมแซมถนนภายในหน่วยงาน"]


def report(rows: int, seed: int = 2566) -> Report:
    rng = random.Random(seed)
    out = []
    for n in range(1, rows + 1):
        reason = rng.choice(REASONS)
        value = Decimal(rng.randrange(1_000_00, 5_000_000_00)) / 100
        out.append({
            "doc_type": reason[:2], "doc_no": f"{reason[:2]}{n:08d}", "text": f"{rng.choice(TEXTS)} {n}",
            "fund_source": "6611200", "budget_code": f"{30000 + n % 100:05d}350001000{n % 1000:05d}"[:20],
            "area": f"{1000 + n % 77 * 100:04d}", "budget_unit": f"{30000 + n % 100:05d}",
            "commitment_item": "5101020000", "value": value, "approved": value, "remaining": value,
            "status": rng.choice(["", "21", "31", "50"]), "reason": reason, "closed": "", "unit": "3000000000",
            "fiscal_year": 2566, "doc_date": dt.date(2023, 9, 1),
        })
    r = Report("nfma60", "30000", "กรม 30000", "3000000000", "หน่วยเบิกจ่าย 0", 2566, "september",
               {"round": "september", "fiscal_year": 2566}, out, dt.datetime(2024, 2, 5, 9, tzinfo=BANGKOK))
    r.totals = totals(out, "nfma60")
    return r


def measure(fn, repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def openpyxl_cells(rows: int, path: str) -> None:
    """The baseline: the same cells through openpyxl's write-only mode, no styles."""
    from openpyxl import Workbook

    r = report(rows)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("NFMA60")
    ws.append([r.header(c) for c in COLUMNS])
    for row in r.rows:
        ws.append([float(row[c]) if c in MONEY else r.cell(row, c) for c in COLUMNS])
    wb.save(path)


def xlsxwriter_cells(rows: int, path: str) -> None:
    """The floor: the same cells through a bare XlsxWriter loop."""
    import xlsxwriter

    r = report(rows)
    wb = xlsxwriter.Workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("NFMA60")
    for i, c in enumerate(COLUMNS):
        ws.write_string(0, i, r.header(c))
    for n, row in enumerate(r.rows, start=1):
        for i, c in enumerate(COLUMNS):
            if c in MONEY:
                ws.write_number(n, i, float(row[c]))
            else:
                ws.write_string(n, i, r.cell(row, c))
    wb.close()


def _child(kind: str, rows: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "x.xlsx")
        wall, cpu = measure(lambda: openpyxl_cells(rows, path), repeat)
        from openpyxl.xml import LXML

        print(json.dumps({"kind": kind, "wall": wall, "cpu": cpu, "lxml": LXML,
                          "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--xlsx-rows", type=int, default=50_000)
    parser.add_argument("--pdf-rows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", choices=["openpyxl"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.xlsx_rows, args.repeat)
        return 0

    print(f"Exports (median of {args.repeat}; wall / CPU seconds)")
    with tempfile.TemporaryDirectory() as tmp:
        big = report(args.xlsx_rows)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        wall, cpu = measure(lambda: to_xlsx(big, str(Path(tmp) / "nfma60.xlsx")), args.repeat)
        size = (Path(tmp) / "nfma60.xlsx").stat().st_size / 2**20
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
        print(f"  to_xlsx (XlsxWriter, styled), {args.xlsx_rows:,} rows     {wall:6.2f} / {cpu:6.2f}   "
              f"({size:.1f} MiB file; peak RSS grew {grown:,.0f} MiB)")
        wall, cpu = measure(lambda: xlsxwriter_cells(args.xlsx_rows, str(Path(tmp) / "floor.xlsx")), args.repeat)
        print(f"  baseline: bare XlsxWriter, same cells           {wall:6.2f} / {cpu:6.2f}")
        for lxml in ("False", "True"):
            env = dict(os.environ, OPENPYXL_LXML=lxml)
            out = subprocess.run([sys.executable, "-m", "bench.exports", "--child", "openpyxl", "--xlsx-rows",
                                  str(args.xlsx_rows), "--repeat", str(args.repeat)],
                                 capture_output=True, text=True, env=env, check=True)
            got = json.loads(out.stdout.strip().splitlines()[-1])
            name = f"openpyxl write-only, {'lxml' if got['lxml'] else 'no lxml'}"
            print(f"  baseline: {name:<37} {got['wall']:6.2f} / {got['cpu']:6.2f}   (peak RSS {got['rss']:,.0f} MiB)")
        small = report(args.pdf_rows)
        t = time.perf_counter()
        to_pdf(small, str(Path(tmp) / "cold.pdf"))
        cold = time.perf_counter() - t
        wall, cpu = measure(lambda: to_pdf(small, str(Path(tmp) / "nfma60.pdf")), args.repeat)
        size = (Path(tmp) / "nfma60.pdf").stat().st_size / 2**20
        print(f"  to_pdf (fpdf2 + HarfBuzz), {args.pdf_rows:,} rows          {wall:6.2f} / {cpu:6.2f}   "
              f"(first call {cold:.2f} s; {size:.1f} MiB file)")
    print(f"  peak RSS of the run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
