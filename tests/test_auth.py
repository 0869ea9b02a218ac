"""Login, Soft Token and sessions at their edges [letters 000 and 002; docs/rules.md], on both stores."""

import base64
import datetime as dt

import pyotp
import pytest

from sandbox.calendar import BANGKOK
from sandbox.domain import auth

from .conftest import PASSWORD, login

T0 = dt.datetime(2025, 6, 2, 9, 0, 0, tzinfo=BANGKOK)  # a step boundary: 09:00:00 is a multiple of 30 s


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# ------------------------------------------------------------------ TOTP itself (no database)

def test_codes_are_rfc6238_test_vectors():
    # RFC 6238 Appendix B, SHA-1 key "12345678901234567890": T=59 → 94287082, T=1111111109 → 07081804.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert auth.code_at(secret, dt.datetime.fromtimestamp(59, dt.UTC)) == "287082"
    assert auth.code_at(secret, dt.datetime.fromtimestamp(1111111109, dt.UTC)) == "081804"


def test_code_changes_exactly_at_the_30_second_edge():
    secret = pyotp.random_base32()
    assert auth.code_at(secret, at(29.999)) == auth.code_at(secret, at(0))
    assert auth.time_step(at(30)) == auth.time_step(at(29.999)) + 1
    assert auth.seconds_left(at(0)) == 30 and auth.seconds_left(at(29)) == 1


def test_previous_step_accepted_for_drift_but_not_two_steps_back_nor_the_next():
    secret = pyotp.random_base32()
    code = auth.code_at(secret, at(29))
    assert auth.matching_step(secret, code, at(29)) == auth.time_step(at(29))
    assert auth.matching_step(secret, code, at(30)) == auth.time_step(at(29))  # one step of drift
    assert auth.matching_step(secret, code, at(60)) is None  # two steps later: too old
    assert auth.matching_step(secret, auth.code_at(secret, at(30)), at(29)) is None  # not before its time


def test_provisioning_uri_and_qr_enrol_the_same_secret():
    secret = pyotp.random_base32()
    uri = auth.provisioning_uri(secret, "rec1")
    parsed = pyotp.parse_uri(uri)
    assert parsed.secret == secret and parsed.interval == 30 and parsed.digits == 6
    svg = auth.qr_svg(secret, "rec1")
    assert svg.startswith("<svg") and "path" in svg


# ------------------------------------------------------------------ through the engine

@pytest.fixture
def world(sandbox):
    sandbox.load_world("demo", T0)
    return sandbox


