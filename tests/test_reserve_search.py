"""Form สง.01's «ค้นหา» as CGD's manual draws it (issue 15, item 8), driven from Python as a
trainee would (``.value``, ``.click()``): the two ways of searching, «เริ่มค้นหา», the «เลือก»
column, then «แก้ไขเอกสาร» / «ยกเลิกเอกสาร» on the chosen document; editing has its
«จำลองการแก้ไข» step before «บันทึกข้อมูล» as creating has «จำลองการบันทึก»."""

from __future__ import annotations

import ipywidgets as w
import pytest

from sandbox.engine import Sandbox
from sandbox.ui.app import App

from .conftest import PASSWORD, reserve_data


@pytest.fixture
def app(tmp_path):
    sandbox = Sandbox(str(tmp_path / "search.sqlite"))
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    app = App(sandbox)
    app.set_person("rec1")
    app.show("login")
    login = app.screen("login")
    login.password.value = PASSWORD
    login.method.value = "soft_token"
    login.login_btn.click()
    app.phone.approve.click()  # approve the request in Nexus Smart ID
    assert app.model.last_result.ok
    yield app
    sandbox.close()


def create(app: App, kind: str, amount: int, text: str) -> str:
    result = app.sandbox.execute("rec1", "reserve.create", reserve_data(kind, amount, text, "ครุภัณฑ์"))
    assert result.ok, result.message_en
    return result.data["doc_no"]


def shown(widget: w.Widget) -> list[w.Widget]:
    """Every widget under ``widget`` as it is laid out now."""
    out = [widget]
    for child in getattr(widget, "children", ()) or ():
        out += shown(child)
    return out


def search_screen(app: App):
    app.show("sng01")
    screen = app.screen("sng01")
    screen.fn_buttons["search"].click()
    return screen, screen.search_panel


def test_the_search_reads_as_the_manual_draws_it(app):
    screen, panel = search_screen(app)
    assert panel in shown(screen.body)
    assert panel.way._options_labels == ("ค้นหาตามเลขที่เอกสาร", "ค้นหาตามเงื่อนไขอื่น")
    assert panel.start.description == "เริ่มค้นหา" and panel.pick.description == "เลือก"
    # by document number: one box; by other conditions: the conditions, no number box
    assert panel.doc in shown(panel) and panel.status not in shown(panel)
    panel.way.value = "other"
    assert panel.doc not in shown(panel) and {panel.status, panel.doc_type, panel.budget_code} <= set(shown(panel))


def test_search_by_document_number_finds_that_document(app):
    cx = create(app, "CX", 1000, "ซื้อครุภัณฑ์")
    create(app, "CK", 2000, "อุดหนุน")
    _, panel = search_screen(app)
    panel.doc.value = cx
    panel.start.click()
    assert app.model.last_result.ok
    assert panel.table.row_keys == [cx]


def test_search_by_other_conditions_filters_by_type_and_status(app):
    cx = create(app, "CX", 1000, "ซื้อครุภัณฑ์")
    ck1 = create(app, "CK", 2000, "อุดหนุน 1")
    ck2 = create(app, "CK", 3000, "อุดหนุน 2")
    assert app.sandbox.execute("rec1", "round.list", {"docs": [ck2]}).ok
    _, panel = search_screen(app)
    panel.way.value = "other"
    panel.doc_type.value = "CK"
    panel.start.click()
    assert sorted(panel.table.row_keys) == sorted([ck1, ck2])
    panel.status.value = "listed"
    panel.start.click()
    assert panel.table.row_keys == [ck2]
    panel.doc_type.value = ""
    panel.status.value = "not_listed"
    panel.start.click()
    assert sorted(panel.table.row_keys) == sorted([cx, ck1])


def test_select_shows_the_document_with_reference_2_and_its_functions(app):
    cx = create(app, "CX", 1000, "ซื้อครุภัณฑ์")
    _, panel = search_screen(app)
    panel.doc.value = cx
    panel.start.click()
    panel.pick.click()  # nothing ticked yet
    assert "เลือกเอกสารในคอลัมน์" in panel.found.value
    assert not any(b in shown(panel) for b in panel.after.values())
    panel.table.boxes[cx].value = True
    panel.pick.click()
    assert cx in panel.found.value and "อ้างอิง 2" in panel.found.value and "ว่าง" in panel.found.value
    assert [b.description for b in panel.after.values()] == ["สร้างเอกสารใหม่", "แก้ไขเอกสาร", "ยกเลิกเอกสาร", "พิมพ์รายงาน"]
    assert all(b in shown(panel) for b in panel.after.values())


