"""The checks of a new reserve document, without a database: the budget lines come through the
two look-ups the rule takes."""

import datetime as dt
from types import SimpleNamespace

import pytest

from sandbox.domain.calendar import BANGKOK
from sandbox.domain.errors import Refusal
from sandbox.domain.model import BudgetLine, ContractLine
from sandbox.domain.reserve import check_contracts, check_reason, validate_new_document
from sandbox.errors import message

NOW = dt.datetime(2023, 9, 5, 10, 0, tzinfo=BANGKOK)  # FY2566
CODE = "12001350001000000002"
LINE = BudgetLine(7, "1200100001", CODE, "6611200", "5101020000", allocation=100_000_00, reserved=40_000_00)


def form(**changes):
    values = dict(doc_type="CK", reason="CK05", budget_code=CODE, fund_source="6611200",
                  commitment_item="5101020000", amount="1000.50", doc_date=None, posting_date=None, contracts=[])
    return SimpleNamespace(**(values | changes))


def validate(f, kind="government", lines=(LINE,), known=True):
    return validate_new_document(f, agency_kind=kind, now=NOW, lines_of=lambda code: [x for x in lines if x.budget_code == code],
                                 code_known=lambda code: known)


def refused(f, **kw) -> Refusal:
    with pytest.raises(Refusal) as caught:
        validate(f, **kw)
    return caught.value


def test_a_good_document_gets_its_line_amount_and_dates():
    new = validate(form())
    assert new.line is LINE and new.amount == 1000_50 and new.reason == "CK05"
    assert new.doc_date == new.posting_date == NOW.date()


def test_checks_run_in_order_the_reason_before_the_budget_code():
    assert refused(form(reason="CX01", budget_code="1")).code == "reason_type_mismatch"
    assert refused(form(budget_code="1")).code == "invalid_budget_code"


def test_budget_code_of_another_unit_and_unknown_code_are_told_apart():
    other = refused(form(budget_code="9" * 20), known=True)
    unknown = refused(form(budget_code="9" * 20), known=False)
    assert other.code == unknown.code == "invalid_budget_code"
    assert message(other, "en").endswith("not a budget code of your disbursement unit")
    assert message(unknown, "en").endswith("unknown budget code")


def test_fund_source_of_another_year_and_off_budget_money():
    assert refused(form(fund_source="6511200")).code == "invalid_fund_source"
    assert refused(form(fund_source="6621200")).code == "off_budget_money"


def test_amount_above_what_is_available_is_refused_but_all_of_it_is_fine():
    assert refused(form(amount="60000.01")).code == "insufficient_budget"
    assert validate(form(amount="60000.00")).amount == 60_000_00


def test_dates_in_the_future_or_before_the_fiscal_year():
    future = refused(form(doc_date="2023-09-06"))
    assert (future.code, future.field) == ("invalid_date", "doc_date")
    assert message(future, "th") == "วันที่เอกสาร 6 กันยายน 2566 ไม่ถูกต้อง: เป็นวันในอนาคต"
    assert refused(form(posting_date="2022-09-30")).field == "posting_date"
    assert validate(form(doc_date="01/10/2565")).doc_date == dt.date(2022, 10, 1)


@pytest.mark.parametrize(("doc_type", "reason", "kind", "code"), [
    ("XX", "", "government", "invalid_input"),
    ("PO", "CX01", "government", "reason_type_mismatch"),
    ("CX", "CK01", "government", "reason_type_mismatch"),
    ("CX", "CX02", "government", "reason_not_for_agency"),
    ("CX", "CX03", "government", "reason_not_for_agency"),
])
def test_reason_must_fit_the_type_and_the_agency(doc_type, reason, kind, code):
    with pytest.raises(Refusal) as caught:
        check_reason(doc_type, reason, kind)
    assert caught.value.code == code


def test_reason_is_read_as_typed_and_fits_where_the_agency_allows():
    assert check_reason("CX", " cx02 ", "lao") == "CX02"
    assert check_reason("CX", "CX03", "state_agency") == "CX03"
    assert check_reason("PO", None, "government") == ""


def test_contract_data_rules():
    with pytest.raises(Refusal, match="missing_contract"):
        check_contracts("CX", "CX04", "government", [])
    with pytest.raises(Refusal, match="missing_lc_number"):
        check_contracts("CX", "CX01", "government", [ContractLine(1, item="x")])
    with pytest.raises(Refusal, match="use_po_instead"):
        check_contracts("CX", "CX04", "government", [ContractLine(1, contract_no="1/2566")])
    check_contracts("CX", "CX04", "state_agency", [ContractLine(1, contract_no="1/2566")])  # not a government agency
    check_contracts("CK", "CK05", "government", [])


# ------------------------------------------------------------------ every problem at once (issue 16)

def problems(f, kind="government", lines=(LINE,), known=True):
    from sandbox.domain.reserve import new_document_problems

    return new_document_problems(f, agency_kind=kind, now=NOW, lines_of=lambda code: [x for x in lines if x.budget_code == code],
                                 code_known=lambda code: known)


def test_every_problem_of_a_form_at_once_each_at_its_field_in_check_order():
    bad = form(reason="CX01", budget_code="1", fund_source="65", amount="-5", doc_date="2099-01-01", posting_date="x")
    found = problems(bad)
    assert [(p.code, p.field) for p in found] == [
        ("reason_type_mismatch", "reason"), ("invalid_budget_code", "budget_code"), ("invalid_fund_source", "fund_source"),
        ("invalid_amount", "amount"), ("invalid_date", "doc_date"), ("invalid_date", "posting_date")]
    # the single-refusal path raises the first of them, the same rule
    assert refused(bad).code == found[0].code and refused(bad).field == found[0].field


def test_a_check_that_needs_a_refused_value_is_left_out_and_a_good_form_has_none():
    assert problems(form()) == []
    # the commitment item cannot be looked up under a refused budget code: one problem, not two
    found = problems(form(budget_code="9" * 20, commitment_item="1"), known=False)
    assert [p.code for p in found] == ["invalid_budget_code"]
    # too much money on a good line, and a CX without its contract data
    found = problems(form(doc_type="CX", reason="CX04", amount="999999999"))
    assert [p.code for p in found] == ["insufficient_budget", "missing_contract"]
