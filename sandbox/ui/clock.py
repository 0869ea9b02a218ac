"""A clock that runs: in the served app, simulated time moves forward with real time from the
moment it was set, so a trainee who logs out can log in again and the phone's code changes every
30 seconds.

The engine stays deterministic: it never reads the wall clock. The app asks this clock for the
moment to show (``now()``, no write), and before each action moves the sandbox's clock by the real
time that went by (``tick()``, ``Sandbox.advance_clock``). Where the real time was last read and
whether the clock is paused are kept in the sandbox's own state, so a reload, a kernel restart or a
trainee coming back after lunch carries on from there. Scenario files and nbval never use it: their
steps keep their explicit ``at`` times.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from ..engine import Sandbox

ANCHOR = "clock_real_anchor"  # the real time (epoch seconds) the simulated clock was last in step with
PAUSED = "clock_paused"  # "1" while paused


class RunningClock:
    """``limit()`` may cap the clock (a guided exercise: never past the next step's ``at``)."""

    def __init__(self, sandbox: Sandbox, *, limit: Callable[[], dt.datetime | None] | None = None,
                 real: Callable[[], float] = time.time):
        self.sandbox = sandbox
        self.limit = limit or (lambda: None)
        self.real = real
        if sandbox.get_state(ANCHOR) is None:
            self.mark()

    # ------------------------------------------------------------------ reading
    @property
    def paused(self) -> bool:
        return self.sandbox.get_state(PAUSED, "0") == "1"

    def _anchor(self) -> float:
        try:
            return float(self.sandbox.get_state(ANCHOR) or self.real())
        except ValueError:
            return self.real()

    def now(self) -> dt.datetime:
        """The simulated moment as it stands now (nothing is written)."""
        stored = self.sandbox.now
        if self.paused:
            return stored
        elapsed = max(0.0, self.real() - self._anchor())
        moment = stored + dt.timedelta(seconds=int(elapsed))
        cap = self.limit()
        if cap is not None and moment > cap:
            moment = max(stored, cap)
        return moment

    # ------------------------------------------------------------------ moving
    def mark(self) -> None:
        """The simulated clock is in step with real time now (after it was set or moved)."""
        self.sandbox.set_state(ANCHOR, f"{self.real():.3f}")

    def tick(self) -> dt.datetime:
        """Bring the sandbox's clock to ``now()`` (before an action); returns the moment."""
        moment = self.now()
        if moment > self.sandbox.now:
            try:
                self.sandbox.advance_clock(moment)
            except Exception:  # beyond the clock's reach (a refusal): the clock stops there
                self.pause()
                return self.sandbox.now
        self.mark()
        return moment

    def pause(self) -> None:
        if not self.paused:
            self.tick()
            self.sandbox.set_state(PAUSED, "1")

    def resume(self) -> None:
        self.sandbox.set_state(PAUSED, "0")
        self.mark()

    def set(self, moment) -> dt.datetime:
        """Move the clock to ``moment`` (forward only) and run on from there."""
        self.tick()
        to = self.sandbox.advance_clock(moment)
        self.mark()
        return to


def exercise_limit(guide) -> dt.datetime | None:
    """In a guided exercise the clock never runs past a later step's ``at`` (the step moves it there)."""
    if guide is None:
        return None
    from ..domain.calendar import parse_datetime

    moments = [parse_datetime(step.at) for step in guide.scenario.steps[guide.player.position:] if step.at is not None]
    return min(moments) if moments else None


def move_from_bar(app, to: str):
    """«เลื่อนเวลา» on the sandbox bar. Moving the simulated clock is not an action of a person of
    the world: whoever sits at the desk, logged in or not, moves it. Only a logged-in trainer's
    move goes through the engine as ``clock.advance`` (audited, and it answers a guided step of
    that action). The bar then says the new time in the Buddhist era, or why the clock did not move,
    in dark text on its light banner (the bar itself is dark blue with white text)."""
    from ..calendar import format_moment
    from ..domain.errors import Text
    from ..engine import Result
    from ..errors import Refusal, describe
    from .widgets import esc, t

    to = (to or "").strip()
    if not to:
        return None
    lang, person = app.model.lang, app.model.person
    dark = "color:#1b1b1b"  # readable on the banner whatever the bar's white text around it
    limit = _next_step_time(getattr(app, "guide", None))
    if limit is not None and _later_than(to, limit):  # an exercise's next step happens at its own time
        app.bar_msg.value = (f"<div class='gf-warn gf-clock-refused' style='{dark}'>"
                             f"{esc(t('ux_clock_exercise_limit', lang))} <b>{esc(format_moment(limit, lang))}</b></div>")
        return None
    state = app.sandbox.user_state(person) if person else None
    if state and "trainer" in state.get("roles", ()) and app.sandbox.session_live(person):
        result = app.execute("clock.advance", {"to": to})
    else:
        try:
            if app.clock is not None:
                app.clock.set(to)
            else:
                app.sandbox.advance_clock(to)
            result = Result("clock.advance", "", True, {"now": app.sandbox.now.isoformat()})
        except Refusal as refusal:
            result = Result("clock.advance", "", False, error=refusal.code, field=refusal.field, **{
                k: v for k, v in describe(refusal).items() if k not in ("code", "field")})
        except (ValueError, TypeError, OverflowError):
            refusal = Refusal("invalid_input", "to", detail=Text("not_a_moment"))
            result = Result("clock.advance", "", False, error=refusal.code, field=refusal.field, **{
                k: v for k, v in describe(refusal).items() if k not in ("code", "field")})
        app.model.last_result = result
        for listener in list(app.listeners):  # a guided step «move the clock» is answered by the move
            listener("clock.advance", {"to": to}, result)
        app.refresh_bar()
    if result.ok:
        app.bar_msg.value = (f"<div class='gf-ok gf-clock-moved' style='{dark}'>{esc(t('ux_clock_moved', lang))} "
                             f"<b>{esc(format_moment(app.now, lang))}</b></div>")
    else:
        source = result.source_th if lang == "th" else result.source_en
        app.bar_msg.value = (f"<div class='gf-err gf-clock-refused' style='{dark}'><b>{esc(t('error_title', lang))}</b>: "
                             f"{esc(result.message(lang))}<br><span style='{dark};font-size:12px'>"
                             f"{esc(t('source', lang))}: {esc(source)}</span></div>")
    app.screen(app.model.screen).refresh()
    return result


def _next_step_time(guide) -> dt.datetime | None:
    """In a guided exercise: the ``at`` of the first later step that has one (the current step's
    own ``at`` is already on the clock)."""
    if guide is None or guide.step is None:
        return None
    from ..domain.calendar import parse_datetime

    later = [parse_datetime(s.at) for s in guide.scenario.steps[guide.player.position + 1:] if s.at is not None]
    return min(later) if later else None


def _later_than(to: str, limit: dt.datetime) -> bool:
    from ..domain.calendar import parse_datetime

    try:
        return parse_datetime(to) > limit
    except (ValueError, TypeError, OverflowError):
        return False  # not a moment: the move itself says so


TICK_SECONDS = 5.0


def page_beat(callback, seconds: float):
    """A hidden ``Play`` widget that counts in the browser every ``seconds`` and calls ``callback``
    in the kernel on each count. A closed page sends nothing, so its kernel goes idle and Voila's
    culler shuts it down (a timer inside the kernel would keep it busy forever).

    The browser starts counting only when it sees ``playing`` change after its view exists; the
    kernel nudges it every few seconds until the first count arrives (at most two minutes)."""
    import asyncio

    import ipywidgets as w
    import traitlets as tl

    class Beat(w.Play):
        """A count the kernel does not echo back to the page (ipywidgets 8 answers every value a
        page sends with an ``echo_update``: a message each beat for nothing; issue 14)."""

        value = tl.CInt(0).tag(sync=True, echo_update=False)

    timer = Beat(value=0, min=0, max=10**9, step=1, interval=int(seconds * 1000), repeat=True,
                 layout=w.Layout(display="none"))
    timer.add_class("gf-ticker")

    def beat(_change) -> None:
        try:
            callback()
        except Exception:  # a closed database (the page is going away): stop quietly
            timer.playing = False

    timer.observe(beat, "value")

    async def nudge() -> None:
        for _ in range(40):
            await asyncio.sleep(3)
            if timer.value > 0:
                return
            timer.playing = False
            timer.playing = True

    try:
        timer._nudge = asyncio.get_running_loop().create_task(nudge())
    except RuntimeError:  # no kernel loop (a plain test): no beat
        pass
    return timer


def start_ticking(app, seconds: float = TICK_SECONDS) -> None:
    """Refresh the bar and the phone every few seconds (the time shown, the phone's code), on the
    page's beat (``page_beat``), and once more when the phone's code ends before the next beat
    (``follow_code``). Nothing is written to the sandbox."""
    refresh = app.refresh_bar
    pending: list = []

    def beat() -> None:
        refresh()
        follow_code(app.phone, refresh, seconds, pending)

    app.ticker = page_beat(beat, seconds)
    app.children = [*app.children, app.ticker]


def follow_code(phone, refresh, seconds: float, pending: list) -> None:
    """The phone's countdown stands at 0 when its code ends; the page's beat (every ``seconds``)
    would draw the next code up to ``seconds`` later. When the code ends before the next beat,
    ``refresh`` is called once at that moment (a little after: the running clock counts whole
    seconds, at most one late). Only a beat schedules it, so a closed page's kernel stays idle;
    ``pending`` holds the one waiting call (a later beat replaces it)."""
    import asyncio

    wait = phone.seconds_to_next_code()
    if wait is None or wait > seconds:
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no kernel loop (a plain test): the beat alone
        return

    def roll_over() -> None:
        pending.clear()
        try:
            refresh()
        except Exception:  # a closed database (the page is going away)
            pass

    for handle in pending:
        handle.cancel()
    pending[:] = [loop.call_later(wait + 0.05, roll_over)]
