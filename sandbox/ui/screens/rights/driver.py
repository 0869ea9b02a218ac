"""Scenario steps on the rights screen."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver
from .view import RightsScreen


class RightsDriver(Driver):
    view: RightsScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        view.user_box.value = str(inputs.get("user") or "")
        if action == "user.change_rights":
            known = {code for _, code in view.roles.options}
            view.roles.value = tuple(r for r in inputs.get("roles") or [] if r in known)
            view.order_name.value = str(inputs.get("order_file") or "")
            if set(view.roles.value) != set(inputs.get("roles") or []):
                return self.desk.execute(action, inputs)
            view.request_btn.click()
        else:
            view.letter_no.value = str(inputs.get("letter_no") or "")
            view.letter_btn.click()
        return self.desk.last_result
