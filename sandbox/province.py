"""The provincial treasury office's desk [letter 000: provincial offices carry the agencies of
their province through the move to Soft Token; manual 004: the rounds' deadlines they chase].

Per unit of one area: users not yet on Soft Token, Token Keys still held (and overdue after the
group's return date), loss letters overdue, and reserve documents still at blank/21/22 with the
days and hours left to the round's deadline (RoundPolicy). The rows come from
:mod:`sandbox.views_province`; the dates from the sandbox's policy. The screen, the CLI
(``python -m sandbox province``) and the Excel/CSV/JSON files all read :func:`build_desk`.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import views_province as vp
from .calendar import BANGKOK, format_date, format_moment
from .i18n import label

if TYPE_CHECKING:
    from .engine import Sandbox

UNIT_COLUMNS = ("unit", "unit_name", "agency_name", "not_registered", "token_keys_held", "token_keys_overdue",
                "loss_letters_overdue", "docs_blank", "docs_21", "docs_22", "next_deadline", "time_left")
ITEM_COLUMNS = ("kind", "unit", "ref", "name", "state", "amount", "due", "time_left")
COUNTS = UNIT_COLUMNS[3:10]
KINDS = ("not_registered", "token_key", "loss_letter", "document")


@dataclass
class ProvinceDesk:
    area: str
    now: dt.datetime
    units: list[dict] = field(default_factory=list)  # one summary row per unit
    items: list[dict] = field(default_factory=list)  # one row per thing to chase

    def totals(self) -> dict[str, int]:
        return {c: sum(int(u[c]) for u in self.units) for c in COUNTS}


def _moment(day: dt.date) -> dt.datetime:
    """The end of a due day (a return date is met by a return on that day): 00:00 of the next."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=BANGKOK)


def due_day(moment: dt.datetime) -> dt.date:
    """The last day a due moment leaves: an end-of-day instant (00:00) belongs to the day before."""
    local = moment.astimezone(BANGKOK)
    return (local - dt.timedelta(microseconds=1)).date() if local.time() == dt.time(0) else local.date()


def document_deadline(sandbox: Sandbox, doc: dict) -> tuple[str, dt.datetime]:
    """The round a blank/21/22 document is still in and that round's deadline: 22, a blank
    document approved in September and a PO (carried into the next year without a September List
    [004 letter 1.1, 1.6]) belong to the March round, any other one to September."""
    march = doc["status"] == "22" or doc["sept_approved"] or (doc["doc_type"] == "PO" and doc["status"] == "")
    round_ = "march" if march else "september"
    return round_, sandbox.round_policy(doc["fiscal_year"]).deadline(round_)


def build_desk(sandbox: Sandbox, area: str) -> ProvinceDesk:
    """Everything still open in ``area`` at the sandbox's time (four queries in all)."""
    now = sandbox.now
    with sandbox.engine.connect() as conn:
        units = vp.units(conn, area)
        codes = [u["code"] for u in units]
        people = vp.people(conn, codes)
        losses = vp.open_losses(conn, codes)
        docs = vp.open_documents(conn, codes)
    cutover_of = {u["code"]: sandbox.cutover(u["cutover"]) for u in units}
    desk = ProvinceDesk(str(area), now)
    for p in people:
        cut = cutover_of[p["unit"]]
        if p["soft_token"] != "active":
            desk.items.append(_item("not_registered", p["unit"], p["id"], p["name"], f"soft_token_{p['soft_token']}",
                                    cut.refuse_from, now))
        if p["credential"] == "token_key" and p["token_key_held"]:
            due = _moment(cut.token_return_by) if cut.token_return_by else None
            desk.items.append(_item("token_key", p["unit"], p["id"], p["name"], "token_key_held", due, now))
    for loss in losses:
        desk.items.append(_item("loss_letter", loss["unit"], loss["user_id"], loss["name"], "loss_letter_open",
                                loss["letter_due"], now, lost_at=loss["lost_at"]))
    for d in docs:
        round_, deadline = document_deadline(sandbox, d)
        desk.items.append(_item("document", d["unit"], d["doc_no"], d["text"], f"status_{d['status'] or 'blank'}", deadline,
                                now, amount=d["remaining"], doc_type=d["doc_type"], round=round_, fiscal_year=d["fiscal_year"]))
    for u in units:
        mine = [i for i in desk.items if i["unit"] == u["code"]]
        kinds = {k: [i for i in mine if i["kind"] == k] for k in KINDS}
        doc_items = kinds["document"]
        ahead = [i["due"] for i in doc_items if i["due"] >= now]
        nearest = min(ahead) if ahead else (max(i["due"] for i in doc_items) if doc_items else None)
        desk.units.append({
            "unit": u["code"], "unit_name": u["name"], "agency_name": u["agency_name"],
            "not_registered": len(kinds["not_registered"]),
            "token_keys_held": len(kinds["token_key"]),
            "token_keys_overdue": sum(i["overdue"] for i in kinds["token_key"]),
            "loss_letters_overdue": sum(i["overdue"] for i in kinds["loss_letter"]),
            "docs_blank": sum(i["state"] == "status_blank" for i in doc_items),
            "docs_21": sum(i["state"] == "status_21" for i in doc_items),
            "docs_22": sum(i["state"] == "status_22" for i in doc_items),
            "next_deadline": nearest,
            "seconds_left": None if nearest is None else int((nearest - now).total_seconds()),
        })
    return desk


