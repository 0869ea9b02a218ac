"""The agency's letter to CGD (กองบริหารการรับ - จ่ายเงินภาครัฐ) asking to cancel a Confirm
[manual 004 §1.4 and §2.3: after Confirm a document is BLOCKed and only CGD's «ยกเลิกยืนยัน»
(Cancel Confirm) opens it again; letter 004: the letter is made *before* the last business day
of September (or before the March deadline day), otherwise the money lapses]."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from pythainlp.util import bahttext

from .. import views_province as vp
from ..calendar import thai_digits
from ..domain.model import BLOCKED
from ..i18n import label
from .letter import Letter, render, thai_amount, thai_date, thai_deadline
from .problem import PaperProblem

if TYPE_CHECKING:
    from ..engine import Sandbox


def cancel_confirm_facts(sandbox: Sandbox, docs: list[str], unit: str | None = None, letter_no: str = "") -> dict:
    """The documents (Confirmed, 31 or 32), the office that writes, its head, the round's
    deadline and the letter's date (the sandbox's today) and the last day it may carry."""
    if not docs:
        raise PaperProblem("prov_paper_no_documents")
    rows = []
    for doc_no in docs:
        doc = sandbox.document(str(doc_no).strip())
        if doc is None:
            raise PaperProblem("prov_paper_no_document", doc=doc_no)
        if doc["status"] not in BLOCKED or doc["closed"]:
            raise PaperProblem("prov_paper_not_confirmed", doc=doc["doc_no"])
        confirmed = [h["at"] for h in doc["history"] if h["action"] == "round.confirm"]
        doc["confirmed_at"] = confirmed[-1] if confirmed else None
        rows.append(doc)
    office = sandbox.unit(unit or rows[0]["unit"]) or sandbox.unit(rows[0]["unit"])
    deadlines = []
    for doc in rows:
        round_ = "september" if doc["status"] == "31" else "march"
        deadlines.append((sandbox.round_policy(doc["fiscal_year"]).deadline(round_), round_, doc["fiscal_year"]))
    deadline, round_, fiscal_year = min(deadlines)
    with sandbox.engine.connect() as conn:
        heads = vp.heads(conn, office["code"])
    return {"docs": rows, "office": office, "head": heads[0]["name"] if heads else "", "deadline": deadline,
            "round": round_, "fiscal_year": fiscal_year, "letter_date": sandbox.now.date(),
            "latest_letter_date": deadline.date() - dt.timedelta(days=1), "letter_no": letter_no}


def cancel_confirm_pdf(facts: dict) -> bytes:
    office = facts["office"]
    name = office["name"] if office["name"] == office["agency_name"] else f"{office['name']} {office['agency_name']}"
    docs = facts["docs"]
    total = sum(d["remaining"] for d in docs)
    month = label(f"prov_month_{facts['round']}")
    fields = {"office": name, "n": thai_digits(str(len(docs))), "amount": thai_amount(total),
              "baht": bahttext(float(total)), "round": month, "fy": thai_digits(str(facts["fiscal_year"])),
              "deadline": thai_date(facts["deadline"]), "deadline_time": thai_deadline(facts["deadline"]),
              "latest": thai_date(facts["latest_letter_date"])}
    rows = [[thai_digits(str(i)), d["doc_no"], d["doc_type"], d["text"],
             thai_date(d["confirmed_at"]) if d["confirmed_at"] else "", label(f"status_{d['status']}"),
             thai_amount(d["remaining"])] for i, d in enumerate(docs, start=1)]
    headers = [label(f"prov_cc_col_{c}") for c in ("no", "doc_no", "doc_type", "text", "confirmed", "status", "remaining")]
    warning = ""
    if facts["letter_date"] > facts["latest_letter_date"]:
        warning = label("prov_cc_too_late").format(date=thai_date(facts["letter_date"]), **fields)
    letter = Letter(
        number=facts["letter_no"] or "." * 30, office=name, date=facts["letter_date"],
        subject=label("prov_cc_subject"), to=label("prov_cc_to"),
        body=[label("prov_cc_body1").format(**fields), label("prov_cc_body2").format(**fields)],
        table=(headers, rows, [11, 24, 13, 34, 21, 23, 27], {0, 6}),
        closing_body=label("prov_cc_body3").format(**fields),
        signer=facts["head"], position=label("prov_cc_position").format(office=name),
        owner=[name, label("prov_letter_phone")], warning=warning,
    )
    return render(letter)
