"""Issue 14 (load): what one trainee's action costs the kernel and the browser. Widgets share one
layout and style of each kind (a shared one can't be changed by one widget, nor closed with a
screen); CSS classes travel in a widget's ``comm_open``; the bar and the phone are drawn once per
action."""

from __future__ import annotations

import collections

import ipywidgets as w
import pytest
from comm import DummyComm

from sandbox.engine import Sandbox
from sandbox.ui.shared_looks import is_shared, layout, shared
from sandbox.ui.widgets import button, close_dropped, t, text_input, widget_tree


@pytest.fixture
def sent(monkeypatch):
    """The widget messages sent: ``(type, model name or changed keys)``."""
    seen: collections.Counter = collections.Counter()
    publish = DummyComm.publish_msg

    def counting(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        if msg_type == "comm_open":
            seen[("open", data["state"]["_model_name"])] += 1
        elif msg_type == "comm_msg" and data.get("method") == "update":
            seen[("update", tuple(sorted(data["state"])))] += 1
        return publish(self, msg_type, data, metadata, buffers, **keys)

    monkeypatch.setattr(DummyComm, "publish_msg", counting)
    return seen


def test_widgets_built_inside_share_one_layout_and_style_of_each_kind():
    with shared():
        a, b = w.HTML("a"), w.HTML("b")
        c = w.Button(description="c")
        d = w.HTML("d", layout=w.Layout(display="none"))  # its own, as asked
    e = w.HTML("e")  # outside: its own
    assert a.layout is b.layout is c.layout and is_shared(a.layout)
    assert a.style is b.style and is_shared(a.style) and c.style is not a.style  # a button's style is another kind
    assert not is_shared(d.layout) and not is_shared(e.layout) and not is_shared(e.style)


def test_a_shared_layout_cannot_be_changed_by_one_widget():
    with shared():
        a, b = w.HTML("a"), w.HTML("b")
        wide, also_wide = layout(width="200px"), layout(width="200px")
    with pytest.raises(AttributeError, match="shared"):
        a.layout.display = "none"
    assert b.layout.display is None
    assert wide is also_wide and is_shared(wide)
    with pytest.raises(AttributeError):
        wide.width = "10px"
    a.layout = w.Layout(display="none")  # a layout of its own: fine
    assert a.layout.display == "none" and b.layout.display is None
    assert not is_shared(layout(width="200px"))  # outside shared(): a layout of its own


def test_classes_go_in_the_comm_open(sent):
    with shared():
        button("OK", "gf-ok-btn", width="auto")
        text_input(cls="gf-box")
    assert not [k for k in sent if k[0] == "update"]  # no `_dom_classes` update after the open
    with shared():
        sent.clear()
        x = button("OK", "gf-ok-btn", width="auto")
    assert sent == {("open", "ButtonModel"): 1}  # its layout and style are the shared ones, opened before
    assert x._dom_classes == ("gf-ok-btn",)


def test_closing_a_screen_leaves_the_shared_layouts_open(app):
    app.show("sng01")
    view = app.screen("sng01")
    shared_ones = [x for x in widget_tree(app) if is_shared(x)]
    assert not shared_ones  # (widget_tree never lists them: nobody closes them)
    assert is_shared(view.out.layout)
    app.show("login")
    close_dropped([view], app)
    assert view.comm is None and view.out.layout.comm is not None
    assert app.screen("login").out.layout.comm is not None  # the live screen's


def test_one_draw_of_the_bar_and_the_phone_per_action(tmp_path, monkeypatch):
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "g.sqlite"))
    app = App(sb, scenario="sept-round-cx-basic", mode="practice")
    drawn = []
    monkeypatch.setattr(app.phone, "refresh", lambda: drawn.append(app.guide.player.position))
    for _ in range(3):
        before = app.guide.player.position
        app.guide.play_btn.click()
        assert app.guide.player.position > before
    assert len(drawn) == 3  # once per click, at its end (the command, the next step, the screen shown)
    assert "gf-now" in app.bar_info.value
    sb.close()


