"""The person's phone beside the screens: Nexus Smart ID (the login request, the current 6-digit
code, a QR code to enrol a real authenticator app) and Paotang (identity status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as w

from ..domain import auth
from ..engine import Result
from .widgets import button, esc, safe, t


class Phone(w.VBox):
    """``press(otp)`` approves (``auto``) or denies (``deny``) the login request typed on the
    login screen; ``state_of()`` reads the person's user state and ``now()`` the simulated clock."""

    def __init__(self, lang: str, press: Callable[[str], Result], state_of: Callable[[], dict | None],
                 now: Callable[[], dt.datetime]):
        super().__init__()
        self.lang = lang
        self._press = press
        self.state_of = state_of
        self.now = now
        self.add_class("gf-phone")
        self.body = w.HTML()
        self.approve = button(t("approve_login", lang), "gf-phone-approve", "success")
        self.deny = button(t("deny_login", lang), "gf-phone-deny", "danger")
        self.approve.on_click(safe(lambda _b: self.press("auto")))
        self.deny.on_click(safe(lambda _b: self.press("deny")))
        self.qr = w.HTML()
        self.children = [self.body, w.HBox([self.approve, self.deny]), self.qr]

    def press(self, otp: str) -> Result:
        """Approve (or deny) the login request typed on the login screen."""
        return self._press(otp)

    def refresh(self) -> None:
        lang = self.lang
        state = self.state_of()
        if state is None:
            self.body.value = ""
            return
        now = self.now()
        nexus = "nexus_smart_id" in state["apps"]
        lines = [f"<div style='text-align:center'><b>{esc(t('phone_of', lang))} {esc(state['name'])}</b></div>",
                 f"<div style='margin-top:6px'><b>{esc(t('nexus', lang))}</b></div>"]
        if not nexus:
            lines.append(f"<i>{esc(t('not_installed', lang))}</i>")
        elif state["soft_token"] == "suspended":
            lines.append(f"<span class='gf-step-fail'>{esc(t('token_suspended', lang))}</span>")
        elif state["soft_token"] in ("registered", "active") and state["totp_secret"]:
            code = auth.code_at(state["totp_secret"], now)
            lines.append(f"<div>{esc(t('login_request', lang))}</div>"
                         f"<div class='gf-code gf-phone-code'>{code[:3]} {code[3:]}</div>"
                         f"<div style='text-align:center' class='gf-src'>{esc(t('phone_code', lang))} · "
                         f"{auth.seconds_left(now)} {esc(t('seconds_left', lang))}</div>")
            self.qr.value = (f"<details><summary class='gf-src'>QR</summary><div class='gf-src'>{esc(t('qr_hint', lang))}</div>"
                             f"{auth.qr_svg(state['totp_secret'], state['id'], scale=3)}</details>")
        else:
            lines.append(f"<i>{esc(t('no_token', lang))}</i>")
            self.qr.value = ""
        paotang = "paotang" in state["apps"]
        status = t("identity_verified" if state["identity"] == "verified" else "identity_unverified", lang)
        lines.append(f"<div style='margin-top:8px'><b>{esc(t('paotang', lang))}</b></div>"
                     f"<div class='gf-paotang-status'>{esc(status) if paotang else '<i>' + esc(t('not_installed', lang)) + '</i>'}</div>")
        self.body.value = "".join(lines)
