"""The person's phone beside the screens: Nexus Smart ID (the login request while one waits, the
current 6-digit code, a QR code to enrol a real authenticator app) and Paotang (identity status).

The kernel sends the phone to the browser only when what it shows changes: a new code (every 30
seconds), a request sent or answered, a login or a logout. The code's countdown runs in the browser
(animated images made once per code, see countdown.py), not as a redraw from the kernel on every
beat of the page (issue 14: forty pages on one server)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import ipywidgets as w

from ..domain import auth
from ..engine import Result
from .countdown import countdown_images
from .widgets import button, esc, safe, t

# The countdown is two animated images (countdown.py): a CSS animation is redrawn every frame.
COUNTDOWN_CSS = """<style>
.gf-phone-track { display: block; width: 206px; height: 4px; margin: 2px auto; }
.gf-phone-secs { height: 14px; width: 18px; vertical-align: -2px; }
.gf-phone-signed-in { text-align: center; color: #1b5e20; font-weight: 700; margin-top: 4px; }
</style>"""


class Phone(w.VBox):
    """``press(otp)`` answers the login request sent from the login screen: ``auto`` approves,
    ``deny`` refuses; ``waiting()`` says whether a request of this person waits; ``live()`` whether
    the person is logged in; ``state_of()`` reads the person's user state, ``now()`` the simulated
    clock and ``running()`` whether that clock moves with real time (the countdown runs)."""

    def __init__(self, lang: str, press: Callable[[str], Result | None], state_of: Callable[[], dict | None],
                 now: Callable[[], dt.datetime], waiting: Callable[[], bool] = lambda: False,
                 live: Callable[[], bool] = lambda: False, running: Callable[[], bool] = lambda: False):
        super().__init__()
        self.lang = lang
        self._press = press
        self.state_of = state_of
        self.now = now
        self.waiting = waiting
        self.live = live
        self.running = running
        self.add_class("gf-phone")
        self.body = w.HTML()
        self.approve = button(t("approve_login", lang), "gf-phone-approve", "success")
        self.deny = button(t("deny_login", lang), "gf-phone-deny", "danger")
        self.approve.on_click(safe(lambda _b: self.press("auto")))
        self.deny.on_click(safe(lambda _b: self.press("deny")))
        self.request = w.HTML()
        # its own layout (shown while a request waits), not the shared one (shared_looks.py)
        self.request_box = w.VBox([self.request, w.HBox([self.approve, self.deny])], layout=w.Layout(display="none"))
        self.request_box.add_class("gf-phone-request")
        self.qr = w.HTML()
        self.apps = w.HTML()
        self.children = [w.HTML(COUNTDOWN_CSS), self.body, self.request_box, self.qr, self.apps]
        self._shown: tuple | None = None  # what the phone shows now (nothing is sent while it stays)

    @classmethod
    def for_app(cls, app) -> Phone:
        """The phone of whoever sits at the app's desk (``sandbox.ui.app.App``)."""
        return cls(app.model.lang, lambda otp: app.screen("login").answer(otp),
                   lambda: app.sandbox.user_state(app.model.person), lambda: app.now,
                   waiting=lambda: "login" in app.screens and app.screens["login"].waiting(),
                   live=lambda: bool(app.model.person) and app.sandbox.session_live(app.model.person),
                   running=lambda: app.clock is not None and not app.clock.paused)

    def press(self, otp: str) -> Result | None:
        """Approve (``auto``) or deny (``deny``) the waiting login request."""
        result = self._press(otp)
        self.refresh()
        return result

    def refresh(self) -> None:
        """Redraw what changed since the last call, and nothing else."""
        state = self.state_of()
        if state is None:
            self._show(("nobody",), "", "", "", "none", "")
            return
        now = self.now()
        registered = state["soft_token"] in ("registered", "active") and bool(state["totp_secret"])
        nexus = "nexus_smart_id" in state["apps"]
        live = self.live()
        waiting = nexus and registered and self.waiting()  # a request only while one is pending
        period = auth.time_step(now) if nexus and registered else None
        running = self.running()
        shown = (state["id"], state["name"], state["soft_token"], nexus, registered, state["identity"],
                 tuple(state["apps"]), live, waiting, period, running, state["totp_secret"] if registered else None)
        if shown == self._shown:
            return
        lang = self.lang
        lines = [f"<div style='text-align:center'><b>{esc(t('phone_of', lang))} {esc(state['name'])}</b></div>",
                 f"<div style='margin-top:6px'><b>{esc(t('nexus', lang))}</b></div>"]
        qr = request = ""
        if not nexus:
            lines.append(f"<i>{esc(t('not_installed', lang))}</i>")
        elif state["soft_token"] == "suspended":
            lines.append(f"<span class='gf-step-fail'>{esc(t('token_suspended', lang))}</span>")
        elif registered:
            lines.append(self._code(state["totp_secret"], now, running))
            qr = (f"<details><summary class='gf-src'>QR</summary><div class='gf-src'>{esc(t('qr_hint', lang))}</div>"
                  f"{auth.qr_svg(state['totp_secret'], state['id'], scale=3)}</details>")
            if waiting:
                request = (f"<div class='gf-info gf-phone-pending'><b>{esc(t('login_request', lang))}</b><br>"
                           f"{esc(state['id'])} · {esc(t('ux_phone_request_ask', lang))}</div>")
        else:
            lines.append(f"<i>{esc(t('no_token', lang))}</i>")
        if live:  # logged in: the phone says so, and asks nothing
            lines.append(f"<div class='gf-phone-signed-in'>✔ {esc(t('uxd_phone_signed_in', lang))} ({esc(state['id'])})</div>")
        paotang = "paotang" in state["apps"]
        status = t("identity_verified" if state["identity"] == "verified" else "identity_unverified", lang)
        apps = (f"<div style='margin-top:8px'><b>{esc(t('paotang', lang))}</b></div>"
                f"<div class='gf-paotang-status'>{esc(status) if paotang else '<i>' + esc(t('not_installed', lang)) + '</i>'}</div>")
        self._show(shown, "".join(lines), request, qr, "flex" if waiting else "none", apps)

    def seconds_to_next_code(self) -> int | None:
        """Seconds until the code shown gives way to the next one: ``None`` when no code is shown
        or the clock stands (the page's beat asks, ``clock.follow_code``)."""
        shown = self._shown
        if shown is None or len(shown) < 11 or shown[9] is None or not shown[10]:
            return None
        return auth.seconds_left(self.now())

    def _show(self, shown: tuple, body: str, request: str, qr: str, display: str, apps: str) -> None:
        """Each widget set once, to its final value (a widget set to what it holds sends nothing)."""
        self._shown = shown
        self.body.value, self.request.value, self.qr.value, self.apps.value = body, request, qr, apps
        self.request_box.layout.display = display

    def _code(self, secret: str, now: dt.datetime, running: bool) -> str:
        """The current code and its countdown: two images that count down in the browser from
        the seconds left of this code period; a standing clock shows them still."""
        code, left = auth.code_at(secret, now), auth.seconds_left(now)
        secs, bar = countdown_images(left, auth.time_step(now), running)
        still = "" if running else " gf-phone-still"
        lang = self.lang
        return (f"<div class='gf-code gf-phone-code'>{code[:3]} {code[3:]}</div>"
                f"<div class='gf-phone-countdown{still}'><img class='gf-phone-track' src='{bar}' alt=''>"
                f"<div style='text-align:center' class='gf-src'>{esc(t('phone_code', lang))} · "
                f"<img class='gf-phone-secs' src='{secs}' alt='{left}' data-left='{left}'> "
                f"{esc(t('seconds_left', lang))}</div></div>")
