"""Scenario steps on a report screen: the conditions typed, then «show report»."""

from __future__ import annotations

from ....calendar import fiscal_year
from ....engine import Result
from ..base import Driver
from .view import ReportScreen


class ReportDriver(Driver):
    view: ReportScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        view.fy.value = int(inputs.get("fiscal_year") or fiscal_year(self.desk.now))
        view.round.value = inputs.get("round") or "september"
        view.status.value = inputs.get("status") or ""
        view.doc_type.value = inputs.get("doc_type") or ""
        for k, box in view.opt.items():
            box.value = "" if inputs.get(k) is None else str(inputs[k])
        view.show_btn.click()
        return self.desk.last_result
