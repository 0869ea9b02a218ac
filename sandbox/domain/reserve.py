"""The checks of a new reserve document (form สง.01) in the order the exercise format fixes
(docs/exercises.md): document type and reason, budget code, fund source, commitment item,
amount, dates, contract data [manual 004; docs/rules.md]. Pure: the budget lines come through
the two look-ups the caller hands in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .calendar import fiscal_year, fiscal_year_bounds, parse_date
from .errors import Refusal, Text
from .model import (
    CX02_KINDS,
    CX03_FORBIDDEN_KINDS,
    DOC_TYPES,
    REASONS,
    BudgetLine,
    ContractLine,
    baht,
    digits,
    satang,
)


def parse_day(value, field_name: str, default: dt.date | None = None) -> dt.date | None:
    if value in (None, ""):
        return default
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        raise Refusal("invalid_date", field_name, value=value, detail=Text("not_a_date")) from None


def amount_of(value, field_name: str = "amount") -> int:
    """A positive amount in baht (two decimals at most) as satang."""
    try:
        cents = satang(value)
    except ValueError:
        cents = 0
    if value is None or cents <= 0:
        shown = Text("tr_blank") if value is None or str(value).strip() == "" else value
        raise Refusal("invalid_amount", field_name, value=shown)
    return cents


def money(satang_value: int) -> str:
    """``1,250,000.00`` as refusal messages write amounts."""
    return f"{baht(satang_value):,.2f}"


def contract_lines(raw: Iterable[Any]) -> list[ContractLine]:
    """Contract data as typed (objects with the fields of a contract line) → numbered lines."""
    return [
        ContractLine(
            line=n,
            contract_no=item.contract_no or "",
            lc_no=item.lc_no or "",
            lao_name=item.lao_name or "",
            item=item.item or "",
            creditor=item.creditor or "",
            signed=parse_day(item.signed, "signed"),
            due=parse_day(item.due, "due"),
        )
        for n, item in enumerate(raw, start=1)
    ]


def check_contracts(doc_type: str, reason: str, kind: str, lines: list[ContractLine]) -> None:
    """CX and PO need contract data; a PO a contract number; CX01 an L/C, CX02 an LAO name; a
    government agency with a signed contract (and no L/C) records a PO, not a CX."""
    if doc_type in ("CX", "PO") and not lines:
        raise Refusal("missing_contract", "contracts", doc_type=doc_type)
    if doc_type == "PO" and any(not line.contract_no for line in lines):
        raise Refusal("missing_contract", "contract_no", doc_type=doc_type)
    if reason == "CX01" and any(not line.lc_no for line in lines):
        raise Refusal("missing_lc_number", "lc_no")
    if reason == "CX02" and any(not line.lao_name for line in lines):
        raise Refusal("missing_lao_name", "lao_name")
    if doc_type == "CX" and kind == "government" and any(line.contract_no and not line.lc_no for line in lines):
        raise Refusal("use_po_instead", "doc_type")


def check_reason(doc_type, reason, kind: str) -> str:
    """The document type and its reason for this kind of agency; returns the reason as stored."""
    if doc_type not in DOC_TYPES:
        raise Refusal("invalid_input", "doc_type", detail=Text("one_of", values=", ".join(DOC_TYPES)))
    reason = (reason or "").strip().upper() if isinstance(reason, str) else ""
    if doc_type == "PO":
        if reason:
            raise Refusal("reason_type_mismatch", "reason", value=reason, doc_type=doc_type,
                          detail=Text("po_has_no_reason"))
        return ""
    if reason not in REASONS[doc_type]:
        raise Refusal("reason_type_mismatch", "reason", value=reason or Text("tr2_reason_none"), doc_type=doc_type,
                      detail=Text("choose_reason", first=REASONS[doc_type][0], last=REASONS[doc_type][-1]))
    if reason == "CX02" and kind not in CX02_KINDS:
        raise Refusal("reason_not_for_agency", "reason", value=reason, detail=Text("cx02_kinds"))
    if reason == "CX03" and kind in CX03_FORBIDDEN_KINDS:
        raise Refusal("reason_not_for_agency", "reason", value=reason, detail=Text("cx03_kinds"))
    return reason


@dataclass(frozen=True)
class NewDocument:
    """What the checks of a new document settle: its budget line and its values."""

    line: BudgetLine
    reason: str
    amount: int
    doc_date: dt.date
    posting_date: dt.date
    contracts: list[ContractLine]


def cancel_lapses(doc_fiscal_year: int, now_fiscal_year: int) -> bool:
    """Cancelling a document in a later fiscal year than its money's (a carried PO, or a document
    at 50 or 40) does not give the money back: last year's budget line has closed, the remaining
    lapses [docs/rules.md, lapse]."""
    return now_fiscal_year > doc_fiscal_year


class FormRefusal(Refusal):
    """The first problem of a form, carrying every problem found (``problems``, in check order):
    «จำลองการบันทึก» lists them all, each at its field; everything else sees the first."""

    def __init__(self, problems: list[Refusal]):
        first = problems[0]
        super().__init__(first.code, first.field, **first.params)
        self.problems = list(problems)


class _Checks:
    """Runs checks in order: the first refusal stops them (``first_only``), or every refusal is
    kept and a check that needs a failed one's value is skipped."""

    def __init__(self, first_only: bool):
        self.first_only = first_only
        self.refusals: list[Refusal] = []

    def __call__(self, check: Callable[[], Any]) -> Any:
        try:
            return check()
        except Refusal as refusal:
            if self.first_only:
                raise
            self.refusals.append(refusal)
            return None


