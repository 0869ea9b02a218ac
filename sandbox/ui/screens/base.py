"""What every screen shares: the ``Desk`` a screen works at, and the ``Screen`` widget base.

A screen's view gets its model and the desk, never the whole app and never the sandbox: the desk
is the narrow way to act (``execute``), move (``navigate``, ``sit``) and read (the queries)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import ipywidgets as w

from ...engine import Result
from ..relabel import Banner, close_tree, relabel, snapshot, translated
from ..shared_looks import shared
from ..widgets import esc, message_html, safe, t, widget_tree


class Desk:
    """The person at the desk, the language, the engine's commands and the read side.

    ``app.py`` makes the one desk of an app and hands it to every screen. The base class answers
    nothing (a screen driven without an app fails loudly); the app's desk fills every method."""

    @property
    def person(self) -> str:
        raise NotImplementedError

    @property
    def lang(self) -> str:
        raise NotImplementedError

    @property
    def last_result(self) -> Result | None:
        raise NotImplementedError

    @property
    def now(self) -> dt.datetime:
        raise NotImplementedError

    def execute(self, action: str, data: dict) -> Result:
        """The engine's command as the person at the desk (every screen acts through here)."""
        raise NotImplementedError

    def navigate(self, screen: str) -> None:
        raise NotImplementedError

    def acting(self) -> AbstractContextManager:
        """One action of the person (a click on a screen): the app draws its bar once, at the end."""
        return contextlib.nullcontext()

    def knows(self, user_id: str) -> bool:
        """Is ``user_id`` a person of the loaded world?"""
        raise NotImplementedError

    def sit(self, user_id: str) -> None:
        """Another person sits at the desk (the login screen's user name)."""
        raise NotImplementedError

    def signed_in(self) -> None:
        """A login succeeded: the sandbox bar and the phone show it."""
        raise NotImplementedError

    # ---------------------------------------------------------------- queries
    def user_state(self, user_id: str | None = None) -> dict | None:
        raise NotImplementedError

    def session_live(self) -> bool:
        """Is the person at the desk logged in now (the bar's «เข้าสู่ระบบแล้ว»)?"""
        raise NotImplementedError

    def unit(self, code: str) -> dict:
        raise NotImplementedError

    def scope_of(self, unit: str) -> list[str]:
        raise NotImplementedError

    def document(self, doc_no: str) -> dict | None:
        raise NotImplementedError

    def documents(self, **cond: Any) -> list[dict]:
        raise NotImplementedError

    def pending_requests(self, unit: str) -> list[dict]:
        raise NotImplementedError

    def default_round(self) -> tuple[int, str]:
        """The fiscal year and round a round or report screen opens on now."""
        raise NotImplementedError

    def report(self, unit: str, kind: str, rows: list[dict], cond: dict) -> Any:
        """NFMA60 / NFMA60CX laid out for the screen from the rows the engine gave."""
        raise NotImplementedError

    def report_stream(self, kind: str, cond: dict) -> Any:
        """The report of every row the person may see, read in chunks as a file is written."""
        raise NotImplementedError

    def paper(self, kind: str, **args: Any) -> tuple[str, bytes]:
        """A paper drafted as a PDF: ``(file name, bytes)`` (:func:`sandbox.papers.draft`)."""
        raise NotImplementedError

    def province(self, area: str) -> Any:
        """The provincial treasury office's desk for ``area`` (:class:`sandbox.province.ProvinceDesk`)."""
        raise NotImplementedError


