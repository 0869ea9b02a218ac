"""Every malformed exercise or world file, and every malformed command-line argument, gives one
clear line naming the file, the step or field and the rule: never a traceback, never a hang.
Each case is a file (a change to a small valid exercise, or raw bytes) and a fragment of the
message it must give."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sandbox.calendar import parse_datetime
from sandbox.engine import Sandbox
from sandbox.scenario import run_file
from sandbox.world import world_data

START = "2023-09-04T09:00:00+07:00"
LOGIN = {"actor": "rec1", "action": "auth.login", "input": {"method": "password", "password": "Sandbox#2566"}}
BASE = {
    "id": "hostile", "title": {"th": "ทดสอบ", "en": "test"}, "world": "demo", "start": START,
    "steps": [LOGIN, {"check": {"user": "rec1", "soft_token": "active"}}],
}
BOMB = "\n".join(["a: &a [x, x, x, x, x, x, x, x, x]"] + [
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]) + "\n"


def demo_world() -> dict:
    return copy.deepcopy(world_data("demo", parse_datetime(START)))


def change(**top):
    return lambda s: s.update(top)


def step(n: int, **fields):
    return lambda s: s["steps"][n].update(fields)


def add_step(**fields):
    return lambda s: s["steps"].append(fields)


def world(edit):
    def apply(s):
        w = demo_world()
        edit(w)
        s["world"] = w
    return apply


def line(**fields):
    return world(lambda w: w["budget_lines"][0].update(fields))


# (case, change to the valid exercise or raw bytes, fragment of the message)
CASES = [
    ("empty file", b"", "mapping of field: value"),
    ("a list", b"- 1\n- 2\n", "mapping of field: value"),
    ("a text", b"just text\n", "mapping of field: value"),
    ("not utf-8", "id: hostile\ntitle: {th: ทดสอบ, en: x}\n".encode("tis-620"), "not UTF-8"),
    ("yaml syntax", b"id: hostile\nsteps: [\n", "YAML syntax error (line"),
    ("tab indentation", b"id: hostile\n\tsteps: []\n", "YAML syntax error"),
    ("alias bomb", BOMB.encode(), "at most 20 YAML aliases"),
    ("deep nesting", b"id: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested at most 30 levels"),
    ("too big", b"id: hostile\n" + b"# " + b"x" * 1_100_000 + b"\n", "larger than 1,000,000 bytes"),
    ("binary", bytes(range(256)), "not UTF-8"),
    ("id not the file name", change(id="other"), "must equal the file name"),
    ("id pattern", change(id="Hostile File"), "id:"),
    ("no title", lambda s: s.pop("title"), "title: ต้องระบุ / is required"),
    ("title a text", change(title="x"), "title:"),
    ("unknown top key", change(colour="red"), "colour: ไม่มีช่องนี้"),
    ("no start", lambda s: s.pop("start"), "start: ต้องระบุ / is required"),
    ("start garbage", change(start="garbage"), "start: อ่านวันเวลาไม่ได้: garbage"),
    ("start year 9999", change(start="9999-12-31T23:59:59-12:00"), "start: "),
    ("start year 1900", change(start="1900-01-01"), "must lie between 2000-01-01 and 2100-12-31"),
    ("start BE as CE", change(start="2566-09-04"), "must lie between"),
    ("start a list", change(start=[1]), "start:"),
    ("no steps", lambda s: s.pop("steps"), "steps: ต้องระบุ"),
    ("steps a mapping", change(steps={"a": 1}), "steps:"),
    ("step a text", change(steps=["login"]), "step 1:"),
    ("step without action", add_step(actor="rec1"), "step 3:"),
    ("unknown action", add_step(actor="rec1", action="reserve.explode"), "unknown action"),
    ("check with action", add_step(actor="rec1", action="auth.logout", check={"user": "rec1"}), "step 3:"),
    ("unknown step key", step(0, colour="red"), "step 1.colour"),
    ("input a list", step(0, input=[1, 2]), "step 1.input"),
    ("at garbage", step(0, at="tomorrow"), "step 1.at: อ่านวันเวลาไม่ได้"),
    ("at year 99999", step(0, at="99999-01-01"), "step 1.at"),
    ("at before start", step(0, at="2023-09-01T09:00:00+07:00"), "is before the previous step's time"),
    ("at going back", lambda s: (s["steps"][0].update(at="2023-09-10"), s["steps"][1].update(at="2023-09-05")),
     "step 2.at"),
    ("at far future", step(0, at="2090-01-01"), "more than 5 years after the start"),
    ("expect unknown key", step(0, expect={"colour": 1}), "step 1.expect.colour"),
    ("expect rows text", step(0, expect={"rows": "many"}), "step 1.expect.rows"),
    ("expect remaining garbage", step(0, expect={"remaining": "lots"}), "step 1.expect.remaining"),
    ("expect sum unknown column", step(0, expect={"sum": {"colour": 1}}), "step 1.expect.sum"),
    ("expect sum 1e999", step(0, expect={"sum": {"value": "1e999999999"}}), "step 1.expect.sum.value"),
    ("check nothing", step(1, check={"colour": 1}), "a check needs doc, user, budget_line or unit"),
    ("check two kinds", step(1, check={"user": "rec1", "doc": "CX1"}), "a check needs doc"),
    ("check budget_line a text", step(1, check={"budget_line": "x"}), "budget_line needs budget_code"),
    ("check budget_line half", step(1, check={"budget_line": {"budget_code": "1"}}), "budget_line needs"),
    ("check budget_line amount", step(1, check={"budget_line": {"budget_code": "1", "fund_source": "2",
                                                                "commitment_item": "3"}, "available": "x"}),
     "step 2.check.available"),
    ("check doc remaining garbage", step(1, check={"doc": "CX1", "remaining": "x"}), "step 2.check.remaining"),
    ("holiday garbage", change(calendar={"extra_holidays": ["someday"]}), "calendar.extra_holidays[0]"),
    ("policy garbage", change(policy={"september_deadline": "soon"}), "policy.september_deadline"),
    ("unknown world", change(world="atlantis"), "no bundled world of that name"),
    ("world path", change(world="../../etc/passwd"), "no bundled world of that name"),
    ("world a list", change(world=[1, 2]), "world:"),
    ("world empty mapping", change(world={}), "agencies"),
    ("world huge allocation", line(allocation=10**30), "allocation"),
    ("world allocation 1e999", line(allocation="1e999999999"), "allocation"),
    ("world negative allocation", line(allocation=-5), "allocation"),
    ("world duplicate line", world(lambda w: w["budget_lines"].append(dict(w["budget_lines"][0]))),
     "the same budget line as entry budget_lines[0]"),
    ("world long user id", world(lambda w: w["users"][0].update(id="u" * 41)), "at most 40 characters"),
    ("world NUL in a name", world(lambda w: w["agencies"][0].update(name="a\x00b")), "NUL"),
    ("world long name", world(lambda w: w["units"][0].update(name="n" * 201)), "at most 200 characters"),
    ("world bad unit code", world(lambda w: w["units"][0].update(code="12")), "unit code must be 10 digits"),
    ("world user a text", world(lambda w: w["users"].append("x")), "users["),
]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    sb = Sandbox(str(tmp_path_factory.mktemp("hostile") / "h.sqlite"))
    yield sb
    sb.close()


def write_case(folder: Path, content) -> Path:
    path = folder / "hostile.yaml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        data = copy.deepcopy(BASE)
        content(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def test_the_base_exercise_passes(sandbox, tmp_path):
    run = run_file(write_case(tmp_path, lambda s: None), sandbox)
    assert not isinstance(run, str) and run.passed, run


@pytest.mark.parametrize(("case", "content", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_a_malformed_file_gives_one_clear_line(sandbox, tmp_path, case, content, fragment):
    path = write_case(tmp_path, content)
    started = time.perf_counter()
    outcome = run_file(path, sandbox)
    assert time.perf_counter() - started < 5, "no file may take long to refuse"
    message = outcome if isinstance(outcome, str) else (outcome.error or "")
    assert message, f"{case}: the file was accepted"
    assert fragment in message, message
    assert str(path) in message and "\n" not in message and "Traceback" not in message


def test_there_are_over_forty_kinds():
    assert len(CASES) >= 43


# ------------------------------------------------------------------ the command line
def cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("SANDBOX_DB", "SANDBOX_DEBUG")}
    return subprocess.run([sys.executable, "-m", "sandbox", *args], capture_output=True, text=True, env=env,
                          timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "notes.txt").write_text("not a database\n", "utf-8")
    (folder / "folder").mkdir()
    return folder


CLI_CASES = [
    (["world", "show", "demo", "--start", "garbage"], "--start"),
    (["world", "show", "demo", "--start", "9999-12-31T23:59:59-12:00"], "--start"),
    (["timeline", "--fiscal-year", "99999"], "--fiscal-year"),
    (["timeline", "--fiscal-year", "-1"], "--fiscal-year"),
    (["timeline", "--fiscal-year", "abc"], "--fiscal-year"),
    (["timeline", "--fiscal-year", "2566", "--september-deadline", "nope"], "--september-deadline"),
    (["timeline", "--fiscal-year", "2566", "--holiday", "31/02/2566"], "--holiday"),
    (["timeline", "--fiscal-year", "2566", "--cutover", "nobody=2025-01-01"], "--cutover"),
    (["timeline", "--fiscal-year", "2566", "--cutover", "all_agencies=never"], "--cutover"),
    (["report", "nfma60", "--unit", "1200100050", "--db", "{folder}/folder"], "folder"),
    (["report", "nfma60", "--unit", "1200100050", "--db", "{folder}/notes.txt"], "not a sandbox database"),
    (["report", "nfma60", "--unit", "1200100050", "--db", "nosuch://x"], "not a sandbox database"),
    (["report", "nfma60", "--unit", "1200100050", "--db", "{folder}/new.sqlite", "--fiscal-year", "99999"],
     "--fiscal-year"),
    (["scenario", "run", "{folder}/x.yaml", "--db", "{folder}/folder"], "folder"),
    (["scenario", "run", "{folder}/x.yaml", "--db", "{folder}/notes.txt"], "not a sandbox database"),
    (["report", "nfma60", "--unit", "1", "--format", "docx"], "--format"),
    (["scenario", "new", "../../outside"], "kebab-case"),
    (["serve", "--port", "99999"], "--port"),
    (["serve", "--db", "{folder}/folder"], "folder"),
]


@pytest.mark.parametrize(("args", "fragment"), CLI_CASES, ids=[" ".join(a[:3]) + f" {i}" for i, (a, _) in enumerate(CLI_CASES)])
def test_a_malformed_argument_is_one_line_and_exit_2(files, args, fragment):
    done = cli(*[a.replace("{folder}", str(files)) for a in args])
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1 and fragment in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_a_malformed_scenario_file_on_the_command_line(files):
    (files / "hostile.yaml").write_bytes(BOMB.encode())
    done = cli("scenario", "run", str(files / "hostile.yaml"))
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "at most 20 YAML aliases" in done.stdout and "0 passed, 1 failed" in done.stdout
