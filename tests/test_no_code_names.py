"""No code names on Thai screens (issue 15, item 11): roles, login methods, credentials, Soft Token
states, withdrawal statuses and actions appear by their Thai names. A set of refusals is played
and every screen of the app is read as a trainee sees it (labels, buttons, options, HTML); no
``snake_case`` code and no ``a.b`` action name may be left in the text. The error code a refusal
shows for the exercises («[not_authorized]», class ``gf-code``) is a reference, not a name, and is
left out of the reading."""

from __future__ import annotations

import html
import re

import ipywidgets as w
import pytest

from sandbox.commands import COMMANDS
from sandbox.domain.model import ROLES
from sandbox.engine import Sandbox
from sandbox.errors import Refusal, Text, message
from sandbox.i18n import catalogue
from sandbox.ui.app import App
from sandbox.ui.screens.registry import BY_KEY

from .conftest import PASSWORD, login_on_screen, reserve_data

SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ACTION = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in sorted(COMMANDS, key=len, reverse=True)) + r")\b")
CODE_SPAN = re.compile(r"<span class='gf-code'>.*?</span>")
TAG = re.compile(r"<[^>]+>")


def visible_text(widget: w.Widget) -> str:
    """What a trainee reads on a widget tree: HTML without tags, labels, buttons, options, tabs."""
    parts: list[str] = []

    def walk(x: w.Widget) -> None:
        if isinstance(x, (w.HTML, w.HTMLMath)):
            parts.append(html.unescape(TAG.sub(" ", CODE_SPAN.sub(" ", x.value))))
        elif isinstance(x, w.Label):
            parts.append(x.value)
        if isinstance(x, (w.Button, w.Checkbox)):
            parts.append(x.description)
        if hasattr(x, "_options_labels"):
            parts.extend(x._options_labels)
        if isinstance(x, w.Tab):
            parts.extend(t or "" for t in x.titles)
        if isinstance(x, w.Text):
            parts.append(x.placeholder)
        for child in getattr(x, "children", ()) or ():
            walk(child)

    walk(widget)
    return "\n".join(parts)


def codes_in(text: str, people: set[str]) -> list[str]:
    found = [m for m in SNAKE.findall(text) if m not in people]
    return found + ACTION.findall(text)


login = login_on_screen