def test_a_click_on_a_screen_is_one_action(app, monkeypatch):
    drawn = []
    monkeypatch.setattr(app.phone, "refresh", lambda: drawn.append(1))
    app.show("login")
    view = app.screen("login")
    drawn.clear()
    view.login_btn.click()
    assert len(drawn) == 1


def test_a_line_stored_adds_its_cells_and_keeps_the_others(app, sent):
    from .test_ux_screens import general, line_numbers, sng01, store

    view = sng01(app)
    general(view)
    store(view, item="ซ่อมหลังคา", creditor="บริษัท ก")
    grid = view.lines_table.children[0]
    first = list(grid.children)
    sent.clear()
    store(view, item="ทาสี")
    assert view.lines_table.children[0] is grid and list(grid.children[:len(first)]) == first  # the same widgets
    opened = sum(v for k, v in sent.items() if k[0] == "open")
    assert 0 < opened <= 4 + len(view.lines_table.fields)  # the new line's cells, a «remove» button, nothing more
    assert line_numbers(view) == ["<span class='gf-line-no'>1</span>", "<span class='gf-line-no'>2</span>"]


def test_a_page_s_app_is_frozen_out_of_the_garbage_collector():
    import gc

    from sandbox.ui.app import settle

    gc.unfreeze()
    try:
        settle()  # open_app's last step
        assert gc.get_freeze_count() > 1000  # every module and widget made so far: not scanned again
    finally:
        gc.unfreeze()


def test_a_list_shown_again_updates_its_cells_and_closes_the_rows_gone(sent):
    from sandbox.ui.pick_table import PickTable

    with shared():
        table = PickTable(["doc", "status"], "th")
        table.show([("CX1", ["CX1", "a"]), ("CX2", ["CX2", "a"])])
        grid = table.children[0]
        cells = list(grid.children)
        table.tick(["CX1"])
        sent.clear()
        table.show([("CX1", ["CX1", "b"]), ("CX2", ["CX2", "a"])])  # a status changed
    assert not [k for k in sent if k[0] == "open"]  # the same grid, header and cells: their texts set
    assert table.children[0] is grid and list(grid.children) == cells
    assert "b" in cells[5].value and table.selected == ["CX1"]  # the tick kept
    gone = [table.boxes["CX2"], *table.cells["CX2"]]
    with shared():
        table.show([("CX1", ["CX1", "b"])])
    assert all(x.comm is None for x in gone) and len(grid.children) == 6  # CX2's widgets closed
    with shared():
        table.show([])
        empty = table.children[0]
        table.show([("CX1", ["CX1", "b"])])
        table.show([])
    assert table.children[0] is empty  # «no rows»: one widget, shown again


def test_a_date_box_and_a_mark_add_no_layout_of_their_own(sent):
    from sandbox.ui.dates import ThaiDateBox
    from sandbox.ui.widgets import ProblemMarks

    with shared():
        ThaiDateBox("th", "gf-x-date")
        marks = ProblemMarks("th")
        amount, fund = w.HTML("row"), w.HTML("row")
        form = w.VBox([marks.at("amount", amount), marks.at("fund_source", fund)])
        sent.clear()
        box = ThaiDateBox("th", "gf-y-date")
        marks.place(form)
    assert sent[("open", "LayoutModel")] == 0 and not [k for k in sent if k[0] == "update"]
    assert box._dom_classes == ("gf-y-date", "gf-date") and box.hint._dom_classes == ("gf-date-hint",)
    assert not marks.boxes and form.children == (amount, fund)  # no mark, no widget: built when first needed
    marks.show([{"field": "amount", "message_th": "ผิด"}])  # (on a click: outside ``shared()``)
    assert marks.boxes["amount"].layout.display == "" and "fund_source" not in marks.boxes
    assert form.children[0].children == (amount, marks.boxes["amount"]) and form.children[1] is fund  # after its row
    assert is_shared(form.children[0].layout) and is_shared(marks.boxes["amount"].style)
    assert "ผิด" in marks.text("amount") and marks.text("fund_source") == ""
    sent.clear()
    marks.show([{"field": "fund_source", "message_th": "ผิด"}])
    assert sent[("open", "LayoutModel")] == 0 and sent[("open", "HTMLStyleModel")] == 0 and sent[("open", "HTMLModel")] == 1
    marks.show([])
    assert marks.boxes["amount"].layout.display == "none" and is_shared(marks.boxes["amount"].layout)
    assert marks.text("amount") == ""


