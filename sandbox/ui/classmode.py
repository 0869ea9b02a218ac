"""Class mode in a page's kernel (``serve --class NAME`` sets ``SANDBOX_CLASS``).

The server's sign-in (``signin.py``) hands the page's kernel the visitor's key in a request header
it sets itself (``X-Gfmis-Key``, passed to the kernel as ``HTTP_X_GFMIS_KEY``; never in the page's
address, where it would end up in histories and logs); the kernel asks the class who that is and
opens that person's own sandbox: free
play, or their current attempt at the exercise in the address (a new attempt for a new mode or a
restart). Every step of a guided exercise is recorded in the class's gradebook
(``Classroom.record_step``); the side panel shows the trainee's own results. Reset and clock
controls of the free-play bar are the trainer's (the trainer's page), not the trainee's.
"""

from __future__ import annotations

import os
import time
from typing import Any
from urllib.parse import urlencode

import ipywidgets as w

from .shared_looks import layout, shared
from .widgets import esc, t


def hidden() -> w.Layout:
    """The kernel's shared hidden layout (``shared_looks``: made in this process, never at module
    level — a module is imported once in the fork server, and every kernel forked from it would
    share that dead widget)."""
    with shared():
        return layout(display="none")
RESET_CHECK_SECONDS = 10.0


KEY_ENV = "HTTP_X_GFMIS_KEY"  # Voila's name for the request header ``X-Gfmis-Key`` (signin.KEY_HEADER)


def page_params(params: dict) -> dict:
    """The page's parameters, with the key the server vouched for (a key in the address is ignored)."""
    return {**params, "t": os.environ.get(KEY_ENV, "")}


def class_name() -> str | None:
    return os.environ.get("SANDBOX_CLASS") or None


_ROOMS: dict = {}


def classroom():
    """The class's API on the class database (one per kernel and database)."""
    key = (os.environ.get("SANDBOX_CLASS_DB"), os.environ.get("SANDBOX_CLASS_ROOT"))
    if key not in _ROOMS:
        from ..classroom.classroom import Classroom

        _ROOMS[key] = Classroom(*key)
    return _ROOMS[key]


def warm_up() -> None:
    """What every class page needs, done while a pre-heated kernel waits for its request: the
    modules a guided exercise and the gradebook use, and the class database's connection."""
    import holidays.countries  # noqa: F401  (every country's module: 70-100 ms of CPU, else at the trainee's first save)

    from ..scenario import load_scenario  # noqa: F401
    from .guided import GuidedPanel  # noqa: F401

    room = classroom()
    room.classes()
    import gc

    gc.collect()  # before the request arrives: the imports' garbage gone, the rest frozen (app.settle)
    gc.freeze()


def signed_in(room, params: dict) -> Any:
    """Who the page works for, or None (the server let nobody else through; checked again here)."""
    who = room.sign_in(params.get("t", ""), class_name())
    return who if who is not None and who.class_name == class_name() else None


def refusal(lang: str = "th", key: str = "cls_not_signed_in") -> w.HTML:
    return w.HTML(f"<div class='gf-err' style='padding:16px;font-size:17px'><b>{esc(t(key, lang))}</b> · {esc(t(key, 'en'))}"
                  f"<br><a href='/login'>{esc(t('cls_go_sign_in', lang))} · {esc(t('cls_go_sign_in', 'en'))}</a></div>")


def open_class_app(app_class, params: dict, screen: str | None = None) -> w.Widget:
    """The app (``app_class``, handed in by ``app.open_app``) on the signed-in person's own
    sandbox; a refusal for anyone else."""
    from ..classroom.classroom import ClassError

    room = classroom()
    who = signed_in(room, params)
    if who is None:
        return refusal()
    if who.role == "trainer":  # the trainer's sandboxes are the trainees': their page is the trainer's page
        lang = "th"
        return w.HTML(f"<div style='padding:16px;font-size:17px'><a class='gf-class-trainer-link' href='trainer.ipynb'>"
                      f"{esc(t('cls_trainer_title', lang))} · {esc(t('cls_trainer_title', 'en'))}</a></div>")
    exercise = params.get("scenario") or None
    mode = params.get("mode") or "practice"
    try:
        sb, ref = room.sandbox(who, exercise, mode=mode)
    except ClassError:
        return refusal(key="cls_exercise_unknown")
    app = app_class(sb, running=True)
    with shared():  # its badge and history share the app's layout and style of each kind
        ClassHooks(app, room, who, ref, params)
    if screen:
        app.show(screen)
    return app


