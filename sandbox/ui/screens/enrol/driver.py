"""Scenario steps on the enrolment screen."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver, as_text_date
from .view import EnrolScreen


class EnrolDriver(Driver):
    view: EnrolScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        if action == "user.request_credentials":
            view.request_btn.click()
        elif action == "phone.install":
            for app_name in inputs.get("apps", []):
                (view.nexus_btn if app_name == "nexus_smart_id" else view.paotang_btn).click()
        elif action == "paotang.verify":
            view.verify_btn.click()
        elif action == "softtoken.register":
            view.reg_password.value = inputs.get("password") or ""
            view.register_btn.click()
        elif action == "softtoken.report_lost":
            view.lost_on.value = "" if inputs.get("lost_on") is None else as_text_date(inputs["lost_on"])
            view.lost_btn.click()
        elif action == "tokenkey.return":
            view.return_btn.click()
        return self.desk.last_result
