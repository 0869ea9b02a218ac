"""The CGD desk: the documents waiting, approve / reject / cancel a confirmation; credentials,
rights and suspending a lost Soft Token for a user."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ....reports import status_text
from ...dates import ThaiDateBox
from ...pick_table import PickTable
from ...relabel import Banner
from ...widgets import SHOWN, button, done_html, esc, field, t, text_input
from ..base import Screen, credentials_html
from .model import CgdModel, waiting

DONE = {"round.approve": "uxs_approved", "round.reject": "uxs_rejected", "round.cancel_confirm": "uxs_confirm_cancelled"}


class CgdScreen(Screen):
    key, title_key = "cgd", "cgd_title"
    crumb_keys = ("menu_cgd",)

    def build(self) -> None:
        self.model = self.model or CgdModel()
        self.table = PickTable([self.tr("doc_no"), self.tr("doc_type"), self.tr("unit"), self.tr("text"), self.tr("col_remaining"), self.tr("ref2")], self.lang, {4})
        self.refresh_btn = button(self.tr("show_list"), "gf-cgd-show")
        self.approve_btn = button(self.tr("cgd_approve"), "gf-cgd-approve", "success")
        self.reason = text_input(cls="gf-cgd-reason", width="300px")
        self.reject_btn = button(self.tr("cgd_reject"), "gf-cgd-reject", "danger")
        self.letter_no = text_input(cls="gf-cgd-letter-no", width="160px")
        self.letter_date = ThaiDateBox(self.lang, "gf-cgd-letter-date")
        self.cancel_btn = button(self.tr("cgd_cancel_confirm"), "gf-cgd-cancel-confirm", "warning")
        self.user_box = text_input(cls="gf-cgd-user", width="160px")
        tl.link((self.user_box, "value"), (self.model, "user"))
        self.issue_btn = button(self.tr("issue_credentials"), "gf-cgd-issue")
        self.rights_btn = button(self.tr("approve_rights"), "gf-cgd-rights")
        self.suspend_btn = button(self.tr("suspend_token"), "gf-cgd-suspend", "danger")
        self.lost_on = ThaiDateBox(self.lang, "gf-cgd-lost-on")
        self.issued = Banner(self.lang)
        self.on(self.refresh_btn, self.refresh)
        self.on(self.approve_btn, lambda: self.run("round.approve", {"docs": self.table.selected}))
        self.on(self.reject_btn, lambda: self.run("round.reject", {"docs": self.table.selected, "reason": self.reason.value}))
        self.on(self.cancel_btn, lambda: self.run("round.cancel_confirm", {"docs": self.table.selected, "letter_no": self.letter_no.value or None,
                                                                             "letter_date": self.letter_date.value or None}))
        self.on(self.issue_btn, self.issue)
        self.on(self.rights_btn, lambda: self.run("user.approve_rights_change", self.model.user_data()))
        self.on(self.suspend_btn, lambda: self.run("softtoken.report_lost", {**self.model.user_data(),
                                                                             "lost_on": self.lost_on.value.strip() or None}))
        self.children = self.header() + [
            w.HTML(f"<b>{esc(self.tr('waiting_cgd'))}</b>"), self.refresh_btn, self.table,
            w.HBox([self.approve_btn]), w.HBox([field(self.tr("reject_reason"), self.reason), self.reject_btn]),
            w.HBox([field(self.tr("letter_no"), self.letter_no, "110px"), field(self.tr("letter_date"), self.letter_date, "80px"), self.cancel_btn]),
            w.HTML("<hr>"), w.HBox([field(self.tr("user_id"), self.user_box, "90px"), self.issue_btn, self.rights_btn,
                    field(self.tr("rules15_lost_on"), self.lost_on, "120px"), self.suspend_btn]),
            self.issued, self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str | Callable[[str], str] = "") -> Result:
        result = super().run(action, data, ok_text)
        if result.ok and action in DONE:  # which documents, and their status now
            done = result.data.get("docs", [])
            docs = [d for d in (self.desk.document(n) for n in done[:SHOWN]) if d]  # a page's worth
            self.out.say(lambda lang: done_html(t(DONE[action], lang).format(n=len(done)), docs, lang))
        if result.ok:
            self.table.clear()
        self.refresh()
        return result

    def refresh(self) -> None:
        self.letter_date.today(self.desk.now)
        self.lost_on.today(self.desk.now)
        docs = [d for d in self.desk.documents() if waiting(d)]
        self.table.show([(d["doc_no"], [d["doc_no"], d["doc_type"], d["unit"], d["text"], f"{d['remaining']:,.2f}",
                                        status_text(d["status"], "", self.lang)]) for d in docs])

    def issue(self) -> Result:
        result = self.run("user.issue_credentials", self.model.user_data())
        if result.ok:
            self.issued.say(lambda lang: credentials_html(result.data, lang))
        return result
