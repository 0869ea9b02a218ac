"""Scenario steps on the withdrawal screen."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver
from .view import WithdrawalScreen


class WithdrawalDriver(Driver):
    view: WithdrawalScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        if action == "withdrawal.request":
            view.doc.value = str(inputs.get("doc") or "")
            view.amount.value = "" if inputs.get("amount") is None else str(inputs["amount"])
            view.request_btn.click()
            return self.desk.last_result
        view.refresh()
        view.table.tick([str(inputs.get("request"))])
        if not view.table.selected:
            return self.desk.execute(action, inputs)
        (view.approve_btn if action == "withdrawal.approve" else view.pay_btn).click()
        return self.desk.last_result
