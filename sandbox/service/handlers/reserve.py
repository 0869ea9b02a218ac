"""Reserve documents (form สง.01): simulate, create, edit the contract data, cancel, convert a CX
to a PO [manual 004]. The checks themselves are the domain's (:mod:`sandbox.domain.reserve`)."""

from __future__ import annotations

from ... import commands as c
from ...domain import reserve as rules
from ...domain.errors import Refusal, Text
from ...domain.model import ContractLine, ReserveDocument
from .base import Context, handles, not_of_unit


def _checks_of(cmd: c.CreateReserve, ctx: Context) -> tuple[dict, object]:
    """The recorder's role; then what the checks of a new สง.01 look at, and the unit."""
    user = ctx.actor
    user.require_role("recorder", action=cmd.action)
    unit = ctx.repo.unit(user.unit)
    agency = ctx.repo.agency(unit.agency)
    return dict(agency_kind=agency.kind, now=ctx.now, code_known=ctx.repo.budget_code_known,
                lines_of=lambda code: ctx.repo.budget_lines_of(unit.code, code)), unit


def validate_new_document(cmd: c.CreateReserve, ctx: Context) -> tuple[rules.NewDocument, object]:
    """The recorder's role, then every check of a new สง.01; returns the checked values and the unit."""
    looks, unit = _checks_of(cmd, ctx)
    return rules.validate_new_document(cmd, **looks), unit


@handles(c.SimulateReserve)
def simulate_reserve(cmd: c.SimulateReserve, ctx: Context) -> dict:
    """«จำลองการบันทึก»: refused with the first problem, carrying every problem of the form."""
    looks, _unit = _checks_of(cmd, ctx)
    problems = rules.new_document_problems(cmd, **looks)
    if problems:
        raise rules.FormRefusal(problems)
    return {"check": "ok"}


@handles(c.CreateReserve)
def create_reserve(cmd: c.CreateReserve, ctx: Context) -> dict:
    doc = new_document(cmd, ctx)
    ctx.repo.add(doc)
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, "")
    return {"doc_no": doc.doc_no}


def new_document(cmd: c.CreateReserve, ctx: Context) -> ReserveDocument:
    """Every check of a new สง.01, then the document (its number taken, not yet added to the
    repository) with its money reserved on the budget line."""
    new, unit = validate_new_document(cmd, ctx)
    line = new.line
    doc = ReserveDocument(
        doc_no=ctx.repo.next_number(cmd.doc_type),
        doc_type=cmd.doc_type,
        unit=unit.code,
        agency=unit.agency,
        area=unit.area,
        fiscal_year=ctx.fy,
        budget_line_id=line.id,
        budget_code=line.budget_code,
        fund_source=line.fund_source,
        commitment_item=line.commitment_item,
        text=str(cmd.text or ""),
        reason=new.reason,
        reason_detail=str(cmd.reason_detail or ""),
        doc_date=new.doc_date,
        posting_date=new.posting_date,
        value=new.amount,
        remaining=new.amount,
        created_by=ctx.actor_id,
        created_at=ctx.now,
        contracts=new.contracts,
    )
    line.reserved += new.amount
    return doc


def own_document(ctx: Context, doc_no: str, *roles: str, action: str, contracts: bool = True) -> ReserveDocument:
    """The actor's unit's document (``contracts``: with its contract lines, see ``Repository.document``)."""
    user = ctx.actor
    if roles:
        user.require_role(*roles, action=action)
    doc = ctx.repo.document(doc_no, contracts)
    if doc is None:
        raise Refusal("document_not_found", "doc", doc=doc_no)
    if doc.unit != user.unit:
        raise not_of_unit("doc", doc)
    return doc


GENERAL_FIELDS = ("doc_type", "budget_code", "fund_source", "commitment_item", "amount", "text",
                  "reason", "reason_detail", "doc_date", "posting_date")


