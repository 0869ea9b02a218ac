"""Form สง.01's search and edit in a real browser, as the manual draws them (issue 15, item 8):
«ค้นหาเอกสาร» after saving, «เริ่มค้นหา», «เลือก», «แก้ไขเอกสาร», «จำลองการแก้ไข», «บันทึกข้อมูล».
Screenshots go to test-artifacts/screens/ next to test_browser.py's."""

from __future__ import annotations

import pytest

from .test_browser import Trainee, nothing_off_the_server, open_app, shot, voila  # noqa: F401

pytestmark = pytest.mark.browser


def test_search_select_then_edit_with_its_simulation(voila, browser):  # noqa: F811
    page = open_app(browser, f"{voila}/voila/render/app.ipynb")
    you = Trainee(page)
    you.login()
    you.menu("sng01")
    you.general_data("CX04", "250,000.00", "จ้างซ่อมหลังคาอาคารเรียน")
    page.click(".gf-screen-sng01 .lm-TabBar-tab >> text=ข้อมูลสัญญา")
    you.fill("gf-c-item", "ซ่อมหลังคา 1 หลัง")
    you.button("gf-store-line")
    you.button("gf-simulate")
    page.wait_for_selector("text=ตรวจสอบเอกสาร - ไม่มีข้อผิดพลาด")
    you.button("gf-save")
    doc = page.inner_text(".gf-doc-no")

    # «ค้นหาเอกสาร» → by document number → «เริ่มค้นหา» → tick in «เลือก» → «เลือก»
    you.button("gf-after-find_doc")
    page.wait_for_selector("text=ค้นหาตามเงื่อนไขอื่น")
    you.fill("gf-search-doc", doc)
    you.button("gf-search")
    you.tick(doc)
    shot(page, "24-sng01-search")
    you.button("gf-search-pick")
    page.wait_for_selector("button.gf-found-sng_edit_document", state="visible")
    assert "อ้างอิง 2" in page.inner_text(".gf-screen-sng01")
    shot(page, "25-sng01-selected")

    # «แก้ไขเอกสาร»: contract line 1 gets its creditor, «จำลองการแก้ไข», then «บันทึกข้อมูล»
    you.button("gf-found-sng_edit_document")
    page.wait_for_selector("button.gf-simulate-edit", state="visible")
    assert not page.is_visible("button.gf-save")
    page.click(".gf-screen-sng01 .lm-TabBar-tab >> text=ข้อมูลสัญญา")
    you.fill("gf-c-line", "1")
    you.fill("gf-c-item", "ซ่อมหลังคา 1 หลัง")
    you.fill("gf-c-creditor", "หจก.ล้านนาช่าง")
    you.button("gf-store-line")
    you.button("gf-simulate-edit")
    page.wait_for_selector("text=ตรวจสอบเอกสาร - ไม่มีข้อผิดพลาด")
    shot(page, "26-sng01-edit-simulated")
    you.button("gf-save")
    page.wait_for_selector("text=บันทึกข้อมูลแล้ว ยังคงเลขที่เอกสารเดิม")
    assert page.inner_text(".gf-doc-no") == doc
    shot(page, "27-sng01-edit-saved")

    # by other conditions: the conditions replace the number box
    you.button("gf-fn-search")
    page.click(".gf-search-way label >> text=ค้นหาตามเงื่อนไขอื่น")
    you.choose("gf-search-doc-type", "CX")
    you.button("gf-search")
    page.wait_for_selector(f".gf-pick-{doc}")
    shot(page, "28-sng01-search-other")
