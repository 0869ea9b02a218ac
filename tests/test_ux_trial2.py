"""Issue 16, what a new-trainee trial still found (widget tests from Python): the guided panel says
what the exercise did by itself, secret boxes are emptied, a restart starts every screen afresh, a
refusal step says its rule in words, the catalogue names Practice, the phone says «logged in», a
reload keeps the panel's mode, and the phone sends nothing while its code stands."""

from __future__ import annotations

import re

import pytest

from sandbox.engine import Sandbox
from sandbox.ui.app import App

from .conftest import PASSWORD, login_on_screen, type_login

EXERCISE = "sept-round-cx-basic"


def _plain(html: str) -> str:
    return " ".join(re.sub("<[^>]+>", " ", html).split())


def _play_to(app: App, action: str, actor: str | None = None) -> None:
    guide = app.guide
    while guide.step is not None and not (guide.step.action == action and actor in (None, guide.step.actor)):
        guide.play_step()


# ------------------------------------------------------------------ 1. automatic steps are said
def test_the_panel_says_the_clock_moved_a_session_ended_and_a_check_was_settled(guided):
    app = guided("practice")
    guide = app.guide
    type_login(app, "rec1", "password").login_btn.click()  # step 1 by the trainee
    assert guide.player.position == 1 and guide.auto_note.value == ""  # nothing done for them yet
    guide.play_step()  # step 2 (the CX); step 3 is a check; step 4 happens on 5 Sep 2566 10:00
    assert guide.player.position == 3
    note = _plain(guide.auto_note.value)
    assert "แบบฝึกหัดทำให้แล้ว" in note
    assert "ระบบเลื่อนเวลาไปเป็น 5 กันยายน 2566 เวลา 10.00 น." in note
    assert "ออกจากระบบแล้ว (ผู้ใช้ rec1)" in note  # idle since 4 Sep: the session ended
    assert "ขั้นตอน 3: ระบบตรวจผลให้เอง — ยอดคงเหลือของรายการงบประมาณ: ผ่าน" in note
    assert "ขั้นตอน 2 ทำให้บนหน้าจอ" in note  # the panel's «play» did the step
    assert not app.sandbox.session_live("rec1")


def test_the_panel_says_it_switched_the_person_in_english_too(guided):
    app = guided("practice", lang="en")
    guide = app.guide
    _play_to(app, "auth.login", "appr1")
    assert app.model.person == "rec1"
    guide.play_step()  # the panel plays appr1's login: another person sits at the desk
    assert app.model.person == "appr1"
    note = _plain(guide.auto_note.value)
    assert "Switched the user to appr1" in note and "Done for you by the exercise" in note


def test_test_mode_says_a_check_was_counted_without_its_verdict(guided):
    app = guided("test")
    type_login(app, "rec1", "password").login_btn.click()
    app.perform("rec1", "reserve.create", app.guide.player.prepare(app.guide.step))
    note = _plain(app.guide.auto_note.value)
    assert "ขั้นตอน 3: ระบบตรวจผลให้เอง (นับคะแนน)" in note
    assert ": ผ่าน" not in note and "ไม่ผ่าน" not in note and "ยอดคงเหลือ" not in note  # no verdict, nothing checked named


# ------------------------------------------------------------------ 2. secret boxes are emptied
def test_password_and_code_boxes_are_empty_after_a_failed_login_and_a_logout(app):
    screen = type_login(app, "rec1", "password", password="wrong#1234")
    screen.otp.value = "123"
    screen.login_btn.click()
    assert not app.model.last_result.ok
    assert screen.password.value == "" and screen.otp.value == ""  # retyping starts from nothing
    screen.password.value = PASSWORD
    screen.login_btn.click()
    assert app.sandbox.session_live("rec1") and screen.password.value == ""
    screen.password.value = "typed#again"
    screen.logout_btn.click()
    assert not app.sandbox.session_live("rec1")
    assert screen.password.value == "" and screen.otp.value == ""


