"""Spending a reserve document: a withdrawal request, its approval (อนุมัติ ๑) and the payment
(อนุมัติ ๒), within the document's usable period [manual 004]."""

from __future__ import annotations

from ... import commands as c
from ...domain import auth
from ...domain.errors import Refusal, Text
from ...domain.model import ReserveDocument, Withdrawal
from ...domain.reserve import amount_of, money
from .base import Context, handles
from .reserve import own_document


def spendable(ctx: Context, doc: ReserveDocument) -> None:
    """The document can be spent from now: open, not BLOCKED, within its usable period."""
    doc.require_open()
    if doc.blocked:
        raise Refusal("document_blocked", "doc", doc=doc.doc_no)
    until = ctx.policy.round_policy(doc.fiscal_year).usable_until(doc.status, doc.carried)
    if ctx.now >= until:
        raise Refusal("not_spendable", "doc", doc=doc.doc_no, detail=Text("usable_until", until=until))


@handles(c.RequestWithdrawal)
def request_withdrawal(cmd: c.RequestWithdrawal, ctx: Context) -> dict:
    doc = own_document(ctx, cmd.doc, "recorder", action=cmd.action, contracts=False)
    spendable(ctx, doc)
    amount = amount_of(cmd.amount)
    free = doc.remaining - ctx.repo.pending_withdrawals(doc.doc_no)
    if amount > free:
        raise Refusal("exceeds_remaining", "amount", amount=money(amount), doc=doc.doc_no, remaining=money(free))
    wd = Withdrawal(ctx.repo.next_number("WR"), doc.doc_no, amount, "requested", ctx.actor_id, ctx.now)
    ctx.repo.add(wd)
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}


def _request(ctx: Context, request_no: str, role: str, status: str, action: str) -> tuple[Withdrawal, ReserveDocument]:
    user = ctx.actor
    user.require_role(role, action=action)
    wd = ctx.repo.withdrawal(request_no)
    if wd is None:
        raise Refusal("request_not_found", "request", request=request_no)
    doc = ctx.repo.document(wd.doc_no, contracts=False)  # (a spending step never reads its lines)
    if doc.unit != user.unit:
        raise Refusal("not_authorized", "request", detail=Text("request_of_unit", unit=doc.unit))
    if wd.status != status:
        raise Refusal("wrong_request_status", "request", request=request_no, status=wd.status)
    auth.check_request_segregation(wd, user.id)
    spendable(ctx, doc)
    return wd, doc


@handles(c.ApproveWithdrawal)
def approve_withdrawal(cmd: c.ApproveWithdrawal, ctx: Context) -> dict:
    wd, doc = _request(ctx, cmd.request, "approver_withdrawal", "requested", cmd.action)
    wd.status, wd.approved_by, wd.approved_at = "approved", ctx.actor_id, ctx.now
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}


@handles(c.ApprovePayment)
def approve_payment(cmd: c.ApprovePayment, ctx: Context) -> dict:
    wd, doc = _request(ctx, cmd.request, "approver_payment", "approved", cmd.action)
    if wd.amount > doc.remaining:
        raise Refusal("exceeds_remaining", "request", amount=money(wd.amount), doc=doc.doc_no,
                      remaining=money(doc.remaining))
    wd.status, wd.paid_by, wd.paid_at = "paid", ctx.actor_id, ctx.now
    doc.remaining -= wd.amount
    line = ctx.repo.budget_line(doc.budget_line_id)
    line.reserved -= wd.amount
    line.disbursed += wd.amount
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status, wd.request_no)
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}
