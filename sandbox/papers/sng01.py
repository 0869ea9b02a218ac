"""A printable สง.01 document («พิมพ์รายงาน» after saving): the document's fields, its contract
lines and its history on A4, in Sarabun with Buddhist-era dates and amounts as ``1,250,000.00``."""

from __future__ import annotations

import datetime as dt

from ..calendar import format_date, format_moment
from ..i18n import label
from ..reports import _wrap, status_text, thai_pdf

FIELDS = (("doc_no", "col_doc_no"), ("doc_type", "col_doc_type"), ("unit", "unit"), ("fiscal_year", "fiscal_year"),
          ("doc_date", "doc_date"), ("posting_date", "posting_date"), ("budget_code", "col_budget_code"),
          ("fund_source", "col_fund_source"), ("commitment_item", "col_commitment_item"), ("area", "col_area"),
          ("reason", "col_reason"), ("reason_detail", "reason_detail"), ("text", "col_text"), ("value", "col_value"),
          ("approved", "col_approved"), ("remaining", "col_remaining"), ("status", "col_status"))
CONTRACT = ("line", "lao_name", "contract_no", "lc_no", "item", "creditor", "signed", "due")
MONEY = ("value", "approved", "remaining")


def _value(document: dict, key: str, lang: str) -> str:
    value = document.get(key)
    if key in MONEY:
        return f"{value:,.2f}"
    if key == "status":
        return status_text(value, document.get("closed") or "", lang)
    if isinstance(value, dt.date):
        return format_date(value) if lang == "th" else f"{value.day} {value.strftime('%b')} {value.year + 543} BE"
    if key == "fiscal_year":
        return str(value)
    return "" if value is None else str(value)


def sng01_pdf(document: dict, lang: str = "th", printed_at: dt.datetime | None = None) -> bytes:
    """The document as :func:`sandbox.views.document` gives it, as a one-or-more-page PDF."""
    from fpdf import FPDF

    class Sng01PDF(FPDF):
        def footer(self):
            self.set_y(-12)
            self.set_font("Sarabun", size=8)
            self.set_text_color(110)
            self.cell(0, 5, label("page_of", lang).format(page=self.page_no(), pages="{nb}"), align="R")
            self.set_x(self.l_margin)
            note = f"{label('printed_at', lang)}: {format_moment(printed_at, lang)} · " if printed_at else ""
            self.cell(0, 5, f"{note}{label('sandbox_note', lang)}", align="L")

    pdf = thai_pdf(Sng01PDF, "P", (15, 15, 15), 18)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Sarabun", "B", 15)
    pdf.cell(0, 8, label('sng01_title', lang), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 11)
    pdf.cell(0, 6, f"{label('col_doc_no', lang)} {document['doc_no']}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)

    def heading(key: str) -> None:
        pdf.ln(2)
        pdf.set_font("Sarabun", "B", 12)
        pdf.set_fill_color(230, 236, 242)
        pdf.cell(0, 7, label(key, lang), fill=True, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)

    heading("prov_sng01_document")
    label_w = 50
    for key, lab in FIELDS:
        text = _value(document, key, lang)
        if key == "reason_detail" and not text:
            continue
        pdf.set_font("Sarabun", "B", 10.5)
        y = pdf.get_y()
        pdf.cell(label_w, 6, label(lab, lang))
        pdf.set_font("Sarabun", "", 10.5)
        for i, line in enumerate(_wrap(pdf, text, width - label_w)):
            pdf.set_xy(pdf.l_margin + label_w, y + i * 6)
            pdf.cell(width - label_w, 6, line)
        pdf.set_xy(pdf.l_margin, pdf.get_y() + 6)
        pdf.set_draw_color(220)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
    if document.get("contracts"):
        heading("prov_sng01_contracts")
        rows = [[_contract(c, k, lang) for k in CONTRACT] for c in document["contracts"]]
        _grid(pdf, [label(f"col_{k}", lang) for k in CONTRACT], rows, [9, 20, 18, 14, 30, 28, 16, 16])
    if document.get("history"):
        heading("prov_sng01_history")
        rows = [[format_moment(h["at"], lang), h["actor"], _action(h["action"], lang),
                 f"{status_text(h['from_status'], '', lang)} → {status_text(h['to_status'], '', lang)}", h.get("note") or ""]
                for h in document["history"]]
        _grid(pdf, [label(f"prov_sng01_col_{k}", lang) for k in ("at", "actor", "action", "change", "note")], rows,
              [34, 14, 30, 40, 22])
    return bytes(pdf.output())


def _action(action: str, lang: str) -> str:
    """An action as a person reads it (no code names on Thai pages)."""
    text = label(f"prov_action_{action}", lang)
    return action if text == f"prov_action_{action}" else text


def _contract(line: dict, key: str, lang: str) -> str:
    value = line.get(key)
    if isinstance(value, dt.date):
        return format_date(value, short=True) if lang == "th" else value.isoformat()
    return "" if value is None else str(value)


def _grid(pdf, headers: list[str], rows: list[list[str]], widths: list[float]) -> None:
    avail = pdf.w - pdf.l_margin - pdf.r_margin
    widths = [w * avail / sum(widths) for w in widths]
    line_h = 4.6

    def row(cells: list[str], bold: bool = False) -> None:
        pdf.set_font("Sarabun", "B" if bold else "", 8.5)
        lines = [_wrap(pdf, c, w - 2) for c, w in zip(cells, widths, strict=True)]
        height = max(len(x) for x in lines) * line_h + 1
        if pdf.get_y() + height > pdf.h - 20:
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        pdf.set_draw_color(150)
        for ls, w in zip(lines, widths, strict=True):
            pdf.rect(x, y, w, height)
            for n, text in enumerate(ls):
                pdf.set_xy(x + 1, y + 0.5 + n * line_h)
                pdf.cell(w - 2, line_h, text)
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    row(headers, bold=True)
    for r in rows:
        row(r)
