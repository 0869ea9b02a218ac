"""Reports NFMA60 and NFMA60CX [manual 004 §5] and their Excel, PDF and CSV files.

The rows come from one query (:func:`sandbox.views.nfma60`, through the sandbox or the engine's
report action); this module reads no database. It adds the title block,
the Thai column headers, formatting and totals, and writes the files a treasury officer files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .calendar import fiscal_year as fy_of
from .calendar import format_date, format_datetime
from .commands import GROUPS, ROUNDS, check_conditions  # noqa: F401  (the report's conditions)
from .i18n import label
from .thai_pdf import _wrap, sarabun_path, thai_pdf  # noqa: F401  (papers and the class sheet import them here)

KINDS = ("nfma60", "nfma60cx")
MONEY = ("value", "approved", "remaining")
DATES = ("signed", "due")

COLUMNS = ["doc_type", "doc_no", "text", "fund_source", "budget_code", "area", "budget_unit",
           "commitment_item", "value", "approved", "remaining", "status", "reason"]
CX_COLUMNS = COLUMNS + ["line", "lao_name", "contract_no", "lc_no", "item", "creditor", "signed", "due"]
CONDITION_KEYS = ["status", "doc_type", "doc", "remaining", "fund_source", "budget_code", "area", "budget_unit", "reason"]


def status_text(status: str, closed: str = "", lang: str = "th") -> str:
    text = label(f"status_{status or 'blank'}", lang)
    return f"{text} ({label(f'closed_{closed}', lang)})" if closed else text


@dataclass
class Report:
    kind: str
    agency_code: str
    agency_name: str
    unit_code: str
    unit_name: str
    fiscal_year: int
    round: str
    conditions: dict[str, Any]
    rows: list[dict] | Iterable[dict]  # a list, or a stream (read once, by the file written)
    printed_at: dt.datetime
    lang: str = "th"
    totals: dict[str, Decimal] = field(default_factory=dict)
    count: int | None = None  # the number of rows (a streamed report's is known once written)

    @property
    def row_count(self) -> int:
        return self.count if self.count is not None else len(self.rows)

    def each_row(self) -> Iterator[dict]:
        """The rows once, in order. A streamed report counts its rows and sums its money on the
        way, so its totals row is right once the last row is written; memory holds one chunk."""
        if isinstance(self.rows, list):
            yield from self.rows
            return
        sums = Totals(self.kind)
        for row in self.rows:
            sums.add(row)
            yield row
        self.totals, self.count = sums.out, sums.rows

    @property
    def columns(self) -> list[str]:
        return CX_COLUMNS if self.kind == "nfma60cx" else COLUMNS

    @property
    def title(self) -> str:
        return label(f"{self.kind}_title", self.lang)

    def header(self, column: str) -> str:
        return label(f"col_{column}", self.lang)

    def cell(self, row: dict, column: str) -> str:
        """A cell as the screen shows it: amounts ``1,250,000.00``, dates in the Buddhist era."""
        value = row.get(column)
        if column in MONEY:
            return f"{value:,.2f}"
        if column == "status":
            return status_text(row["status"], row.get("closed", ""), self.lang)
        if column in DATES:
            return format_date(value, short=True) if value else ""
        return "" if value is None else str(value)

    def title_lines(self) -> list[str]:
        """The title block: report, agency, unit, year, round, conditions, print time."""
        lang = self.lang
        lines = [
            f"{label('cond_agency', lang)}: {self.agency_code} {self.agency_name}",
            f"{label('cond_unit', lang)}: {self.unit_code} {self.unit_name}",
            f"{label('cond_fiscal_year', lang)}: {self.fiscal_year}    "
            f"{label('cond_round', lang)}: {label('round_' + self.round, lang)}    "
            f"{label('cond_status', lang)}: {label('group_' + (self.conditions.get('status') or 'all'), lang)}",
        ]
        extra = [f"{label('cond_' + k, lang)} = {self.conditions[k]}" for k in CONDITION_KEYS[1:] if self.conditions.get(k)]
        if extra:
            lines.append(f"{label('conditions', lang)}: " + ", ".join(extra))
        lines.append(f"{label('printed_at', lang)}: {format_datetime(self.printed_at)}  ·  {label('sandbox_note', lang)}")
        return lines


def build_report(sandbox, unit: str, kind: str = "nfma60", *, fiscal_year: int | None = None,
                 round: str = "september", lang: str = "th", rows: list[dict] | None = None,
                 stream: bool = False, every_unit: bool = False, viewer: str | None = None,
                 **conditions) -> Report:
    """NFMA60 / NFMA60CX for ``unit`` (a central unit sees its agency's units). ``rows`` given
    (already read by the engine's report action) are used as they are, not queried again.
    ``stream``: the rows are read in chunks as a file is written (any number of documents);
    ``every_unit``: over the whole country, under ``unit``'s title block; ``viewer``: the
    documents that user sees (a CGD officer or a trainer: the whole country)."""
    if kind not in KINDS:
        raise ValueError(f"kind: nfma60 or nfma60cx, not {kind!r}")
    now = sandbox.now
    cond = {k: v for k, v in conditions.items() if v not in (None, "")}
    cond["round"] = round
    cond["fiscal_year"] = int(fiscal_year or fy_of(now))
    check_conditions(cond)
    u = sandbox.unit(unit)
    if u is None:
        raise ValueError(f"unit: no disbursement unit {unit!r}")
    if stream:
        rows = sandbox.report_stream(u["code"], cond, contracts=kind == "nfma60cx", every_unit=every_unit,
                                     viewer=viewer)
    elif rows is None:
        rows = sandbox.report_rows(u["code"], cond, contracts=kind == "nfma60cx")
    report = Report(kind, u["agency_code"], u["agency_name"], u["code"], u["name"], cond["fiscal_year"], round,
                    cond, rows, now, lang)
    report.totals = totals(rows if isinstance(rows, list) else [], kind)  # a stream's: once written
    return report


class Totals:
    """Running sums of the money columns. NFMA60CX repeats a document on each of its contract
    lines (in document order), so there each document's money is counted once."""

    def __init__(self, kind: str):
        self.kind, self.rows, self.last, self.out = kind, 0, None, {m: Decimal("0.00") for m in MONEY}

    def add(self, row: dict) -> None:
        self.rows += 1
        if self.kind == "nfma60cx":
            if row["doc_no"] == self.last:
                return
            self.last = row["doc_no"]
        for m in MONEY:
            self.out[m] += row[m]


def totals(rows: Iterable[dict], kind: str) -> dict[str, Decimal]:
    sums = Totals(kind)
    for row in rows:
        sums.add(row)
    return sums.out


# ------------------------------------------------------------------ files

# A cell that begins with one of these is a formula to a spreadsheet (OWASP "CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell a spreadsheet will not run: a leading formula character gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(report: Report, out) -> None:
    """CSV in UTF-8 with BOM (Excel opens Thai text correctly); texts that would start a
    formula are escaped (``csv_safe``)."""
    own = isinstance(out, (str, Path))
    handle = open(out, "w", encoding="utf-8-sig", newline="") if own else out
    try:
        writer = csv.writer(handle)
        writer.writerow([report.header(c) for c in report.columns])
        for row in report.each_row():
            writer.writerow([row[c] if c in MONEY else csv_safe(report.cell(row, c)) for c in report.columns])
    finally:
        if own:
            handle.close()


# Columns a person typed (the rest are codes, dates and statuses the sandbox wrote).
FREE_TEXT = frozenset({"text", "item", "creditor", "lao_name", "contract_no", "lc_no", "reason_detail"})
# Control characters an Excel file may not hold (tab, line feed and carriage return may stay).
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_text(value):
    """A value Excel can hold: control characters it refuses are dropped from texts, and a
    carriage return becomes the line feed a cell breaks its lines on."""
    if not isinstance(value, str):
        return value
    return XLSX_ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


WIDTHS = {"doc_type": 8, "doc_no": 13, "text": 34, "fund_source": 10, "budget_code": 23, "area": 8,
          "budget_unit": 10, "commitment_item": 13, "value": 16, "approved": 16, "remaining": 16,
          "status": 24, "reason": 8, "line": 8, "lao_name": 20, "contract_no": 16, "lc_no": 12,
          "item": 28, "creditor": 26, "signed": 12, "due": 12}


def to_xlsx(report: Report, out) -> None:
    """Excel: title block, Thai headers, number formats, frozen header, widths, totals row.

    Written with XlsxWriter in constant-memory mode: each row goes to disk as it is written, so
    50,000 rows take a few seconds and a flat amount of memory. Texts are written as texts
    (``write_string``), never read as formulas, numbers or links."""
    import xlsxwriter

    own = isinstance(out, (str, Path))
    target = str(out) if own else io.BytesIO()
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    font = "TH Sarabun New"
    wb.formats[0].set_font_name(font)  # the workbook's default cell format: Thai font, size 14
    wb.formats[0].set_font_size(14)
    ws = wb.add_worksheet(report.kind.upper())
    columns = report.columns
    for i, column in enumerate(columns):
        ws.set_column(i, i, WIDTHS.get(column, 12))
    title = wb.add_format({"font_name": font, "font_size": 16, "bold": True})
    block = wb.add_format({"font_name": font, "font_size": 12})
    head = wb.add_format({"font_name": font, "font_size": 12, "bold": True, "font_color": "#FFFFFF",
                          "bg_color": "#1F4E79", "pattern": 1, "align": "center", "valign": "vcenter",
                          "text_wrap": True, "border": 1, "border_color": "#999999"})
    money = wb.add_format({"font_name": font, "font_size": 14, "num_format": "#,##0.00"})
    total_text = wb.add_format({"font_name": font, "font_size": 12, "bold": True})
    total_money = wb.add_format({"font_name": font, "font_size": 12, "bold": True, "num_format": "#,##0.00",
                                 "top": 1, "bottom": 6})
    row_at = 0
    ws.write_string(row_at, 0, xlsx_text(f"{report.title} ({report.kind.upper()})"), title)
    for line in report.title_lines():
        row_at += 1
        ws.write_string(row_at, 0, xlsx_text(line), block)
    row_at += 2  # a blank line, then the header
    for i, c in enumerate(columns):
        ws.write_string(row_at, i, xlsx_text(report.header(c)), head)
    ws.freeze_panes(row_at + 1, 0)
    money_at = [(i, c) for i, c in enumerate(columns) if c in MONEY]
    text_at = [(i, c) for i, c in enumerate(columns) if c not in MONEY]
    write_string, write_number, cell = ws.write_string, ws.write_number, report.cell
    for row in report.each_row():
        row_at += 1
        for i, c in text_at:
            value = cell(row, c)
            if value:  # a person's text may hold characters Excel refuses; codes and dates do not
                write_string(row_at, i, xlsx_text(value) if c in FREE_TEXT else value)
        for i, c in money_at:
            write_number(row_at, i, float(row[c]), money)
    row_at += 1
    count = label("rows_count", report.lang).format(n=report.row_count)
    ws.write_string(row_at, 0, f"{label('total', report.lang)} ({count})", total_text)
    for i, c in money_at:
        ws.write_number(row_at, i, float(report.totals[c]), total_money)
    wb.close()
    if not own:
        out.write(target.getvalue())


BREAKABLE = ("text", "item", "creditor", "lao_name", "status", "contract_no", "budget_code")


PDF_WIDTHS = {"doc_type": 10, "doc_no": 19, "text": 40, "fund_source": 13, "budget_code": 31, "area": 9,
              "budget_unit": 12, "commitment_item": 17, "value": 21, "approved": 21, "remaining": 21,
              "status": 26, "reason": 10, "line": 9, "lao_name": 18, "contract_no": 17, "lc_no": 14,
              "item": 24, "creditor": 24, "signed": 15, "due": 15}


def to_pdf(report: Report, out) -> None:
    """PDF: landscape A4, Sarabun with HarfBuzz shaping (vowels and tone marks in place), the title
    block, the header row repeated on every page, «หน้า x/y», and a totals row."""
    from fpdf import FPDF

    class ReportPDF(FPDF):
        def footer(self):
            self.set_y(-10)
            self.set_font("Sarabun", size=8)
            self.set_text_color(0)
            self.set_text_shaping(True)  # a row being drawn may have left it off
            self.cell(0, 5, label("page_of", report.lang).format(page=self.page_no(), pages="{nb}"), align="R")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"{report.kind.upper()} · {label('sandbox_note', report.lang)}", align="L")

    pdf = thai_pdf(ReportPDF, "L", (8, 8, 8))
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 14)
    pdf.cell(0, 8, f"{report.title} ({report.kind.upper()})", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 9)
    for line in report.title_lines():
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    columns = report.columns
    widths = [PDF_WIDTHS.get(c, 14) for c in columns]
    scale = (pdf.w - pdf.l_margin - pdf.r_margin) / sum(widths)
    widths = [w * scale for w in widths]
    size = 7 if report.kind == "nfma60" else 5.2
    line_h = size * 0.5
    pad = 0.8
    bottom = pdf.h - 14

    def draw_row(texts: list[str], *, bold=False, header=False, fill=None) -> None:
        pdf.set_font("Sarabun", "B" if bold else "", size)
        # Widths are measured without shaping (Sarabun's Thai marks advance by nothing, so a line
        # is as wide shaped or not, and measuring through HarfBuzz costs ten times as much);
        # shaping is switched on only to draw a Thai line.
        pdf.set_text_shaping(False)
        cells = [
            _wrap(pdf, t, w - 2 * pad) if (header or c in BREAKABLE) else [t]
            for t, w, c in zip(texts, widths, columns, strict=True)
        ]
        height = max(len(lines) for lines in cells) * line_h + 2 * pad * 0.6
        if pdf.get_y() + height > bottom and not header:
            pdf.add_page()
            draw_header()
            pdf.set_font("Sarabun", "B" if bold else "", size)
        x, y = pdf.l_margin, pdf.get_y()
        for lines, w, c in zip(cells, widths, columns, strict=True):
            if fill:
                pdf.set_fill_color(*fill)
                pdf.rect(x, y, w, height, style="DF")
            else:
                pdf.rect(x, y, w, height)
            align = "C" if header else ("R" if c in MONEY else "L")
            top = y + (height - len(lines) * line_h) / 2 if header else y + pad * 0.6
            for i, line in enumerate(lines):
                if line.isascii():
                    if pdf.text_shaping:  # a page break's footer and header may have left it on
                        pdf.set_text_shaping(False)
                    # Codes and amounts are plain Latin: no shaping, and placed the way cell() places
                    # them (its margin, its baseline) by text(), which skips cell()'s fragment layout.
                    inner = w - 2 * pad
                    if align == "L":
                        dx = pdf.c_margin
                    else:
                        width = pdf.get_string_width(line)
                        dx = inner - pdf.c_margin - width if align == "R" else (inner - width) / 2
                    if line:
                        pdf.text(x + pad + dx, top + i * line_h + 0.5 * line_h + 0.3 * pdf.font_size, line)
                    continue
                pdf.set_xy(x + pad, top + i * line_h)
                pdf.set_text_shaping(True)
                pdf.cell(w - 2 * pad, line_h, line, align=align)
                pdf.set_text_shaping(False)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    def draw_header() -> None:
        pdf.set_draw_color(153)
        pdf.set_text_color(255)
        draw_row([report.header(c) for c in columns], bold=True, header=True, fill=(31, 78, 121))
        pdf.set_text_color(0)

    draw_header()
    for row in report.each_row():
        draw_row([report.cell(row, c) for c in columns])
    count = label("rows_count", report.lang).format(n=f"{report.row_count:,}")
    draw_row(
        [f"{count} · {label('total', report.lang)}" if c == "text" else (f"{report.totals[c]:,.2f}" if c in MONEY else "")
         for c in columns],
        bold=True, fill=(230, 236, 242),
    )
    pdf.output(out)


def write(report: Report, fmt: str, out) -> None:
    {"xlsx": to_xlsx, "pdf": to_pdf, "csv": to_csv}[fmt](report, out)


def as_bytes(report: Report, fmt: str) -> bytes:
    """The file's bytes, written to a temporary file first: XlsxWriter keeps every cell in
    memory when it writes to memory, and a streamed report may hold a million rows."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"report.{fmt}"
        write(report, fmt, str(path))
        return path.read_bytes()