class ClassHooks:
    """What class mode adds to an app: who is signed in, the gradebook, a new attempt on restart."""

    def __init__(self, app, room, who, ref, params: dict):
        self.app, self.room, self.who, self.ref = app, room, who, ref
        self.key = params.get("t", "")
        self.recorded = 0
        self.since = time.monotonic()
        self.history = w.HTML()
        self.history.add_class("gf-class-history")
        self.badge = w.HTML()
        self.badge.add_class("gf-class-who")
        app.class_hooks = self
        if ref.exercise:
            app.start_guide(ref.exercise, ref.mode, loaded=ref.created)  # a new copy of the exercise's world
            self._attach_guide()
        app.listeners.append(self.on_result)
        self._checked = time.monotonic()
        self.notice = ""
        beat = app.refresh_bar  # the page's beat (clock.start_ticking) also looks for the trainer's reset
        app.refresh_bar = lambda: (self.follow_reset(), beat())
        self.rebuild()

    # ------------------------------------------------------------------ layout
    def rebuild(self) -> None:
        """After the app (re)builds its layout (language switch): our badge and history again."""
        app = self.app
        lang = app.model.lang
        if self.who.role != "trainer" and self.ref.exercise is None:  # free play: clock and reset are the trainer's
            for control in (app.clock_to, app.clock_btn, app.reset_btn):
                control.layout = hidden()
        if app.guide is not None:
            app.guide.mode_pick.layout = hidden()  # the mode is the page's (a new mode is a new attempt)
        role = t("cls_trainer_role" if self.who.role == "trainer" else "cls_signed_in_as", lang)
        where = self.ref.exercise or t("cls_free_play", lang)
        assigned = self.room.assigned_exercise(self.who.class_name)
        link = ""
        if assigned and assigned != self.ref.exercise:  # the exercise the trainer set for everyone
            link = (f" · {esc(t('cls_assigned', lang))}: <a class='gf-class-assigned' "
                    f"href='app.ipynb?{urlencode({'scenario': assigned, 'mode': 'practice'})}'>{esc(assigned)}</a>")
        notice = f"<div class='gf-ok gf-class-notice'>{esc(self.notice)}</div>" if self.notice else ""
        self.badge.value = (f"<div class='gf-src'>{esc(role)} <b class='gf-class-code'>{esc(self.who.code)}</b> · "
                            f"{esc(where)}{link} · <a href='/logout'>{esc(t('cls_sign_out', lang))}</a></div>{notice}")
        if self.badge not in app.children:
            app.children = [app.children[0], self.badge, *app.children[1:]]
        if self.history not in app.side.children:
            app.side.children = [*app.side.children, self.history]
        self.show_history()

    def follow_reset(self, every: float = RESET_CHECK_SECONDS) -> bool:
        """Free play: when the trainer reset this trainee (a newer current sandbox in the class
        database), the open page moves to it and says so, without a reload."""
        if self.ref.exercise is not None or self.who.role == "trainer":
            return False
        now = time.monotonic()
        if now - self._checked < every:
            return False
        self._checked = now
        current = self.room.current_attempt(self.who, "free")
        if current is None or current == self.ref.attempt:
            return False
        app, old = self.app, self.app.sandbox
        app.sandbox, self.ref = self.room.sandbox(self.who)
        app.attach_sandbox()
        self.notice = t("cls_reset_by_trainer", app.model.lang)
        self.rebuild()
        app.show("login")
        old.close()
        return True

    def show_history(self) -> None:
        lang = self.app.model.lang
        rows = self.room.history(self.who)
        if not rows:
            body = f"<i>{esc(t('cls_history_none', lang))}</i>"
        else:
            body = "".join(
                f"<tr><td>{esc(h['exercise'])}</td><td>{esc(t('cls_attempt', lang))} {h['attempt']}</td>"
                f"<td>{esc(t('mode_' + h['mode'], lang)) if h['mode'] in ('demo', 'practice', 'test') else esc(h['mode'])}</td>"
                f"<td class='gf-class-score'>{h['score']}</td></tr>" for h in rows[:8])
            body = f"<table class='gf-table'>{body}</table>"
        self.history.value = f"<div style='margin-top:10px'><b>{esc(t('cls_my_history', lang))}</b></div>{body}"

    # ------------------------------------------------------------------ the gradebook
    def _attach_guide(self) -> None:
        guide = self.app.guide
        if guide is None:
            return
        self.recorded = len(guide.results)
        guide.mode_pick.layout = hidden()
        guide.restart = self.new_attempt  # the panel's «start again», and the bar's reset

    def on_result(self, action: str, data: dict, result) -> None:
        """After the guided panel judged an action: record each newly settled step."""
        guide = self.app.guide
        if guide is None or self.ref.exercise is None:
            return
        now = time.monotonic()
        settled = guide.results[self.recorded:]
        for offset, passed in enumerate(settled):
            step = self.recorded + offset
            error = None if passed or result.ok else result.error
            self.room.record_step(self.ref, step, "ok" if passed else "wrong", error=error,
                                  points=1 if passed else 0, seconds=round(now - self.since, 1) if offset == 0 else 0.0)
        if settled:
            self.recorded += len(settled)
            self.since = now
            self.show_history()

    def new_attempt(self) -> None:
        """«Start again» in class mode: a new attempt in a sandbox of its own."""
        app = self.app
        old = app.sandbox
        sb, self.ref = self.room.sandbox(self.who, self.ref.exercise, new_attempt=True, mode=self.ref.mode)
        app.sandbox = sb
        app.listeners = [self.on_result]
        app.guide = None
        app.attach_sandbox()
        app.start_guide(self.ref.exercise, self.ref.mode, loaded=self.ref.created)
        app.listeners.remove(self.on_result)
        app.listeners.append(self.on_result)
        self._attach_guide()
        self.rebuild()
        self.since = time.monotonic()
        app.show("login")
        old.close()
