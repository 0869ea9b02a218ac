"""Issue 16, the guided exercises (widget tests from Python): Practice explains a wrong attempt and
lets the trainee try again, titles say what the trainee does, hints say what to do on the screen,
Test mode gives nothing away, feedback speaks the trainee's language, and a login step sets the
method box."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sandbox.commands import COMMANDS
from sandbox.engine import Sandbox
from sandbox.i18n import catalogue
from sandbox.ui.app import App
from sandbox.ui.guided_text import hint, hint_key

from .conftest import PASSWORD, type_login

EXERCISE = "sept-round-cx-basic"
ENGINE_WORDS = re.compile(r"\w+=|\['|\$\{|expected |, got |method_|soft_token|token_key\b")
ROOT = Path(__file__).resolve().parents[1]


def _login_on_screen(app: App, person: str, method: str, password: str) -> None:
    screen = type_login(app, person, method, password)
    screen.login_btn.click()
    if screen.waiting():
        app.phone.approve.click()


def test_practice_explains_a_wrong_attempt_and_waits_for_another(guided):
    app = guided("practice")
    guide = app.guide
    assert guide.player.position == 0
    _login_on_screen(app, "rec1", "password", "wrong#1234")  # step 1: rec1 logs in with the password
    assert not app.model.last_result.ok
    assert guide.player.position == 0  # the same step waits
    feedback = guide.feedback.value
    assert "ที่ควรเป็น" in feedback and "ที่เกิดขึ้น" in feedback and "กฎที่ใช้" in feedback
    assert "ระบบปฏิเสธ" in feedback and app.model.last_result.message("th") in feedback
    assert "gf-try-again" in feedback
    assert not ENGINE_WORDS.search(re.sub("<[^>]+>", " ", feedback)), feedback
    _login_on_screen(app, "rec1", "password", PASSWORD)  # put right
    # the step passed is said above the next step, by its number (not under it: brief S7 item 4)
    assert guide.player.position == 1 and "gf-ok" in guide.previous.value and guide.feedback.value == ""
    assert guide.results == [False]  # right, but not at the first try


def test_the_score_counts_first_try_successes(guided):
    app = guided("practice")
    guide = app.guide
    _login_on_screen(app, "rec1", "password", "wrong#1234")
    _login_on_screen(app, "rec1", "password", PASSWORD)
    guide.play_all()
    assert guide.step is None
    assert guide.results[0] is False and all(guide.results[1:])
    done = guide.step_view.value
    assert f"{len(guide.results) - 1}/{len(guide.results)}" in done and "ครั้งแรก" in done


def test_test_mode_records_a_wrong_attempt_and_moves_on(guided):
    app = guided("test")
    guide = app.guide
    _login_on_screen(app, "rec1", "password", "wrong#1234")
    assert guide.player.position == 1 and guide.results == [False]
    # told that the answer is recorded (not whether it was right: that comes with the score)
    assert "gf-step-recorded" in guide.feedback.value and "✘" not in guide.feedback.value


def test_a_check_the_trainee_runs_is_no_attempt(guided):
    """«จำลองการบันทึก» on a form not yet right lists its problems on the form; it does not use up
    the create step (Practice: no missed first try; Test: the step still waits)."""
    for mode in ("practice", "test"):
        app = guided(mode)
        guide = app.guide
        _login_on_screen(app, "rec1", "password", PASSWORD)  # step 1
        assert guide.player.position == 1 and guide.step.action == "reserve.create"
        app.show("sng01")
        app.screen("sng01").simulate_btn.click()  # an empty form: refused, problems listed
        assert not app.model.last_result.ok
        assert guide.player.position == 1 and not guide.missed, mode
        app.perform(guide.step.actor, guide.step.action, guide._inputs(guide.step, "th"))
        assert guide.player.position >= 2 and guide.results[:2] == [True, True], mode


def _walk(app: App):
    """Every step's panel as the trainee sees it, the steps done on the screens."""
    guide = app.guide
    while guide.step is not None:
        yield guide.step, guide.step_view.value
        before = guide.player.position
        step = guide.step
        app.perform(step.actor, step.action, guide._inputs(step, app.model.lang))
        assert guide.player.position > before, (step.action, guide.feedback.value)


@pytest.mark.parametrize("lang", ["th", "en"])
def test_titles_and_hints_say_what_to_do_on_the_screen(guided, lang):
    app = guided("practice", lang)
    seen = []
    for step, view in _walk(app):
        text = re.sub("<[^>]+>", " ", view)
        assert "${" not in text, text
        assert not ENGINE_WORDS.search(text.replace("[not_owning_agency]", "").replace("[document_blocked]", "")), text
        title = re.search(r"gf-step-title'>(.*?)</div>", view).group(1)
        if step.action == "auth.login":
            assert ("เข้าสู่ระบบ" if lang == "th" else "logs in") in title, title  # never «List…»
        seen.append(text)
    joined = " ".join(seen)
    if lang == "th":
        assert "เลือกวิธี «Username + Password» แล้วพิมพ์รหัสผ่าน" in joined
        assert "ติ๊กเอกสาร CX00000001 ในช่องเลือก" in joined
    else:
        assert "choose «Username + password», type the password" in joined
        assert "tick CX00000001 in the select box" in joined


