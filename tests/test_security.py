"""Secrets, throttling, segregation of duties on each request, and an atomic reset, on both stores."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys

import pytest

from sandbox.calendar import BANGKOK
from sandbox.world import world_data

from .conftest import PASSWORD, login, reserve_data

T0 = dt.datetime(2023, 6, 5, 9, 0, 0, tzinfo=BANGKOK)  # FY2566, the fund sources of conftest.LINE


@pytest.fixture
def world(sandbox):
    sandbox.load_world("demo", T0)
    return sandbox


def _audit_text(sb) -> str:
    return json.dumps(sb.audit(), ensure_ascii=False, default=str)


# ------------------------------------------------------------------ no secret in the audit trail

def test_no_password_or_code_in_the_audit_after_enrolment_and_login(sandbox):
    sb = sandbox
    sb.load_world("demo", dt.datetime(2025, 3, 3, 9, 0, tzinfo=BANGKOK))  # registration is open
    # newbie: credentials from the treasury office, first login changes them, then Soft Token.
    login(sb, "pto1")
    issued = sb.execute("pto1", "user.issue_credentials", {"user": "newbie"})
    assert issued.ok, issued.message_en
    one_time = issued.data["one_time_password"]
    new_password = "Newbie#2568x"
    assert sb.execute("newbie", "auth.login", {"method": "password", "password": one_time}).error == "password_change_required"
    assert sb.execute("newbie", "user.change_password", {"old": one_time, "new": new_password}).ok
    assert sb.execute("newbie", "phone.install", {"apps": ["nexus_smart_id", "paotang"]}).ok
    assert sb.execute("newbie", "paotang.verify", {}).ok
    registered = sb.execute("newbie", "softtoken.register", {"password": new_password})
    assert registered.ok, registered.message_en
    secret = sb.user_state("newbie")
    code = "123456"
    assert sb.execute("newbie", "auth.login", {"method": "soft_token", "password": new_password, "otp": code}).error == "bad_otp"
    assert sb.execute("newbie", "auth.login", {"method": "soft_token", "password": "wrong-one-1", "otp": "auto"}).error == "bad_credentials"
    assert sb.execute("newbie", "auth.login", {"method": "soft_token", "password": new_password, "otp": "auto"}).ok
    trail = _audit_text(sb)
    for secret_text in (PASSWORD, one_time, new_password, "wrong-one-1", code, registered.data["provisioning_uri"]):
        assert secret_text not in trail, f"{secret_text!r} is in the audit trail"
    assert "secret=" not in trail.lower()
    assert secret is not None
    # The audit still says what happened, without the secrets.
    actions = [row["action"] for row in sb.audit()]
    assert "user.change_password" in actions and "softtoken.register" in actions


# ------------------------------------------------------------------ password throttling

def test_five_wrong_passwords_lock_the_account_for_15_minutes(world):
    sb = world
    for _ in range(5):
        r = sb.execute("rec1", "auth.login", {"method": "soft_token", "password": "Wrong#2566", "otp": "auto"})
        assert r.error == "bad_credentials"
    locked = sb.execute("rec1", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
    assert locked.error == "password_locked", (locked.error, locked.message_en)
    assert "15" in locked.message_th and any("\u0e00" <= ch <= "\u0e7f" for ch in locked.message_th)
    assert locked.field == "password"
    sb.advance_clock(T0 + dt.timedelta(minutes=14, seconds=59))
    assert sb.execute("rec1", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"}).error == "password_locked"
    sb.advance_clock(T0 + dt.timedelta(minutes=15, seconds=1))
    ok = sb.execute("rec1", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
    assert ok.ok, ok.message_en


def test_a_right_password_resets_the_count(world):
    sb = world
    for _ in range(4):
        assert sb.execute("rec1", "auth.login", {"method": "soft_token", "password": "Wrong#2566", "otp": "auto"}).error == "bad_credentials"
    login(sb, "rec1")
    assert sb.execute("rec1", "auth.logout", {}).ok
    sb.advance_clock(T0 + dt.timedelta(seconds=31))  # the phone shows a new code
    for _ in range(4):
        assert sb.execute("rec1", "auth.login", {"method": "soft_token", "password": "Wrong#2566", "otp": "auto"}).error == "bad_credentials"
    login(sb, "rec1")  # 4 + 4 wrong, but never 5 in a row


def test_wrong_old_password_at_change_counts_too(world):
    sb = world
    for _ in range(5):
        assert sb.execute("rec1", "user.change_password", {"old": "Wrong#2566", "new": "Another#2568"}).error == "bad_credentials"
    assert sb.execute("rec1", "user.change_password", {"old": PASSWORD, "new": "Another#2568"}).error == "password_locked"


# ------------------------------------------------------------------ segregation of duties on each request

def _world_with(changes: dict) -> dict:
    world = copy.deepcopy(world_data("demo", T0))
    for user in world["users"]:
        if user["id"] in changes:
            user.update(changes[user["id"]])
    return world


def _request(sb, recorder: str = "rec1") -> str:
    login(sb, recorder)
    doc = sb.execute(recorder, "reserve.create", reserve_data("CK", 10_000, "sod", ""))
    assert doc.ok, doc.message_en
    req = sb.execute(recorder, "withdrawal.request", {"doc": doc.data["doc_no"], "amount": 1_000})
    assert req.ok, req.message_en
    return req.data["request_no"]


def test_the_requester_cannot_approve_their_own_request(sandbox):
    sandbox.load_world(_world_with({"rec1": {"roles": ["recorder", "approver_withdrawal"]}}), T0)
    request_no = _request(sandbox)
    refused = sandbox.execute("rec1", "withdrawal.approve", {"request": request_no})
    assert refused.error == "segregation_of_duties", (refused.error, refused.message_en)
    assert refused.field == "request"
    login(sandbox, "appr1")
    assert sandbox.execute("appr1", "withdrawal.approve", {"request": request_no}).ok


def test_one_person_never_gives_both_approvals_of_a_request(sandbox):
    sandbox.load_world(_world_with({"appr1": {"credential": "password"}}), T0)
    request_no = _request(sandbox)
    login(sandbox, "appr1")
    assert sandbox.execute("appr1", "withdrawal.approve", {"request": request_no}).ok
    # appr1's rights change to «อนุมัติ ๒» only (head asks, CGD approves), then appr1 tries the payment.
    login(sandbox, "head1")
    assert sandbox.execute("head1", "user.change_rights", {"user": "appr1", "roles": ["approver_payment"], "order_file": "order-1.pdf"}).ok
    login(sandbox, "cgd1")
    assert sandbox.execute("cgd1", "user.approve_rights_change", {"user": "appr1"}).ok
    assert sandbox.execute("appr1", "user.change_password", {"old": PASSWORD, "new": "Changed#2568"}).ok
    sandbox.advance_clock(T0 + dt.timedelta(seconds=31))  # the phone shows a new code
    r = sandbox.execute("appr1", "auth.login", {"method": "soft_token", "password": "Changed#2568", "otp": "auto"})
    assert r.ok, r.message_en
    refused = sandbox.execute("appr1", "payment.approve", {"request": request_no})
    assert refused.error == "segregation_of_duties", (refused.error, refused.message_en)
    login(sandbox, "pay1")
    assert sandbox.execute("pay1", "payment.approve", {"request": request_no}).ok


# ------------------------------------------------------------------ reset and world load: one transaction

def test_a_world_load_that_fails_half_way_leaves_the_old_world(world, monkeypatch):
    sb = world
    login(sb, "rec1")
    doc = sb.execute("rec1", "reserve.create", reserve_data("CK", 5_000, "kept", "")).data["doc_no"]
    import sandbox.world as world_module

    real = world_module.load_world

    def load_then_crash(conn, *args, **kwargs):
        real(conn, *args, **kwargs)  # every row of the new world written, then the process dies
        raise RuntimeError("killed half-way")

    patched = 0
    for module in [m for name, m in list(sys.modules.items()) if name.startswith("sandbox")]:
        for attribute, value in list(vars(module).items()):
            if value is real:  # wherever the world loader was imported, under whatever name
                monkeypatch.setattr(module, attribute, load_then_crash)
                patched += 1
    assert patched
    with pytest.raises(RuntimeError):
        sb.load_world("demo", T0 + dt.timedelta(days=1))
    monkeypatch.undo()
    assert sb.document(doc) is not None, "the reset was committed on its own: the old world is gone"
    assert sb.now == T0
