"""The head's letter reporting a lost phone [letter 000 §4: the head of the disbursing unit (or
the ปลัด อบต.) writes to CGD within 3 business days counted from the day the phone connected to
Soft Token was lost]."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import views_province as vp
from ..i18n import label
from ..province import due_day
from .letter import Letter, render, thai_date
from .problem import PaperProblem

if TYPE_CHECKING:
    from ..engine import Sandbox


def loss_letter_facts(sandbox: Sandbox, user_id: str, letter_no: str = "") -> dict:
    """The user, the loss report (lost on, due by), the office and its head, the letter's date."""
    user = sandbox.user_state(str(user_id).strip())
    if user is None:
        raise PaperProblem("prov_paper_no_user", user=user_id)
    with sandbox.engine.connect() as conn:
        report = vp.loss_report(conn, user["id"])
        heads = vp.heads(conn, user["unit"])
    if report is None:
        raise PaperProblem("prov_paper_no_loss", user=user["id"])
    return {"user": {"id": user["id"], "name": user["name"], "roles": user["roles"]}, "office": sandbox.unit(user["unit"]),
            "head": heads[0]["name"] if heads else "", "lost_on": report.get("lost_on") or report["lost_at"].date(),
            "reported_at": report["lost_at"], "due": report["letter_due"], "letter_date": sandbox.now.date(),
            "letter_no": letter_no or report.get("letter_no") or ""}


def loss_letter_pdf(facts: dict) -> bytes:
    office = facts["office"]
    name = office["name"] if office["name"] == office["agency_name"] else f"{office['name']} {office['agency_name']}"
    user = facts["user"]
    roles = " ".join(label(f"prov_role_{r}") for r in user["roles"])
    fields = {"name": user["name"], "roles": roles, "office": name, "lost": thai_date(facts["lost_on"]),
              "reported": thai_date(facts["reported_at"]), "due": thai_date(due_day(facts["due"]))}
    warning = ""
    if facts["letter_date"] > due_day(facts["due"]):
        warning = label("prov_loss_too_late").format(date=thai_date(facts["letter_date"]), **fields)
    letter = Letter(
        number=facts["letter_no"] or "." * 30, office=name, date=facts["letter_date"],
        subject=label("prov_loss_subject"), to=label("prov_loss_to"),
        body=[label("prov_loss_body1").format(**fields), label("prov_loss_body2").format(**fields)],
        closing_body=label("prov_loss_body3"), signer=facts["head"], position=label("prov_loss_position"),
        owner=[name, label("prov_letter_phone")], warning=warning,
    )
    return render(letter)
