"""The person's phone beside the screens: Nexus Smart ID (the login request while one waits, the
current 6-digit code, a QR code to enrol a real authenticator app) and Paotang (identity status)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as w

from ..domain import auth
from ..engine import Result
from .widgets import button, esc, safe, t


class Phone(w.VBox):
    """``press(otp)`` answers the login request sent from the login screen: ``auto`` approves,
    ``deny`` refuses; ``waiting()`` says whether a request of this person waits; ``state_of()``
    reads the person's user state and ``now()`` the simulated clock."""

    def __init__(self, lang: str, press: Callable[[str], Result | None], state_of: Callable[[], dict | None],
                 now: Callable[[], dt.datetime], waiting: Callable[[], bool] = lambda: False):
        super().__init__()
        self.lang = lang
        self._press = press
        self.state_of = state_of
        self.now = now
        self.waiting = waiting
        self.add_class("gf-phone")
        self.body = w.HTML()
        self.approve = button(t("approve_login", lang), "gf-phone-approve", "success")
        self.deny = button(t("deny_login", lang), "gf-phone-deny", "danger")
        self.approve.on_click(safe(lambda _b: self.press("auto")))
        self.deny.on_click(safe(lambda _b: self.press("deny")))
        self.request = w.HTML()
        self.request_box = w.VBox([self.request, w.HBox([self.approve, self.deny])])
        self.request_box.add_class("gf-phone-request")
        self.request_box.layout.display = "none"
        self.qr = w.HTML()
        self.apps = w.HTML()
        self.children = [self.body, self.request_box, self.qr, self.apps]

    def press(self, otp: str) -> Result | None:
        """Approve (``auto``) or deny (``deny``) the waiting login request."""
        result = self._press(otp)
        self.refresh()
        return result

    def refresh(self) -> None:
        lang = self.lang
        state = self.state_of()
        self.qr.value = ""  # only a registered token of this very person shows its QR code
        self.request_box.layout.display = "none"
        if state is None:
            self.body.value = self.apps.value = ""
            return
        now = self.now()
        lines = [f"<div style='text-align:center'><b>{esc(t('phone_of', lang))} {esc(state['name'])}</b></div>",
                 f"<div style='margin-top:6px'><b>{esc(t('nexus', lang))}</b></div>"]
        registered = state["soft_token"] in ("registered", "active") and bool(state["totp_secret"])
        if "nexus_smart_id" not in state["apps"]:
            lines.append(f"<i>{esc(t('not_installed', lang))}</i>")
        elif state["soft_token"] == "suspended":
            lines.append(f"<span class='gf-step-fail'>{esc(t('token_suspended', lang))}</span>")
        elif registered:
            code = auth.code_at(state["totp_secret"], now)
            lines.append(f"<div class='gf-code gf-phone-code'>{code[:3]} {code[3:]}</div>"
                         f"<div style='text-align:center' class='gf-src'>{esc(t('phone_code', lang))} · "
                         f"{auth.seconds_left(now)} {esc(t('seconds_left', lang))}</div>")
            self.qr.value = (f"<details><summary class='gf-src'>QR</summary><div class='gf-src'>{esc(t('qr_hint', lang))}</div>"
                             f"{auth.qr_svg(state['totp_secret'], state['id'], scale=3)}</details>")
            if self.waiting():
                self.request.value = (f"<div class='gf-info gf-phone-pending'><b>{esc(t('login_request', lang))}</b><br>"
                                      f"{esc(state['id'])} · {esc(t('ux_phone_request_ask', lang))}</div>")
                self.request_box.layout.display = "flex"
        else:
            lines.append(f"<i>{esc(t('no_token', lang))}</i>")
        self.body.value = "".join(lines)
        paotang = "paotang" in state["apps"]
        status = t("identity_verified" if state["identity"] == "verified" else "identity_unverified", lang)
        self.apps.value = (f"<div style='margin-top:8px'><b>{esc(t('paotang', lang))}</b></div>"
                           f"<div class='gf-paotang-status'>{esc(status) if paotang else '<i>' + esc(t('not_installed', lang)) + '</i>'}</div>")
