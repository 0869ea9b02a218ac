"""The scenario runner, on SQLite and on PostgreSQL."""

import subprocess
import sys
import textwrap
from pathlib import Path

from sandbox.scenario import ScenarioPlayer, parse_scenario, run_file

ROOT = Path(__file__).resolve().parents[1]

PASSING = """
id: {id}
title: {{th: "ทดสอบ", en: "test"}}
world: demo
start: 2023-09-04T09:00:00+07:00
steps:
  - actor: rec1
    action: auth.login
    input: {{method: password, password: "Sandbox#2566"}}
  - actor: rec1
    action: reserve.create
    input:
      doc_type: CK
      reason: CK05
      budget_code: "12001350001000000002"
      fund_source: "6611200"
      commitment_item: "5101020000"
      amount: 100000.50
      text: "เงินอุดหนุน"
    save: d1
    expect: {{doc_no: CK00000001, remaining: 100000.50}}
  - check: {{doc: "${{d1}}", status: "", lapsed: false}}
  - actor: trainer
    action: auth.login
    input: {{method: soft_token, password: "Sandbox#2566", otp: auto}}
  - actor: trainer
    action: clock.advance
    input: {{to: 2023-10-01T00:00:00+07:00}}
  - check: {{doc: "${{d1}}", lapsed: true, remaining: 0}}
  - check: {{budget_line: {{budget_code: "12001350001000000002", fund_source: "6611200", commitment_item: "5101020000"}}, available: {available}}}
"""


def write(tmp_path, name, text):
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), "utf-8")
    return path


def test_passing_scenario_with_check_and_clock_advance(sandbox, tmp_path):
    # The CK lapses at the fiscal year's end: the line gets nothing back (2,500,000 − 100,000.50).
    path = write(tmp_path, "pass", PASSING.format(id="pass", available=2399999.50))
    run = run_file(path, sandbox)
    assert not isinstance(run, str), run
    assert run.passed, [o.problems for o in run.outcomes]
    assert len(run.outcomes) == 7


def test_scenario_that_must_fail_reports_the_step(sandbox, tmp_path):
    # Wrong expectation: as if lapsed money came back to the line.
    path = write(tmp_path, "fail", PASSING.format(id="fail", available=2500000))
    run = run_file(path, sandbox)
    assert not run.passed
    failed = [o for o in run.outcomes if not o.passed]
    assert [o.index for o in failed] == [7]
    assert "expected available 2500000.00, got 2399999.50" in failed[0].problems[0]


def test_unknown_action_fails_the_file_with_step_number(tmp_path, sandbox):
    path = write(tmp_path, "bad", """
        id: bad
        title: {th: "x", en: "x"}
        world: demo
        start: 2023-09-04T09:00:00+07:00
        steps:
          - {actor: rec1, action: auth.login, input: {method: password, password: "x"}, expect: {ok: false}}
          - {actor: rec1, action: reserve.teleport}
    """)
    message = run_file(path, sandbox)
    assert isinstance(message, str)
    assert "bad.yaml" in message and "step 2" in message and "reserve.teleport" in message


def test_id_must_equal_file_name(tmp_path, sandbox):
    path = write(tmp_path, "other", PASSING.format(id="pass", available=0))
    assert "must equal the file name" in run_file(path, sandbox)


def test_saved_names_and_same_instant(sqlite_sandbox):
    scenario = parse_scenario(
        {
            "id": "x", "title": {"th": "x", "en": "x"}, "world": "demo", "start": "2023-09-04T09:00:00",
            "steps": [
                {"actor": "rec1", "action": "auth.login", "input": {"method": "password", "password": "Sandbox#2566"}},
                {"actor": "rec1", "action": "reserve.create", "save": "d1", "input": {
                    "doc_type": "CK", "reason": "CK13", "budget_code": "12001350001000000002",
                    "fund_source": "6611200", "commitment_item": "5101020000", "amount": 5}},
                {"actor": "rec1", "action": "round.list", "input": {"docs": ["${d1}"]}, "expect": {"status": "21"}},
            ],
        }
    )
    run = ScenarioPlayer(scenario, sqlite_sandbox).play()
    assert run.passed
    assert {a["action"] for a in sqlite_sandbox.audit()} == {"auth.login", "reserve.create", "round.list"}
    times = {a["at"] for a in sqlite_sandbox.audit()}
    assert len(times) == 1  # no step moved the clock


def test_cli_closing_line_and_exit_code(tmp_path):
    good = write(tmp_path, "good", PASSING.format(id="good", available=2399999.50))
    bad = write(tmp_path, "bad", PASSING.format(id="bad", available=1))
    db = tmp_path / "kept.sqlite"
    proc = subprocess.run(
        [sys.executable, "-m", "sandbox", "scenario", "run", str(good), str(bad), "--db", str(db)],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert proc.returncode == 1
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 1 failed"
    assert "step 7" in proc.stdout
    assert db.exists()
    ok = subprocess.run([sys.executable, "-m", "sandbox", "scenario", "run", str(good)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0 and ok.stdout.strip() == "1 passed, 0 failed"
