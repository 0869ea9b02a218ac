"""Signing in to a class (``python -m sandbox serve --class NAME``): runs in the Voila server.

Voila 0.5 is a jupyter_server application and takes an ``IdentityProvider`` class
(``--Voila.identity_provider_class``). Ours knows the class's trainees and trainer:

- a visitor signs in on ``/login`` with a trainee code, a personal link token or the trainer
  code; the server then keeps the sign-in in a signed, http-only cookie (the personal token, or the
  trainer code, never the bare trainee code);
- every page and kernel of the server asks ``get_user``: without a valid sign-in a page is sent to
  the sign-in form and an API call or a websocket gets 403 (jupyter_server's own rule);
- the page's kernel learns who it works for from a request header the server sets itself after
  checking the cookie (``X-Gfmis-Key``; a header of that name sent by a browser is dropped), which
  Voila passes to the kernel (``--VoilaConfiguration.http_header_envs``). Keys never stay in a
  page's address: a personal link (``?t=<token>``, the class sheet's QR code) signs in and is
  redirected to the same address without it;
- the trainer's page is the trainer's only; the folder listing (``/``, ``/voila/tree``) sends a
  trainee to the app and the trainer to the trainer's page.
"""

from __future__ import annotations

import html
import os
import time
from urllib.parse import urlencode, urlparse

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider, User
from jupyter_server.base.handlers import JupyterHandler
from tornado import web

from ..i18n import label

COOKIE = "gfmis-class"
APP_PAGE = "/voila/render/app.ipynb"
TRAINER_PAGE = "/voila/render/trainer.ipynb"
CACHE_SECONDS = 60.0
KEY_HEADER = "X-Gfmis-Key"  # classmode.KEY_ENV in the kernel


class Gate:
    """The served class: who a code, token or cookie value is (cached a minute: ``sign_in``
    writes the trainee's last visit, and a page makes dozens of requests)."""

    def __init__(self, class_name: str, class_db: str | None, root: str | None):
        self.class_name = class_name
        self.class_db = class_db
        self.root = root
        self._room = None
        self._cache: dict[str, tuple[float, object]] = {}

    @classmethod
    def from_env(cls) -> Gate:
        return cls(os.environ["SANDBOX_CLASS"], os.environ.get("SANDBOX_CLASS_DB"), os.environ.get("SANDBOX_CLASS_ROOT"))

    @property
    def room(self):
        if self._room is None:
            from ..classroom.classroom import Classroom

            self._room = Classroom(self.class_db, self.root)
        return self._room

    def identify(self, value: str | None):
        """The Identity for a code, token or trainer code of this class; None for anything else."""
        value = (value or "").strip()
        if not value or len(value) > 64:
            return None
        hit = self._cache.get(value)
        if hit and time.monotonic() - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            who = self.room.sign_in(value, self.class_name)
        except Exception:
            who = None
        if who is not None and who.class_name != self.class_name:
            who = None
        self._cache[value] = (time.monotonic(), who)
        return who

    def key_for(self, who) -> str:
        """What the cookie and page addresses carry: the trainee's personal token, or the trainer code."""
        info = self.room.get_class(who.class_name)
        if who.role == "trainer":
            return info.trainer_code
        return next(t["token"] for t in info.trainees if t["code"] == who.code)

    def home(self, who) -> str:
        return TRAINER_PAGE if who.role == "trainer" else APP_PAGE

    def start_page(self, who) -> str:
        """Where a sign-in lands: the exercise the trainer set for everyone, if any (one page, one
        kernel per trainee), else the app (free play); the trainer's page for the trainer."""
        if who.role == "trainee":
            exercise = self.room.assigned_exercise(self.class_name)
            if exercise:
                return f"{APP_PAGE}?{urlencode({'scenario': exercise, 'mode': 'practice'})}"
        return self.home(who)


_GATE: Gate | None = None


def gate() -> Gate:
    global _GATE
    if _GATE is None:
        _GATE = Gate.from_env()
    return _GATE


def _without_key(handler: web.RequestHandler) -> str:
    args = {k: v[-1].decode() for k, v in handler.request.query_arguments.items() if k != "t"}
    return f"{handler.request.path}?{urlencode(args)}" if args else handler.request.path


class ClassIdentityProvider(IdentityProvider):
    """Trainees and the trainer of the served class (``SANDBOX_CLASS``)."""

    @property
    def auth_enabled(self) -> bool:
        return True

    @property
    def login_available(self) -> bool:
        return True

    @property
    def logout_available(self) -> bool:
        return True

    def get_handlers(self) -> list:
        return [(r"/login", SignInHandler), (r"/logout", SignOutHandler)]

    def get_user(self, handler: web.RequestHandler) -> User | None:
        handler.request.headers.pop(KEY_HEADER, None)  # only the server says who a page is for
        g = gate()
        given = handler.get_query_argument("t", None)
        stored = handler.get_secure_cookie(COOKIE, max_age_days=2)
        value = given if given is not None else (stored.decode() if stored else None)
        who = g.identify(value)
        if who is None:
            return None
        path = handler.request.path
        key = value
        if given is not None and stored != given.encode():
            handler.set_secure_cookie(COOKIE, given, httponly=True, samesite="Lax", path="/")
        if handler.request.method == "GET" and not isinstance(handler, SignInHandler):
            if path.rstrip("/") in ("", "/voila/tree") or path.startswith("/voila/tree/"):
                handler.redirect(g.home(who))
                raise web.Finish()
            if path == TRAINER_PAGE and who.role != "trainer":
                handler.redirect(f"/login?{urlencode({'why': 'trainer', 'next': TRAINER_PAGE})}")
                raise web.Finish()
            if path.startswith("/voila/render/") and given is not None:  # a personal link: signed in, now drop the key
                handler.redirect(_without_key(handler))
                raise web.Finish()
            if path.startswith("/voila/render/"):
                handler.request.headers[KEY_HEADER] = key
        return User(username=f"{who.class_name}:{who.code}", name=who.code, display_name=who.code)


