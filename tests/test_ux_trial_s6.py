"""Second trial (brief S6-trial): what a new trainee met on the screens (texts, the login form)."""
import datetime as dt

import pytest

from sandbox.domain.reserve import check_contracts
from sandbox.errors import Refusal, message
from sandbox.i18n import text

from .conftest import login_on_screen


def test_missing_contract_names_the_tab_as_the_screen_labels_it_in_each_language():
    with pytest.raises(Refusal) as caught:
        check_contracts("CX", "CX05", "government", [])
    for lang in ("th", "en"):
        assert f"«{text('labels', 'tab_contract', lang)}»" in message(caught.value, lang)
    assert "ข้อมูลสัญญา" not in message(caught.value, "en")


def test_the_login_form_does_not_say_logged_in_once_the_session_is_over(app):
    login_on_screen(app, "rec1")
    form = app.screen("login")
    assert form.out.value  # «สำเร็จ เข้าสู่ระบบแล้ว»
    app.show("login")
    assert form.out.value  # still logged in: the message stays
    app.clock_to.value = (app.now + dt.timedelta(days=1)).isoformat()
    app.clock_btn.click()  # a day later: logged out by the clock
    assert not app.sandbox.session_live("rec1")
    app.show("login")
    assert form.out.value == ""
    form.logout_btn.click()  # a logout's own message is kept
    app.show("login")
    assert form.out.value


def test_a_reason_left_blank_is_said_to_be_unchosen_not_a_dash():
    from sandbox.domain.reserve import check_reason

    with pytest.raises(Refusal) as caught:
        check_reason("CX", "", "government")
    assert caught.value.code == "reason_type_mismatch"
    assert "(ยังไม่ได้เลือก)" in message(caught.value, "th") and "CX01" in message(caught.value, "th")
    assert message(caught.value, "en").startswith("Reason (none chosen) ")
    assert " - " not in message(caught.value, "th")


def test_a_finished_test_does_not_say_go_on_with_the_next_step(tmp_path):
    from sandbox.engine import Sandbox
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "test-mode.sqlite"))
    try:
        app = App(sb, lang="th", scenario="sept-round-cx-basic", mode="test")
        guide = app.guide
        for _ in range(40):
            if guide.step is None:
                break
            guide.play_step()
        assert guide.step is None and "gf-score" in guide.step_view.value
        assert "gf-step-recorded" not in guide.feedback.value
    finally:
        sb.close()


def test_every_box_a_person_types_in_sends_its_value_when_left_not_key_by_key(app):
    """Second trial: a password typed key by key and sent at once was refused — the last keys
    were held back in the browser behind the first, the click was not. Every text and password
    box of every screen (and the bar's clock box) sends its value once, as the person leaves it."""
    import ipywidgets as w

    from sandbox.ui.screens.registry import SCREENS
    from sandbox.ui.widgets import widget_tree

    for entry in SCREENS:
        app.show(entry.key)
    boxes = [x for x in widget_tree(app) if isinstance(x, (w.Text, w.Password, w.Textarea))]
    for screen in app.screens.values():
        boxes += [x for x in widget_tree(screen) if isinstance(x, (w.Text, w.Password, w.Textarea))]
    assert len(boxes) > 20 and any(isinstance(x, w.Password) for x in boxes)
    live = sorted({" ".join(x._dom_classes) or type(x).__name__ for x in boxes if x.continuous_update})
    assert not live, live