def soft_login(sb, user="rec1", otp="auto"):
    return sb.execute(user, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": otp})


def move(sb, moment):
    sb.advance_clock(moment)


def test_code_typed_from_the_phone_works_once(world):
    secret = world.user_state("rec1")["totp_secret"]
    code = auth.code_at(secret, at(10))
    move(world, at(10))
    assert soft_login(world, otp=code).ok
    assert soft_login(world, otp=code).error == "bad_otp"  # replay
    move(world, at(31))  # the same code, now one step old: still a replay
    assert soft_login(world, otp=code).error == "bad_otp"
    assert soft_login(world, otp=auth.code_at(secret, at(31))).ok


def test_lockout_ends_after_exactly_15_minutes(world):
    secret = world.user_state("rec1")["totp_secret"]
    wrong = f"{(int(auth.code_at(secret, T0)) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert soft_login(world, otp=wrong).error == "bad_otp"
    assert world.user_state("rec1")["failed_otps"] == 4  # refused, yet counted
    assert soft_login(world, otp=wrong).error == "bad_otp"  # the fifth locks
    assert world.user_state("rec1")["locked_until"] == T0 + dt.timedelta(minutes=15)
    move(world, T0 + dt.timedelta(minutes=14, seconds=59))
    assert soft_login(world).error == "otp_locked"
    move(world, T0 + dt.timedelta(minutes=15))
    assert soft_login(world).ok


def test_a_good_code_resets_the_count(world):
    for _ in range(4):
        assert soft_login(world, otp="000001").error == "bad_otp"
    assert soft_login(world).ok
    assert world.user_state("rec1")["failed_otps"] == 0


def test_session_ends_after_30_minutes_idle(world):
    assert soft_login(world).ok
    move(world, at(30 * 60))
    assert world.execute("rec1", "reserve.search", {}).ok  # exactly 30 minutes: still live
    move(world, at(60 * 60 + 1))
    assert world.execute("rec1", "reserve.search", {}).error == "not_logged_in"


def test_a_refused_action_is_an_action_too_for_the_idle_time(world):
    """A session ends after 30 minutes without an action (docs/exercises.md): an action the rules
    refuse is still the person at work, so it keeps the session live."""
    assert soft_login(world).ok
    move(world, at(25 * 60))
    refused = world.execute("rec1", "reserve.cancel", {"doc": "CX99999999", "reason": "x"})
    assert refused.error == "document_not_found"
    move(world, at(50 * 60))
    assert world.execute("rec1", "reserve.search", {}).ok  # 25 minutes after the refused action
    move(world, at(80 * 60 + 1))
    assert world.execute("rec1", "reserve.search", {}).error == "not_logged_in"


def test_session_ends_12_hours_after_login_even_when_busy(world):
    assert soft_login(world).ok
    for minutes in range(25, 12 * 60, 25):
        move(world, at(minutes * 60))
        assert world.execute("rec1", "reserve.search", {}).ok, minutes
    move(world, at(12 * 3600 + 1))
    assert world.execute("rec1", "reserve.search", {}).error == "not_logged_in"


def test_password_expires_after_three_calendar_months(world):
    # The demo world's passwords were set at the start, 2 Jun 2025.
    move(world, dt.datetime(2025, 9, 2, 23, 59, tzinfo=BANGKOK))
    assert soft_login(world).ok
    move(world, dt.datetime(2025, 9, 3, 0, 0, tzinfo=BANGKOK))
    result = soft_login(world)
    assert result.error == "password_expired"
    assert "3 เดือน" in result.message_th and "[000]" in result.source_th


def test_cutover_instant(sandbox):
    sandbox.load_world("demo", dt.datetime(2025, 4, 11, 23, 59, 59, tzinfo=BANGKOK))
    assert sandbox.user_state("tk_appr")["login_methods"] == ["token_key"]
    assert login(sandbox, "tk_appr", "token_key").ok
    sandbox.advance_clock(dt.datetime(2025, 4, 12, 0, 0, tzinfo=BANGKOK))
    result = sandbox.execute("tk_appr", "auth.login", {"method": "token_key", "password": PASSWORD})
    assert result.error == "login_method_retired"
    assert "[002]" in result.source_th and "12 เมษายน 2568" in result.message_th
    assert sandbox.user_state("tk_appr")["login_methods"] == []


def test_cutover_is_data_policy_makers_can_move(sandbox):
    sandbox.load_world("demo", dt.datetime(2025, 4, 20, 9, 0, tzinfo=BANGKOK))
    assert sandbox.user_state("tk_appr")["login_methods"] == []
    sandbox.set_cutover("all_agencies", "2025-05-01T00:00:00+07:00")
    assert sandbox.user_state("tk_appr")["login_methods"] == ["token_key"]


def test_wrong_password_comes_before_the_code(world):
    result = world.execute("rec1", "auth.login", {"method": "soft_token", "password": "nope", "otp": "auto"})
    assert result.error == "bad_credentials"
    assert world.user_state("rec1")["failed_otps"] == 0


def test_token_key_holders_per_unit_for_the_return_deadline(world):
    holders = world.unit_state("1200100050")["token_key_holders"]
    assert set(holders) == {"appr1", "pay1", "tk_appr"}
    login(world, "appr1")
    assert world.execute("appr1", "tokenkey.return", {}).ok
    assert "appr1" not in world.unit_state("1200100050")["token_key_holders"]
    assert world.execute("appr1", "tokenkey.return", {}).error == "not_authorized"


def test_cgd_reports_a_lost_phone_for_a_user(world):
    login(world, "cgd1")
    assert world.execute("cgd1", "softtoken.report_lost", {"user": "rec1"}).ok
    assert world.user_state("rec1")["soft_token"] == "suspended"
    login(world, "pay1")
    assert world.execute("pay1", "softtoken.report_lost", {"user": "appr1"}).error == "not_authorized"


def test_treasury_officer_acts_only_in_own_province(world):
    login(world, "pto1")
    assert world.execute("pto1", "user.issue_credentials", {"user": "rec_c"}).error == "not_authorized"  # Bangkok unit
    assert world.execute("pto1", "user.issue_credentials", {"user": "newbie"}).ok
