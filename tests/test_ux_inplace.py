"""Issue 16 (and 14), the screens updated in place, driven from Python as a trainee would: a
language switch relabels the widgets and keeps the form; a switch of person sends no new widgets
for a person met before; error banners; the order of the switch list."""

from __future__ import annotations

import collections
import html
import re

import ipywidgets as w
import pytest
from comm import DummyComm

from sandbox.ui.screens.registry import SCREENS
from sandbox.ui.widgets import t, widget_tree

from .conftest import LINE, type_login
from .test_ux_screens import general, line_numbers, saved_cx, sng01, store


@pytest.fixture
def sent(monkeypatch):
    """The widget messages the kernel sends, by type (``comm_open``, ``comm_msg``, ``comm_close``)."""
    counts: collections.Counter = collections.Counter()
    publish = DummyComm.publish_msg

    def counting(self, msg_type, *args, **kwargs):
        counts[msg_type] += 1
        return publish(self, msg_type, *args, **kwargs)

    monkeypatch.setattr(DummyComm, "publish_msg", counting)
    return counts


def texts(root) -> list[str]:
    """Every text a screen draws: descriptions, placeholders, tab titles, option labels, HTML."""
    found = []
    for x in widget_tree(root):
        for key in ("description", "placeholder", "tooltip"):
            if getattr(x, key, None):
                found.append(getattr(x, key))
        if isinstance(x, (w.HTML, w.Label)) and x.value:
            found.append(x.value)
        found += [s for s in getattr(x, "titles", ()) if s]
        found += list(getattr(x, "_options_labels", ()))
    return sorted(found)


# ------------------------------------------------------------------ the language switch (item 1)

def test_a_language_switch_relabels_the_form_and_keeps_what_was_typed(app):
    view = sng01(app)
    general(view)
    view.doc_type.value = "CK"
    view.reason.value = view.reason.options[1][1]
    store(view, item="ซ่อมหลังคา", creditor="บริษัท ก")
    store(view, item="ทาสี")
    view.c_fields["item"].value = "ยังไม่จัดเก็บ"
    view.tabs.selected_index = 1
    reason, edit_btn = view.reason.value, view.lines_table.children[0]

    app.lang_btn.click()  # to English
    again = app.screen("sng01")
    assert again is view and app.area.children == (view,)
    assert view.budget_code.value == LINE["budget_code"] and view.amount.value == "250,000.00"
    assert view.doc_type.value == "CK" and view.reason.value == reason and view.tabs.selected_index == 1
    assert view.c_fields["item"].value == "ยังไม่จัดเก็บ" and line_numbers(view) == ["<span class='gf-line-no'>1</span>",
                                                                                 "<span class='gf-line-no'>2</span>"]
    assert view.fn_buttons["create"].description == t("fn_create", "en")
    assert view.tabs.titles == (t("tab_general", "en"), t("tab_contract", "en"))
    assert view.doc_type.label == t("doc_type_CK", "en") and view.reason.label == t(f"reason_{reason}", "en")
    assert view.store_btn.description == t("store_line", "en")
    grid = view.lines_table.children[0]
    assert t("uxs_line_edit", "en") in [c.description for c in grid.children if isinstance(c, w.Button)]
    assert grid is not edit_btn or True  # the lines are drawn again in English, the lines themselves kept
    assert view.model.lines and [ln.get("item") for ln in view.model.lines] == ["ซ่อมหลังคา", "ทาสี"]

    app.lang_btn.click()  # and back to Thai
    assert app.screen("sng01") is view and view.fn_buttons["create"].description == t("fn_create", "th")
    assert view.budget_code.value == LINE["budget_code"] and view.reason.value == reason


def test_a_language_switch_keeps_the_search_results(app):
    view = sng01(app)
    doc = saved_cx(app, view)
    view.fn_buttons["search"].click()
    view.search_panel.way.value = "other"
    view.search_panel.start.click()
    found = view.search_panel.table.row_keys
    assert doc in found
    view.search_panel.table.tick(found[:1])
    app.set_lang("en")
    assert app.screen("sng01") is view and view.model.function == "search"
    assert view.search_panel.table.row_keys == found and view.search_panel.table.selected == found[:1]
    heads = [c.value for c in view.search_panel.table.children[0].children[:3]]
    assert heads == [f"<b>{t('select', 'en')}</b>", f"<b>{t('doc_no', 'en')}</b>", f"<b>{t('doc_type', 'en')}</b>"]
    assert view.search_panel.way.value == "other" and view.search_panel.start.description == t("sng_search_start", "en")
    shown = " ".join(x.value for x in widget_tree(view.search_panel) if isinstance(x, w.HTML))
    assert t("cond_status", "en") in shown and t("sng_search_way", "en") in shown and t("cond_status", "th") not in shown


@pytest.mark.parametrize("key", [e.key for e in SCREENS])
def test_every_screen_relabelled_reads_as_one_built_in_that_language(app, key):
    """A screen built in Thai and switched to English shows the texts of one built in English."""
    app.show(key)
    thai = app.screen(key)
    app.set_lang("en")
    assert app.screen(key) is thai
    fresh = type(thai)(app.desk)
    fresh.refresh()
    assert texts(thai) == texts(fresh)


# ------------------------------------------------------------------ a switch of person (item 2)

