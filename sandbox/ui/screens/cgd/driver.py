"""Scenario steps on the CGD desk."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver, as_text_date
from .view import CgdScreen


class CgdDriver(Driver):
    view: CgdScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        if action.startswith("round."):
            docs = [str(d) for d in inputs.get("docs") or []]
            view.refresh()
            view.table.tick(docs)
            if sorted(view.table.selected) != sorted(docs):
                return self.desk.execute(action, inputs)
            if action == "round.approve":
                view.approve_btn.click()
            elif action == "round.reject":
                view.reason.value = str(inputs.get("reason") or "")
                view.reject_btn.click()
            else:
                view.letter_no.value = str(inputs.get("letter_no") or "")
                view.letter_date.value = "" if inputs.get("letter_date") is None else as_text_date(inputs["letter_date"])
                view.cancel_btn.click()
            return self.desk.last_result
        view.user_box.value = str(inputs.get("user") or "")
        view.lost_on.value = "" if inputs.get("lost_on") is None else as_text_date(inputs["lost_on"])
        {"user.issue_credentials": view.issue_btn, "user.approve_rights_change": view.rights_btn,
         "softtoken.report_lost": view.suspend_btn}[action].click()
        return self.desk.last_result