PAGE = """<!doctype html><html lang="th"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
body {{ font-family: Sarabun, "Noto Sans Thai", Tahoma, sans-serif; background: #eef2f7; margin: 0; }}
.gf-signin {{ max-width: 460px; margin: 8vh auto; background: #fff; border-radius: 8px; padding: 28px 32px;
  box-shadow: 0 2px 10px rgba(0,0,0,.12); border-top: 6px solid #1f4e8c; }}
h1 {{ font-size: 22px; margin: 0 0 4px; color: #1f4e8c; }} .en {{ color: #667; font-size: 14px; }}
label {{ display: block; margin: 18px 0 6px; font-weight: bold; }}
input[type=text] {{ width: 100%; box-sizing: border-box; font-size: 20px; padding: 8px 10px; letter-spacing: 1px; }}
button {{ margin-top: 18px; width: 100%; font-size: 18px; padding: 10px; background: #1f4e8c; color: #fff;
  border: 0; border-radius: 4px; cursor: pointer; }}
.gf-signin-error {{ background: #fdecea; color: #8a1f11; padding: 8px 10px; border-radius: 4px; margin-top: 14px; }}
.gf-signin-note {{ color: #555; font-size: 14px; margin-top: 16px; }}
</style></head><body><form class="gf-signin" method="post" action="/login">
<h1>{title}</h1><div class="en">{title_en}</div>
{error}<label for="code">{code_label} <span class="en">({code_label_en})</span></label>
<input type="text" id="code" name="code" class="gf-signin-code" autocomplete="off" autofocus required maxlength="64">
<input type="hidden" name="next" value="{next}">{xsrf}
<button type="submit" class="gf-signin-go">{go} · {go_en}</button>
<div class="gf-signin-note">{note}<br><span class="en">{note_en}</span></div>
</form></body></html>"""


def _both(key: str) -> tuple[str, str]:
    return html.escape(label(key)), html.escape(label(key, "en"))


def _safe_next(value: str | None) -> str:
    """Only a page of this server (no scheme, no host): never an open redirect."""
    parsed = urlparse(value or "")
    if parsed.scheme or parsed.netloc or not (value or "").startswith("/") or value.startswith("//"):
        return ""
    return value


class SignInHandler(JupyterHandler):
    """The sign-in form, the only page a visitor without a sign-in gets."""

    def _page(self, error_key: str | None = None, status: int = 200) -> None:
        error = ""
        if error_key:
            th, en = _both(error_key)
            error = f"<div class='gf-signin-error'>{th}<br><span class='en'>{en}</span></div>"
        title, title_en = _both("cls_signin_title")
        code, code_en = _both("cls_signin_code")
        go, go_en = _both("cls_signin_go")
        note, note_en = _both("cls_signin_note")
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(PAGE.format(
            title=title, title_en=title_en, error=error, code_label=code, code_label_en=code_en, go=go, go_en=go_en,
            note=note, note_en=note_en, next=html.escape(_safe_next(self.get_argument("next", ""))),
            xsrf=self.xsrf_form_html()))

    @allow_unauthenticated
    def get(self) -> None:
        why = self.get_query_argument("why", "")
        self._page("cls_signin_trainer_only" if why == "trainer" else None)

    def _code_taken(self, g: Gate, typed: str) -> bool:
        """A bare trainee code (GR07) signs in once: after that it is that trainee's, and another
        browser needs their personal link (the QR code on their card) or the trainer's reset.
        Codes are short and printed in order; the personal token is not guessable."""
        code = typed.strip().upper()
        row = next((t for t in g.room.get_class(g.class_name).trainees if t["code"] == code), None)
        if row is None or not row.get("last_seen"):
            return False
        mine = self.get_secure_cookie(COOKIE, max_age_days=2)
        return mine is None or mine.decode() != row["token"]

    @allow_unauthenticated
    def post(self) -> None:
        g = gate()
        typed = self.get_body_argument("code", "")
        if self._code_taken(g, typed):
            self._page("cls_signin_code_taken", status=403)
            return
        who = g.identify(typed)
        if who is None:
            self._page("cls_signin_wrong", status=403)
            return
        key = g.key_for(who)
        self.set_secure_cookie(COOKIE, key, httponly=True, samesite="Lax", path="/")
        target = _safe_next(self.get_body_argument("next", "")) or g.start_page(who)
        if urlparse(target).path == TRAINER_PAGE and who.role != "trainer":
            target = APP_PAGE
        self.redirect(target)


class SignOutHandler(JupyterHandler):
    @allow_unauthenticated
    def get(self) -> None:
        self.clear_cookie(COOKIE, path="/")
        self.redirect("/login")
