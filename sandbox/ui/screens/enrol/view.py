"""The enrolment screen: one button per step and the person's checklist."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ....engine import Result
from ....i18n import source_name
from ...relabel import Banner
from ...shared_looks import layout as look  # one frozen layout per setting (shared_looks.py)
from ...widgets import button, esc, field, named, named_list, t, text_input
from ..base import Screen, credentials_html
from .model import EnrolModel


class EnrolScreen(Screen):
    key, title_key = "enrol", "enrol_title"
    crumb_keys = ("menu_user",)

    def _registered(self):
        """What a successful registration says: whose Soft Token, its state, how to log in now
        (``said(lang)``: the banner follows a language switch)."""
        user = self.desk.person
        return lambda lang: t("uxs_softtoken_registered", lang).format(user=user, state=named("token_states", "registered", lang))

    def build(self) -> None:
        self.model = self.model or EnrolModel()
        self.status = w.HTML()
        self.request_btn = button(self.tr("request_credentials"), "gf-request-credentials")
        self.nexus_btn = button(self.tr("install_nexus"), "gf-install-nexus")
        self.paotang_btn = button(self.tr("install_paotang"), "gf-install-paotang")
        self.verify_btn = button(self.tr("verify_paotang"), "gf-verify-paotang")
        self.reg_password = w.Password(layout=look(width="200px"), continuous_update=False)
        self.reg_password.add_class("gf-register-password")
        self.register_btn = button(self.tr("register_token"), "gf-register", "primary")
        self.lost_btn = button(self.tr("report_lost"), "gf-report-lost", "danger")
        self.lost_on = text_input(cls="gf-lost-on", width="140px", placeholder=self.tr("placeholder_date"))
        self.return_btn = button(self.tr("return_token_key"), "gf-return-token")
        self.otp_shown = Banner(self.lang)
        self.on(self.request_btn, self.request_credentials)
        self.on(self.nexus_btn, lambda: self.run("phone.install", {"apps": ["nexus_smart_id"]}))
        self.on(self.paotang_btn, lambda: self.run("phone.install", {"apps": ["paotang"]}))
        self.on(self.verify_btn, lambda: self.run("paotang.verify", {}, lambda lang: t("identity_verified", lang)))
        self.on(self.register_btn, lambda: self.run("softtoken.register", {"password": self.reg_password.value},
                                                     self._registered()))
        self.on(self.lost_btn, lambda: self.run("softtoken.report_lost", {"lost_on": self.lost_on.value.strip() or None}))
        self.on(self.return_btn, lambda: self.run("tokenkey.return", {}))
        self.children = self.header() + [
            self.status,
            w.HTML(f"<b>{esc(self.tr('step_credentials'))}</b>"), w.HBox([self.request_btn]), self.otp_shown,
            w.HTML(f"<b>{esc(self.tr('step_apps'))}</b>"), w.HBox([self.nexus_btn, self.paotang_btn]),
            w.HTML(f"<b>{esc(self.tr('step_identity'))}</b>"), self.verify_btn,
            w.HTML(f"<b>{esc(self.tr('step_register'))}</b>"), w.HBox([field(self.tr("password"), self.reg_password, "120px"), self.register_btn]),
            w.HTML(f"<b>{esc(self.tr('step_first_login'))}</b> → {esc(self.tr('menu_login'))}"),
            w.HTML("<hr>"), w.HBox([field(self.tr("rules15_lost_on"), self.lost_on, "120px"), self.lost_btn, self.return_btn]),
            self.out,
        ]

    def run(self, action: str, data: dict, ok_text: str | Callable[[str], str] = "") -> Result:
        result = super().run(action, data, ok_text)
        self.refresh()
        return result

    def request_credentials(self) -> Result:
        state = self.desk.user_state()
        result = self.run("user.request_credentials", {})
        if not result.ok and state is not None and state["credential"] == "none":
            # A new user has nothing to log in with: credentials come from CGD or the provincial
            # treasury office, not from this button (docs/rules.md §3.3, letter 000 §1.2).
            self.out.say(lambda lang: (
                f"<div class='gf-info gf-new-user-credentials'>{esc(t('ux_new_user_credentials', lang))}<br><span class='gf-src'>"
                f"{esc(t('source', lang))}: [000] {esc(source_name('000', lang))} {esc(t('ux_new_user_credentials_clause', lang))}</span></div>"))
        if result.ok:
            self.otp_shown.say(lambda lang: credentials_html(result.data, lang))
        return result

    def refresh(self) -> None:
        self.model.state = self.desk.user_state()
        self.render()

    def render(self) -> None:
        state = self.model.state
        if state is None:
            self.status.value = ""
            return

        def mark(done: bool) -> str:
            return f"<span class='{'gf-step-done' if done else 'gf-step-fail'}'>{'✔' if done else '✘'} {esc(self.tr('done' if done else 'todo'))}</span>"

        def shown(step: str, value: str) -> str:  # what the person has, by its name (never a code)
            if step == "step_identity":
                return self.tr(value)
            if step == "step_credentials":
                return named("credential_names", value, self.lang)
            if step == "step_apps":
                return named_list("app_names", value, self.lang) or value
            return named("token_states", value, self.lang)

        body = "".join(f"<tr><td>{esc(self.tr(step))}</td><td>{esc(shown(step, value))}</td><td>{mark(done)}</td></tr>"
                       for step, value, done in self.model.steps())
        self.status.value = (f"<div>{esc(self.tr('user_id'))}: <b>{esc(state['id'])}</b> {esc(state['name'])}</div>"
                             f"<table class='gf-table'>{body}</table>")
