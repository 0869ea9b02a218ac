"""The public contract of the exercise format (docs/exercises.md): every action and error code exists, and the scenario
library produces every reserve, round and withdrawal refusal at least once."""

from pathlib import Path

import yaml

from sandbox.commands import COMMANDS
from sandbox.i18n import catalogue

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))

ACTIONS = """auth.login auth.logout user.request_credentials user.issue_credentials user.change_password
user.change_rights user.approve_rights_change phone.install paotang.verify softtoken.register
softtoken.report_lost softtoken.loss_letter tokenkey.return reserve.simulate reserve.create reserve.edit
reserve.cancel reserve.search reserve.convert_to_po round.list round.list_cancel round.confirm
round.cancel_confirm round.approve round.reject withdrawal.request withdrawal.approve payment.approve
report.nfma60 report.nfma60cx clock.advance""".split()

AUTH_CODES = """not_logged_in not_authorized bad_credentials bad_otp otp_locked login_method_retired
password_expired password_change_required segregation_of_duties apps_not_installed
identity_not_verified soft_token_not_active token_suspended""".split()

RESERVE_CODES = """invalid_budget_code invalid_fund_source off_budget_money invalid_commitment_item
invalid_amount insufficient_budget reason_type_mismatch invalid_date missing_contract
missing_lc_number missing_lao_name use_po_instead reason_not_for_agency field_not_editable
document_listed document_blocked document_closed wrong_status round_closed not_owning_agency
letter_required exceeds_remaining not_spendable""".split()


def expected_errors() -> set[str]:
    found = set()
    for path in SCENARIOS:
        for step in yaml.safe_load(path.read_text("utf-8"))["steps"]:
            if (step.get("expect") or {}).get("error"):
                found.add(step["expect"]["error"])
    return found


def test_every_action_of_the_contract_is_a_command():
    assert set(ACTIONS) <= set(COMMANDS)


def test_every_error_code_has_thai_english_and_a_source():
    errors = catalogue()["errors"]
    for code in AUTH_CODES + RESERVE_CODES:
        assert code in errors, code
        assert errors[code]["th"] and errors[code]["en"] and errors[code]["source"], code


def test_scenarios_produce_every_reserve_round_and_withdrawal_refusal():
    missing = set(RESERVE_CODES) - expected_errors()
    assert not missing, f"no scenario step expects {sorted(missing)}"


def test_scenarios_produce_every_login_refusal():
    missing = set(AUTH_CODES) - expected_errors()
    assert not missing, f"no scenario step expects {sorted(missing)}"
