"""A scenario proves a rule only if it fails when the rule is switched off."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from sandbox.adapters.policy_store import PolicyStore, bundled_cutovers
from sandbox.domain import auth
from sandbox.scenario import run_file

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def never_cut_over(self, key):
    return dataclasses.replace(bundled_cutovers()[key], refuse_from=dt.datetime(2999, 1, 1, tzinfo=dt.UTC))


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
    ],
    ids=["segregation", "otp-lockout", "cutover", "loss-letter-deadline", "password-expiry"],
)
def test_scenario_fails_without_its_rule(scenario, switch_off, sqlite_sandbox, monkeypatch):
    assert run(scenario, sqlite_sandbox).passed, "the scenario must pass with the rule on"
    switch_off(monkeypatch)
    assert not run(scenario, sqlite_sandbox).passed, "the scenario must fail with the rule off"