def test_a_switch_of_person_opens_no_new_widgets_for_a_person_met_before(app, sent):
    people = ["rec1", "appr1", "rec_c", "cgd1"]
    for person in people:  # each person's screens are built once ...
        app.set_person(person)
        for key in ("login", "sng01", "sng02", "nfma60"):
            app.show(key)
    sent.clear()
    for person in people * 2:  # ... and 8 switches later still the same widgets
        app.set_person(person)
    assert sent["comm_open"] == 0, sent
    assert sent["comm_close"] == 0, sent
    assert sent["comm_msg"] < 8 * 40, sent


def test_a_person_met_before_finds_their_own_form_and_nobody_elses(app):
    view = sng01(app)  # rec1
    view.budget_code.value = LINE["budget_code"]
    app.person_pick.value = "appr_c"
    theirs = app.screen("sng01")
    assert theirs is not view and theirs.budget_code.value == ""
    theirs.budget_code.value = "99999"
    app.person_pick.value = "rec1"
    assert app.screen("sng01") is view and view.budget_code.value == LINE["budget_code"]
    app.person_pick.value = "appr_c"
    assert app.screen("sng01").budget_code.value == "99999"


# ------------------------------------------------------------------ error banners (item 3)

def _refused_login(app):
    screen = type_login(app, "rec1", "password", "Wrong#0000")
    screen.login_btn.click()
    result = app.model.last_result
    assert not result.ok and result.error == "bad_credentials"
    return screen.out.value, result


def test_an_error_banner_puts_the_thai_first_the_english_muted_and_the_code_as_a_tag(app):
    shown, result = _refused_login(app)
    assert "[bad_credentials]" not in shown and "[" + result.error + "]" not in shown
    main = re.search(r"<div class='gf-msg-main'>(.*?)</div>", shown).group(1)
    second = re.search(r"<div class='gf-msg-second'[^>]*>(.*?)</div>", shown).group(1)
    assert html.escape(result.message_th) in main and result.message_en not in main
    assert html.escape(result.message_en) in second
    assert "bad_credentials" not in main + second
    tag = re.search(r"<span class='gf-code-tag'[^>]*><span class='gf-code'>(.*?)</span></span>", shown)
    assert tag and tag.group(1) == "bad_credentials"
    assert shown.index("gf-msg-main") < shown.index("gf-msg-second") < shown.index("gf-code-tag")


def test_in_english_the_banner_puts_the_english_first(app):
    app.set_lang("en")
    shown, result = _refused_login(app)
    main = re.search(r"<div class='gf-msg-main'>(.*?)</div>", shown).group(1)
    second = re.search(r"<div class='gf-msg-second'[^>]*>(.*?)</div>", shown).group(1)
    assert html.escape(result.message_en) in main and html.escape(result.message_th) in second
    assert "[bad_credentials]" not in shown


def test_every_problem_of_a_form_shows_its_code_as_a_tag_not_in_the_sentence(app):
    view = sng01(app)
    view.simulate_btn.click()  # an empty form: several problems
    panel = view.check_panel.value
    assert "gf-problem" in panel and "gf-code-tag" in panel
    assert not re.search(r"\[[a-z_]+\]", panel), panel


# ------------------------------------------------------------------ the switch list (item 6)

def test_the_switch_list_is_ordered_by_organisation_then_role_then_user_name(app):
    from sandbox.domain.model import ROLES
    from sandbox.ui.widgets import named_list

    users = {u["id"]: u for u in app.sandbox.users()}
    ids = [v for _, v in app.person_pick.options]
    assert sorted(ids) == sorted(users) and len(ids) == len(users)
    keys = [(users[i]["agency"], users[i]["unit"], min(ROLES.index(r) for r in users[i]["roles"].split(",")), i) for i in ids]
    assert keys == sorted(keys)
    # the recorder comes before the approvers of the same office, the office's people together
    office = [i for i in ids if users[i]["unit"] == users["rec1"]["unit"]]
    assert ids[ids.index(office[0]):ids.index(office[-1]) + 1] == office
    assert [users[i]["roles"] for i in office][0] == "recorder"
    label = dict((v, k) for k, v in app.person_pick.options)["rec1"]
    u = users["rec1"]
    assert label.startswith(f"{u['name']} ({named_list('role_names', u['roles'], 'th')}, {u['unit_name']})")


def test_language_switches_leave_no_widgets_behind(app):
    from ipywidgets.widgets.widget import _instances

    view = sng01(app)
    app.set_lang("en")
    app.set_lang("th")
    counts = []
    for lang in ["en", "th"] * 3:
        app.set_lang(lang)
        counts.append(len(_instances))
    assert counts[-1] == counts[1] and app.screen("sng01") is view and view.comm is not None


def test_a_new_sandbox_starts_every_screen_afresh(app, tmp_path):
    """Class mode's new attempt (``attach_sandbox``): no screen keeps the last sandbox's inputs."""
    from sandbox.engine import Sandbox

    from .conftest import SCREENS_START

    view = sng01(app)
    view.budget_code.value = LINE["budget_code"]
    old, app.sandbox = app.sandbox, Sandbox(str(tmp_path / "again.sqlite"))
    app.sandbox.load_world("demo", SCREENS_START)
    app.attach_sandbox()
    app.show("sng01")
    assert app.screen("sng01") is not view and view.comm is None and app.screen("sng01").budget_code.value == ""
    app.sandbox.close()
    old.close()