@handles(c.EditReserve)
def edit_reserve(cmd: c.EditReserve, ctx: Context) -> dict:
    doc = own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    doc.require_changeable()
    for name in GENERAL_FIELDS:
        if getattr(cmd, name) is not None:
            raise Refusal("field_not_editable", name)
    lines = {line.line: line for line in doc.contracts}
    for change in cmd.contracts:
        if change.line is None:
            new = rules.contract_lines([change])[0]
            new.line = max(lines, default=0) + 1
            lines[new.line] = new
            continue
        line = lines.get(change.line)
        if line is None:
            raise Refusal("invalid_input", "line", detail=Text("no_contract_line", line=change.line))
        if change.item is not None and change.item != line.item:
            raise Refusal("field_not_editable", "item")
        for name in ("contract_no", "lc_no", "lao_name", "creditor"):
            if getattr(change, name) is not None:
                setattr(line, name, getattr(change, name))
        for name in ("signed", "due"):
            if getattr(change, name) is not None:
                setattr(line, name, rules.parse_day(getattr(change, name), name))
    contracts = [lines[k] for k in sorted(lines)]
    kind = ctx.repo.agency(doc.agency).kind
    rules.check_contracts(doc.doc_type, doc.reason, kind, contracts)
    doc.contracts = contracts
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status)
    return {"doc_no": doc.doc_no}


def release(ctx: Context, doc: ReserveDocument, how: str, note: str, to_lapsed: bool = False) -> None:
    """Close ``doc``; its remaining money leaves the budget line's reserve (to lapsed if so)."""
    line = ctx.repo.budget_line(doc.budget_line_id)
    released = doc.close(how, ctx.now, note)
    line.reserved -= released
    if to_lapsed:
        line.lapsed += released


@handles(c.CancelReserve)
def cancel_reserve(cmd: c.CancelReserve, ctx: Context) -> dict:
    doc = own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    doc.require_changeable()
    if not cmd.reason:
        raise Refusal("invalid_input", "reason", detail=Text("cancel_reason_required"))
    release(ctx, doc, "cancelled", str(cmd.reason), to_lapsed=rules.cancel_lapses(doc.fiscal_year, ctx.fy))
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status, str(cmd.reason))
    return {"doc_no": doc.doc_no}


@handles(c.ConvertToPO)
def convert_to_po(cmd: c.ConvertToPO, ctx: Context) -> dict:
    cx = own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    if cx.doc_type != "CX":
        raise Refusal("invalid_input", "doc", detail=Text("only_cx_converts"))
    cx.require_changeable()
    if not cmd.contract_no:
        raise Refusal("invalid_input", "contract_no", detail=Text("signed_contract_required"))
    signed = rules.parse_day(cmd.signed, "signed", default=ctx.today)
    if signed > ctx.today:
        raise Refusal("invalid_date", "signed", value=signed, detail=Text("in_the_future"))
    contracts = [
        ContractLine(line.line, line.contract_no or str(cmd.contract_no), line.lc_no, line.lao_name,
                     line.item, line.creditor, signed, line.due)
        for line in cx.contracts
    ] or [ContractLine(1, str(cmd.contract_no), signed=signed)]
    po = ReserveDocument(
        doc_no=ctx.repo.next_number("PO"), doc_type="PO", unit=cx.unit, agency=cx.agency, area=cx.area,
        fiscal_year=cx.fiscal_year, budget_line_id=cx.budget_line_id, budget_code=cx.budget_code,
        fund_source=cx.fund_source, commitment_item=cx.commitment_item, text=cx.text, reason="",
        reason_detail=cx.reason_detail, doc_date=ctx.today, posting_date=ctx.today,
        value=cx.remaining, remaining=cx.remaining, created_by=ctx.actor_id, created_at=ctx.now,
        approved=cx.approved, status=cx.status, sept_approved=cx.sept_approved, contracts=contracts,
    )
    cx.close("converted", ctx.now, po.doc_no)  # the money moves with the PO: the line is unchanged
    ctx.repo.add(po)
    ctx.repo.history(cx, ctx.now, ctx.actor_id, cmd.action, cx.status, po.doc_no)
    ctx.repo.history(po, ctx.now, ctx.actor_id, cmd.action, "", cx.doc_no)
    return {"doc_no": po.doc_no, "converted": cx.doc_no}
