"""The September and March rounds: List (สง.02), List cancel (สง.03), Confirm (อพ.01), and CGD's
cancel-Confirm, approval and rejection [manual 004]."""

from __future__ import annotations

from collections.abc import Callable

from ... import commands as c
from ...domain import policy as policy_rules
from ...domain.calendar import parse_date
from ...domain.errors import Refusal, Text
from ...domain.model import (
    ReserveDocument,
    approve_document,
    cancel_confirm_document,
    confirm_document,
    list_cancel_document,
    list_document,
    reject_document,
)
from ...i18n import text
from .base import Context, handles, not_of_unit
from .reserve import release
from .set_based import Writes, approved, confirmed, list_cancelled, listed
from .set_based import documents as _documents


def _open_round(ctx: Context, doc: ReserveDocument) -> str:
    policy = ctx.policy.round_policy(doc.fiscal_year)
    round_ = policy.open_round(ctx.now)
    if round_ is None:
        which = "september" if ctx.now <= policy.fiscal_year_end else "march"
        opens, deadline = policy.window(which)
        raise Refusal(
            "round_closed", "docs", round_th=Text(f"round_name_{which}"), round_en=Text(f"round_name_{which}"),
            detail=Text("round_window", doc=doc.doc_no, fy=doc.fiscal_year, opens=opens, deadline=deadline),
        )
    return round_


def _require_documents(cmd) -> None:
    """A round step on no document at all would report success and change nothing."""
    if not cmd.docs:
        raise Refusal("no_documents", "docs")


def _round_step(cmd, ctx: Context, role: str, step: Callable[[ReserveDocument, str], None], own_unit: bool = True,
                writes: Writes | None = None) -> dict:
    user = ctx.actor
    user.require_role(role, action=cmd.action)
    _require_documents(cmd)
    docs = _documents(cmd, ctx, writes)
    open_rounds: dict[int, str] = {}  # fiscal year -> its open round (a closed one refuses)
    for doc_no in cmd.docs:
        doc = docs.get(doc_no)
        if doc is None:
            raise Refusal("document_not_found", "docs", doc=doc_no)
        if own_unit and doc.unit != user.unit:
            raise not_of_unit("docs", doc)
        if not own_unit:
            owner = ctx.repo.owning_unit(doc.agency)
            if owner is None or owner.code != user.unit:
                raise Refusal("not_owning_agency", "docs", owner=owner.code if owner else doc.agency, unit=user.unit)
        doc.require_open()
        before = doc.status
        round_ = open_rounds.get(doc.fiscal_year)
        if round_ is None:
            round_ = open_rounds[doc.fiscal_year] = _open_round(ctx, doc)
        step(doc, round_)
        ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, before)
    if docs.writes:
        docs.write(ctx)
    return {"docs": list(cmd.docs)}


@handles(c.ListDocs)
def list_docs(cmd: c.ListDocs, ctx: Context) -> dict:
    out = _round_step(cmd, ctx, "recorder", list_document, writes=listed)
    out["message"] = text("details", "listed_ask_confirm")
    return out


@handles(c.ListCancel)
def list_cancel(cmd: c.ListCancel, ctx: Context) -> dict:
    return _round_step(cmd, ctx, "recorder", lambda doc, _round: list_cancel_document(doc), writes=list_cancelled)


@handles(c.Confirm)
def confirm(cmd: c.Confirm, ctx: Context) -> dict:
    return _round_step(cmd, ctx, "approver_withdrawal", lambda doc, _round: confirm_document(doc), own_unit=False,
                       writes=confirmed)


def _cgd_step(cmd, ctx: Context, step: Callable[[ReserveDocument], None], note: str = "",
              writes: Writes | None = None) -> None:
    ctx.actor.require_role("cgd_officer", action=cmd.action)
    _require_documents(cmd)
    docs = _documents(cmd, ctx, writes)
    for doc_no in cmd.docs:
        doc = docs.get(doc_no)
        if doc is None:
            raise Refusal("document_not_found", "docs", doc=doc_no)
        before = doc.status
        step(doc)
        ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, before, note)
    if docs.writes:
        docs.write(ctx)
    ctx.sweep_after = True


@handles(c.CancelConfirm)
def cancel_confirm(cmd: c.CancelConfirm, ctx: Context) -> dict:
    def step(doc: ReserveDocument) -> None:
        doc.require_open()
        round_ = "september" if doc.status == "31" else "march"
        deadline = ctx.policy.round_policy(doc.fiscal_year).deadline(round_)
        due = {"deadline": deadline.date()}
        if not cmd.letter_no or not cmd.letter_date:
            raise Refusal("letter_required", "letter_no", **due, detail=Text("no_letter"))
        try:
            letter_day = parse_date(cmd.letter_date)
        except (ValueError, TypeError):
            raise Refusal("letter_required", "letter_date", **due, detail=Text("letter_date_unreadable")) from None
        if not policy_rules.letter_in_time(letter_day, deadline):
            raise Refusal("letter_required", "letter_date", **due, detail=Text("letter_too_late", day=letter_day))
        cancel_confirm_document(doc)

    _cgd_step(cmd, ctx, step, text("details", "letter_note").format(letter_no=cmd.letter_no))
    return {"docs": list(cmd.docs)}


@handles(c.Approve)
def approve(cmd: c.Approve, ctx: Context) -> dict:
    _cgd_step(cmd, ctx, approve_document, writes=approved)
    return {"docs": list(cmd.docs)}


@handles(c.Reject)
def reject(cmd: c.Reject, ctx: Context) -> dict:
    def step(doc: ReserveDocument) -> None:
        reject_document(doc)
        release(ctx, doc, "lapsed", f"rejected: {cmd.reason or ''}", to_lapsed=True)

    _cgd_step(cmd, ctx, step, str(cmd.reason or ""))
    return {"docs": list(cmd.docs)}
