"""The withdrawal screen: a request against a reserve document; the unit's pending requests."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ...pick_table import PickTable
from ...widgets import button, esc, field, message_html, named, t, text_input
from ..base import Screen
from .model import WithdrawalModel


class WithdrawalScreen(Screen):
    key, title_key = "withdrawal", "withdrawal_title"
    crumb_keys = ("menu_spend",)

    def build(self) -> None:
        self.model = self.model or WithdrawalModel()
        self.doc = text_input(cls="gf-wd-doc", width="160px")
        self.amount = text_input(cls="gf-wd-amount", width="160px", placeholder="1,000,000.00")
        tl.link((self.doc, "value"), (self.model, "doc"))
        tl.link((self.amount, "value"), (self.model, "amount"))
        self.request_btn = button(self.tr("request_withdrawal"), "gf-wd-request", "primary")
        self.table = PickTable([self.tr("request_no"), self.tr("doc_no"), self.tr("amount"), self.tr("col_status")], self.lang, {2})
        self.approve_btn = button(self.tr("approve_withdrawal"), "gf-wd-approve", "success")
        self.pay_btn = button(self.tr("approve_payment"), "gf-wd-pay", "success")
        self.on(self.request_btn, lambda: self.run("withdrawal.request", self.model.request()))
        self.on(self.approve_btn, lambda: self._each("withdrawal.approve"))
        self.on(self.pay_btn, lambda: self._each("payment.approve"))
        self.children = self.header() + [
            w.HBox([field(self.tr("doc_no"), self.doc, "110px"), field(self.tr("amount"), self.amount, "80px"), self.request_btn]),
            w.HTML(f"<hr><b>{esc(self.tr('pending_requests'))}</b>"), self.table, w.HBox([self.approve_btn, self.pay_btn]), self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str | Callable[[str], str] = "") -> Result:
        result = super().run(action, data, ok_text)
        if result.ok and result.data.get("request_no"):
            self.out.say(lambda lang: message_html(result, lang, f"{t('request_no', lang)} {result.data['request_no']}"))
        self.refresh()
        return result

    def _each(self, action: str) -> Result | None:
        if not self.table.selected:
            self.nothing_selected()
            return None
        result = None
        for request in self.table.selected:
            result = super().run(action, {"request": request})
            if not result.ok:
                break  # the refusal stays on screen, with the request it concerns still ticked
        else:
            self.table.clear()
        self.refresh()
        return result

    def refresh(self) -> None:
        state = self.desk.user_state()
        rows = self.desk.pending_requests(state["unit"]) if state else []
        self.table.show([(r["request_no"], [r["request_no"], r["doc_no"], f"{r['amount']:,.2f}",
                                             named("request_statuses", r["status"], self.lang)]) for r in rows])
