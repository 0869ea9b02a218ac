"""Small boxes that draft a paper as a PDF download on the screen where the person needs it:
the cancel-Confirm letter under อพ.01, the lost-phone letter under the head's «หนังสือแจ้ง»,
the printable สง.01 after saving. They read through the desk (``desk.paper``), never the database."""

from __future__ import annotations

import base64
from collections.abc import Callable

import ipywidgets as w

from ...widgets import button, esc, field, safe, t, text_input


def download_html(name: str, pdf: bytes, lang: str) -> str:
    payload = base64.b64encode(pdf).decode()
    return (f"<div class='gf-info'><a class='gf-download gf-download-pdf' download='{esc(name)}' "
            f"href='data:application/pdf;base64,{payload}'>⬇ {esc(t('prov_paper_download', lang).format(name=name))}</a></div>")


def paper_html(desk, kind: str, **args) -> str:
    """The download link of a drafted paper, or one line saying why there is none (the hook a
    screen's existing button calls: «พิมพ์รายงาน» after a สง.01 is saved)."""
    from ....papers import PaperProblem

    try:
        name, pdf = desk.paper(kind, **args)
    except PaperProblem as problem:
        return f"<div class='gf-err'>{esc(problem.text(desk.lang))}</div>"
    return download_html(name, pdf, desk.lang)


class PaperButton(w.VBox):
    """A button that drafts ``kind`` from ``inputs()`` and shows the PDF's download link, or
    why the paper cannot be drafted (one line, never a traceback)."""

    def __init__(self, desk, kind: str, text_key: str, inputs: Callable[[], dict], cls: str):
        super().__init__()
        self.desk, self.kind, self.inputs = desk, kind, inputs
        self.button = button(t(text_key, desk.lang), cls)
        self.link = w.HTML()
        self.pdf: bytes = b""
        self.button.on_click(safe(lambda _b: self.draft(), self._problem))
        self.children = [self.button, self.link]

    def _problem(self, html: str) -> None:
        self.link.value = html

    def draft(self) -> None:
        from ....papers import PaperProblem

        try:
            name, self.pdf = self.desk.paper(self.kind, **self.inputs())
        except PaperProblem as problem:
            self.pdf = b""
            self.link.value = f"<div class='gf-err'>{esc(problem.text(self.desk.lang))}</div>"
            return
        self.link.value = download_html(name, self.pdf, self.desk.lang)


class CancelLetterBox(w.VBox):
    """Under อพ.01: the documents already Confirmed and the letter's number → the draft letter
    to CGD (กองบริหารการรับ - จ่ายเงินภาครัฐ) asking to cancel the Confirm."""

    def __init__(self, desk):
        super().__init__()
        lang = desk.lang
        self.docs = text_input(cls="gf-cc-docs", width="320px", placeholder="CK00000001, CX00000002")
        self.letter_no = text_input(cls="gf-cc-letter-no", width="200px")
        self.paper = PaperButton(desk, "cancel_confirm", "prov_cc_draft_btn", self.inputs, "gf-cc-draft")
        self.desk = desk
        self.children = [w.HTML(f"<hr><b>{esc(t('prov_cc_heading', lang))}</b>"),
                         field(t("prov_cc_docs", lang), self.docs, "300px"),
                         field(t("letter_no", lang), self.letter_no, "300px"), self.paper]

    def inputs(self) -> dict:
        state = self.desk.user_state() or {}
        docs = [d.strip() for d in self.docs.value.replace(";", ",").split(",") if d.strip()]
        return {"docs": docs, "unit": state.get("unit"), "letter_no": self.letter_no.value.strip()}
