"""The papers a trainee files, read back with pypdf: the cancel-Confirm letter to CGD, the head's
lost-phone letter, the printable สง.01; and the buttons that draft them on the screens."""

from __future__ import annotations

import base64
import io

import pytest
from pypdf import PdfReader

from sandbox.engine import Sandbox
from sandbox.papers import PaperProblem, draft
from sandbox.papers.sng01 import sng01_pdf
from sandbox.ui.app import App

from .conftest import PASSWORD, reserve_data

START = "2023-09-04T09:00:00+07:00"


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Text with its line breaks and spaces dropped (a wrapped line breaks anywhere), and the
    control characters pypdf leaves after a shaped «ำ»."""
    return "".join(ch for ch in "".join(text.split()) if ch >= " ")


def login(sb: Sandbox, user: str) -> None:
    assert sb.execute(user, "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "auto"}).ok


def confirmed(sb: Sandbox) -> list[str]:
    """Two documents of the regional unit, Listed and Confirmed (31) in FY2566's September round."""
    login(sb, "rec1")
    docs = [sb.execute("rec1", "reserve.create", reserve_data(k, a, t, "งานก่อสร้าง")).data["doc_no"]
            for k, a, t in (("CK", 1250000, "ค่าซ่อมแซมครุภัณฑ์"), ("CX", "380000.50", "จ้างเหมาปรับปรุงห้องประชุม"))]
    assert sb.execute("rec1", "round.list", {"docs": docs}).ok
    login(sb, "appr_c")
    assert sb.execute("appr_c", "round.confirm", {"docs": docs}).ok
    return docs


@pytest.fixture
def sb(tmp_path):
    sandbox = Sandbox(str(tmp_path / "papers.sqlite"))
    sandbox.load_world("demo", START)
    yield sandbox
    sandbox.close()


def test_the_cancel_confirm_letter_names_the_documents_and_the_dates_the_rule_needs(sb):
    docs = confirmed(sb)
    sb.advance_clock("2023-09-20T10:00:00+07:00")
    name, pdf = draft(sb, "cancel_confirm", docs=docs, unit="1200100050", letter_no="ศธ 0210.05/1234")
    assert name == f"cancel-confirm-{docs[0]}.pdf" and pdf.startswith(b"%PDF")
    text = flat(text_of(pdf))
    assert all(d in text for d in docs)
    assert "กองบริหารการรับ-จ่ายเงินภาครัฐ" in text and "ขอแสดงความนับถือ" in text and "เรื่อง" in text
    assert "๒๐กันยายน๒๕๖๖" in text  # the letter's date: the sandbox's today, Thai digits, BE
    assert "ก่อนวันที่๒๙กันยายน๒๕๖๖" in text  # the last business day of September 2566
    assert "๑,๖๓๐,๐๐๐.๕๐" in text  # 1,250,000.00 + 380,000.50
    assert "นายชัยวัฒน์หัวหน้า" in text  # the unit's head signs
    assert "คำเตือน" not in text


def test_a_cancel_confirm_letter_on_the_deadline_day_carries_a_warning(sb):
    docs = confirmed(sb)
    sb.advance_clock("2023-09-29T09:00:00+07:00")  # the deadline day itself: too late to date the letter
    text = flat(text_of(draft(sb, "cancel_confirm", docs=docs[:1])[1]))
    assert "คำเตือน" in text and "ไม่เกินวันที่๒๘กันยายน๒๕๖๖" in text


def test_a_cancel_confirm_letter_needs_confirmed_documents(sb):
    login(sb, "rec1")
    doc = sb.execute("rec1", "reserve.create", reserve_data("CK", 1000, "x", "")).data["doc_no"]
    with pytest.raises(PaperProblem) as problem:
        draft(sb, "cancel_confirm", docs=[doc])
    assert problem.value.key == "prov_paper_not_confirmed" and doc in problem.value.text()
    with pytest.raises(PaperProblem):
        draft(sb, "cancel_confirm", docs=["CK99999999"])
    with pytest.raises(PaperProblem):
        draft(sb, "cancel_confirm", docs=[])


