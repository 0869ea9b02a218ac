"""The names on the screens are the manual's, character for character: menu entries, form titles,
the reasons CX01–CX07 and CK01–CK13 and the contract tab's field labels.

The tables below are copied by hand from CGD's carry-over manual (source 004, «คู่มือการขอกันเงิน
งบประมาณไว้เบิกเหลื่อมปี ประเภทเอกสารสำรองเงิน»); each entry cites the page section it comes
from. The OCR of the manual splits «ำ» and stacks tone marks in the wrong order; the obvious Thai
is written here, and lines the manual wraps are joined (with a space where the manual's text has
one)."""

from __future__ import annotations

import pytest

from sandbox.i18n import catalogue, label

# Menu entries (chapter 2: 1.1.2–1.1.3, 2.1–2.2, 3.2, 4.2, 5.1.1–5.1.2, 5.2.1).
MENU = {
    "menu_record": "ระบบบันทึกข้อมูลหน่วยงานภาครัฐ",  # 1.1.2
    "menu_budget": "ระบบบริหารงบประมาณ",  # 1.1.3
    "menu_reserve": "สำรองเงิน",  # 1.1.3
    "menu_sng01": "สง01 สำรองเงิน - เงินปีปัจจุบัน (สง.01)",  # 1.1.3
    "menu_carry": "กันเงินไว้เบิกเหลื่อมปี/ขยายเวลาเบิกจ่าย",  # 2.2
    "menu_sng02": "สง02 รายการเอกสารสำรองเงินที่ขอกันเงินไว้เบิกเหลื่อมปี/ขยายเวลาเบิกจ่าย (List) (สง.02)",  # 2.2
    "menu_sng03": "สง03 การยกเลิกเอกสารสำรองเงินที่ขอกันเงินไว้เบิกเหลื่อมปี/ขยายเวลาเบิกจ่าย (List Cancel) (สง.03)",  # 3.2
    "menu_approve": "อนุมัติรายการเอกสารสำรองเงิน",  # 4.2
    "menu_op01": "อพ01 อนุมัติการขอกันเงิน/ขยายเวลาเบิกจ่ายเงิน",  # 4.2
    "menu_reports": "ระบบรายงานหน่วยงานภาครัฐ",  # 5.1.1
    "menu_reports_budget": "ระบบการบริหารงบประมาณ",  # 5.1.2
    "menu_report_reserve": "รายงานเอกสารสำรองเงิน",  # 5.1.2
    "menu_nfma60": "รายงานแสดงเอกสารสำรองเงินสำหรับส่วนราชการ NFMA60",  # 5.1.2
    "menu_nfma60cx": "รายงานแสดงเอกสารสำรองเงินสำหรับส่วนราชการ - มีข้อมูลสัญญา NFMA60CX",  # 5.2.1
}

# Form titles: «แบบฟอร์ม …» as the manual names each form (chapter 1, steps 1.1, 1.2, 1.3; chapter 2, 1).
FORMS = {
    "sng01_title": "สง.01 สำรองเงิน - เงินปีปัจจุบัน",  # ch. 1, 1.1
    "sng02_title": "สง.02 รายการเอกสารสำรองเงินที่ขอกันเงินไว้เบิกเหลื่อมปี/ขยายเวลาเบิกจ่าย",  # ch. 1, 1.2
    "sng03_title": "สง.03 การยกเลิกเอกสารสำรองเงินที่ขอกันเงินไว้เบิกเหลื่อมปี/ขยายเวลาเบิกจ่าย",  # ch. 1, 1.2
    "op01_title": "อพ.01 อนุมัติการขอกันเงิน/ขยายเวลาเบิกจ่ายเงิน",  # ch. 1, 1.3
    "nfma60_title": "รายงานแสดงเอกสารสำรองเงินสำหรับส่วนราชการ",  # ch. 2, 5.1
    "nfma60cx_title": "รายงานแสดงเอกสารสำรองเงินสำหรับส่วนราชการ - มีข้อมูลสัญญา",  # ch. 2, 5.2
}

