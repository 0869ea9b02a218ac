"""The app: sandbox bar, the real system's menu tree, the screens, the virtual phone and the guided
panel, in one kernel. State lives in the sandbox database: a reload or a restart resumes there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import traitlets as tl

from .. import views
from ..calendar import format_moment
from ..engine import Result, Sandbox
from ..reports import build_report
from .clock import RunningClock, exercise_limit, move_from_bar, start_ticking
from .dates import iso_moment, typed_moment
from .phone import Phone
from .screens.base import Desk, Driver, Screen
from .screens.registry import BY_KEY, entry_for, menu
from .session import DEMO_START, query_parameters  # noqa: F401  (notebooks import it from here)
from .widgets import CSS, EXERCISES_LINK, button, close_dropped, esc, named_list, safe, t


class AppModel(tl.HasTraits):
    person = tl.Unicode("")  # who sits at the desk (the sandbox lets a trainer switch)
    screen = tl.Unicode("login")
    lang = tl.Unicode("th")
    last_result = tl.Any(None)


class AppDesk(Desk):
    """The app's desk: what a screen may use of the app and of the sandbox, and nothing more."""

    def __init__(self, app: App):
        self._app = app

    @property
    def person(self) -> str:
        return self._app.model.person

    @property
    def lang(self) -> str:
        return self._app.model.lang

    @property
    def last_result(self) -> Result | None:
        return self._app.model.last_result

    @property
    def now(self) -> dt.datetime:
        return self._app.now

    def execute(self, action: str, data: dict) -> Result:
        return self._app.execute(action, data)

    def navigate(self, screen: str) -> None:
        self._app.show(screen)

    def knows(self, user_id: str) -> bool:
        return user_id in self._app.user_ids

    def sit(self, user_id: str) -> None:
        self._app.set_person(user_id, keep=self._app.model.screen)  # the login form being typed on stays

    def signed_in(self) -> None:
        self._app.refresh_bar()

    def user_state(self, user_id: str | None = None) -> dict | None:
        return self._app.sandbox.user_state(user_id or self.person)

    def unit(self, code: str) -> dict:
        return self._app.unit(code)

    def scope_of(self, unit: str) -> list[str]:
        with self._app.sandbox.engine.connect() as conn:
            return views.unit_scope(conn, unit)

    def document(self, doc_no: str) -> dict | None:
        return self._app.sandbox.document(doc_no)

    def documents(self, **cond: Any) -> list[dict]:
        return self._app.sandbox.documents(**cond)

    def pending_requests(self, unit: str) -> list[dict]:
        return self._app.sandbox.pending_requests(unit)

    def default_round(self) -> tuple[int, str]:
        sandbox = self._app.sandbox
        return views.screen_round(sandbox.round_policy, sandbox.now)

    def report(self, unit: str, kind: str, rows: list[dict], cond: dict) -> Any:
        return build_report(self._app.sandbox, unit, kind, lang=self.lang, rows=rows, **cond)

    def report_stream(self, kind: str, cond: dict) -> Any:
        state = self.user_state()
        return build_report(self._app.sandbox, state["unit"], kind, lang=self.lang, stream=True,
                            viewer=state["id"], **cond)

    def paper(self, kind: str, **args: Any) -> tuple[str, bytes]:
        from ..papers import draft

        return draft(self._app.sandbox, kind, self.lang, **args)

    def province(self, area: str) -> Any:
        from ..province import build_desk

        return build_desk(self._app.sandbox, area)


