"""Every scenario in scenarios/ passes, on SQLite and on PostgreSQL."""

from pathlib import Path

import pytest

from sandbox.scenario import describe_failure, run_file

SCENARIOS = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_passes(path, sandbox):
    run = run_file(path, sandbox)
    assert not isinstance(run, str), run
    assert run.passed, "\n".join(describe_failure(path, run))