def _item(kind: str, unit: str, ref: str, name: str, state: str, due: dt.datetime | None, now: dt.datetime,
          **extra: Any) -> dict:
    left = None if due is None else int((due - now).total_seconds())
    return {"kind": kind, "unit": unit, "ref": ref, "name": name, "state": state, "amount": extra.pop("amount", None),
            "due": due, "seconds_left": left, "overdue": left is not None and left < 0, **extra}


# ------------------------------------------------------------------ texts

def time_left(seconds: int | None, lang: str = "th") -> str:
    """``3 วัน 4 ชั่วโมง`` left, or ``เลยกำหนด 1 วัน 2 ชั่วโมง`` when the moment has passed."""
    if seconds is None:
        return ""
    days, rest = divmod(abs(seconds), 86400)
    text = label("prov_days_hours", lang).format(days=days, hours=rest // 3600)
    return label("prov_overdue_by", lang).format(left=text) if seconds < 0 else text


def cell(row: dict, column: str, lang: str = "th") -> str:
    """A cell as the screen, the table and the files show it (BE dates, ``1,250,000.00``)."""
    value = row.get(column)
    if column == "time_left":
        return time_left(row.get("seconds_left"), lang)
    if column in ("next_deadline", "due"):
        if value is None:
            return ""
        if value.astimezone(BANGKOK).time() == dt.time(0):  # the end of the day before
            return f"{format_date(due_day(value), short=True)} ({label('prov_end_of_day', lang)})"
        return format_moment(value, lang)
    if column == "kind":
        return label(f"prov_kind_{value}", lang)
    if column == "state":
        return label(f"prov_{value}", lang) if not value.startswith("status_") else label(value, lang)
    if column == "amount":
        return "" if value is None else f"{value:,.2f}"
    return "" if value is None else str(value)


def header(column: str, lang: str = "th") -> str:
    return label(f"prov_col_{column}", lang)


def sort_rows(rows: list[dict], column: str, descending: bool = False) -> list[dict]:
    """Rows sorted by a column; empty cells last whichever the direction. ``time_left`` and the
    deadlines sort by the seconds left."""
    key = "seconds_left" if column in ("time_left", "next_deadline", "due") else column
    present = [r for r in rows if r.get(key) not in (None, "")]
    empty = [r for r in rows if r.get(key) in (None, "")]
    return sorted(present, key=lambda r: r[key], reverse=descending) + empty


def title_lines(desk: ProvinceDesk, lang: str = "th") -> list[str]:
    return [label("prov_title", lang), f"{label('prov_area', lang)}: {desk.area}",
            f"{label('printed_at', lang)}: {format_moment(desk.now, lang)}  ·  {label('sandbox_note', lang)}"]


# ------------------------------------------------------------------ files

def as_json(desk: ProvinceDesk) -> str:
    def plain(row: dict) -> dict:
        out = {}
        for k, v in row.items():
            out[k] = v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else (str(v) if hasattr(v, "as_tuple") else v)
        return out
    return json.dumps({"area": desk.area, "now": desk.now.isoformat(), "units": [plain(u) for u in desk.units],
                       "items": [plain(i) for i in desk.items], "totals": desk.totals()}, ensure_ascii=False, indent=1)


def as_csv(desk: ProvinceDesk, lang: str = "th") -> str:
    """The unit table as CSV (UTF-8 with BOM when written to a file; formula starts escaped)."""
    import csv
    import io

    from .reports import csv_safe

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header(c, lang) for c in UNIT_COLUMNS])
    for row in desk.units:
        writer.writerow([row[c] if c in COUNTS else csv_safe(cell(row, c, lang)) for c in UNIT_COLUMNS])
    return buffer.getvalue()


