"""Plain Thai and English sentences for scenario steps: what the person does, or what is checked.
Guided mode shows them for a step whose file gives no title (a trainer's quick draft)."""

from __future__ import annotations

from typing import Any

ACTIONS: dict[str, tuple[str, str]] = {
    "auth.login": ("{actor} เข้าสู่ระบบ ({method})", "{actor} logs in ({method})"),
    "auth.logout": ("{actor} ออกจากระบบ", "{actor} logs out"),
    "user.request_credentials": ("{actor} ขอรับ Username/Password ผ่านระบบ", "{actor} requests a username and password"),
    "user.issue_credentials": ("{actor} ออกรหัสผู้ใช้งานให้ {user}", "{actor} issues credentials to {user}"),
    "user.change_password": ("{actor} เปลี่ยนรหัสผ่าน", "{actor} changes the password"),
    "user.change_rights": ("{actor} ขอเปลี่ยนสิทธิของ {user} ตามคำสั่ง", "{actor} requests a rights change for {user}"),
    "user.approve_rights_change": ("{actor} อนุมัติการเปลี่ยนสิทธิของ {user}", "{actor} approves the rights change of {user}"),
    "phone.install": ("{actor} ติดตั้งแอปบนโทรศัพท์", "{actor} installs apps on the phone"),
    "paotang.verify": ("{actor} ยืนยันตัวตนในเป๋าตัง", "{actor} proves identity in เป๋าตัง"),
    "softtoken.register": ("{actor} ลงทะเบียน Soft Token", "{actor} registers the Soft Token"),
    "softtoken.report_lost": ("แจ้งโทรศัพท์สูญหาย ระงับ Soft Token", "Report the phone lost; suspend the Soft Token"),
    "softtoken.loss_letter": ("{actor} ส่งหนังสือแจ้งโทรศัพท์สูญหายของ {user}", "{actor} sends the lost-phone letter for {user}"),
    "tokenkey.return": ("{actor} คืน GFMIS Token Key", "{actor} returns the Token Key"),
    "reserve.simulate": ("{actor} จำลองการบันทึก สง.01 ({doc_type} {reason})", "{actor} simulates a สง.01 ({doc_type} {reason})"),
    "reserve.create": ("{actor} บันทึกเอกสารสำรองเงิน {doc_type} {reason} จำนวน {amount} บาท", "{actor} records a {doc_type} {reason} of {amount} baht"),
    "reserve.edit": ("{actor} แก้ไขข้อมูลสัญญาของ {doc}", "{actor} edits the contract data of {doc}"),
    "reserve.cancel": ("{actor} ยกเลิกเอกสาร {doc}", "{actor} cancels {doc}"),
    "reserve.search": ("{actor} ค้นหาเอกสาร", "{actor} searches documents"),
    "reserve.convert_to_po": ("{actor} แปลง {doc} เป็น PO", "{actor} converts {doc} to a PO"),
    "round.list": ("{actor} List เอกสาร {docs} (สง.02)", "{actor} Lists {docs} (สง.02)"),
    "round.list_cancel": ("{actor} ยกเลิกการ List {docs} (สง.03)", "{actor} cancels the List of {docs} (สง.03)"),
    "round.confirm": ("{actor} ยืนยัน (Confirm) {docs} (อพ.01)", "{actor} Confirms {docs} (อพ.01)"),
    "round.cancel_confirm": ("กรมบัญชีกลางยกเลิกการยืนยัน {docs} ตามหนังสือ", "CGD cancels the Confirm of {docs} on a letter"),
    "round.approve": ("กรมบัญชีกลางอนุมัติ {docs}", "CGD approves {docs}"),
    "round.reject": ("กรมบัญชีกลางไม่อนุมัติ {docs}", "CGD rejects {docs}"),
    "withdrawal.request": ("{actor} ขอเบิกเงิน {amount} บาท จาก {doc}", "{actor} requests {amount} baht from {doc}"),
    "withdrawal.approve": ("{actor} อนุมัติเบิกเงิน (อนุมัติ ๑)", "{actor} approves the withdrawal (อนุมัติ ๑)"),
    "payment.approve": ("{actor} อนุมัติจ่ายเงิน (อนุมัติ ๒)", "{actor} approves the payment (อนุมัติ ๒)"),
    "report.nfma60": ("{actor} เรียกรายงาน NFMA60 ({round} {status})", "{actor} runs NFMA60 ({round} {status})"),
    "report.nfma60cx": ("{actor} เรียกรายงาน NFMA60CX ({round} {status})", "{actor} runs NFMA60CX ({round} {status})"),
    "clock.advance": ("ผู้ฝึกสอนเลื่อนเวลาจำลองไป {to}", "The trainer moves the clock to {to}"),
}
METHODS = {"soft_token": ("Soft Token", "Soft Token"), "token_key": ("GFMIS Token Key", "GFMIS Token Key"),
           "password": ("Username/Password", "username/password")}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def describe(step: dict[str, Any]) -> tuple[str, str]:
    """(Thai, English) for one step of a scenario file (as loaded from YAML)."""
    if step.get("check") is not None:
        check = dict(step["check"])
        what = ", ".join(f"{k} = {v}" for k, v in check.items() if k not in ("doc", "user", "unit", "budget_line"))
        for key, th, en in (("doc", "เอกสาร", "document"), ("user", "ผู้ใช้", "user"), ("unit", "หน่วยเบิกจ่าย", "unit")):
            if key in check:
                return f"ตรวจสอบ{th} {check[key]}: {what}", f"Check {en} {check[key]}: {what}"
        return f"ตรวจสอบงบประมาณ: {what}", f"Check the budget line: {what}"
    action = step.get("action", "")
    inputs = dict(step.get("input") or {})
    values = _Blank({k: v for k, v in inputs.items()})
    values["actor"] = step.get("actor", "")
    if isinstance(inputs.get("docs"), list):
        values["docs"] = ", ".join(map(str, inputs["docs"]))
    if "amount" in inputs:
        try:
            values["amount"] = f"{float(inputs['amount']):,.2f}"
        except (TypeError, ValueError):
            values["amount"] = str(inputs["amount"])
    th_tmpl, en_tmpl = ACTIONS.get(action, (action, action))
    th_values, en_values = _Blank(values), _Blank(values)
    method = METHODS.get(inputs.get("method", "soft_token"), ("", ""))
    th_values["method"], en_values["method"] = method
    th = " ".join(th_tmpl.format_map(th_values).replace("()", "").split())
    en = " ".join(en_tmpl.format_map(en_values).replace("()", "").split())
    error = (step.get("expect") or {}).get("error")
    if error:
        th += f" — ระบบต้องปฏิเสธ ({error})"
        en += f" — the system must refuse ({error})"
    return th, en