def test_a_new_login_step_starts_with_empty_secret_boxes(guided):
    app = guided("practice")
    guide = app.guide
    type_login(app, "rec1", "password").login_btn.click()  # step 1
    screen = app.screen("login")
    screen.password.value, screen.otp.value = "left#over", "999"  # typed again and never sent
    guide.play_step()  # step 2; step 3 a check; step 4: rec1 logs in again (the same login screen)
    assert guide.step.action == "auth.login" and guide.step.actor == "rec1"
    assert app.screen("login") is screen
    assert screen.password.value == "" and screen.otp.value == ""


# ------------------------------------------------------------------ 3. a restart starts afresh
def test_restart_starts_every_screen_from_the_exercises_first_state(guided):
    app = guided("practice")
    guide = app.guide
    start = app.sandbox.now
    _play_to(app, "round.confirm", "appr1")
    assert app.model.person == "appr1" and app.sandbox.now > start
    app.move_clock("no such day")  # an error banner on the bar
    assert "gf-clock-refused" in app.bar_msg.value
    old_screens = dict(app.screens)
    app.screen("sng01").out.value = "<div class='gf-err'>old answer</div>"
    guide.restart_btn.click()
    assert guide.player.position == 0 and app.sandbox.now == start
    assert app.model.person == "rec1"  # the first step's person
    assert app.bar_msg.value == "" and app.model.screen == "login"
    assert all(app.screens.get(k) is not v for k, v in old_screens.items())  # every screen built afresh
    assert "old answer" not in app.screen("sng01").out.value
    assert app.screen("login").username.value == "rec1" and app.screen("login").password.value == ""
    assert "rec1" in app.bar_info.value and "appr1" not in app.bar_info.value
    assert app.guide is guide and guide in app.side.children and app.phone in app.side.children
    assert guide.auto_note.value == "" and guide.feedback.value == ""


# ------------------------------------------------------------------ 4. a refusal step's rule in words
@pytest.mark.parametrize("lang", ["th", "en"])
def test_a_refusal_step_says_its_rule_in_words_not_its_code(guided, lang):
    app = guided("practice", lang=lang)
    _play_to(app, "round.confirm", "appr1")
    shown = _plain(app.guide.step_view.value)
    assert "not_owning_agency" not in shown and "[" not in shown.replace("[004]", "")
    words = {"th": "การยืนยัน (Confirm) ต้องทำโดยส่วนราชการเจ้าของงบประมาณ ไม่ใช่หน่วยเบิกจ่าย",
             "en": "Confirm must be done by the budget-owning agency"}[lang]
    assert words in shown and "[004]" in shown


def test_test_mode_says_nothing_of_the_refusal(guided):
    app = guided("test")
    _play_to(app, "round.confirm", "appr1")
    shown = _plain(app.guide.step_view.value)
    assert "not_owning_agency" not in shown and "เจ้าของงบประมาณ" not in shown and "ปฏิเสธ" not in shown


# ------------------------------------------------------------------ 5. the catalogue names Practice
def test_the_catalogue_names_the_three_modes_practice_first():
    from sandbox.notebooks import catalogue_notebook
    from sandbox.ui.guided import SCENARIO_DIRS

    nb = catalogue_notebook(sorted(SCENARIO_DIRS[-1].glob("*.yaml")))
    cell = next(c.source for c in nb.cells if "def table" in c.source)
    ns: dict = {}
    exec(cell.rsplit("\n", 1)[0], ns)  # the table, without showing it
    html = ns["table"]("trainee")
    row = re.search(r"<td class='gf-modes'>(.*?)</td>", html).group(1)
    links = re.findall(r"<a [^>]*mode=(\w+)'>([^<]*)</a>", row)
    assert links == [("practice", "ฝึกปฏิบัติ (Practice)"), ("demo", "สาธิต (Demo)"), ("test", "ทดสอบ (Test)")]
    assert "เริ่มที่นี่ (start here)" in row