def _width(text: str) -> int:
    """Columns a terminal gives ``text``: Thai vowel and tone marks above or below take none."""
    return sum(0 if unicodedata.combining(ch) or unicodedata.category(ch) == "Mn" else 1 for ch in text)


def as_table(desk: ProvinceDesk, lang: str = "th", columns=UNIT_COLUMNS, rows: list[dict] | None = None) -> str:
    rows = desk.units if rows is None else rows
    grid = [[header(c, lang) for c in columns]] + [[cell(r, c, lang) for c in columns] for r in rows]
    widths = [max(_width(line[i]) for line in grid) for i in range(len(columns))]
    lines = []
    for n, line in enumerate(grid):
        lines.append("  ".join(v + " " * (w - _width(v)) for v, w in zip(line, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def to_xlsx(desk: ProvinceDesk, out, lang: str = "th") -> None:
    """Excel: the unit table and the list of things to chase, one sheet each; texts are written
    as texts (never formulas) and cleaned of characters Excel refuses, as :mod:`sandbox.reports`.
    Write-only mode: a desk of thousands of documents stays fast."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from .reports import xlsx_text

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    for columns, rows, title_key in ((UNIT_COLUMNS, desk.units, "prov_sheet_units"), (ITEM_COLUMNS, desk.items, "prov_sheet_items")):
        ws = wb.create_sheet(label(title_key, lang)[:31])
        ws.freeze_panes = f"A{len(title_lines(desk, lang)) + 3}"

        def text(value, ws=ws, **style):
            c = WriteOnlyCell(ws, value=xlsx_text(value))
            c.data_type = "s"  # a text, never a formula
            for key, val in style.items():
                setattr(c, key, val)
            return c

        for line in title_lines(desk, lang):
            ws.append([text(line)])
        ws.append([])
        ws.append([text(header(c, lang), font=bold) for c in columns])
        for r in rows:
            values = []
            for c in columns:
                if c in COUNTS:
                    values.append(int(r[c]))
                elif c == "amount" and r.get(c) is not None:
                    amount = WriteOnlyCell(ws, value=float(r[c]))
                    amount.number_format = "#,##0.00"
                    values.append(amount)
                else:
                    values.append(text(cell(r, c, lang)))
            ws.append(values)
    wb.save(out)


def as_xlsx_bytes(desk: ProvinceDesk, lang: str = "th") -> bytes:
    import io

    buffer = io.BytesIO()
    to_xlsx(desk, buffer, lang)
    return buffer.getvalue()


def add_arguments(parser) -> None:
    """The ``province`` command's options."""
    parser.add_argument("--db", help="SQLite file (or database URL) left by 'scenario run --db' or the app")
    parser.add_argument("--area", required=True, help="area (province) code, e.g. 5000")
    parser.add_argument("--format", choices=["table", "csv", "json", "xlsx"], default="table")
    parser.add_argument("--sort", choices=UNIT_COLUMNS, default="unit")
    parser.add_argument("--descending", action="store_true")
    parser.add_argument("--lang", choices=["th", "en"], default="th")
    parser.add_argument("--out", help="output file (xlsx default: province-AREA.xlsx)")


def run_cli(sandbox: Sandbox, args) -> int:
    """``python -m sandbox province --db FILE --area 5000 [--format table|csv|json|xlsx]``."""
    from pathlib import Path

    desk = build_desk(sandbox, args.area)
    desk.units = sort_rows(desk.units, args.sort, args.descending)
    if args.format == "xlsx":
        out = args.out or f"province-{args.area}.xlsx"
        to_xlsx(desk, out, args.lang)
        print(f"{out}: {len(desk.units)} units, {len(desk.items)} items")
        return 0
    text = {"table": lambda: as_table(desk, args.lang), "csv": lambda: as_csv(desk, args.lang),
            "json": lambda: as_json(desk)}[args.format]()
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8-sig" if args.format == "csv" else "utf-8")
    else:
        print(text)
    return 0
