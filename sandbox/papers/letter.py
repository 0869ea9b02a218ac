"""An official Thai letter as a PDF draft (fpdf2, Sarabun, HarfBuzz shaping as
:mod:`sandbox.reports`): ที่ and the office at the top, the date, เรื่อง, เรียน, อ้างถึง,
สิ่งที่ส่งมาด้วย, the body with its first-line indent, an optional table, ขอแสดงความนับถือ, the
signature block and the office that owns the matter. Dates and numbers in Thai digits, as
official letters write them; system codes (document numbers) stay as the system shows them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..calendar import format_date, format_datetime, thai_digits
from ..i18n import label
from ..reports import _wrap, thai_pdf

SIZE = 14  # Sarabun is wider than TH Sarabun PSK: 14 pt here reads as 16 pt there
LINE = 6.6
INDENT = 25.0  # the first line of a paragraph, 2.5 cm


def thai_date(day: dt.date | dt.datetime) -> str:
    """``๒๙ มีนาคม ๒๕๖๗``"""
    return format_date(day, thai_digits=True)


def thai_deadline(moment: dt.datetime) -> str:
    """``๒๙ มีนาคม ๒๕๖๗ เวลา ๑๖.๓๐ น.``"""
    return format_datetime(moment, thai_digits=True)


def thai_amount(value) -> str:
    """``๑,๒๕๐,๐๐๐.๐๐``"""
    return thai_digits(f"{value:,.2f}")


@dataclass
class Letter:
    number: str  # ที่ (the office's letter number; dots when not given yet)
    office: str  # ส่วนราชการ: the sending office, top right
    date: dt.date
    subject: str
    to: str
    body: list[str]
    signer: str = ""
    position: str = ""
    refer: str = ""  # อ้างถึง
    enclosure: str = ""  # สิ่งที่ส่งมาด้วย
    closing_body: str = ""  # the paragraph after the table («จึงเรียนมาเพื่อ…»)
    owner: list[str] = field(default_factory=list)  # ส่วนราชการเจ้าของเรื่อง, bottom left
    table: tuple[list[str], list[list[str]], list[float], set[int]] | None = None  # headers, rows, widths, right-aligned
    warning: str = ""  # a red line for the trainee (a date the rule will refuse)


def render(letter: Letter) -> bytes:
    from fpdf import FPDF

    class LetterPDF(FPDF):
        def header(self):
            if self.page_no() > 1:  # «- ๒ -» at the top of every page after the first
                self.set_font("Sarabun", "", SIZE)
                self.cell(0, LINE, f"- {thai_digits(str(self.page_no()))} -", align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

    pdf = thai_pdf(LetterPDF, "P", (30, 20, 20), 20, numbered=False)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def text(s: str, *, bold=False, size=SIZE, x: float | None = None, w: float | None = None, align="L") -> None:
        pdf.set_font("Sarabun", "B" if bold else "", size)
        left = pdf.l_margin if x is None else x
        avail = (pdf.w - pdf.r_margin - left) if w is None else w
        for line in _wrap(pdf, s, avail):
            pdf.set_x(left)
            pdf.cell(avail, LINE, line, align=align, new_x="LMARGIN", new_y="NEXT")

    def paragraph(s: str) -> None:
        pdf.set_font("Sarabun", "", SIZE)
        first = _wrap(pdf, s, width - INDENT)[0]
        pdf.set_x(pdf.l_margin + INDENT)
        pdf.cell(width - INDENT, LINE, first, new_x="LMARGIN", new_y="NEXT")
        rest = s[len(first):].lstrip()
        if rest:
            text(rest)

    # the draft mark and the heading block
    pdf.set_text_color(170, 0, 0)
    text(label("prov_paper_draft"), bold=True, size=12, align="R")
    pdf.set_text_color(0)
    pdf.ln(2)
    top = pdf.get_y()
    text(f"{label('prov_letter_no')} {letter.number}", w=width / 2)
    pdf.set_y(top)
    text(letter.office, x=pdf.l_margin + width * 0.58, w=width * 0.42)
    pdf.ln(2)
    text(thai_date(letter.date), x=pdf.l_margin + width * 0.45, w=width * 0.55)
    pdf.ln(2)
    for key, value in (("prov_letter_subject", letter.subject), ("prov_letter_to", letter.to),
                       ("prov_letter_refer", letter.refer), ("prov_letter_enclosure", letter.enclosure)):
        if value:
            pdf.set_font("Sarabun", "B", SIZE)
            head = label(key)
            gap = pdf.get_string_width(head) + 3
            y = pdf.get_y()
            pdf.cell(gap, LINE, head)
            pdf.set_y(y)
            text(value, x=pdf.l_margin + gap)
            pdf.ln(1.5)
    pdf.ln(1)
    for para in letter.body:
        paragraph(para)
        pdf.ln(1)
    if letter.table:
        _table(pdf, *letter.table)
        pdf.ln(2)
    if letter.closing_body:
        paragraph(letter.closing_body)
    if letter.warning:
        pdf.set_text_color(170, 0, 0)
        text(letter.warning, size=12)
        pdf.set_text_color(0)
    # closing and signature, centred in the right half
    closing = 4 + 12 + LINE * (3 + len(letter.owner)) + (5 if letter.owner else 0)
    if pdf.get_y() + closing > pdf.h - pdf.b_margin:  # regards, signature and owner stay together
        pdf.add_page()
    pdf.ln(4)
    right = pdf.l_margin + width * 0.40
    text(label("prov_letter_regards"), x=right, w=width * 0.60, align="C")
    pdf.ln(12)
    text(f"({letter.signer or '.' * 40})", x=right, w=width * 0.60, align="C")
    if letter.position:
        text(letter.position, x=right, w=width * 0.60, align="C")
    if letter.owner:
        pdf.ln(5)
        for line in letter.owner:
            text(line, size=13)
    pdf.set_auto_page_break(False)
    pdf.set_y(-16)
    pdf.set_font("Sarabun", "", 9)
    pdf.set_text_color(110)
    pdf.cell(0, 5, label("sandbox_note"), align="C")
    return bytes(pdf.output())


def _table(pdf, headers: list[str], rows: list[list[str]], widths: list[float], right: set[int]) -> None:
    avail = pdf.w - pdf.l_margin - pdf.r_margin
    widths = [w * avail / sum(widths) for w in widths]
    size, line_h = 11, 5.2

    def row(cells: list[str], bold=False, fill=False) -> None:
        pdf.set_font("Sarabun", "B" if bold else "", size - 1 if bold else size)
        lines = [_wrap(pdf, c, w - 2) for c, w in zip(cells, widths, strict=True)]
        height = max(len(x) for x in lines) * line_h + 1
        if pdf.get_y() + height > pdf.h - 25:
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        for i, (ls, w) in enumerate(zip(lines, widths, strict=True)):
            if fill:
                pdf.set_fill_color(230, 236, 242)
            pdf.rect(x, y, w, height, style="DF" if fill else "D")
            for n, line in enumerate(ls):
                pdf.set_xy(x + 1, y + 0.5 + n * line_h)
                pdf.cell(w - 2, line_h, line, align="R" if i in right and not bold else ("C" if bold else "L"))
            x += w
        pdf.set_xy(pdf.l_margin, y + height)

    row(headers, bold=True, fill=True)
    for r in rows:
        row(r)