# Reasons: chapter 3 (FAQ), question 3 «การระบุประเภทเอกสารและเหตุผล», the table «เหตุผล / คำอธิบาย».
REASONS = {
    "CX01": "สัญญาที่ต้องชำระเงินให้แก่ผู้ขายในต่างประเทศ",
    "CX02": "สัญญาของเทศบาลตำบลและองค์การบริหารส่วนตำบลที่ได้รับงบประมาณผ่านกรมส่งเสริมการปกครองท้องถิ่น",
    "CX03": "สัญญาของกรุงเทพมหานคร เมืองพัทยา รัฐวิสาหกิจ และหน่วยงานอื่นของรัฐ",
    "CX04": "การจัดซื้อจัดจ้างพัสดุจนถึงขั้นออกประกาศให้ผู้ประกอบการเข้ายื่นข้อเสนอต่อหน่วยงาน หรือมีหนังสือเชิญชวน"
            " และบันทึกข้อมูลในระบบจัดซื้อจัดจ้างภาครัฐด้วยอิเล็กทรอนิกส์ (e - GP)",
    "CX05": "การจัดซื้อจัดจ้างพัสดุจนถึงขั้นประกาศผลผู้ชนะการจัดซื้อจัดจ้าง หรือผู้ได้รับการคัดเลือก"
            " และบันทึกข้อมูลในระบบจัดซื้อจัดจ้างภาครัฐด้วยอิเล็กทรอนิกส์ (e - GP)",
    "CX06": "การจัดซื้อจัดจ้างพัสดุที่อยู่ระหว่างกระบวนการอุทธรณ์ตามพระราชบัญญัติการจัดซื้อจัดจ้าง"
            "และการบริหารพัสดุภาครัฐ พ.ศ. ๒๕๖๐",
    "CX07": "อื่น ๆ",
    "CK01": "รายการเงินชดเชยค่างานก่อสร้างตามสัญญาแบบปรับราคาได้ (ค่า K)",
    "CK02": "รายการค่าทดแทนการเวนคืนที่ดินที่มีประกาศพระราชกฤษฎีกากำหนดเขตพื้นที่ที่จะเวนคืนแล้ว",
    "CK03": "รายการเงินชดเชย เยียวยาที่จะต้องจ่ายแก่ประชาชนตามกฎหมายหรือมติคณะรัฐมนตรี",
    "CK04": "รายการค่าดอกเบี้ยเงินกู้และค่าชดเชยดอกเบี้ยตามนโยบายของรัฐบาล",
    "CK05": "รายการเงินอุดหนุนการให้บริการสาธารณะ",
    "CK06": "รายการค่าใช้จ่ายชดใช้เงินทดรองราชการเพื่อช่วยเหลือผู้ประสบภัยพิบัติกรณีฉุกเฉิน",
    "CK07": "รายการค่าใช้จ่ายเกี่ยวกับทุนการศึกษาหรือทุนวิจัยที่หัวหน้าหน่วยงานของรัฐอนุมัติให้ทุนแล้ว",
    "CK08": "รายการโครงการก่อสร้างที่หน่วยงานของรัฐเป็นผู้ดำเนินการเอง",
    "CK09": "รายการที่มีข้อผูกพันกับหน่วยงานรัฐวิสาหกิจ",
    "CK10": "รายการค่าป่วยการของอาสาสมัครสาธารณสุขประจำหมู่บ้าน",
    "CK11": "รายการค่าป่วยการของอาสาสมัครสาธารณสุขกรุงเทพมหานคร",
    "CK12": "รายการค่าใช้จ่ายในการบรรเทา แก้ไขปัญหาและเยียวยาผู้ที่ได้รับผลกระทบจากการระบาด"
            "ของโรคติดเชื้อไวรัสโคโรนา 2019",
    "CK13": "อื่น ๆ",
}

# Field labels of the «ข้อมูลสัญญา» tab (chapter 2, 1.1.6) and the NFMA60CX columns (5.2.3).
FIELDS = {
    "lao_name": "ชื่อ อปท.",
    "contract_no": "เลขที่สัญญา",
    "lc_no": "เลขที่ L/C",
    "item": "รายการ",
    "creditor": "รายชื่อเจ้าหนี้",
    "signed": "วันที่ลงนาม",
    "due": "วันที่ครบกำหนด",
    "col_creditor": "รายชื่อเจ้าหนี้",
    "col_signed": "วันที่ลงนาม",
    "col_due": "วันที่ครบกำหนด",
    "col_line": "ลำดับเลขที่สัญญา",
}

