"""The class sheet: a PDF in Thai to hand out — one card per trainee (code, personal link, QR
code) and the world's users with their sign-in passwords, taken from the world file.

fpdf2 with Sarabun and HarfBuzz shaping (as ``reports.to_pdf``); QR codes by segno.
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from ..calendar import BANGKOK, format_date, format_datetime
from ..domain.calendar import parse_datetime
from ..i18n import name, text
from ..reports import thai_pdf
from ..world import world_data

COLUMNS, ROWS = 2, 5  # cards per page
CARD_W, CARD_H = 93.0, 48.0
QR_MM = 36.0


def personal_link(base_url: str, token: str) -> str:
    """``http://HOST:PORT/voila/render/app.ipynb?t=<token>``."""
    return f"{base_url.rstrip('/')}/voila/render/app.ipynb?{urlencode({'t': token})}"


def _t(key: str, lang: str = "th", **values) -> str:
    return text("classroom", key, lang).format(**values)


def world_users(world: str, start) -> list[dict]:
    """The world's users as its file gives them: id, name, unit, roles, credential, password."""
    data = world_data(world, parse_datetime(start))
    return [
        {"id": u["id"], "name": u.get("name", ""), "unit": u.get("unit", ""),
         "roles": ", ".join(name("role_names", r) for r in u.get("roles", [])),
         "credential": u.get("credential", "password"), "password": u.get("password")}
        for u in data.get("users", [])
    ]


def _qr_png(link: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return buffer


def _wrap_ascii(pdf, value: str, width: float) -> list[str]:
    lines, current = [], ""
    for ch in value:
        if current and pdf.get_string_width(current + ch) > width:
            lines.append(current)
            current = ""
        current += ch
    return lines + [current] if current else lines


def class_sheet(info, base_url: str, out, *, printed: dt.datetime | None = None) -> int:
    """Write ``info``'s class sheet (a ``ClassInfo``) to ``out`` (a path or a binary file);
    returns the number of pages."""
    from fpdf import FPDF

    printed = printed or dt.datetime.now(BANGKOK)
    start = parse_datetime(info.start)

    class SheetPDF(FPDF):
        def footer(self):
            self.set_y(-9)
            self.set_font("Sarabun", size=8)
            self.set_text_color(90)
            self.cell(0, 5, _t("class_sheet_printed", date=format_date(printed)), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, _t("class_sheet_page", page=self.page_no(), pages="{nb}"), align="R")
            self.set_text_color(0)

    pdf = thai_pdf(SheetPDF, "P", (10, 10, 10))
    pdf.set_title(_t("class_sheet_title", "en", name=info.name))

    def page_head() -> None:
        pdf.add_page()
        pdf.set_font("Sarabun", "B", 15)
        pdf.cell(0, 8, _t("class_sheet_title", name=info.name), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Sarabun", "", 9.5)
        world_name = world_data(info.world).get("name", {}).get("th", info.world)
        pdf.cell(0, 5, _t("class_sheet_world", world=world_name, start=format_datetime(start)), new_x="LMARGIN", new_y="NEXT")
        pdf.cell(0, 5, _t("class_sheet_how"), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    per_page = COLUMNS * ROWS
    for i, trainee in enumerate(info.trainees):
        if i % per_page == 0:
            page_head()
            top = pdf.get_y()
        col, row = i % COLUMNS, (i % per_page) // COLUMNS
        x = pdf.l_margin + col * (CARD_W + 4)
        y = top + row * (CARD_H + 2)
        link = personal_link(base_url, trainee["token"])
        pdf.set_draw_color(150)
        pdf.set_line_width(0.2)
        pdf.set_dash_pattern(dash=1.5, gap=1.2)  # a cutting line
        pdf.rect(x, y, CARD_W, CARD_H)
        pdf.set_dash_pattern()
        pdf.image(_qr_png(link), x=x + 2, y=y + (CARD_H - QR_MM) / 2, w=QR_MM, h=QR_MM)
        tx, tw = x + QR_MM + 5, CARD_W - QR_MM - 7
        pdf.set_xy(tx, y + 3)
        pdf.set_font("Sarabun", "", 9)
        pdf.cell(tw, 5, _t("class_sheet_code"))
        pdf.set_xy(tx, y + 8)
        pdf.set_font("Sarabun", "B", 26)
        pdf.cell(tw, 12, trainee["code"])
        pdf.set_xy(tx, y + 22)
        pdf.set_font("Sarabun", "", 8)
        pdf.cell(tw, 4, _t("class_sheet_link"))
        pdf.set_text_shaping(False)  # the link is plain Latin
        pdf.set_font("Courier", "", 7)
        for n, line in enumerate(_wrap_ascii(pdf, link, tw)[:6]):
            pdf.set_xy(tx, y + 27 + n * 3.3)
            pdf.cell(tw, 3.3, line)
        pdf.set_text_shaping(True)

    _users_page(pdf, world_users(info.world, info.start))
    pdf.output(out)
    return pdf.page_no()


def _users_page(pdf, users: list[dict]) -> None:
    pdf.add_page()
    pdf.set_font("Sarabun", "B", 14)
    pdf.cell(0, 8, _t("class_sheet_users_title"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Sarabun", "", 9.5)
    pdf.cell(0, 5, _t("class_sheet_users_note"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    widths = (28, 42, 56, 36, 28)
    heads = ("class_sheet_user", "class_sheet_name", "class_sheet_role", "class_sheet_credential", "class_sheet_password")

    def row(values, *, bold=False, fill=None):
        pdf.set_font("Sarabun", "B" if bold else "", 8.5)
        if pdf.get_y() + 6 > pdf.h - 14:
            pdf.add_page()
        x, y = pdf.l_margin, pdf.get_y()
        for value, w in zip(values, widths, strict=True):
            if fill:
                pdf.set_fill_color(*fill)
            pdf.set_xy(x, y)
            pdf.cell(w, 6, value, border=1, fill=bool(fill))
            x += w
        pdf.set_xy(pdf.l_margin, y + 6)

    pdf.set_draw_color(153)
    pdf.set_dash_pattern()
    row([_t(h) for h in heads], bold=True, fill=(222, 232, 242))
    for user in users:
        row([user["id"], user["name"], user["roles"], name("credential_names", user["credential"]),
             user["password"] or _t("class_sheet_no_password")])
