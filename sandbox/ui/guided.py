"""Guided mode: a side panel that walks a trainee through a scenario file.

Demo plays each step on the screens; Practice shows hints, explains a wrong attempt (what was
expected, what happened, which rule) and lets the trainee try again; Test hides the hints and the
expected answers and gives a score at the end. The score counts the steps right at the first
try. Progress is kept in the sandbox database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w

from ..engine import Result, Sandbox
from ..scenario import Expect, ScenarioPlayer, load_scenario, run_check, step_document, substitute
from . import guided_text as gt
from .screens.registry import BY_KEY, entry_for
from .widgets import button, close_dropped, esc, named, safe, t

SCENARIO_DIRS = [Path.cwd() / "scenarios", Path(__file__).resolve().parents[2] / "scenarios"]
MODES = ("demo", "practice", "test")


def find_scenario(scenario_id: str) -> Path:
    for folder in SCENARIO_DIRS:
        path = folder / f"{scenario_id}.yaml"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no scenario {scenario_id!r} in {', '.join(map(str, SCENARIO_DIRS))}")


class Host(Protocol):
    """What the panel needs of the app it sits in (the app is handed in, never imported)."""

    sandbox: Sandbox
    model: Any  # .lang
    listeners: list[Callable[[str, dict, Result], None]]

    def refresh_bar(self) -> None: ...

    def reload_people(self) -> None: ...

    def set_person(self, user_id: str, keep: str | None = None) -> bool: ...

    def set_lang(self, lang: str) -> None: ...

    def drop_screens(self) -> None: ...

    def show(self, screen: str) -> None: ...

    def perform(self, actor: str, action: str, inputs: dict) -> Result: ...

    def screen(self, key: str) -> Any: ...


def menu_label(screen: str, lang: str) -> str:
    """Where a step is done, as the menu names it («advance the clock» on the sandbox bar)."""
    if screen == "bar":
        return t("advance_clock", lang)
    entry = BY_KEY.get(screen)
    return t(entry.menu_key, lang) if entry else screen


class GuidedPanel(w.VBox):
    def __init__(self, app: Host, scenario_id: str, mode: str | None = "practice", *, loaded: bool = False):
        super().__init__()
        self.app = app
        self.add_class("gf-guide")
        self.scenario = load_scenario(find_scenario(scenario_id))
        asked = mode if mode in MODES else None
        saved = json.loads(app.sandbox.get_state(self._key, "null") or "null")
        # The page asks for another mode (the catalogue's «ทดสอบ» after a practice run): a new run. The
        # mode its own address asked for when the run started (a reload after the panel changed
        # mode) resumes the run in the panel's mode.
        if saved and asked and asked not in (saved.get("mode"), saved.get("asked")):
            saved = None
        self.asked = asked if saved is None else saved.get("asked", asked)
        self.mode = (saved.get("mode") if saved and saved.get("mode") in MODES else None) or asked or "practice"
        # a new run loads the exercise's world, unless the sandbox was just copied from it (class
        # mode: the same world, start, holidays and policy; issue 14: 55 ms of an arrival's CPU)
        self.player = ScenarioPlayer(self.scenario, app.sandbox, fresh=saved is None and not loaded)
        self.results: list[bool] = []
        self.missed = False  # the current step went wrong once already (Practice): no first-try point
        if saved:
            self.player.position = saved["position"]
            self.player.saved = saved["saved"]
            self.results = saved["results"]
            self.missed = bool(saved.get("missed"))
        self.saved_by = gt.saved_by(self.scenario.steps)
        self._before: dict | None = None  # the desk before a step the panel plays itself
        self._played: list[Callable[[str], str]] = []  # what the panel says it played, said(lang)
        self._notes: Callable[[str], str] | None = None  # what the exercise did by itself, drawn in a language
        self.passed_step: int | None = None  # the step just passed (said above the next step, not under it)
        self._feedback: Callable[[str], str] | None = None  # the answer under the step, drawn in a language
        app.listeners.append(self.on_result)
        self.build()
        self._enter_step()

    @property
    def _key(self) -> str:
        return f"guided:{self.scenario.id}"

    def _store(self) -> None:
        self.app.sandbox.set_state(self._key, json.dumps(
            {"position": self.player.position, "saved": self.player.saved, "results": self.results, "mode": self.mode,
             "missed": self.missed, "asked": self.asked}))

    def build(self) -> None:
        lang = self.app.model.lang
        self.mode_pick = w.ToggleButtons(options=[(t(f"mode_{m}", lang), m) for m in MODES], value=self.mode)
        self.mode_pick.add_class("gf-guide-mode")
        self.mode_pick.observe(safe(lambda ch: self.set_mode(ch["new"])), "value")
        self.step_view = w.HTML()
        self.auto_note = w.HTML(self._notes(lang) if self._notes else "")  # a language switch: drawn again
        self.auto_note.add_class("gf-guide-auto")
        self.feedback = w.HTML(self._feedback(lang) if self._feedback else "")  # a language switch: redrawn
        self.previous = w.HTML()
        self.previous.add_class("gf-guide-previous")
        self.play_btn = button(t("play_step", lang), "gf-guide-play", "primary")
        self.all_btn = button(t("play_all", lang), "gf-guide-play-all")
        self.restart_btn = button(t("restart", lang), "gf-guide-restart", "warning")
        self.play_btn.on_click(safe(lambda _b: self.play_step()))
        self.all_btn.on_click(safe(lambda _b: self.play_all()))
        self.restart_btn.on_click(safe(lambda _b: self.restart()))
        title = self.scenario.title.th if lang == "th" else self.scenario.title.en
        # The answer to an attempt right under the step, where the trainee is looking
        self.children = [w.HTML(f"<b>{esc(t('guided', lang))}: {esc(title)}</b>"), self.mode_pick, self.auto_note, self.previous,
                         self.step_view, self.feedback, w.HBox([self.play_btn, self.all_btn]), self.restart_btn]
        self.render()

    def relabel(self) -> None:
        self.build()
        self._set_login_method(clear=False)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self._store()
        self.render()

    # ------------------------------------------------------------------ steps
    @property
    def step(self):
        return None if self.player.done else self.scenario.steps[self.player.position]

    def _enter_step(self) -> None:
        """Move the clock to the step's ``at`` and settle check steps, which need no trainee; the
        panel says what the exercise did by itself (``auto_note``)."""
        before, self._before = self._before or gt.snapshot(self.app, self.scenario), None
        checks, clock = [], self.app.sandbox.now
        while self.step is not None:
            step = self.step
            self.player.prepare(step)
            if step.check is None:
                break
            problems = run_check(substitute(step.check, self.player.saved), self.app.sandbox)
            self.results.append(not problems)
            checks.append((self.player.position + 1, step.check, not problems))
            self.player.position += 1
        moved = self.app.sandbox.now if self.app.sandbox.now != clock else None
        played, after, saved, reveal = self._played, gt.snapshot(self.app, self.scenario), dict(self.player.saved), self.mode != "test"

        def notes(lang: str) -> str:
            said = [*(p(lang) for p in played), *gt.auto_notes(before, after, moved, lang)]
            said += [gt.check_note(n, check, passed, saved, lang, reveal=reveal) for n, check, passed in checks]
            return gt.notes_html(said, lang)

        self._played, self._notes = [], notes
        self.auto_note.value = notes(self.app.model.lang)
        self._set_login_method()
        self._store()
        self.app.refresh_bar()
        self.render()

    def _set_login_method(self, clear: bool = True) -> None:
        """A login step puts the login screen's method box on the way in it asks for, and a new
        login step starts with empty password and code boxes."""
        step = self.step
        if step is None or step.action != "auth.login":
            return
        screen = self.app.screen("login")
        screen.method.value = step.input.get("method") or "soft_token"
        if clear:
            screen.clear_secrets()
        else:
            screen.otp.value = ""

    def _inputs(self, step, lang: str) -> dict:
        return gt.fill(step.input, self.player.saved, self.saved_by, lang)

    def say(self, draw: Callable[[str], str] | None) -> None:
        """The answer under the step (``draw(lang)``, drawn again after a language switch), or none."""
        self._feedback = draw
        self.feedback.value = draw(self.app.model.lang) if draw else ""

    def render(self) -> None:
        lang = self.app.model.lang
        total = len(self.scenario.steps)
        step = self.step
        self.previous.value = ("" if self.passed_step is None else  # the step before, by its number
                               f"<div class='gf-ok gf-step-result gf-step-passed'>✔ "
                               f"{esc(t('ux7_step_passed', lang).format(step=self.passed_step))}</div>")
        if step is None:
            acted = len(self.results)
            score = sum(self.results)
            self.step_view.value = (f"<div class='gf-ok'><b>{esc(t('exercise_done', lang))}</b><br>"
                                    f"{esc(t('score', lang))} ({esc(t('ux_score_first_try', lang))}): <b class='gf-score'>{score}/{acted}</b></div>")
            self.play_btn.disabled = self.all_btn.disabled = True
            if "gf-step-recorded" in self.feedback.value:  # «go on with the next step»: there is none
                self.say(None)
            return
        self.play_btn.disabled = self.all_btn.disabled = self.mode == "test"
        inputs = self._inputs(step, lang)
        # What the trainee does; what the system must answer is said (by name) on its own line,
        # and only outside Test mode.
        title = gt.step_title(step, inputs, lang, reveal=False)
        screen = "bar" if step.action == "clock.advance" else entry_for(step.action, step.input).key
        menu = menu_label(screen, lang)
        lines = [f"<div class='gf-step-title'><b>{esc(t('step', lang))} {self.player.position + 1}/{total}</b>: {esc(title)}</div>"]
        if self.mode != "test":
            context = gt.context_title(step, self.player.saved, self.saved_by, lang, title)
            if context:
                lines.append(f"<div class='gf-src gf-step-context'>{esc(t('ux_step_context', lang))}: {esc(context)}</div>")
        lines.append(f"<div class='gf-src'>{esc(t('as_user', lang))} <b>{esc(step.actor)}</b> · {esc(t('screen_hint', lang))}: {esc(menu)}</div>")
        if self.mode != "test":
            shown = esc(gt.hint(step.action, inputs, lang)).replace(" · ", "<br>· ")  # one form field a line
            lines.append(f"<div class='gf-hint'>{esc(t('hint', lang))}: {shown}</div>")
            expect = step.expect
            if expect and expect.error:  # the refusal by its name and its rule in words, never its code
                rule, source = gt.refusal_rule(expect.error, lang)
                lines.append(f"<div class='gf-src gf-expect-refusal'>{esc(t('expect_refusal', lang))}: "
                             f"<b>{esc(named('error_names', expect.error, lang))}</b>"
                             + (f"<br>{esc(t('uxd_rule_words', lang))}: {esc(rule)}" if rule else "") + (f"<br>{esc(t('source', lang))}: {esc(source)}" if source else "") + "</div>")
        self.step_view.value = "".join(lines)

    def on_result(self, action: str, data: dict, result: Result) -> None:
        """Each action done on the screens: is it the step's, and did it give what was expected?"""
        step = self.step
        # On SNG.01 «create» runs «simulate» first. A refused simulation answers a create step only
        # when the step expects that refusal: otherwise it is a check the trainee ran (the form lists
        # the problems) and counts as no attempt, in Practice and in Test.
        answers = action == step.action if step else False
        if step is not None and step.action == "reserve.create" and action == "reserve.simulate" and not result.ok:
            answers = bool(step.expect is not None and step.expect.error)
        # Moving the clock is nobody's action in the world: any move from the bar answers the step.
        if step is None or not answers or (step.actor != result.actor and step.action != "clock.advance"):
            return
        inputs = substitute(step.input, self.player.saved) | data
        if self.mode == "practice":
            problems = self.player.judge(step, inputs, result)
            if problems:  # explained, and the same step waits for another try
                self.missed = True
                self._store()
                self.say(lambda lang: self._explain(step, inputs, result, lang, retry=True))
                return
        outcome = self.player.record(step, inputs, result)
        self.results.append(outcome.passed and not self.missed)
        self.missed = False
        # A step passed is said above the next step, by its number; under the next step stays only
        # what still concerns the trainee (Test: go on; a wrong answer played by the exercise).
        self.passed_step = outcome.index if outcome.passed and self.mode != "test" else None
        if self.mode == "test":  # the answer is recorded; right or wrong shows with the score at the end
            self.say(lambda lang: f"<div class='gf-src gf-step-result gf-step-recorded'>{esc(t('tr_step_recorded', lang))}</div>")
        elif outcome.passed:
            self.say(None)
        else:
            self.say(lambda lang: self._explain(step, inputs, result, lang, retry=False))
        self._enter_step()

    def _explain(self, step, inputs: dict, result: Result, lang: str, *, retry: bool) -> str:
        """What was expected, what happened and which rule, in the trainee's language."""
        expect = Expect.model_validate(substitute((step.expect or Expect()).model_dump(exclude_none=True), self.player.saved))
        doc_no = step_document(step, result, inputs)
        doc = self.app.sandbox.document(doc_no) if doc_no else None
        want = "".join(f"<li>{esc(x)}</li>" for x in gt.expected_lines(expect, lang))
        got = "".join(f"<li>{esc(x)}</li>" for x in gt.happened_lines(expect, result, doc, lang))
        ul = "<ul style='margin:2px 0;padding-left:18px'>"
        rule = gt.rule_of(expect, result, lang)
        parts = [f"<div class='gf-err gf-step-result'>✘ <b>{esc(t('step_failed', lang))}</b>",
                 f"<div><b>{esc(t('ux_fb_expected', lang))}</b>:{ul}{want}</ul></div>",
                 f"<div><b>{esc(t('ux_fb_happened', lang))}</b>:{ul}{got}</ul></div>"]
        if rule:
            parts.append(f"<div class='gf-src gf-step-rule'>{esc(t('ux_fb_rule', lang))}: {esc(rule)}</div>")
        if retry:
            parts.append(f"<div class='gf-try-again'><b>{esc(t('ux_try_again', lang))}</b></div>")
        return "".join(parts) + "</div>"

    def play_step(self) -> Result | None:
        step = self.step
        if step is None:
            return None
        inputs = substitute(step.input, self.player.saved)
        # Played by the exercise (Demo, «เล่นขั้นนี้»): the panel says so, and any switch of person
        number = self.player.position + 1
        self._before = gt.snapshot(self.app, self.scenario)
        self._played = [lambda lang: t("uxd_auto_played", lang).format(
            step=number, title=gt.step_title(step, self._inputs(step, lang), lang, reveal=False))]
        try:
            return self.app.perform(step.actor, step.action, inputs)
        finally:
            self._before, self._played = None, []

    def play_all(self) -> None:
        guard = len(self.scenario.steps) + 1
        while self.step is not None and guard:
            before = self.player.position
            self.play_step()
            guard -= 1
            if self.player.position == before:
                break

    def restart(self) -> None:
        """«เริ่มแบบฝึกหัดใหม่»: the exercise's world again, and every screen from its first state
        (the first step's person at the desk, no one's inputs, results or banner)."""
        app = self.app
        app.sandbox.set_state(self._key, "null")
        self.player = ScenarioPlayer(self.scenario, app.sandbox, fresh=True)
        self.results = []
        self.missed = False
        self.passed_step = None
        self.say(None)
        self._notes = None
        self.auto_note.value = ""
        app.reload_people()
        first = next((s for s in self.scenario.steps if s.actor), None)
        if first is not None:
            app.set_person(first.actor)
        old = list(app.children)
        app.drop_screens()  # every person's screens afresh (a language switch alone keeps the forms)
        app.set_lang(app.model.lang)  # the bar and the phone afresh
        close_dropped(old, app)
        self._enter_step()
        app.show("login" if first is None or first.action == "clock.advance" else entry_for(first.action, first.input).key)
