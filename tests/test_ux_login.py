"""Issue 16, login and the phone (widget tests from Python): a Soft Token login waits for the
phone, the phone shows only its own person's QR code, the clock bar is not a person's action, and
a new user learns where credentials come from."""

from __future__ import annotations

from .conftest import PASSWORD
from .conftest import type_login as _type_login


def test_an_empty_code_box_sends_a_request_and_does_not_approve_it(app):
    sb = app.sandbox
    screen = _type_login(app, "rec1")
    assert app.phone.request_box.layout.display == "none"  # nothing asked yet: no request on the phone
    screen.login_btn.click()
    assert not sb.session_live("rec1")  # «เข้าสู่ระบบ» alone is no approval
    assert "gf-login-waiting" in screen.out.value
    assert app.phone.request_box.layout.display == "flex"
    assert "gf-phone-pending" in app.phone.request.value
    app.phone.approve.click()
    assert sb.session_live("rec1") and app.model.last_result.ok
    assert app.phone.request_box.layout.display == "none"  # answered: the request is gone


def test_deny_on_the_phone_refuses_the_login(app):
    sb = app.sandbox
    screen = _type_login(app, "rec1")
    screen.login_btn.click()
    app.phone.deny.click()
    assert not sb.session_live("rec1")
    assert app.model.last_result.error == "bad_otp"
    assert "gf-login-denied" in screen.out.value and "ปฏิเสธ" in screen.out.value
    assert app.phone.request_box.layout.display == "none"


def test_the_phone_approves_nothing_without_a_request(app):
    sb = app.sandbox
    _type_login(app, "rec1")
    app.phone.press("auto")  # the phone's button while nothing waits (as a stale page could send)
    assert not sb.session_live("rec1")
    assert not [a for a in sb.audit() if a.get("action") == "auth.login"]


def test_a_typed_code_logs_in_at_once(app):
    from sandbox.domain import auth

    sb = app.sandbox
    screen = _type_login(app, "rec1")
    screen.otp.value = auth.code_at(sb.user_state("rec1")["totp_secret"], sb.now)
    screen.login_btn.click()
    assert sb.session_live("rec1")


def test_a_password_login_needs_no_phone(app):
    screen = _type_login(app, "rec1", "password")
    screen.login_btn.click()
    assert app.sandbox.session_live("rec1") and app.model.last_result.data["method"] == "password"


def test_a_request_is_the_persons_own(app):
    screen = _type_login(app, "rec1")
    screen.login_btn.click()
    app.set_person("rec_c")
    assert app.phone.request_box.layout.display == "none"  # rec_c's phone has no request of rec1's
    app.phone.press("auto")
    assert not app.sandbox.session_live("rec_c") and not app.sandbox.session_live("rec1")


def test_the_scenario_driver_still_logs_in_through_the_phone(app):
    result = app.perform("rec1", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"})
    assert result.ok and app.sandbox.session_live("rec1")
    result = app.perform("rec_c", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "deny"})
    assert result.error == "bad_otp" and not app.sandbox.session_live("rec_c")


def test_a_phone_without_nexus_shows_no_qr_code(app):
    app.set_person("rec1")
    assert "<svg" in app.phone.qr.value
    app.set_person("pw_rec")  # has not installed Nexus Smart ID
    assert app.phone.qr.value == "" and "<svg" not in app.phone.body.value
    app.set_person("newbie")
    assert app.phone.qr.value == ""


def test_the_clock_bar_moves_for_someone_not_logged_in_and_says_the_time(app):
    sb = app.sandbox
    app.set_person("rec1")
    assert not sb.session_live("rec1")
    app.clock_to.value = "2023-09-06T10:00"
    app.clock_btn.click()
    assert sb.now.isoformat().startswith("2023-09-06T10:00")
    assert "gf-clock-moved" in app.bar_msg.value and "2566" in app.bar_msg.value  # Buddhist era
    assert "color:#1b1b1b" in app.bar_msg.value


def test_the_clock_bar_refusal_is_readable(app):
    app.set_person("rec1")
    app.clock_to.value = "2023-01-01T10:00"  # backwards
    app.clock_btn.click()
    banner = app.bar_msg.value
    assert "gf-clock-refused" in banner and "color:#1b1b1b" in banner
    assert app.sandbox.now.isoformat().startswith("2023-09-04")
    assert "ยังไม่เข้าสู่ระบบ" not in banner


def test_a_logged_in_trainer_moves_the_clock_as_the_action(app):
    from .conftest import login_on_screen

    login_on_screen(app, "trainer")
    app.clock_to.value = "2023-09-07T09:00"
    app.clock_btn.click()
    assert app.model.last_result.action == "clock.advance" and app.model.last_result.actor == "trainer"
    assert [a for a in app.sandbox.audit() if a.get("action") == "clock.advance"]


def test_a_new_user_learns_who_issues_credentials(app):
    app.set_person("newbie")
    app.show("enrol")
    screen = app.screen("enrol")
    screen.request_btn.click()
    assert "gf-new-user-credentials" in screen.out.value
    assert "กรมบัญชีกลาง" in screen.out.value and "สำนักงานคลังจังหวัด" in screen.out.value
    assert "[000]" in screen.out.value and "1.2" in screen.out.value
    assert "ยังไม่เข้าสู่ระบบ" not in screen.out.value and "ยังไม่ได้เข้าสู่ระบบ" not in screen.out.value


def test_the_phone_note_shows_only_for_soft_token(app):
    screen = _type_login(app, "rec1", "password")
    assert screen.wait_note.layout.display == "none"
    screen.method.value = "soft_token"
    assert screen.wait_note.layout.display != "none"


def test_in_an_exercise_the_bar_stops_at_the_next_steps_time(tmp_path):
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "exercise.sqlite"))
    app = App(sb, scenario="sept-round-cx-basic", mode="practice")  # step 4 happens at 2023-09-05 10:00
    app.clock_to.value = "2023-09-20T10:00"
    app.clock_btn.click()
    assert sb.now.isoformat().startswith("2023-09-04") and "gf-clock-refused" in app.bar_msg.value
    app.clock_to.value = "2023-09-04T15:00"
    app.clock_btn.click()
    assert sb.now.isoformat().startswith("2023-09-04T15:00")
    sb.close()