def test_test_mode_gives_no_answer_away(guided):
    app = guided("test")
    texts = [view for _step, view in _walk(app)]
    for view in texts:
        assert "not_owning_agency" not in view and "document_blocked" not in view
        assert "ปฏิเสธ" not in view and "คำแนะนำ" not in view
    confirm = [v for v in texts if "appr1" in v and "Confirm" in v]
    assert confirm  # the step is there, without its answer


def test_feedback_in_english_mode_is_english(guided):
    app = guided("practice", "en")
    _login_on_screen(app, "rec1", "password", "wrong#1234")
    feedback = app.guide.feedback.value
    assert "Expected" in feedback and "What happened" in feedback and "the system refused it" in feedback
    assert "ระบบ" not in feedback


def test_another_refusal_is_told_apart_from_the_expected_one(guided):
    app = guided("practice")
    guide = app.guide
    for _ in range(5):  # login, create, (check), login, List, appr1's login: up to «appr1 Confirms» (refused)
        guide.play_step()
    assert guide.step.action == "round.confirm" and guide.step.actor == "appr1"
    # appr1 tries to Confirm a document that is not on the list: the engine refuses with another rule
    result = app.sandbox.execute("appr1", "round.confirm", {"docs": ["CX99999999"]})
    guide.on_result("round.confirm", {"docs": ["CX99999999"]}, result)
    feedback = guide.feedback.value
    assert guide.step.action == "round.confirm"  # try again
    assert "ต้องยืนยันโดยส่วนราชการเจ้าของงบประมาณ" in feedback  # the refusal that should have come, by name


def test_the_login_step_sets_the_method_box(guided):
    app = guided("practice")
    guide = app.guide
    assert guide.step.input["method"] == "password"
    assert app.screen("login").method.value == "password"
    for _ in range(4):
        guide.play_step()
    assert guide.step.actor == "appr1" and guide.step.action == "auth.login"
    assert app.screen("login").method.value == "token_key"


def test_every_action_has_a_hint_template_in_both_languages():
    hints = catalogue()["ux_hints"]
    documented = set(re.findall(r"^\| `([a-z_]+\.[a-z_0-9]+)`", (ROOT / "docs" / "exercises.md").read_text("utf-8"), re.M))
    assert documented <= set(COMMANDS) | {"report.nfma60"}
    logins = [{"method": "password"}, {"method": "token_key"}, {"method": "soft_token", "otp": "auto"},
              {"method": "soft_token", "otp": "deny"}, {"method": "soft_token", "otp": "123456"}]
    for action in set(COMMANDS) | documented:
        for inputs in (logins if action == "auth.login" else [{}, {"user": "x"}]):
            key = hint_key(action, inputs)
            assert key in hints and hints[key]["th"] and hints[key]["en"], key
            assert hint(action, inputs, "th") != key


def test_no_exercise_shows_a_code_a_variable_or_a_placeholder(tmp_path):
    """Every step of every bundled exercise: title, context and hint, Thai and English, before any
    number was saved (the worst case)."""
    from sandbox.scenario import load_scenario
    from sandbox.ui import guided_text as gt

    sb = Sandbox(str(tmp_path / "people.sqlite"))
    sb.load_world("demo", "2023-09-04T09:00:00+07:00")
    people = {u["id"] for u in sb.users()}
    sb.close()
    snake = re.compile(r"\b[a-z]+_[a-z_]+\b")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        if isinstance(scenario.world, dict):
            people |= {u["id"] for u in scenario.world.get("users", [])}
        by = gt.saved_by(scenario.steps)
        for step in scenario.steps:
            if step.check is not None:
                continue
            for lang in ("th", "en"):
                inputs = gt.fill(step.input, {}, by, lang)
                title = gt.step_title(step, inputs, lang, reveal=False)
                shown = " ".join([title, gt.context_title(step, {}, by, lang, title), gt.hint(step.action, inputs, lang)])
                codes = [c for c in snake.findall(shown) if c not in people and c not in by]
                assert not codes and "${" not in shown and "{" not in shown, (path.name, lang, shown)


def test_a_clock_step_is_answered_by_the_bar_whoever_sits_there(guided):
    app = guided("practice", scenario="lapse-year-end")
    guide = app.guide
    while guide.step.action != "clock.advance":
        guide.play_step()
    at = guide.step.input["to"]
    app.set_person("rec1")  # not the trainer, maybe not logged in
    app.clock_to.value = at.isoformat() if hasattr(at, "isoformat") else str(at)
    before, scored = guide.player.position, len(guide.results)
    app.clock_btn.click()
    assert guide.player.position > before and guide.results[scored] is True