def test_sng01_sends_the_contract_tab_when_it_is_first_selected(app, sent):
    """A document created on the general tab (the guided step's way: its lines typed straight into
    the form) opens none of the contract tab's 70 widgets; the tab, when selected, shows them."""
    from .test_ux_screens import general, line_numbers, sng01

    view = sng01(app)
    general(view)
    view.enter_line({"item": "ซ่อมหลังคา", "creditor": "บริษัท ก", "due": "  "})
    assert not view.built("_build_contract") and view.contract.children == ()
    assert view.model.lines == [{"item": "ซ่อมหลังคา", "creditor": "บริษัท ก"}]
    view.amount.value = "-1"
    view.simulate_btn.click()
    assert not view.built("_build_contract") and "⚠" in view.marks.text("amount") and "amount" in view.marks.boxes
    sent.clear()
    view.tabs.selected_index = 1  # the trainee opens the tab: its boxes, the lines stored, the marks of the check
    assert view.built("_build_contract") and view.c_fields["item"] in view.contract.children[4].children
    assert line_numbers(view) == ["<span class='gf-line-no'>1</span>"] and sent[("open", "TextModel")] >= 6
    assert view.c_fields["due"].placeholder == view.doc_date.placeholder  # the clock's today, as in the other tab
    view.enter_line({"item": "ทาสี"})  # now typed into the boxes and stored with the button
    assert [ln["item"] for ln in view.model.lines] == ["ซ่อมหลังคา", "ทาสี"] and len(line_numbers(view)) == 2


def test_the_search_of_sng01_is_built_when_first_chosen(app):
    app.show("sng01")
    view = app.screen("sng01")
    assert not view.built("_build_search")  # a form used to create a document never sends the search's widgets
    view.fn_buttons["search"].click()
    panel = view.search_panel
    assert view.built("_build_search") and view.body.children == (panel,) and panel.comm is not None
    assert view.search_panel is panel  # built once
    app.set_lang("en")
    assert panel.start.description == t("sng_search_start", "en")  # relabelled with the screen
    app.show("login")
    close_dropped([view], app)
    assert panel.comm is None and panel.table.comm is None  # closed with its screen


def test_a_played_login_of_another_person_is_typed_on_the_login_form_shown(tmp_path, sent):
    from sandbox.ui.app import App

    sb = Sandbox(str(tmp_path / "g.sqlite"))
    app = App(sb, scenario="sept-round-cx-basic", mode="practice")
    guide = app.guide
    form = app.screen("login")
    while guide.step.actor == "rec1":  # rec1 logs in, records, logs in again, Lists
        guide.play_btn.click()
    assert guide.step.action == "auth.login" and guide.step.actor == "appr1"
    sent.clear()
    guide.play_btn.click()
    assert app.model.person == "appr1" and app.screen("login") is form  # the form went along, as when typed
    assert form.username.value == "appr1" and form.password.value == "" and sb.session_live("appr1")
    assert "login" not in app.screen_set.people["rec1"]
    assert not [k for k in sent if k == ("open", "HTMLModel")]  # no new form
    sb.close()


def test_a_round_screen_sends_its_second_tab_when_it_is_first_selected(app):
    from .test_ux_screens import saved_cx, sng01

    first = saved_cx(app, sng01(app))
    second = saved_cx(app, app.screen("sng01"))
    app.show("sng02")
    view = app.screen("sng02")
    assert not view.built("_build_carry") and view.carry.children == ()
    view.show_btn.click()
    assert {first, second} <= set(view.table.row_keys)  # no filter: both
    view.tabs.selected_index = 1  # «ข้อมูลการกันเงิน»: the document number and type boxes
    assert view.built("_build_carry") and view.f_doc in view.carry.children[0].children
    view.f_doc.value = second
    view.show_btn.click()
    assert view.table.row_keys == [second]
    app.set_lang("en")
    assert view.f_type.options[0][0] == t("group_all", "en") and view.f_doc.value == second
