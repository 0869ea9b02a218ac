"""A scenario proves a rule only if it fails when the rule is switched off."""

import dataclasses
import datetime as dt
from pathlib import Path

import holidays
import pytest

from sandbox import views
from sandbox.adapters import orm
from sandbox.adapters.policy_store import PolicyStore, bundled_cutovers
from sandbox.domain import auth, calendar, model, policy
from sandbox.domain import reserve as reserve_rules
from sandbox.scenario import run_file
from sandbox.service import clock
from sandbox.service.handlers import rounds

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def never_cut_over(self, key):
    return dataclasses.replace(bundled_cutovers()[key], refuse_from=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))


def letter_on_the_deadline_day_accepted(mp):
    mp.setattr(policy, "letter_in_time", lambda day, deadline: day <= deadline.date())


def po_lapses_like_cx(mp):
    mp.setattr(model.ReserveDocument, "carried", property(lambda doc: doc.sept_approved))
    mp.setattr(clock, "carried", lambda: orm.reserve_docs.c.sept_approved)


def labour_day_a_holiday(mp):
    def every_public_holiday(year):  # not cached: the patched calendar is gone after the test
        found = holidays.Thailand(years=year, categories=("public", "government"), language="th")
        return dict(found)

    mp.setattr(calendar, "_thai_holidays", every_public_holiday)


def approved_set_at_approval(mp):
    original = rounds.list_document

    def list_without_approved(doc, round_):
        original(doc, round_)
        doc.approved = 0

    mp.setattr(rounds, "list_document", list_without_approved)


def cx_report_without_documents_lacking_contracts(mp):
    original = views.nfma60

    def inner_join(conn, units, cond, *, contracts=False):
        rows = original(conn, units, cond, contracts=contracts)
        return [r for r in rows if not contracts or r["line"] is not None]

    mp.setattr(views, "nfma60", inner_join)


def run(name, sandbox):
    result = run_file(SCENARIOS / f"{name}.yaml", sandbox)
    assert not isinstance(result, str), result
    return result


@pytest.mark.parametrize(
    ("scenario", "switch_off"),
    [
        ("users-segregation-of-duties", lambda mp: mp.setattr(auth, "check_segregation", lambda *a: None)),
        ("softtoken-otp-lockout-replay", lambda mp: mp.setattr(auth, "MAX_FAILED_OTPS", 99)),
        ("softtoken-cutover-lockout", lambda mp: mp.setattr(PolicyStore, "cutover", never_cut_over)),
        ("softtoken-lost-phone", lambda mp: mp.setattr(auth, "LOSS_LETTER_BUSINESS_DAYS", 30)),
        ("users-password-expiry", lambda mp: mp.setattr(auth, "PASSWORD_MONTHS", 120)),
        ("round-cancel-letter-before-deadline", letter_on_the_deadline_day_accepted),
        ("po-carry-over-both-rounds", po_lapses_like_cx),
        ("carry-over-cancel-lapses", lambda mp: mp.setattr(reserve_rules, "cancel_lapses", lambda *a: False)),
        ("softtoken-transition-2568", lambda mp: mp.setattr(auth, "check_registration_open", lambda *a: None)),
        ("softtoken-transition-2568", lambda mp: mp.setattr(auth, "check_token_key_return", lambda *a: None)),
        ("softtoken-transition-2568", lambda mp: mp.setattr(auth, "token_return_late", lambda *a: False)),
        ("softtoken-lost-on-earlier-day", lambda mp: mp.setattr(auth, "loss_counted_from", lambda lost_on, now, _: now.date())),
        ("calendar-labour-day-business-day", labour_day_a_holiday),
        ("reports-nfma60", cx_report_without_documents_lacking_contracts),
        ("reports-nfma60", approved_set_at_approval),
    ],
    ids=["segregation", "otp-lockout", "cutover", "loss-letter-deadline", "password-expiry",
         "letter-before-deadline-day", "po-carries-over", "carried-cancel-lapses", "registration-opens",
         "token-key-return-needs-active", "token-keys-overdue", "loss-counted-from-lost-on", "labour-day",
         "nfma60cx-every-document", "approved-is-listed-remaining"],
)
def test_scenario_fails_without_its_rule(scenario, switch_off, sqlite_sandbox, monkeypatch):
    assert run(scenario, sqlite_sandbox).passed, "the scenario must pass with the rule on"
    switch_off(monkeypatch)
    assert not run(scenario, sqlite_sandbox).passed, "the scenario must fail with the rule off"
