"""Brief S7, what the second new-trainee trial left, driven from Python as a person would
(``.value``, ``.click()``): the trainer's clock box and «updated» time in the Buddhist era, result
banners that follow a language switch, «จำลองการยกเลิก» that says why a document cannot be
cancelled, the guided panel's «✔» said above the next step (not under it), the switch list's
tooltip and the contract table's headers kept whole."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from sandbox.calendar import BANGKOK, format_moment
from sandbox.ui.widgets import t

from .conftest import PASSWORD, login, type_login
from .test_class_serve import klass  # noqa: F401  (the class fixture)
from .test_screen_rules import cancel_check
from .test_ux_screens import general, saved_cx, sng01, store

BE_MOMENT = re.compile(r"^\d{2}/\d{2}/25\d{2} \d{2}:\d{2}$")


# ------------------------------------------------------------------ 1. the trainer's page

def _trainer(room):
    from sandbox.classroom.classroom import Identity
    from sandbox.ui.trainer import TrainerPage

    return TrainerPage(room, Identity("c1", "trainer", "TRAINER"))


def test_the_trainers_clock_box_is_buddhist_era_and_takes_what_the_apps_boxes_take(klass):  # noqa: F811
    room, _info = klass
    page = _trainer(room)
    example = page.clock_to.placeholder
    assert BE_MOMENT.match(example), example  # e.g. 01/09/2568 09:00, never 2024-03-29T16:31
    start = dt.datetime.fromisoformat(room.get_class("c1").start).astimezone(BANGKOK)
    assert example == f"{start.day:02d}/{start.month:02d}/{start.year + 543} {start.hour:02d}:{start.minute:02d}"

    page.clock_to.value = "29/03/2570 16:31"  # as the app's clock box takes it
    page.move_clock(page.clock_to.value, False)
    assert room.get_class("c1").clock.startswith("2027-03-29T16:31"), page.message.value
    assert "gf-ok" in page.message.value and "29 มีนาคม 2570" in page.message.value
    assert page.clock_to.placeholder == "29/03/2570 16:31"  # the class clock now

    page.move_clock("๓๐/๐๓/๒๕๗๐ ๐๙:๐๐")  # Thai digits too
    assert room.get_class("c1").clock.startswith("2027-03-30T09:00")
    page.move_clock("2027-03-31T10:15")  # and ISO still
    assert room.get_class("c1").clock.startswith("2027-03-31T10:15")

    page.move_clock("31/13/2570 10:00")  # unreadable: what to type, in the Buddhist era
    assert "gf-trainer-clock-bad" in page.message.value and "29/03/2567 16:31" in page.message.value
    assert "2024-03-29T16:31" not in page.message.value
    assert room.get_class("c1").clock.startswith("2027-03-31T10:15")  # unchanged

    page.move_clock("01/01/2500 10:00")  # out of the class's range: said in the Buddhist era
    shown = re.sub("<[^>]+>", "", page.message.value)
    assert "gf-err" in page.message.value and not re.search(r"\d{4}-\d{2}-\d{2}T", shown), shown
    assert str(start.year + 543) in shown


def test_the_trainers_page_says_when_it_was_updated_with_the_date_in_thai_time(klass):  # noqa: F811
    room, _info = klass
    page = _trainer(room)
    before = dt.datetime.now(BANGKOK)
    page.refresh()
    after = dt.datetime.now(BANGKOK)
    shown = html.unescape(page.updated.value)
    assert t("cls_refreshed", "th") in shown
    assert any(format_moment(m, "th") in shown for m in (before, after)), shown  # «2 ธันวาคม 2569 เวลา 09.31 น.»
    page.set_lang("en")
    shown = html.unescape(page.updated.value)
    assert any(format_moment(m, "en") in shown for m in (before, dt.datetime.now(BANGKOK))), shown
    assert " BE, " in shown


# ------------------------------------------------------------------ 2. banners follow a language switch

def _main(banner: str) -> str:
    return re.search(r"<div class='gf-msg-main'>(.*?)</div>", banner).group(1)


def test_a_refusal_banner_follows_the_language_switch_and_back(app):
    screen = type_login(app, "rec1", "password", "Wrong#0000")
    screen.login_btn.click()
    result = app.model.last_result
    assert not result.ok and html.escape(result.message_th) in _main(screen.out.value)
    app.lang_btn.click()  # English
    assert app.screen("login") is screen
    assert html.escape(result.message_en) in _main(screen.out.value), screen.out.value
    assert t("error_title", "en") in screen.out.value
    app.lang_btn.click()  # Thai again
    assert html.escape(result.message_th) in _main(screen.out.value)


def test_a_success_banner_and_the_form_check_follow_the_language_switch(app):
    view = sng01(app)
    view.simulate_btn.click()  # an empty form: every problem listed in the check panel
    problems = app.model.last_result.data["problems"]
    first = problems[0]
    assert html.escape(first["message_th"]) in view.check_panel.value
    app.set_lang("en")
    assert html.escape(first["message_en"]) in view.check_panel.value, view.check_panel.value
    assert html.escape(first["message_th"]) not in view.check_panel.value
    app.set_lang("th")
    doc = saved_cx(app, view)  # saved: «บันทึกเอกสารแล้ว เลขที่ …»
    assert doc in view.check_panel.value and html.escape(t("doc_saved", "th")) in view.check_panel.value
    app.set_lang("en")
    assert doc in view.check_panel.value and html.escape(t("doc_saved", "en")) in view.check_panel.value

    app.set_lang("th")  # a round step's answer: what happened to which documents
    app.show("sng02")
    listing = app.screen("sng02")
    listing.show_btn.click()
    listing.table.tick([doc])
    listing.save()
    assert app.model.last_result.ok and html.escape(t("after_list", "th")) in listing.out.value
    app.set_lang("en")
    assert html.escape(t("after_list", "en")) in listing.out.value and doc in listing.out.value


def test_the_document_chosen_in_the_search_follows_the_switch(app):
    view = sng01(app)
    doc = saved_cx(app, view)
    view.fn_buttons["search"].click()
    panel = view.search_panel
    panel.doc.value = doc
    panel.start.click()
    panel.table.tick([doc])
    panel.pick.click()
    assert html.escape(t("sng_doc_selected", "th")) in panel.found.value and doc in panel.found.value
    app.set_lang("en")
    assert html.escape(t("sng_doc_selected", "en")) in panel.found.value and t("doc_no", "en") in panel.found.value


def test_a_login_success_with_its_ok_text_follows_the_switch(app):
    screen = type_login(app, "rec1", "password", PASSWORD)
    screen.login_btn.click()
    assert app.model.last_result.ok and html.escape(t("login_ok", "th")) in screen.out.value
    app.set_lang("en")
    assert html.escape(t("login_ok", "en")) in screen.out.value and t("success_title", "en") in screen.out.value


# ------------------------------------------------------------------ 3. «จำลองการยกเลิก» says why not

@pytest.mark.parametrize("case", ["listed", "cancelled", "other_unit", "not_found"])
def test_simulate_cancel_gives_the_rule_the_cancel_would_give_and_stores_nothing(app, case):
    view = sng01(app)  # rec1, logged in
    doc, actor = saved_cx(app, view), "rec1"
    sb = app.sandbox
    if case == "listed":
        assert sb.execute("rec1", "round.list", {"docs": [doc]}).ok
    elif case == "cancelled":
        assert sb.execute("rec1", "reserve.cancel", {"doc": doc, "reason": "ไม่ใช้แล้ว"}).ok
    elif case == "other_unit":  # the central unit's recorder checks rec1's document
        login(sb, "rec_c")
        app.set_person("rec_c")
        actor = "rec_c"
    else:
        doc = "CX99999999"
    before = (sb.document(doc), len(sb.audit()))
    screen = cancel_check(app, doc)
    shown = screen.x_view.value
    assert before == (sb.document(doc), len(sb.audit()))  # nothing stored, not even an audit line
    assert t("check_ok", "th") not in shown and "gf-refusal" in shown
    # the very words of the refusal the cancel itself gives (the engine's, asked afterwards)
    real = sb.execute(actor, "reserve.cancel", {"doc": doc, "reason": "ทดสอบ"})
    assert not real.ok
    assert html.escape(real.message_th) in _main(shown), (real.message_th, shown)
    assert html.escape(real.message_en) in shown and real.error in shown
    app.set_lang("en")  # and the check follows a language switch
    assert html.escape(real.message_en) in _main(screen.x_view.value)


def test_simulate_cancel_of_a_document_that_may_be_cancelled_says_no_errors(app):
    view = sng01(app)
    doc = saved_cx(app, view)
    audit = len(app.sandbox.audit())
    screen = cancel_check(app, doc)
    assert t("check_ok", "th") in screen.x_view.value and doc in screen.x_view.value
    assert len(app.sandbox.audit()) == audit and app.sandbox.document(doc)["closed"] in ("", None)


# ------------------------------------------------------------------ 4. the guided panel's «✔»

def _login(app, person: str = "rec1") -> None:
    screen = type_login(app, person, "password", PASSWORD)
    screen.login_btn.click()


def test_the_step_passed_is_said_above_the_next_step_not_under_it(guided):
    app = guided("practice")
    guide = app.guide
    assert guide.previous.value == "" and guide.feedback.value == ""
    _login(app)  # step 1 right
    assert guide.player.position == 1
    assert guide.feedback.value == ""  # nothing under step 2 that is not about step 2
    assert "✔" in guide.previous.value and t("ux7_step_passed", "th").format(step=1) in guide.previous.value
    children = list(guide.children)
    assert children.index(guide.previous) < children.index(guide.step_view) < children.index(guide.feedback)
    app.set_lang("en")  # the panel rebuilt in English says it in English
    assert t("ux7_step_passed", "en").format(step=1) in app.guide.previous.value
    app.set_lang("th")
    guide.play_step()  # step 2, played: the note is about step 2 now
    assert guide.player.position >= 2 and t("ux7_step_passed", "th").format(step=2) in guide.previous.value
    assert "ขั้นตอน 1:" not in guide.previous.value and guide.feedback.value == ""


def test_a_wrong_try_is_explained_under_its_step_and_in_the_new_language_after_a_switch(guided):
    app = guided("practice")
    guide = app.guide
    screen = type_login(app, "rec1", "password", "wrong#1234")
    screen.login_btn.click()
    assert guide.player.position == 0 and "gf-try-again" in guide.feedback.value and guide.previous.value == ""
    app.set_lang("en")
    assert "What happened" in app.guide.feedback.value and "gf-try-again" in app.guide.feedback.value


def test_what_the_exercise_did_by_itself_is_said_again_in_the_new_language(guided):
    app = guided("practice")
    app.guide.play_step()  # step 1 played on the screens by the exercise
    thai = app.guide.auto_note.value
    assert t("uxd_auto_title", "th") in thai and "ขั้นตอน 1" in thai
    app.set_lang("en")
    english = app.guide.auto_note.value
    assert t("uxd_auto_title", "en") in english and "Step 1 was done on the screens" in english
    assert "ขั้นตอน" not in english
    app.set_lang("th")
    assert app.guide.auto_note.value == thai


def test_restart_clears_the_note_of_the_step_passed(guided):
    app = guided("practice")
    _login(app)
    assert app.guide.previous.value
    app.guide.restart()
    assert app.guide.previous.value == "" and app.guide.feedback.value == ""


# ------------------------------------------------------------------ 6. the switch list and the contract table

def test_the_switch_list_tooltip_is_the_chosen_persons_whole_entry(app):
    pick = app.person_pick
    assert pick.tooltip == pick.label and pick.value in pick.tooltip
    longest = max(pick.options, key=lambda o: len(o[0]))
    pick.value = longest[1]
    assert app.person_pick.tooltip == longest[0]
    assert pick.layout.width == "auto" and pick.layout.flex == "1 1 auto"  # as wide as the bar leaves it


def test_the_contract_table_headers_keep_their_words_whole(app):
    view = sng01(app)
    general(view)
    store(view, item="ปรับปรุงห้องเรียนอาคารเรียนหลังที่ 3", creditor="ห้างหุ้นส่วนจำกัด ล้านนาช่าง")
    grid = view.lines_table.children[0]
    heads = [c.value for c in grid.children[:9]]
    assert all("gf-line-head" in h for h in heads), heads
    assert t("creditor", "th") in " ".join(heads)