# The columns of NFMA60 (chapter 2, 5.1.4 «รายงานแสดงข้อมูลดังนี้») and the contract columns NFMA60CX adds
# (5.2.3): the column is «ยอดอนุมัติ»; «มูลค่าที่ต้องอนุมัติ (ยกยอด)» is the manual's explanation of it.
REPORT_COLUMNS = {
    "col_doc_type": "ประเภทเอกสาร",
    "col_doc_no": "เลขที่เอกสาร",
    "col_text": "ข้อความเอกสาร",
    "col_fund_source": "รหัสแหล่งของเงิน",
    "col_budget_code": "รหัสงบประมาณ",
    "col_area": "รหัสพื้นที่",
    "col_budget_unit": "หน่วยรับงบประมาณ",
    "col_commitment_item": "รายการผูกพันงบประมาณ",
    "col_value": "มูลค่าทั้งใบ",
    "col_approved": "ยอดอนุมัติ",
    "col_remaining": "มูลค่าคงเหลือ",
    "col_status": "สถานะ",
    "col_reason": "เหตุผล",
    "col_line": "ลำดับเลขที่สัญญา",
    "col_lao_name": "ชื่อ อปท.",
    "col_contract_no": "เลขที่สัญญา",
    "col_lc_no": "เลขที่ L/C",
    "col_item": "รายการ",
    "col_creditor": "รายชื่อเจ้าหนี้",
    "col_signed": "วันที่ลงนาม",
    "col_due": "วันที่ครบกำหนด",
}

# The buttons and texts of the forms (chapter 2, 1.1.7–1.1.10, 1.2.4–1.2.5, 1.3.8, 1.4.4–1.4.6 for สง.01).
BUTTONS = {
    "store_line": "จัดเก็บรายการนี้ลงตาราง",
    "simulate": "จำลองการบันทึก",
    "save": "บันทึกข้อมูล",
    "back_to_edit": "กลับไปแก้ไขข้อมูล",
    "show_doc": "แสดงข้อมูล",
    "new_doc": "สร้างเอกสารใหม่",
    "find_doc": "ค้นหาเอกสาร",
    "print_report": "พิมพ์รายงาน",
    "show_document": "แสดงเอกสาร",
    "cancel_document": "ยกเลิกเอกสาร",
    "simulate_cancel": "จำลองการยกเลิก",
    "sng_search_start": "เริ่มค้นหา",
    "sng_search_by_doc": "ค้นหาตามเลขที่เอกสาร",
    "sng_search_by_other": "ค้นหาตามเงื่อนไขอื่น",
    "sng_edit_document": "แก้ไขเอกสาร",
    "sng_simulate_edit": "จำลองการแก้ไข",
    # forms สง.02, สง.03 and อพ.01 (chapter 2, 2.3–2.6, 3.3–3.6, 4.3–4.6)
    "tab_conditions": "เงื่อนไข",
    "tab_carry": "เงินกันไว้เบิกเหลื่อมปี",
    "show_list": "แสดงรายการ",
    "save_items": "บันทึกรายการ",
    "confirm_save": "ยืนยันการทำรายการ",
    "after_list": "โปรดแจ้งต้นสังกัดยืนยัน (Confirm) ต่อไปเพื่อให้คำขอสมบูรณ์",
    "ref2": "อ้างอิง 2",
}


@pytest.mark.parametrize("key, manual", sorted({**MENU, **FORMS, **FIELDS, **REPORT_COLUMNS, **BUTTONS}.items()))
def test_label_is_the_manuals(key, manual):
    assert label(key, "th") == manual


@pytest.mark.parametrize("code, manual", sorted(REASONS.items()))
def test_reason_text_is_the_manuals_word_for_word(code, manual):
    assert label(f"reason_{code}", "th") == f"{code} {manual}"


def test_every_reason_of_the_catalogue_is_in_the_manuals_table():
    reasons = {k.removeprefix("reason_") for k in catalogue()["labels"] if k.startswith("reason_C")}
    assert reasons == set(REASONS)


def test_the_contract_fields_of_refusals_read_as_the_form_does():
    fields = catalogue()["fields"]
    for key in ("creditor", "signed", "due", "lao_name", "contract_no", "lc_no", "item"):
        assert fields[key]["th"] == FIELDS[key]


def test_the_report_columns_are_the_manuals_in_the_manuals_order():
    from sandbox.reports import CX_COLUMNS

    assert [f"col_{c}" for c in CX_COLUMNS] == list(REPORT_COLUMNS)