# ------------------------------------------------------------------ 6. the phone, logged in
def test_the_phone_says_logged_in_and_asks_nothing(app):
    from sandbox.domain import auth

    screen = type_login(app, "rec1")
    screen.login_btn.click()  # a request goes to the phone ...
    assert app.phone.request_box.layout.display == "flex"
    screen.otp.value = auth.code_at(app.sandbox.user_state("rec1")["totp_secret"], app.sandbox.now)
    screen.login_btn.click()  # ... but the trainee typed the code instead
    assert app.sandbox.session_live("rec1")
    assert app.phone.request_box.layout.display == "none" and app.phone.request.value == ""
    assert "เข้าสู่ระบบแล้ว" in app.phone.body.value and "gf-phone-signed-in" in app.phone.body.value
    screen.logout_btn.click()
    assert "gf-phone-signed-in" not in app.phone.body.value


def test_the_phone_logged_in_on_the_phone_says_so(app):
    login_on_screen(app, "rec1")
    assert "gf-phone-signed-in" in app.phone.body.value and app.phone.request_box.layout.display == "none"


# ------------------------------------------------------------------ 7. a reload keeps the panel's mode
def test_a_reload_resumes_in_the_mode_the_panel_chose(tmp_path):
    sb = Sandbox(str(tmp_path / "mode.sqlite"))
    first = App(sb, scenario=EXERCISE, mode="practice")  # the catalogue's «ฝึกปฏิบัติ»
    first.guide.play_step()
    first.guide.mode_pick.value = "test"  # changed in the panel
    again = App(sb, scenario=EXERCISE, mode="practice")  # the same address, reloaded
    assert again.guide.mode == "test" and again.guide.mode_pick.value == "test"
    assert again.guide.player.position == 1  # the run goes on
    demo = App(sb, scenario=EXERCISE, mode="demo")  # another mode's link: a new run in that mode
    assert demo.guide.mode == "demo" and demo.guide.player.position == 0
    sb.close()


# ------------------------------------------------------------------ 8. widget messages of an idle page
def count_messages(app: App, minutes: int = 1, beat: float = 5.0) -> int:
    """Widget messages the kernel sends over ``minutes`` of an idle page: the page's beat counts
    every ``beat`` seconds (the message a browser sends, answered as the kernel answers it), the
    running clock on a simulated real time."""
    from sandbox.ui.clock import start_ticking

    start_ticking(app, beat)
    real = [1_700_000_000.0]
    app.clock.real = lambda: real[0]
    app.clock.mark()
    app.refresh_bar()
    sent = []
    kind = type(app.phone.body.comm)  # the kernel's comm, or comm's DummyComm outside a kernel
    publish = kind.publish_msg

    def counting(self, msg_type, *args, **kwargs):
        if msg_type == "comm_msg":
            sent.append(self.comm_id)
        return publish(self, msg_type, *args, **kwargs)

    kind.publish_msg = counting
    try:
        for n in range(1, int(minutes * 60 / beat) + 1):
            real[0] += beat
            app.ticker._handle_msg({"content": {"data": {"method": "update", "state": {"value": n}, "buffer_paths": []}},
                                    "buffers": []})
    finally:
        kind.publish_msg = publish
    return len(sent)


def test_an_idle_logged_in_page_sends_the_phone_only_when_its_code_changes(tmp_path):
    from .conftest import SCREENS_START

    sb = Sandbox(str(tmp_path / "idle.sqlite"))
    sb.load_world("demo", SCREENS_START)
    app = App(sb, running=True)
    login_on_screen(app, "rec1")
    per_minute = count_messages(app, minutes=2) / 2
    print(f"widget messages per minute, idle logged-in page: {per_minute}")
    # the code changes twice a minute (phone) and the minute once (the bar's time and the clock box)
    assert per_minute <= 6, per_minute
    assert app.ticker.value == 24  # the beat did run
    assert "data:image/gif;base64," in app.phone.body.value and "gf-phone-still" not in app.phone.body.value
    sb.close()
