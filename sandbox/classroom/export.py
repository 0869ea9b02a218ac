"""The gradebook as Excel or CSV: one row per trainee × exercise × attempt × step.

The same safeguards as the report files (``sandbox.reports``): a text a spreadsheet would run as
a formula stays text, characters Excel refuses are dropped, CSV carries a BOM for Thai."""

from __future__ import annotations

import csv
from pathlib import Path

from ..i18n import text
from ..reports import FORMULA_START, csv_safe, xlsx_text
from .gradebook import EXPORT_COLUMNS

FORMATS = ("xlsx", "csv")
NUMERIC = {"attempt", "step", "points", "seconds"}


def header(column: str, lang: str = "th") -> str:
    return text("classroom", f"class_col_{column}", lang)


def to_csv(rows: list[dict], out: str | Path) -> None:
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{header(c)} / {header(c, 'en')}" for c in EXPORT_COLUMNS])
        for row in rows:
            writer.writerow([row[c] if c in NUMERIC else csv_safe(row[c] or "") for c in EXPORT_COLUMNS])


def to_xlsx(rows: list[dict], out: str | Path, class_name: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "results"
    ws.append([text("classroom", "class_export_title").format(name=class_name)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"{header(c)} / {header(c, 'en')}" for c in EXPORT_COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    for row in rows:
        ws.append([row[c] if c in NUMERIC else xlsx_text(row[c] or "") for c in EXPORT_COLUMNS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                cell.data_type = "s"  # text, never a formula
    for i, column in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 22 if column in ("exercise", "at") else 14
    ws.freeze_panes = "A3"
    wb.save(out)


def write(rows: list[dict], fmt: str, out: str | Path, class_name: str) -> None:
    if fmt == "csv":
        to_csv(rows, out)
    else:
        to_xlsx(rows, out, class_name)
