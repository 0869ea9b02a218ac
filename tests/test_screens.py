"""The screens driven from Python as a trainee would (set ``.value``, ``.click()``): ticks in the
«เลือก» column and what a step on no document says."""

from __future__ import annotations

from sandbox.ui.app import App

from .conftest import login_on_screen, reserve_data

login = login_on_screen


def cgd_desk_with(app: App, n: int):
    """``n`` documents Listed and Confirmed, and the CGD desk showing them to cgd1."""
    sb = app.sandbox
    login(app, "rec1")
    docs = [sb.execute("rec1", "reserve.create", reserve_data("CK", 1000 + i, f"t{i}", "")).data["doc_no"] for i in range(n)]
    assert sb.execute("rec1", "round.list", {"docs": docs}).ok
    login(app, "appr_c")
    assert sb.execute("appr_c", "round.confirm", {"docs": docs}).ok
    login(app, "cgd1")
    app.show("cgd")
    desk = app.screen("cgd")
    desk.refresh_btn.click()
    return docs, desk


def test_a_tick_survives_showing_the_list_again(app):
    docs, desk = cgd_desk_with(app, 3)
    assert desk.table.row_keys == docs
    desk.table.boxes[docs[1]].value = True  # the trainee ticks the second row …
    desk.refresh_btn.click()  # … while «แสดงรายการ» is on its way
    assert desk.table.selected == [docs[1]]
    desk.approve_btn.click()
    assert app.model.last_result.ok
    assert app.sandbox.document(docs[1])["status"] == "50"
    assert [app.sandbox.document(d)["status"] for d in (docs[0], docs[2])] == ["31", "31"]
    # the approved document left the desk; nothing is left ticked
    assert desk.table.row_keys == [docs[0], docs[2]] and desk.table.selected == []


def test_approving_with_nothing_ticked_says_so_and_changes_nothing(app):
    docs, desk = cgd_desk_with(app, 1)
    desk.approve_btn.click()
    result = app.model.last_result
    assert (result.ok, result.error) == (False, "no_documents")
    assert "gf-err" in desk.out.value and "ยังไม่ได้เลือกเอกสาร" in desk.out.value
    assert app.sandbox.document(docs[0])["status"] == "31"


def test_withdrawal_approval_with_nothing_ticked_says_so(app):
    login(app, "appr1")
    app.show("withdrawal")
    screen = app.screen("withdrawal")
    before = len(app.sandbox.audit())
    screen.approve_btn.click()
    assert "gf-err" in screen.out.value and "ยังไม่ได้เลือกรายการ" in screen.out.value
    assert len(app.sandbox.audit()) == before  # nothing was sent to the engine


def test_the_policy_page_switches_language_and_keeps_the_what_if():
    from sandbox.ui.policy import PolicyExplorer

    page = PolicyExplorer(fiscal_years=(2566,))
    page.holiday.value = "2023-09-29"
    page.draw_btn.click()
    assert "วันที่ที่เปลี่ยนไป" in page.moved_view.value and "28 กันยายน 2566 เวลา 16.30 น." in page.moved_view.value
    page.run_simulation()
    assert "นโยบายปัจจุบัน" in page.sim_table.value
    page.lang_btn.click()
    assert page.lang == "en" and page.lang_btn.description == "ภาษาไทย"
    assert page.holiday.value == "2023-09-29"
    assert "Dates that moved" in page.moved_view.value and "28 Sep 2566 BE, 16:30" in page.moved_view.value
    assert "Users locked out at the cut-over" in page.sim_table.value and "นโยบาย" not in page.sim_table.value
    assert page.enrol.description == "Enrol/week"


def test_reset_is_the_trainers_and_asks_first(app):
    sb = app.sandbox
    login(app, "rec1")
    doc = sb.execute("rec1", "reserve.create", reserve_data("CK", 1000, "kept", "")).data["doc_no"]
    app.reset_btn.click()  # rec1 is no trainer
    assert app.reset_ask.layout.display == "none"
    assert "trainer" in app.bar_msg.value.lower() or "ผู้ฝึกสอน" in app.bar_msg.value
    assert sb.document(doc) is not None
    app.set_person("trainer")
    app.reset_btn.click()
    assert app.reset_ask.layout.display == "flex" and sb.document(doc) is not None  # asked, nothing wiped
    app.reset_no.click()
    assert app.reset_ask.layout.display == "none" and sb.document(doc) is not None
    app.reset_btn.click()
    app.reset_yes.click()
    assert sb.document(doc) is None
    assert app.reset_ask.layout.display == "none"
