"""The login form: user name, password, way in, the code from Nexus Smart ID; the password change."""

from __future__ import annotations

import ipywidgets as w
import traitlets as tl

from ....engine import Result
from ....i18n import text
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import button, esc, field, t, text_input
from ..base import Screen
from .model import LoginModel


class LoginScreen(Screen):
    key, title_key = "login", "login_title"

    def build(self) -> None:
        self.model = self.model or LoginModel()
        self._welcomed = False  # the message under the form says the login succeeded
        self.username = text_input(self.desk.person, cls="gf-login-user")
        self.password = w.Password(layout=look(width="260px"), continuous_update=False)
        self.password.add_class("gf-login-password")
        self.method = w.Dropdown(
            options=[(self.tr("method_soft_token"), "soft_token"), (self.tr("method_token_key"), "token_key"),
                     (self.tr("method_password"), "password")],
            value=self.model.method, layout=look(width="260px"))
        self.method.add_class("gf-login-method")
        tl.link((self.method, "value"), (self.model, "method"))
        self.otp = text_input(placeholder="123456", cls="gf-login-otp", width="120px")
        self.wait_note = w.HTML(f"<div class='gf-info'>{esc(self.tr('login_wait_phone'))}</div>")  # shown, hidden
        self.method.observe(lambda _ch: self._show_wait_note(), "value")
        self._show_wait_note()
        self.login_btn = button(self.tr("login_button"), "gf-login-submit", "primary")
        self.logout_btn = button(self.tr("logout"), "gf-logout")
        self.on(self.login_btn, self.submit)
        self.on(self.logout_btn, self.logout)
        self.old = w.Password(layout=look(width="200px"), continuous_update=False)
        self.new = w.Password(layout=look(width="200px"), continuous_update=False)
        self.new.add_class("gf-new-password")
        self.change_btn = button(self.tr("change_password"), "gf-change-password")
        self.on(self.change_btn, self.change_password)
        self.children = self.header() + [
            w.HTML(f"<div class='gf-crumb'>{esc(self.tr('portal'))}</div>"),
            field(self.tr("username"), self.username),
            field(self.tr("password"), self.password),
            field(self.tr("method"), self.method),
            field(self.tr("otp"), self.otp),
            self.wait_note,
            w.HBox([self.login_btn, self.logout_btn]),
            self.out,
            w.HTML(f"<hr><b>{esc(self.tr('change_password'))}</b>"),
            w.HBox([field(self.tr("old_password"), self.old, "120px"), field(self.tr("new_password"), self.new, "120px"), self.change_btn]),
        ]
        self.username.observe(self._typed_user, "value")

    def _show_wait_note(self) -> None:
        """«approve on the phone» only for a Soft Token login."""
        display = "" if self.method.value == "soft_token" else "none"
        if (self.wait_note.layout.display or "") != display:  # the shared layout of its kind (shared_looks.py)
            self.wait_note.layout = look(display=display)

    def _typed_user(self, change: dict) -> None:
        user = change["new"].strip()
        if self.desk.knows(user):
            self.desk.sit(user)

    def refresh(self) -> None:
        self.username.value = self.desk.person
        if self.model.pending and self.model.pending != self.desk.person:
            self.model.pending = ""  # another person sits down: the request was not theirs
        if self._welcomed and not self.desk.session_live():
            # «สำเร็จ เข้าสู่ระบบแล้ว» no longer true (the clock moved past the session, a logout
            # elsewhere): the form does not say so under a bar that says «ยังไม่เข้าสู่ระบบ»
            self.out.value, self._welcomed = "", False

    def submit(self) -> Result | None:
        """«เข้าสู่ระบบ»: with a typed code (or another method) the login runs at once; a Soft Token
        login with the code box empty sends a request to the person's phone and waits for «อนุมัติ»."""
        state = self.desk.user_state()
        reachable = bool(state) and state["soft_token"] in ("registered", "active") and bool(state["totp_secret"])
        if self.model.waits_on_phone(self.otp.value) and reachable:
            self.model.pending = self.desk.person
            self.note("gf-info gf-login-waiting", "ux_login_request_sent")
            self.desk.signed_in()  # the phone shows the request
            return None
        # A typed code, another method, or no phone to ask: the engine answers at once (without a
        # registered Soft Token it refuses the method before any code is looked at).
        return self.login(self.otp.value.strip() or "auto")

    def waiting(self) -> bool:
        """Is a login request of the person at the desk waiting on the phone?"""
        return bool(self.model.pending) and self.model.pending == self.desk.person

    def answer(self, otp: str) -> Result | None:
        """The phone's «อนุมัติ» (``auto``) or «ปฏิเสธ» (``deny``) on the waiting request; nothing
        without one (a phone approves only a request that was sent)."""
        if not self.waiting():
            self.model.pending = ""
            self.note("gf-warn", "ux_no_login_request")
            self.desk.signed_in()
            return None
        self.model.pending = ""
        result = self.login(otp)
        if not result.ok and otp == "deny":
            self.out.add(lambda lang: f"<div class='gf-err gf-login-denied'><b>{esc(t('ux_login_denied', lang))}</b></div>", before=True)
        self.desk.signed_in()
        return result

    def clear_secrets(self) -> None:
        """Empty the password and code boxes (a retyped password is never appended to the last)."""
        self.password.value = self.otp.value = ""

    def logout(self) -> Result:
        self.model.pending = ""
        self._welcomed = False
        result = self.run("auth.logout", {})
        self.clear_secrets()
        self.desk.signed_in()  # the bar and the phone: logged out
        return result

    def login(self, otp: str) -> Result:
        """Log in; ``otp`` is the typed code, or ``auto``/``deny`` answered on the phone. Whatever
        the answer, no request waits on the phone any more and the secret boxes are emptied."""
        self.model.pending = ""
        result = self.run("auth.login", self.model.data(self.password.value, otp), lambda lang: t("login_ok", lang))
        self.clear_secrets()
        self._welcomed = result.ok
        if result.ok:
            if result.data.get("reminder"):  # registered, yet logged in the old way [002]
                self.out.add(lambda lang: f"<div class='gf-info gf-reminder'>{esc(text('details', 'rules15_use_soft_token', lang))}</div>")
            self.desk.signed_in()
        return result

    def change_password(self) -> Result:
        result = self.run("user.change_password", {"old": self.old.value, "new": self.new.value})
        if result.ok:
            self.old.value = self.new.value = ""
        return result