def test_the_loss_letter_counts_three_business_days_from_the_loss(sb):
    sb.advance_clock("2023-09-20T10:00:00+07:00")  # a Wednesday
    assert sb.execute("pay1", "softtoken.report_lost", {}).ok
    sb.advance_clock("2023-09-21T10:00:00+07:00")
    name, pdf = draft(sb, "loss_letter", user="pay1", letter_no="ศธ 0210.05/99")
    assert name == "loss-letter-pay1.pdf"
    text = flat(text_of(pdf))
    assert "๒๐กันยายน๒๕๖๖" in text and "๒๑กันยายน๒๕๖๖" in text  # lost on, and the letter's date
    assert "ภายในวันที่๒๕กันยายน๒๕๖๖" in text  # Thu, Fri, (weekend), Mon
    assert "๓วันทำการ" in text and "นางสาวจันทร์เพ็ญจ่ายเงิน" in text and "ผู้อนุมัติ๒" in text
    assert "คำเตือน" not in text
    sb.advance_clock("2023-09-26T09:00:00+07:00")
    assert "คำเตือน" in flat(text_of(draft(sb, "loss_letter", user="pay1")[1]))
    with pytest.raises(PaperProblem):
        draft(sb, "loss_letter", user="rec1")  # nothing lost


def test_the_printable_sng01_holds_the_document(sb):
    docs = confirmed(sb)
    doc = sb.document(docs[1])
    text = flat(text_of(sng01_pdf(doc, "th")))
    assert docs[1] in text and "380,000.50" in text and "4กันยายน2566" in text and "งานก่อสร้าง" in text
    assert "ยืนยัน(Confirm)อพ.01" in text  # its history in words, not action codes
    assert "round.confirm" not in text
    english = flat(text_of(sng01_pdf(doc, "en")))
    assert "4Sep2566BE" in english and "Confirmed(OP.01)" in english


def test_the_screens_offer_the_drafts(sb):
    docs = confirmed(sb)
    app = App(sb)
    app.set_person("appr_c")
    app.show("op01")
    box = app.screen("op01").cancel_letter
    box.docs.value = ", ".join(docs)
    box.paper.button.click()
    assert "gf-download-pdf" in box.paper.link.value
    pdf = base64.b64decode(box.paper.link.value.split("base64,")[1].split("'")[0])
    assert docs[0] in text_of(pdf)
    box.docs.value = "CK99999999"
    box.paper.button.click()
    assert "gf-err" in box.paper.link.value and "CK99999999" in box.paper.link.value
    assert sb.execute("pay1", "softtoken.report_lost", {}).ok
    app.set_person("head1")
    app.show("rights")
    rights = app.screen("rights")
    rights.user_box.value = "pay1"
    rights.loss_paper.button.click()
    assert "loss-letter-pay1.pdf" in rights.loss_paper.link.value and rights.loss_paper.pdf.startswith(b"%PDF")


def test_print_after_saving_a_sng01_gives_the_document_as_pdf(sb):
    login(sb, "rec1")
    app = App(sb)
    app.set_person("rec1")
    app.show("sng01")
    screen = app.screen("sng01")
    doc = sb.execute("rec1", "reserve.create", reserve_data("CK", 54000, "ค่าวัสดุ", "")).data["doc_no"]
    screen.model.doc_no = doc  # as «บันทึก» leaves it
    screen.after_buttons["print_report"].click()
    assert f"sng01-{doc}.pdf" in screen.out.value
    pdf = base64.b64decode(screen.out.value.split("base64,")[1].split("'")[0])
    assert doc in text_of(pdf) and "54,000.00" in text_of(pdf)
    screen.model.doc_no = "CK99999999"
    screen.after_buttons["print_report"].click()
    assert "gf-err" in screen.out.value and "CK99999999" in screen.out.value
