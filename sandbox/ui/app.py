"""The app: sandbox bar, the real system's menu tree, the screens, the virtual phone and the guided
panel, in one kernel. State lives in the sandbox database: a reload or a restart resumes there."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Callable, Iterator

import ipywidgets as w
import traitlets as tl

from ..calendar import format_moment
from ..engine import Result, Sandbox
from .app_desk import AppDesk
from .clock import RunningClock, exercise_limit, move_from_bar, start_ticking
from .dates import iso_moment, typed_moment
from .phone import Phone
from .screen_set import ScreenSet
from .screens.base import Driver, Screen
from .screens.registry import BY_KEY, entry_for
from .session import DEMO_START, query_parameters  # noqa: F401  (notebooks import it from here)
from .shared_looks import shared
from .topbar import build_bar, build_menu, people, to_top
from .widgets import CSS, close_dropped, esc, t


class AppModel(tl.HasTraits):
    person = tl.Unicode("")  # who sits at the desk (the sandbox lets a trainer switch)
    screen = tl.Unicode("login")
    lang = tl.Unicode("th")
    last_result = tl.Any(None)


class App(w.VBox):
    def __init__(self, sandbox: Sandbox, lang: str | None = None, scenario: str | None = None, mode: str | None = None,
                 running: bool = False):
        with shared():  # the app's widgets share one layout and style of each kind (shared_looks.py)
            super().__init__()
            self._open(sandbox, lang, scenario, mode, running)

    def _open(self, sandbox: Sandbox, lang: str | None, scenario: str | None, mode: str | None, running: bool) -> None:
        self.sandbox = sandbox
        self.class_hooks = None  # class mode (sandbox/ui/classmode.py)
        self._acting = False  # inside one action (``one_action``): the bar and the phone are drawn at its end
        self._bar_due = False
        if not sandbox.has_world():  # a new database: the exercise's world, or the demo world
            if scenario:
                from ..scenario import load_scenario
                from .guided import find_scenario

                s = load_scenario(find_scenario(scenario))
                sandbox.load_world(s.world, s.start, extra_holidays=s.calendar.extra_holidays,
                                   policy=s.policy.model_dump(exclude_none=True))
            else:
                sandbox.load_world("demo", DEMO_START)
        self.model = AppModel(lang=lang or sandbox.get_state("ui_lang", "th"),
                              person=sandbox.get_state("ui_person", "rec1"),
                              screen=sandbox.get_state("ui_screen", "login"))
        self.desk = AppDesk(self)
        # The served app's clock runs with real time; scenario notebooks and nbval keep a standing clock.
        self.clock = RunningClock(sandbox, limit=lambda: exercise_limit(self.guide)) if running else None
        self.listeners: list[Callable[[str, dict, Result], None]] = []
        self.user_ids = {u["id"] for u in sandbox.users()}
        self._units = {u["unit"]: u for u in sandbox.users()}
        if self.model.person not in self.user_ids and self.user_ids:
            self.model.person = sorted(self.user_ids)[0]
        # Screens are built when first opened (the first page carries few widgets and paints fast),
        # for each person who sits at the desk (screen_set.py)
        self.screen_set = ScreenSet(self._build_screen)
        self.screen_set.sit(self.model.person)
        self.drivers: dict[str, Driver] = {}
        self.guide = None  # the guided-exercise panel (loaded only for an exercise: the app opens faster)
        self.add_class("gf-app")
        self.build()
        if scenario:
            self.start_guide(scenario, mode)
        self.show(self.model.screen)

    def start_guide(self, scenario: str, mode: str | None = None, *, loaded: bool = False) -> None:
        """The guided-exercise panel for a scenario file (``?scenario=<id>``); ``loaded``: the
        sandbox was just made holding the exercise's world at its start (class mode)."""
        from .guided import GuidedPanel

        with shared():
            self.guide = GuidedPanel(self, scenario, mode, loaded=loaded)  # no mode asked: the saved run's, else practice
            self.side.children = [self.guide, self.phone]
            self.reload_people()

    def _build_screen(self, key: str) -> Screen:
        with shared():
            return BY_KEY[key].view(self.desk)

    # ------------------------------------------------------------------ layout
    def build(self) -> None:
        self.phone = Phone.for_app(self)
        bar = build_bar(self)
        self.menu = build_menu(self)
        # the menu and the phone keep their width; the screen takes the rest and scrolls inside
        self.area = w.VBox(layout=w.Layout(flex="1 1 auto", min_width="0", overflow="auto"))
        self.area.add_class("gf-area")
        self.side = w.VBox([self.phone], layout=w.Layout(width="280px", min_width="280px", flex="0 0 auto"))
        ticker = [self.ticker] if getattr(self, "ticker", None) is not None else []  # the running clock's beat
        self.children = [w.HTML(CSS), bar, w.HBox([self.menu, self.area, self.side], layout=w.Layout(align_items="flex-start")),
                         *ticker]

    def reload_people(self) -> None:
        """After a world is (re)loaded: its users in the switch list."""
        users = self.sandbox.users()
        self.user_ids = {u["id"] for u in users}
        self._units = {u["unit"]: u for u in users}
        if self.model.person not in self.user_ids and users:
            self.model.person = users[0]["id"]
            close_dropped(self.screen_set.sit(self.model.person), self)
        self.person_pick.options = people(self)
        self.person_pick.value = self.model.person

    # ------------------------------------------------------------------ state
    @property
    def now(self) -> dt.datetime:
        """The simulated moment (a running clock's moment as it stands, nothing written)."""
        return self.clock.now() if self.clock is not None else self.sandbox.now

    def attach_sandbox(self) -> None:
        """After ``self.sandbox`` was replaced (class mode: a new attempt): its clock and people."""
        if self.clock is not None:
            self.clock = RunningClock(self.sandbox, limit=lambda: exercise_limit(self.guide))
        self.drop_screens()  # no screen shows the last sandbox's state; the caller shows one
        self.reload_people()

    def drop_screens(self) -> None:
        """Close every built screen (of every person): the next ``show`` builds it afresh."""
        self.area.children = []
        close_dropped(self.screen_set.clear(), self)

    def unit(self, code: str) -> dict:
        return self._units.get(code, {"agency": code[:5], "unit_name": "", "area": ""})

    @property
    def screens(self) -> dict[str, Screen]:
        """The screens built for the person at the desk, by key."""
        return self.screen_set.built

    @screens.setter
    def screens(self, value: dict[str, Screen]) -> None:  # (older code: ``self.screens = {}``; see drop_screens)
        self.screen_set.people[self.screen_set.person] = dict(value)

    def screen(self, key: str) -> Screen:
        """The screen's view (built when first asked for; relabelled after a language switch)."""
        view = self.screen_set.get(key)
        if view.lang != self.model.lang:
            view.relabel()
        return view

    def driver(self, key: str) -> Driver:
        view = self.screen(key)
        if key not in self.drivers or self.drivers[key].view is not view:
            self.drivers[key] = BY_KEY[key].driver(view, self.desk)
        return self.drivers[key]

    def show(self, screen: str) -> None:
        if screen not in BY_KEY:
            screen = "login"
        self.model.screen = screen
        self.sandbox.set_state("ui_screen", screen)
        view = self.screen(screen)
        if self.area.children != (view,):
            self.area.children = [view]
            to_top(self.scroll_top)  # a screen opens at its top, not at the last one's scroll position
        view.refresh()
        self.refresh_bar()

    def set_person(self, user_id: str, keep: str | None = None, then: str | None = None) -> bool:
        """Another person sits at the desk: every screen starts from that person's own state (no
        one else's search results, inputs or password: the screens built for that person, or new
        ones); ``keep`` a screen of the last person's that goes along; ``then`` the screen shown
        (else the one shown before). Whether a screen was shown."""
        if user_id not in self.user_ids or user_id == self.model.person and self.person_pick.value == user_id:
            self.refresh_bar()
            return False
        self.model.person = user_id
        self.model.last_result = None
        self.sandbox.set_state("ui_person", user_id)
        if self.person_pick.value != user_id:
            self.person_pick.value = user_id
        dropped = self.screen_set.sit(user_id, keep)
        self.bar_msg.value, self.clock_to.value = "", ""
        self.reset_ask.layout.display = "none"
        self.show(then or self.model.screen)
        close_dropped(dropped, self)
        return True

    def set_lang(self, lang: str) -> None:
        with shared():
            self._set_lang(lang)

    def _set_lang(self, lang: str) -> None:
        self.model.lang = lang
        self.sandbox.set_state("ui_lang", lang)
        guide, old = self.guide, list(self.children)
        self.build()  # the bar, the menu and the phone in the new language; the screens are relabelled as shown
        if guide is not None:
            guide.relabel()
            self.side.children = [guide, self.phone]
        if self.class_hooks is not None:
            self.class_hooks.rebuild()
        self.show(self.model.screen)
        close_dropped(old, self)  # the old bar's, menu's and phone's widgets (not the screens, still shown)

    @contextlib.contextmanager
    def one_action(self) -> Iterator[None]:
        """One action of a person (a click played or done on a screen): the sandbox bar and the
        phone are drawn once, when it ends, not after each of its parts (the command, the guided
        panel's next step, the screen shown; issue 14: each draw reads the clock, the session and
        the user's state)."""
        if self._acting:
            yield
            return
        self._acting, self._bar_due = True, False
        try:
            with shared():  # the widgets it builds share one layout and style of each kind
                yield
        finally:
            self._acting = False
            if self._bar_due:
                self.refresh_bar()

    def refresh_bar(self) -> None:
        if self._acting:
            self._bar_due = True
            return
        lang = self.model.lang
        now = self.now
        person = self.model.person
        live = person and self.sandbox.session_live(person)
        who = f"{person} ({t('logged_in', lang)})" if live else f"{person} — {t('not_logged_in', lang)}"
        self.clock_to.placeholder = typed_moment(now)
        self.bar_info.value = (f"{esc(t('sandbox_time', lang))}: <b class='gf-now'>{esc(format_moment(now, lang))}</b>"
                               f" &nbsp;·&nbsp; {esc(t('logged_in_as', lang))}: <b class='gf-who'>{esc(who)}</b>")
        self.phone.refresh()

    # ------------------------------------------------------------------ actions
    def execute(self, action: str, data: dict, actor: str | None = None) -> Result:
        """Every screen acts through here: the engine's command, then listeners (guided mode)."""
        actor = actor or self.model.person
        if self.clock is not None:
            self.clock.tick()  # the real time gone by since the last action, before this one
        result = self.sandbox.execute(actor, action, data)
        if self.clock is not None and action == "clock.advance" and result.ok:
            self.clock.mark()
        self.model.last_result = result
        for listener in list(self.listeners):
            listener(action, data, result)
        self.refresh_bar()
        return result

    def move_clock(self, to: str) -> Result | None:
        """«เลื่อนเวลา» on the sandbox bar (``clock.move_from_bar``: not an action of a person); the
        box takes a Buddhist-era date and time (``05/09/2566 10:30``) or ISO."""
        return move_from_bar(self, iso_moment(to) if (to or "").strip() else to)

    def is_trainer(self) -> bool:
        state = self.sandbox.user_state(self.model.person) if self.model.person else None
        return bool(state) and "trainer" in state.get("roles", ())

    def ask_reset(self) -> None:
        """«เริ่มใหม่»: only the trainer, and only after confirming."""
        trainer = self.is_trainer()
        self.reset_ask.layout.display = "flex" if trainer else "none"
        self.bar_msg.value = "" if trainer else self._note("gf-err", "reset_trainer_only")

    def cancel_reset(self) -> None:
        self.reset_ask.layout.display = "none"

    def confirm_reset(self) -> None:
        self.reset_ask.layout.display = "none"
        if not self.is_trainer():  # the person changed while the question stood
            self.bar_msg.value = self._note("gf-err", "reset_trainer_only")
            return
        self.reset()
        self.bar_msg.value = self._note("gf-ok", "reset_done")

    def _note(self, css: str, key: str) -> str:
        return f"<div class='{css}'>{esc(t(key, self.model.lang))}</div>"

    def reset(self) -> None:
        """Back to the start: the guided scenario's world, or the demo world."""
        if self.guide is not None:
            self.guide.restart()
        else:
            self.sandbox.load_world(self.sandbox.get_state("world", "demo") or "demo", DEMO_START)
        self.show("login")

    def screen_for(self, action: str, inputs: dict | None = None) -> Screen:
        """The screen on which a person does ``action``."""
        return self.screen(entry_for(action, inputs).key)

    def perform(self, actor: str, action: str, inputs: dict) -> Result:
        """Do one scenario action on the screens, as the person would (Demo mode, notebooks)."""
        with self.one_action():
            key = None if action == "clock.advance" else entry_for(action, inputs).key
            # not the screen the last person used: it would be built for nothing; a login is typed
            # on the login form as a person does it (their user name typed in: the form goes along,
            # ``AppDesk.sit``), not on a new form built for them (issue 14: 29 widgets a login)
            keep = "login" if key == "login" else None
            if not self.set_person(actor, keep=keep, then=key) and key is not None:
                self.show(key)
            if key is None:
                to = inputs.get("to")
                self.clock_to.value = to.isoformat() if hasattr(to, "isoformat") else str(to)
                self.clock_btn.click()
                return self.model.last_result
            return self.driver(key).perform(action, inputs)