def pick(app: App, doc_no: str):
    screen, panel = search_screen(app)
    panel.doc.value = doc_no
    panel.start.click()
    panel.table.boxes[doc_no].value = True
    panel.pick.click()
    return screen, panel


def test_edit_after_select_simulates_then_saves_and_keeps_the_number(app):
    cx = create(app, "CX", 1000, "ซื้อครุภัณฑ์")
    screen, panel = pick(app, cx)
    panel.after["sng_edit_document"].click()
    assert screen.model.function == "edit" and screen.edit_doc.value == cx
    body = shown(screen.body)
    assert screen.simulate_edit_btn in body and screen.save_btn not in body  # no save before the simulation
    assert screen.simulate_edit_btn.description == "จำลองการแก้ไข"
    # change line 1 on the contract tab and store it in the table
    screen.c_line.value = "1"
    screen.c_fields["item"].value = "ครุภัณฑ์"
    screen.c_fields["creditor"].value = "บริษัท ตัวอย่าง จำกัด"
    screen.store_btn.click()
    screen.simulate_edit_btn.click()
    assert screen.model.state == "CHECKED" and "ไม่มีข้อผิดพลาด" in screen.check_panel.value
    assert screen.save_btn in shown(screen.body)
    screen.save_btn.click()
    result = app.model.last_result
    assert result.ok, result.message_en
    doc = app.sandbox.document(cx)
    assert doc["contracts"][0]["creditor"] == "บริษัท ตัวอย่าง จำกัด"
    assert "ยังคงเลขที่เอกสารเดิม" in screen.check_panel.value and cx in screen.check_panel.value


def test_the_edit_simulation_stops_a_listed_document_and_stores_nothing(app):
    ck = create(app, "CK", 2000, "อุดหนุน")
    assert app.sandbox.execute("rec1", "round.list", {"docs": [ck]}).ok
    screen, panel = pick(app, ck)
    panel.after["sng_edit_document"].click()
    before = len(app.sandbox.audit())
    screen.simulate_edit_btn.click()
    assert screen.model.state == "FAILED"
    assert "สง.03" in screen.check_panel.value and "document_listed" in screen.check_panel.value
    assert screen.save_btn not in shown(screen.body)
    assert len(app.sandbox.audit()) == before


def test_the_edit_driver_plays_the_simulation_and_the_engine_refuses_what_the_form_stops(app):
    ck = create(app, "CK", 2000, "อุดหนุน")
    ok = app.perform("rec1", "reserve.edit", {"doc": ck, "contracts": [{"item": "งานใหม่"}]})
    assert ok.ok, ok.message_en
    assert [c["item"] for c in app.sandbox.document(ck)["contracts"]] == ["งานใหม่"]
    assert app.sandbox.execute("rec1", "round.list", {"docs": [ck]}).ok
    refused = app.perform("rec1", "reserve.edit", {"doc": ck, "contracts": [{"item": "อีกงาน"}]})
    assert (refused.ok, refused.error) == (False, "document_listed")


def test_cancel_after_select_fills_the_cancel_function(app):
    ck = create(app, "CK", 2000, "อุดหนุน")
    screen, panel = pick(app, ck)
    panel.after["cancel_document"].click()
    assert screen.model.function == "cancel" and screen.x_doc.value == ck and ck in screen.x_view.value
    screen.x_sim.click()
    assert screen.tr("check_ok") in screen.x_view.value
    screen.x_reason.value = "ไม่ต้องการใช้แล้ว"
    screen.x_save.click()
    assert app.model.last_result.ok
    assert app.sandbox.document(ck)["closed"] == "cancelled"


def test_the_search_driver_uses_both_ways(app):
    cx = create(app, "CX", 1000, "ซื้อครุภัณฑ์")
    ck = create(app, "CK", 2000, "อุดหนุน")
    by_doc = app.perform("rec1", "reserve.search", {"doc": ck})
    assert by_doc.ok and [r["doc_no"] for r in by_doc.data["rows"]] == [ck]
    panel = app.screen("sng01").search_panel
    assert panel.way.value == "doc" and panel.table.row_keys == [ck]
    by_type = app.perform("rec1", "reserve.search", {"doc_type": "CX"})
    assert [r["doc_no"] for r in by_type.data["rows"]] == [cx]
    assert panel.way.value == "other" and panel.table.row_keys == [cx]