class App(w.VBox):
    def __init__(self, sandbox: Sandbox, lang: str | None = None, scenario: str | None = None, mode: str | None = None,
                 running: bool = False):
        super().__init__()
        self.sandbox = sandbox
        self.class_hooks = None  # class mode (sandbox/ui/classmode.py)
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
        self.guide = None  # the guided-exercise panel (loaded only for an exercise: the app opens faster)
        self.add_class("gf-app")
        self.build()
        if scenario:
            self.start_guide(scenario, mode)
        self.show(self.model.screen)

    def start_guide(self, scenario: str, mode: str | None = None) -> None:
        """The guided-exercise panel for a scenario file (``?scenario=<id>``)."""
        from .guided import GuidedPanel

        self.guide = GuidedPanel(self, scenario, mode)  # no mode asked: the saved run's, else practice
        self.side.children = [self.guide, self.phone]
        self.reload_people()

    # ------------------------------------------------------------------ layout
    def build(self) -> None:
        lang = self.model.lang
        # Screens are built when first opened: the first page carries few widgets and paints fast.
        self.screens: dict[str, Screen] = {}
        self.drivers: dict[str, Driver] = {}
        self.phone = Phone.for_app(self)
        self.bar_info = w.HTML()
        self.person_pick = w.Dropdown(options=self._people(), value=self.model.person, layout=w.Layout(width="420px"))
        self.person_pick.add_class("gf-switch-user")
        self.person_pick.observe(safe(lambda ch: self.set_person(ch["new"])), "value")
        self.lang_btn = button(t("language", lang), "gf-lang")
        self.lang_btn.on_click(safe(lambda _b: self.set_lang("en" if self.model.lang == "th" else "th")))
        self.clock_to = w.Text(layout=w.Layout(width="170px"))  # 29/03/2567 16:30; its placeholder the clock's now
        self.clock_to.add_class("gf-clock-to")
        self.clock_btn = button(t("advance_clock", lang), "gf-clock")
        self.clock_btn.on_click(safe(lambda _b: self.move_clock(self.clock_to.value)))
        self.reset_btn = button(t("reset", lang), "gf-reset", "warning")
        self.reset_btn.on_click(safe(lambda _b: self.ask_reset()))
        # «เริ่มใหม่» wipes the sandbox: the trainer's, and only after a second, explicit yes.
        self.reset_yes = button(t("reset_confirm", lang), "gf-reset-yes", "danger")
        self.reset_yes.on_click(safe(lambda _b: self.confirm_reset()))
        self.reset_no = button(t("reset_cancel", lang), "gf-reset-no")
        self.reset_no.on_click(safe(lambda _b: self.cancel_reset()))
        self.reset_ask = w.HBox([w.HTML(f"<span class='gf-warn'>{esc(t('reset_question', lang))}</span>"),
                                 self.reset_yes, self.reset_no])
        self.reset_ask.layout.display = "none"
        self.bar_msg = w.HTML()
        bar = w.VBox([
            w.HBox([w.HTML(f"<b style='font-size:17px'>{esc(t('app_title', lang))}</b>"), self.lang_btn],
                   layout=w.Layout(justify_content="space-between")),
            w.HBox([self.bar_info]),
            w.HBox([w.HTML(esc(t("switch_user", lang)) + ":&nbsp;"), self.person_pick, w.HTML("&nbsp;&nbsp;"),
                    self.clock_to, self.clock_btn, self.reset_btn]),
            self.reset_ask,
            self.bar_msg,
        ])
        bar.add_class("gf-bar")
        self.menu = self._menu()
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
        self.person_pick.options = self._people()
        self.person_pick.value = self.model.person

    def _people(self) -> list[tuple[str, str]]:
        lang = self.model.lang
        return [(f"{u['id']} — {u['name']} · {named_list('role_names', u['roles'], lang)}", u["id"]) for u in self.sandbox.users()]

    def _menu(self) -> w.VBox:
        lang = self.model.lang
        items: list[w.Widget] = []
        for head, entries in menu():
            items.append(w.HTML(f"<div class='gf-menu-head'>{esc(t(head, lang))}</div>"))
            for entry in entries:
                b = button(t(entry.menu_key, lang), f"gf-menu-{entry.key}", width="250px")
                b.on_click(safe(lambda _b, s=entry.key: self.show(s)))
                items.append(b)
        items.append(w.HTML(EXERCISES_LINK.format(t("tr_menu_exercises", lang), t("tr_menu_exercises_note", lang))))
        box = w.VBox(items, layout=w.Layout(width="262px", min_width="262px", flex="0 0 auto"))
        box.add_class("gf-menu")
        return box

    # ------------------------------------------------------------------ state
    @property
    def now(self) -> dt.datetime:
        """The simulated moment (a running clock's moment as it stands, nothing written)."""
        return self.clock.now() if self.clock is not None else self.sandbox.now

    def attach_sandbox(self) -> None:
        """After ``self.sandbox`` was replaced (class mode: a new attempt): its clock and people."""
        if self.clock is not None:
            self.clock = RunningClock(self.sandbox, limit=lambda: exercise_limit(self.guide))
        self.reload_people()

    def unit(self, code: str) -> dict:
        return self._units.get(code, {"agency": code[:5], "unit_name": "", "area": ""})

    def screen(self, key: str) -> Screen:
        """The screen's view (built when first asked for)."""
        if key not in self.screens:
            self.screens[key] = BY_KEY[key].view(self.desk)
        return self.screens[key]

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
        self.area.children = [self.screen(screen)]
        self.screen(screen).refresh()
        self.refresh_bar()

    def set_person(self, user_id: str, keep: str | None = None) -> None:
        """Another person sits at the desk: every screen starts from that person's own state (no
        one else's search results, inputs or password); ``keep`` a screen built before."""
        if user_id not in self.user_ids or user_id == self.model.person and self.person_pick.value == user_id:
            self.refresh_bar()
            return
        self.model.person = user_id
        self.model.last_result = None
        self.sandbox.set_state("ui_person", user_id)
        if self.person_pick.value != user_id:
            self.person_pick.value = user_id
        dropped, self.screens = [v for k, v in self.screens.items() if k != keep], {keep: self.screens[keep]} if keep in self.screens else {}
        self.bar_msg.value, self.clock_to.value = "", ""
        self.reset_ask.layout.display = "none"
        self.show(self.model.screen)
        close_dropped(dropped, self)

    def set_lang(self, lang: str) -> None:
        self.model.lang = lang
        self.sandbox.set_state("ui_lang", lang)
        guide = self.guide
        self.build()
        if guide is not None:
            guide.relabel()
            self.side.children = [guide, self.phone]
        if self.class_hooks is not None:
            self.class_hooks.rebuild()
        self.show(self.model.screen)

    def refresh_bar(self) -> None:
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
        self.set_person(actor)
        if action == "clock.advance":
            to = inputs.get("to")
            self.clock_to.value = to.isoformat() if hasattr(to, "isoformat") else str(to)
            self.clock_btn.click()
            return self.model.last_result
        key = entry_for(action, inputs).key
        self.show(key)
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
    return app
