"""Password and Nexus approval rules, login methods, rights and a lost phone, without a database."""

import dataclasses
import datetime as dt

import pytest

from sandbox.domain import auth
from sandbox.domain.calendar import BANGKOK, BusinessCalendar
from sandbox.domain.errors import Refusal
from sandbox.domain.model import User
from sandbox.domain.policy import Cutover
from sandbox.errors import message

NOW = dt.datetime(2025, 6, 2, 9, 0, 10, tzinfo=BANGKOK)
CUTOVER = Cutover("all", "ทุกหน่วย", "all", refuse_from=dt.datetime(2025, 9, 3, tzinfo=BANGKOK))


@pytest.fixture(scope="module")
def hashed():
    auth.SCRYPT_N = 2**8  # hashing has its own tests; keep these quick
    return auth.hash_password("Sandbox#2566")


def user(hashed="", **changes) -> User:
    base = User("u1", "ผู้ใช้", "1101700203451", "1200100001", frozenset({"recorder"}), "token_key",
                password_hash=hashed, password_changed=NOW - dt.timedelta(days=10), token_key_held=True,
                soft_token="active", totp_secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return dataclasses.replace(base, **changes)


def test_password_then_its_age_then_a_pending_change(hashed):
    auth.check_password(user(hashed), "Sandbox#2566", NOW)
    with pytest.raises(Refusal, match="bad_credentials"):
        auth.check_password(user(hashed), "wrong", NOW)
    old = user(hashed, password_changed=dt.datetime(2025, 3, 1, 9, tzinfo=BANGKOK))
    with pytest.raises(Refusal) as caught:
        auth.check_password(old, "Sandbox#2566", NOW)
    assert caught.value.code == "password_expired" and "1 มีนาคม 2568" in message(caught.value, "th")
    with pytest.raises(Refusal) as caught:
        auth.check_password(user(hashed, must_change="one_time"), "Sandbox#2566", NOW)
    assert caught.value.code == "password_change_required"
    assert "a one-time password" in message(caught.value, "en")


def test_login_methods_before_and_after_the_cutover():
    assert auth.login_methods(user(), CUTOVER, NOW) == {"token_key", "soft_token"}
    assert auth.login_methods(user(), CUTOVER, CUTOVER.refuse_from) == {"soft_token"}
    locked = user(locked_until=NOW + dt.timedelta(minutes=1))
    assert auth.login_methods(locked, CUTOVER, NOW) == {"token_key"}


def test_nexus_accepts_the_current_code_once():
    u = user()
    first = auth.approve_in_nexus(u, "auto", NOW)
    assert first.accepted and first.step == auth.time_step(NOW) and first.failed_otps == 0
    u.last_otp_counter = first.step
    again = auth.approve_in_nexus(u, "auto", NOW)
    assert not again.accepted and again.counted and again.failed_otps == 1
    assert message(again.refusal, "en").endswith("the code was already used")


def test_nexus_locks_after_five_wrong_codes_and_a_denial_does_not_count():
    u = user(failed_otps=auth.MAX_FAILED_OTPS - 1)
    answer = auth.approve_in_nexus(u, "000000" if auth.code_at(u.totp_secret, NOW) != "000000" else "111111", NOW)
    assert not answer.accepted and answer.failed_otps == 0 and answer.locked_until == NOW + auth.OTP_LOCK
    denied = auth.approve_in_nexus(user(failed_otps=2), "deny", NOW)
    assert not denied.accepted and not denied.counted and denied.failed_otps == 2


def test_segregation_of_duties():
    auth.check_segregation("u1", ["approver_withdrawal", "recorder"])
    with pytest.raises(Refusal, match="segregation_of_duties"):
        auth.check_segregation("u1", {"approver_withdrawal", "approver_payment"})


def test_loss_letter_due_counts_business_days():
    friday = dt.datetime(2025, 6, 6, 15, 0, tzinfo=BANGKOK)
    # Monday, Tuesday, Wednesday: due when Wednesday ends; a day off on Tuesday moves it a day.
    assert auth.loss_letter_due(BusinessCalendar(), friday) == dt.datetime(2025, 6, 12, tzinfo=BANGKOK)
    day_off = BusinessCalendar([dt.date(2025, 6, 10)])
    assert auth.loss_letter_due(day_off, friday) == dt.datetime(2025, 6, 13, tzinfo=BANGKOK)
