"""Scenario steps on the login screen."""

from __future__ import annotations

from ....engine import Result
from ..base import Driver
from .view import LoginScreen


class LoginDriver(Driver):
    view: LoginScreen

    def perform(self, action: str, inputs: dict) -> Result:
        view = self.view
        if action == "auth.login":
            view.username.value = self.desk.person
            view.method.value = inputs.get("method", "soft_token")
            view.password.value = inputs.get("password") or ""
            otp = inputs.get("otp") or "auto"
            if view.method.value == "soft_token" and otp in ("auto", "deny"):
                view.otp.value = ""
                view.login_btn.click()  # the request goes to the phone ...
                if not view.waiting():  # (a screen that could not send it says why)
                    return self.desk.last_result
                return view.answer(otp)  # ... and the person approves or denies it there
            view.otp.value = "" if otp == "auto" else str(otp)
            view.login_btn.click()
            return self.desk.last_result
        if action == "auth.logout":
            view.logout_btn.click()
            return self.desk.last_result
        view.old.value, view.new.value = inputs.get("old") or "", inputs.get("new") or ""
        view.change_btn.click()
        return self.desk.last_result