def open_app(db: str | None = None, scenario: str | None = None, mode: str | None = None,
             screen: str | None = None) -> App:
    """The app on the sandbox database (``SANDBOX_DB`` or ``var/sandbox.sqlite``); the page's
    ``?scenario=<id>&mode=demo|practice|test&screen=<key>`` choose a guided exercise and a screen."""
    from .classmode import class_name
    from .session import app_sandbox

    if class_name():  # a class: nobody's sandbox is opened before the request says who it is for
        from .classmode import open_class_app, page_params, warm_up

        warm_up()  # in a pre-heated kernel: the imports and the class database before the request
        params = page_params(query_parameters())
        app = open_class_app(App, params, screen or params.get("screen"))
    else:
        app = App(app_sandbox(db), running=True)  # built before the request arrives when Voila pre-heats kernels
        params = query_parameters()
        scenario = scenario or params.get("scenario")
        if scenario:
            app.start_guide(scenario, mode or params.get("mode"))
        screen = screen or params.get("screen")
        if screen:
            app.show(screen)
    if isinstance(app, App):
        start_ticking(app)
    settle()
    return app


def settle() -> None:
    """The page's app is built: every object made so far (modules, the app's widgets) out of the
    garbage collector's way (``gc.freeze``). A full collection of a kernel's ~110,000 objects took
    ~80 ms of CPU in the middle of whichever action set it off; after the freeze it looks only at
    what was made since (issue 14: p95 of an action). Cyclic garbage made before the freeze stays."""
    gc.freeze()