def refused(app: App, actor: str, action: str, data: dict):
    """``actor`` logs in with Soft Token, then asks for ``action``."""
    assert app.perform(actor, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"}).ok
    return app.sandbox.execute(actor, action, data)


REFUSED = [  # (actor, action, inputs): refusals whose message names an action and roles
    ("rec1", "round.confirm", {"docs": ["CX00000001"]}),
    ("appr1", "reserve.create", None),
    ("rec1", "round.approve", {"docs": ["CX00000001"]}),
    ("rec1", "clock.advance", {"to": "2023-09-05T09:00:00+07:00"}),
    ("rec1", "user.change_rights", {"user": "pw_rec", "roles": ["recorder"], "order_file": "x.pdf"}),
    ("rec1", "softtoken.report_lost", {"user": "appr1"}),
    ("rec1", "user.issue_credentials", {"user": "newbie"}),
    ("rec1", "withdrawal.approve", {"request": "W1"}),
]


@pytest.mark.parametrize(("actor", "action", "inputs"), REFUSED)
def test_a_refusal_names_the_action_and_the_roles_in_thai(app, actor, action, inputs):
    data = reserve_data("CK", 1000, "t", "") if inputs is None else inputs
    result = refused(app, actor, action, data)
    assert (result.ok, result.error) == (False, "not_authorized")
    assert codes_in(result.message_th, set()) == [], result.message_th
    assert catalogue()["action_names"][action]["th"] in result.message_th
    # English names the same things in English words, never the codes either
    assert codes_in(result.message_en, set()) == [], result.message_en


def test_the_confirm_refusal_reads_as_the_manual_and_letter_name_them(app):
    result = refused(app, "rec1", "round.confirm", {"docs": ["CX00000001"]})
    assert "ยืนยัน (Confirm) อพ.01 ต้องมีสิทธิ ผู้อนุมัติเบิกเงิน (อนุมัติ ๑)" in result.message_th
    assert "round.confirm" not in result.message_th and "approver_withdrawal" not in result.message_th
    assert "Confirm (อพ.01) needs role withdrawal approver (อนุมัติ ๑)" in result.message_en


def test_two_roles_are_named_as_alternatives(app):
    result = refused(app, "rec1", "user.issue_credentials", {"user": "newbie"})
    assert "เจ้าหน้าที่กรมบัญชีกลาง หรือ เจ้าหน้าที่สำนักงานคลังจังหวัด" in result.message_th


def test_a_withdrawal_status_is_named():
    text = message(Refusal("wrong_request_status", "request", request="WD0001", status="requested"), "th")
    assert "รออนุมัติเบิกเงิน (อนุมัติ ๑)" in text and "requested" not in text
    text_en = message(Refusal("wrong_request_status", "request", request="WD0001", status="requested"), "en")
    assert "awaiting withdrawal approval" in text_en


def test_an_unknown_code_is_shown_as_typed():
    """A name the catalogue lacks (a trainee's typo) stays as typed: nothing invents a name."""
    text = message(Refusal("not_authorized", "actor", detail=Text("needs_role", action="x.y", roles="nobody")), "th")
    assert "x.y" in text and "nobody" in text


def test_every_role_and_action_has_a_thai_and_an_english_name():
    names = catalogue()
    assert set(ROLES) <= set(names["role_names"])
    assert set(COMMANDS) <= set(names["action_names"])
    assert set(names["errors"]) <= set(names["error_names"]), "every refusal code has a short name"
    for section in ("role_names", "action_names", "method_names", "credential_names", "token_states", "request_statuses"):
        for code, entry in names[section].items():
            assert entry["th"] and entry["en"], (section, code)
            assert not codes_in(entry["th"], set()), (section, code)


@pytest.mark.parametrize("person", ["rec1", "appr1", "head1", "cgd1", "trainer"])
def test_no_screen_shows_a_code_name_in_thai(app, person):
    people = {u["id"] for u in app.sandbox.users()}
    login(app, person)
    # a refusal on the screen, as a trainee meets it
    app.show("sng01")
    sng01 = app.screen("sng01")
    sng01.set_function("cancel")
    sng01.x_doc.value = "CX00000001"
    sng01.x_reason.value = "x"
    sng01.x_save.click()
    assert app.model.last_result is not None and not app.model.last_result.ok
    assert "gf-err" in sng01.out.value
    for key in BY_KEY:
        app.show(key)
        screen = app.screen(key)
        text = visible_text(screen)
        assert codes_in(text, people) == [], (key, codes_in(text, people))
    # the whole app: menu, person picker, sandbox bar, the refusal still on the สง.01 screen
    found = codes_in(visible_text(app), people)
    assert found == [], found


def test_the_enrolment_checklist_names_credentials_apps_and_token_states(app):
    login(app, "rec1")
    app.set_person("newbie")
    app.show("enrol")
    text = visible_text(app.screen("enrol"))
    assert "ยังไม่มีรหัสผู้ใช้งาน" in text and "ยังไม่ได้ลงทะเบียน" in text
    assert "none" not in text.split()


def test_english_screens_use_english_names(app):
    login(app, "rec1")
    app.set_lang("en")
    result = app.sandbox.execute("rec1", "round.confirm", {"docs": ["CX00000001"]})
    assert "withdrawal approver" in result.message_en
    app.show("rights")
    labels = app.screen("rights").roles._options_labels
    assert "withdrawal approver (อนุมัติ ๑)" in labels and "approver_withdrawal" not in labels


def test_the_guided_hint_names_fields_roles_and_the_expected_refusal(tmp_path):
    sandbox = Sandbox(str(tmp_path / "guided.sqlite"))
    app = App(sandbox, scenario="users-segregation-of-duties", mode="practice")
    people = {u["id"] for u in sandbox.users()}
    first = app.guide.step_view.value
    assert "«Soft Token (Nexus Smart ID)»" in first and "method=" not in first  # what to pick on the screen
    app.guide.play_step()  # head1 logs in; the next step gives appr1 both approver roles
    view = app.guide.step_view.value
    assert "ผู้อนุมัติเบิกเงิน (อนุมัติ ๑), ผู้อนุมัติจ่ายเงิน (อนุมัติ ๒)" in view
    assert "อนุมัติ ๑ และอนุมัติ ๒ เป็นบุคคลเดียวกันมิได้" in view
    assert codes_in(visible_text(app.guide), people) == []
    app.guide.play_step()  # refused as expected; the panel says so in Thai
    assert codes_in(visible_text(app.guide), people) == []
    sandbox.close()