class Screen(w.VBox):
    """A screen's view: widgets over its model, acting through the desk."""

    key = ""
    title_key = ""
    crumb_keys: tuple[str, ...] = ()
    # Parts built the first time one of their attributes is asked for (``part``): attribute -> the
    # method that builds it. A screen sends only the widgets it shows (issue 14: every widget is
    # work for each browser of a class).
    parts: dict[str, str] = {}

    def __init__(self, desk: Desk, model: Any = None):
        super().__init__(_dom_classes=("gf-screen", f"gf-screen-{self.key}"))  # in its comm_open, not a message after
        self.parts_built: list[str] = []
        self.desk = desk
        self.model = model
        self.lang = desk.lang
        self.out = Banner(self.lang)  # the answer to the last action, redrawn after a language switch
        self.build()
        self._built = snapshot(self)  # the texts it was built with (a language switch relabels them)

    def tr(self, key: str) -> str:
        return t(key, self.lang)

    def __getattr__(self, name: str) -> Any:
        maker = type(self).parts.get(name)
        if maker is None or maker in self.__dict__.get("parts_built", (maker,)):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        self.part(maker)
        return self.__dict__[name]

    def built(self, maker: str) -> bool:
        return maker in self.parts_built

    def part(self, maker: str) -> None:
        """Build the part ``maker`` builds, once. Built after the screen, its texts join those it
        was built with (a language switch relabels them; ``twin_parts`` builds it in the twin)."""
        if maker in self.parts_built:
            return
        self.parts_built.append(maker)
        shot = self.__dict__.get("_built")
        known = {id(x): x for x in widget_tree(self)} if shot is not None else {}
        held = {key: tuple(x.children) for key, x in known.items() if isinstance(x, w.Box)}
        with shared():
            getattr(self, maker)()
        if shot is None:
            return
        for key, texts in snapshot(self).items():
            if key not in known:
                shot.setdefault(key, texts)
            elif key in held and held[key] != known[key].children and shot.get(key, {}).get("children") == tuple(
                    id(c) for c in held[key]):
                shot[key]["children"] = texts["children"]  # a box the part filled: its children as built

    def header(self) -> list[w.Widget]:
        crumb = " > ".join(self.tr(k) for k in self.crumb_keys)
        return [w.HTML(f"<div class='gf-crumb'>{esc(crumb)}</div><div class='gf-title'>{esc(self.tr(self.title_key))}</div>")]

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        """Called when the screen is shown, the clock moves or the person changes."""

    def relabel(self) -> None:
        """The desk's language now: the same widgets, relabelled; what was typed, ticked, stored
        and found stays (``sandbox/ui/relabel.py``)."""
        src, dst = self.lang, self.desk.lang
        if src == dst:
            return
        twin = type(self)(self.desk)
        self.twin_parts(twin)
        try:
            relabel(self, twin, self._built, src, dst)
        finally:
            close_tree(twin)
        self.lang = dst
        self.relabelled()

    def twin_parts(self, twin: Screen) -> None:
        """Before a relabel: ``twin`` builds the parts this screen built since (built when first used)."""
        for maker in self.parts_built:
            twin.part(maker)

    def relabelled(self) -> None:
        """After a relabel: what the screen draws from its state, drawn again in its language."""
        render = getattr(self, "render", None)
        if callable(render):
            render()

    def run(self, action: str, data: dict, ok_text: str | Callable[[str], str] = "") -> Result:
        """The action through the desk, its answer in the banner (``ok_text``: a text of the
        screen's language, or ``ok_text(lang)``; either follows a language switch)."""
        result, made = self.desk.execute(action, data), self.lang
        self.out.say(lambda lang: message_html(result, lang, in_lang(ok_text, made, lang)))
        return result

    def note(self, css: str, key: str, box: Banner | None = None) -> None:
        """A one-line answer from the catalogue in ``box`` (the banner), in the screen's language."""
        (box or self.out).say(lambda lang: f"<div class='{css}'>{esc(t(key, lang))}</div>")

    def on(self, btn: w.Button, fn: Callable) -> None:
        btn.on_click(safe(lambda _b: self._act(fn), self._report))

    def _act(self, fn: Callable) -> None:
        with self.desk.acting():
            fn()

    def _report(self, html: str) -> None:
        self.out.value = html

    def nothing_selected(self) -> None:
        self.note("gf-err", "nothing_selected")


class Driver:
    """Plays scenario steps on a screen as a trainee would: fills widgets and clicks buttons
    (guided Demo mode and the scenario notebooks)."""

    def __init__(self, view: Screen, desk: Desk):
        self.view = view
        self.desk = desk

    def perform(self, action: str, inputs: dict) -> Result:
        raise NotImplementedError(action)


def credentials_html(data: dict, lang: str) -> str:
    """Credentials issued: the user name and the one-time password, as the screen shows them once."""
    return (f"<div class='gf-info'>{esc(t('username', lang))}: <b>{esc(data['username'])}</b> · "
            f"{esc(t('one_time_password_is', lang))}: <b class='gf-otp-value'>{esc(data['one_time_password'])}</b></div>")


def in_lang(text: str | Callable[[str], str], made_in: str, lang: str) -> str:
    """A text written in ``made_in`` (a whole catalogue text is looked up), or ``text(lang)``."""
    if callable(text):
        return text(lang)
    return (translated(text, made_in, lang) or text) if text else ""


def as_text_date(value: Any) -> str:
    """A date as a trainee types it into a date box."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
