"""Class serving without a browser: the running clock, the serve command line, class mode in a
page's kernel (own sandbox, gradebook, new attempt, own history) and the trainer's page."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.engine import Sandbox
from sandbox.ui.app import App
from sandbox.ui.clock import ANCHOR, RunningClock
from sandbox.ui.serve import is_loopback, voila_command, voila_env

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "sept-round-cx-basic"
START = "2025-09-01T09:00:00+07:00"


class Wall:
    """A real-time clock the test moves."""

    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def sb(tmp_path):
    s = Sandbox(str(tmp_path / "s.sqlite"))
    s.load_world("demo", START)
    yield s
    s.close()


def test_the_clock_runs_with_real_time_and_writes_only_before_an_action(sb):
    wall = Wall()
    clock = RunningClock(sb, real=wall)
    start = sb.now
    wall.t += 95.4
    assert clock.now() == start + dt.timedelta(seconds=95)
    assert sb.now == start  # reading writes nothing
    clock.tick()
    assert sb.now == start + dt.timedelta(seconds=95)
    wall.t += 30
    assert clock.now() == start + dt.timedelta(seconds=125)


def test_the_clock_pauses_resumes_is_set_and_is_capped(sb):
    wall = Wall()
    clock = RunningClock(sb, real=wall)
    start = sb.now
    clock.pause()
    wall.t += 600
    assert clock.now() == start and clock.tick() == start
    clock.resume()
    wall.t += 60
    assert clock.now() == start + dt.timedelta(seconds=60)
    clock.set("2025-09-02T08:00:00+07:00")
    wall.t += 10
    assert clock.now().isoformat() == "2025-09-02T08:00:10+07:00"
    cap = dt.datetime.fromisoformat("2025-09-02T08:00:05+07:00")
    capped = RunningClock(sb, real=wall, limit=lambda: cap)
    assert capped.now() == cap  # a guided exercise: never past the next step's 'at'
    early = RunningClock(sb, real=wall, limit=lambda: cap - dt.timedelta(hours=1))
    assert early.now() == dt.datetime.fromisoformat("2025-09-02T08:00:00+07:00")  # and never backwards


def test_the_clock_survives_a_new_kernel(sb):
    wall = Wall()
    RunningClock(sb, real=wall).tick()
    wall.t += 45
    again = RunningClock(sb, real=wall)  # a reload: the anchor is in the sandbox
    assert (again.now() - sb.now).total_seconds() == 45
    assert float(sb.get_state(ANCHOR)) == 1_000_000.0


def test_a_scenario_notebook_app_has_a_standing_clock(tmp_path):
    app = App(Sandbox(str(tmp_path / "e.sqlite")), scenario=EXERCISE, mode="practice")
    app.start_guide(EXERCISE, "practice")
    assert app.clock is None
    before = app.sandbox.now
    app.guide.play_step()
    assert app.sandbox.now == before  # the login step has no 'at': nothing moved the clock


def test_a_running_app_advances_before_each_action(sb):
    app = App(sb, running=True)
    wall = Wall()
    app.clock = RunningClock(sb, real=wall)
    app.clock.mark()  # in step with the test's wall clock
    start = sb.now
    wall.t += 40
    app.execute("auth.login", {"method": "password", "password": "Sandbox#2566"})
    assert sb.now == start + dt.timedelta(seconds=40)


def test_serve_command_line_for_one_person_and_for_a_class():
    single = voila_command(8866)
    assert "--Voila.ip=127.0.0.1" in single and not any("identity_provider" in a or "cull" in a for a in single)
    klass = voila_command(8866, ip="0.0.0.0", class_mode=True, pool_size=4)
    assert "--Voila.identity_provider_class=sandbox.ui.signin.ClassIdentityProvider" in klass
    assert "--MappingKernelManager.cull_connected=False" in klass and "--pool_size=4" in klass
    assert any("trainer" in a for a in klass if "denylist" in a)
    env = voila_env("x.sqlite", class_name="c1", class_db="c.sqlite", class_root="sb")
    assert Path(env["SANDBOX_CLASS_DB"]).is_absolute() and Path(env["SANDBOX_CLASS_ROOT"]).is_absolute()
    assert "SANDBOX_CLASS" not in voila_env("x.sqlite")
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


@pytest.mark.parametrize("args, words", [
    (["--ip", "0.0.0.0"], "needs a class"),
    (["--class", "no-such-class", "--class-db", "{tmp}/c.sqlite"], "no-such-class"),
    (["--pool-size", "99"], "--pool-size"),
])
def test_serve_refuses_in_one_line(tmp_path, args, words):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    run = subprocess.run([sys.executable, "-m", "sandbox", "serve", "--port", "18999", *args],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in run.stderr


@pytest.fixture
def klass(tmp_path, monkeypatch):
    from sandbox.classroom.classroom import Classroom

    db, root = str(tmp_path / "classes.sqlite"), str(tmp_path / "sandboxes")
    room = Classroom(db, root)
    info = room.create_class("c1", trainees=3, exercises=[EXERCISE])
    monkeypatch.setenv("SANDBOX_CLASS", "c1")
    monkeypatch.setenv("SANDBOX_CLASS_DB", db)
    monkeypatch.setenv("SANDBOX_CLASS_ROOT", root)
    yield room, info
    room.close()


def test_class_mode_opens_each_trainees_own_sandbox_and_records_steps(klass):
    from sandbox.ui.classmode import open_class_app

    room, info = klass
    token = {t["code"]: t["token"] for t in info.trainees}
    one = open_class_app(App, {"t": token["GR01"], "scenario": EXERCISE, "mode": "practice"})
    two = open_class_app(App, {"t": token["GR02"], "scenario": EXERCISE, "mode": "test"})
    assert isinstance(one, App) and isinstance(two, App)
    assert one.sandbox.url != two.sandbox.url
    assert one.clock is not None and one.class_hooks.who.code == "GR01"
    for _ in range(2):
        one.guide.play_step()
    assert len(one.sandbox.documents()) == 1 and two.sandbox.documents() == []
    progress = {(r["code"], r["exercise"]): r for r in room.progress("c1")}
    assert progress[("GR01", EXERCISE)]["steps_ok"] == 3  # login, create, and the check after it
    assert progress[("GR02", EXERCISE)]["steps_ok"] == 0
    assert "gf-class-score" in one.class_hooks.history.value
    # «start again»: a new attempt in a new sandbox; the first attempt stays in the gradebook
    first = one.sandbox.url
    one.guide.restart()
    assert one.sandbox.url != first and one.class_hooks.ref.attempt == 2 and one.guide.player.position == 0
    assert one.sandbox.documents() == []
    assert {h["attempt"] for h in room.history(one.class_hooks.who)} == {1}
    # the trainer's key opens no sandbox in the app: a link to the trainer's page
    trainer = open_class_app(App, {"t": info.trainer_code})
    assert not isinstance(trainer, App) and "trainer.ipynb" in trainer.value
    # a page whose key is not a sign-in of this class gets a refusal, not a sandbox
    assert not isinstance(open_class_app(App, {"t": "forged"}), App)
    assert not isinstance(open_class_app(App, {"t": token["GR03"], "scenario": "no-such-exercise"}), App)


def test_an_exercise_sandbox_just_made_is_not_loaded_again(klass, monkeypatch):
    """The new sandbox is a copy of the exercise's prepared world (same world, start, holidays and
    policy): the guided panel starts on it without loading the world a second time (issue 14: an
    arrival's CPU); a sandbox reopened with no run saved in it is loaded as before."""
    from sandbox.calendar import parse_datetime
    from sandbox.ui.classmode import open_class_app

    room, info = klass
    room.factory.prepare(room._spec(room.get_class("c1"), EXERCISE))  # (the class's first page builds it)
    loads = []
    real = Sandbox.load_world
    monkeypatch.setattr(Sandbox, "load_world", lambda self, *a, **k: (loads.append(self.url), real(self, *a, **k))[1])
    token = info.trainees[0]["token"]
    app = open_class_app(App, {"t": token, "scenario": EXERCISE, "mode": "practice"})
    assert loads == [] and app.class_hooks.ref.created and app.guide.player.position == 0
    assert app.sandbox.now == parse_datetime(app.guide.scenario.start)  # the exercise's start
    app.guide.play_step()
    app.guide.play_step()
    assert len(app.sandbox.documents()) == 1  # the exercise plays on the copied world
    app.guide.restart()  # «start again»: a new copy, not loaded either
    assert loads == [] and app.class_hooks.ref.attempt == 2 and app.sandbox.documents() == []
    app.sandbox.set_state(app.guide._key, "null")  # a reopened sandbox with no run saved: loaded as before
    again = open_class_app(App, {"t": token, "scenario": EXERCISE, "mode": "practice"})
    assert not again.class_hooks.ref.created and loads == [again.sandbox.url]


def test_free_play_hides_clock_and_reset_from_a_trainee(klass):
    from sandbox.ui.classmode import open_class_app

    room, info = klass
    room.set_assigned_exercise("c1", EXERCISE)
    app = open_class_app(App, {"t": info.trainees[0]["token"]})
    assert app.class_hooks.ref.exercise is None and app.reset_btn.layout.display == "none"
    assert f"scenario={EXERCISE}" in app.class_hooks.badge.value  # the exercise the trainer set
    app.set_lang("en")  # rebuilt: still hidden, badge and history still there
    assert app.reset_btn.layout.display == "none" and app.class_hooks.badge in app.children


def test_the_trainers_page_table_clock_and_export(klass):
    from sandbox.classroom.classroom import Identity
    from sandbox.ui.classmode import open_class_app
    from sandbox.ui.trainer import TrainerPage, open_trainer_page

    room, info = klass
    app = open_class_app(App, {"t": info.trainees[0]["token"], "scenario": EXERCISE, "mode": "practice"})
    app.guide.play_step()
    open_class_app(App, {"t": info.trainees[1]["token"]})  # GR02 in free play
    page = TrainerPage(room, Identity("c1", "trainer", "TRAINER"))
    assert "data-code='GR01'" in page.table.value and "1/14" in page.table.value
    assert page.table.value.count("gf-trainer-row") == 3
    page.move_clock("2027-03-29T16:31")
    sb, _ = room.sandbox(Identity("c1", "trainee", "GR02"))
    assert sb.now.isoformat().startswith("2027-03-29T16:31")
    sb.close()
    page.export("csv")
    assert "data:text/csv;base64," in page.download.value
    page.export("xlsx")
    assert "spreadsheetml" in page.download.value
    gr02 = open_class_app(App, {"t": info.trainees[1]["token"]})  # GR02's page is open in free play
    gr02.execute("auth.login", {"method": "password", "password": "Sandbox#2566"})
    assert gr02.sandbox.audit()  # GR02 has done something in this sandbox
    assert not gr02.class_hooks.follow_reset(every=0)  # nothing reset yet: the page stays
    before = gr02.sandbox.url
    page.reset_trainee("GR02")
    assert "GR02" in page.message.value
    assert gr02.class_hooks.follow_reset(every=0)  # the open page follows the trainer's reset
    assert gr02.sandbox.url != before and gr02.sandbox.audit() == []  # a fresh world
    assert "gf-class-notice" in gr02.class_hooks.badge.value
    assert not isinstance(open_trainer_page(), TrainerPage)  # no trainer key in this (kernel-less) test
