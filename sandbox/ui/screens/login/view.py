"""The login form: user name, password, way in, the code from Nexus Smart ID; the password change."""

from __future__ import annotations

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ....i18n import text
from ...widgets import button, esc, field, text_input
from ..base import Screen
from .model import LoginModel


class LoginScreen(Screen):
    key, title_key = "login", "login_title"

    def build(self) -> None:
        self.model = self.model or LoginModel()
        self.username = text_input(self.desk.person, cls="gf-login-user")
        self.password = w.Password(layout=w.Layout(width="260px"))
        self.password.add_class("gf-login-password")
        self.method = w.Dropdown(
            options=[(self.tr("method_soft_token"), "soft_token"), (self.tr("method_token_key"), "token_key"),
                     (self.tr("method_password"), "password")],
            value=self.model.method, layout=w.Layout(width="260px"))
        self.method.add_class("gf-login-method")
        tl.link((self.method, "value"), (self.model, "method"))
        self.otp = text_input(placeholder="123456", cls="gf-login-otp", width="120px")
        self.login_btn = button(self.tr("login_button"), "gf-login-submit", "primary")
        self.logout_btn = button(self.tr("logout"), "gf-logout")
        self.on(self.login_btn, lambda: self.login(self.otp.value.strip() or "auto"))
        self.on(self.logout_btn, lambda: self.run("auth.logout", {}))
        self.old = w.Password(layout=w.Layout(width="200px"))
        self.new = w.Password(layout=w.Layout(width="200px"))
        self.new.add_class("gf-new-password")
        self.change_btn = button(self.tr("change_password"), "gf-change-password")
        self.on(self.change_btn, self.change_password)
        self.children = self.header() + [
            w.HTML(f"<div class='gf-crumb'>{esc(self.tr('portal'))}</div>"),
            field(self.tr("username"), self.username),
            field(self.tr("password"), self.password),
            field(self.tr("method"), self.method),
            field(self.tr("otp"), self.otp),
            w.HTML(f"<div class='gf-info'>{esc(self.tr('login_wait_phone'))}</div>"),
            w.HBox([self.login_btn, self.logout_btn]),
            self.out,
            w.HTML(f"<hr><b>{esc(self.tr('change_password'))}</b>"),
            w.HBox([field(self.tr("old_password"), self.old, "120px"), field(self.tr("new_password"), self.new, "120px"), self.change_btn]),
        ]
        self.username.observe(self._typed_user, "value")

    def _typed_user(self, change: dict) -> None:
        user = change["new"].strip()
        if self.desk.knows(user):
            self.desk.sit(user)

    def refresh(self) -> None:
        self.username.value = self.desk.person

    def login(self, otp: str) -> Result:
        """Log in; ``otp`` is the typed code, or ``auto``/``deny`` pressed on the phone."""
        result = self.run("auth.login", self.model.data(self.password.value, otp), self.tr("login_ok"))
        if result.ok:
            self.otp.value = ""
            if result.data.get("reminder"):  # registered, yet logged in the old way [002]
                reminder = text("details", "rules15_use_soft_token", self.lang)
                self.out.value += f"<div class='gf-info gf-reminder'>{esc(reminder)}</div>"
            self.desk.signed_in()
        return result

    def change_password(self) -> Result:
        result = self.run("user.change_password", {"old": self.old.value, "new": self.new.value})
        if result.ok:
            self.old.value = self.new.value = ""
        return result