def _budget_lines(code: str, lines_of, code_known) -> list[BudgetLine]:
    if not digits(code, 20):
        raise Refusal("invalid_budget_code", "budget_code", value=code or "-", detail=Text("digits", n=20))
    lines = lines_of(code)
    if not lines:
        raise Refusal("invalid_budget_code", "budget_code", value=code,
                      detail=Text("budget_code_not_yours" if code_known(code) else "budget_code_unknown"))
    return lines


def _fund_source(fund: str, fy: int) -> str:
    if not digits(fund, 7):
        raise Refusal("invalid_fund_source", "fund_source", value=fund or "-", detail=Text("digits", n=7))
    if fund[:2] != str(fy)[-2:]:
        raise Refusal("invalid_fund_source", "fund_source", value=fund, detail=Text("fund_year", yy=str(fy)[-2:]))
    if fund[2] != "1":
        raise Refusal("off_budget_money", "fund_source", value=fund)
    return fund


def _lines_of_fund(lines: list[BudgetLine], fund: str) -> list[BudgetLine]:
    lines = [line for line in lines if line.fund_source == fund]
    if not lines:
        raise Refusal("invalid_fund_source", "fund_source", value=fund, detail=Text("fund_not_of_code"))
    return lines


def _line_of_item(lines: list[BudgetLine], item: str, code: str) -> BudgetLine:
    line = next((x for x in lines if x.commitment_item == item), None)
    if line is None:
        raise Refusal("invalid_commitment_item", "commitment_item", value=item or "-", budget_code=code)
    return line


def _within(amount: int, line: BudgetLine) -> int:
    if amount > line.available:
        raise Refusal("insufficient_budget", "amount", amount=money(amount), available=money(line.available))
    return amount


def _day_of(form: Any, name: str, today: dt.date, start: dt.date, fy: int) -> dt.date:
    day = parse_day(getattr(form, name), name, default=today)
    if day > today:
        raise Refusal("invalid_date", name, value=day, detail=Text("in_the_future"))
    if day < start:
        raise Refusal("invalid_date", name, value=day, detail=Text("outside_fiscal_year", fy=fy))
    return day


def _run_checks(form: Any, check: _Checks, agency_kind: str, now: dt.datetime,
                lines_of: Callable[[str], list[BudgetLine]], code_known: Callable[[str], bool]) -> NewDocument | None:
    """Every check of a new สง.01 in the order the exercise format fixes."""
    reason = check(lambda: check_reason(form.doc_type, form.reason, agency_kind))
    fy = fiscal_year(now)
    code = str(form.budget_code or "").strip()
    lines = check(lambda: _budget_lines(code, lines_of, code_known))
    fund = check(lambda: _fund_source(str(form.fund_source or "").strip(), fy))
    if lines is not None and fund is not None:
        lines = check(lambda: _lines_of_fund(lines, fund))
    item = str(form.commitment_item or "").strip()
    line = check(lambda: _line_of_item(lines, item, code)) if lines is not None and fund is not None else None
    amount = check(lambda: amount_of(form.amount))
    if amount is not None and line is not None:
        amount = check(lambda: _within(amount, line))
    today, start = now.date(), fiscal_year_bounds(fy)[0].date()
    dates = {name: check(lambda name=name: _day_of(form, name, today, start, fy)) for name in ("doc_date", "posting_date")}
    contracts = check(lambda: contract_lines(form.contracts))
    if contracts is not None and form.doc_type in DOC_TYPES:  # a refused reason asks for no L/C or LAO name
        check(lambda: check_contracts(form.doc_type, reason or "", agency_kind, contracts))
    if check.refusals:
        return None
    return NewDocument(line, reason, amount, dates["doc_date"], dates["posting_date"], contracts)


def new_document_problems(form: Any, *, agency_kind: str, now: dt.datetime,
                          lines_of: Callable[[str], list[BudgetLine]],
                          code_known: Callable[[str], bool]) -> list[Refusal]:
    """Every problem of a new สง.01 at once, in check order (the first is the one
    :func:`validate_new_document` raises); a check that needs a refused value is left out."""
    check = _Checks(first_only=False)
    _run_checks(form, check, agency_kind, now, lines_of, code_known)
    return check.refusals


def validate_new_document(form: Any, *, agency_kind: str, now: dt.datetime,
                          lines_of: Callable[[str], list[BudgetLine]],
                          code_known: Callable[[str], bool]) -> NewDocument:
    """Every check of a new สง.01, in order; the first refusal is raised. ``form`` has the fields
    of the form (doc_type, reason, budget_code, fund_source, commitment_item, amount, doc_date,
    posting_date, contracts); ``lines_of(code)`` gives the budget lines of the recorder's unit
    under a budget code and ``code_known(code)`` whether any unit has that code."""
    new = _run_checks(form, _Checks(first_only=True), agency_kind, now, lines_of, code_known)
    if new is None:  # not reached: with first_only the first refusal was raised
        raise RuntimeError("a refused check was not raised")
    return new
