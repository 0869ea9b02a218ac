"""The generated notebooks: up to date with the scenarios, and a scenario notebook fails when the
engine rule it teaches is switched off."""

import json
import os
from pathlib import Path

import pytest
import yaml

from sandbox.domain import auth
from sandbox.notebooks import build, scenario_paths

ROOT = Path(__file__).resolve().parents[1]


def test_regenerating_the_notebooks_changes_nothing():
    assert build(check=True) == [], "run: python -m sandbox notebooks build"


def test_every_scenario_has_a_notebook_and_every_step_a_thai_and_english_title():
    paths = scenario_paths()
    assert len(paths) >= 15
    for path in paths:
        assert (ROOT / "notebooks" / "scenarios" / f"{path.stem}.ipynb").exists()
        data = yaml.safe_load(path.read_text("utf-8"))
        assert data["title"]["th"] and data["title"]["en"]
        for i, step in enumerate(data["steps"], start=1):
            assert step.get("title", {}).get("th") and step["title"].get("en"), f"{path.name} step {i}"


def run_notebook(name: str, tmp_path, monkeypatch) -> None:
    """Run a scenario notebook's code cells in this process (so a rule can be switched off)."""
    class_db = tmp_path / "class.sqlite"
    monkeypatch.setenv("SANDBOX_DB", str(class_db))  # as under Voila: the class's database
    nb = json.loads((ROOT / "notebooks" / "scenarios" / f"{name}.ipynb").read_text("utf-8"))
    namespace: dict = {}
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                exec("".join(cell["source"]), namespace)  # noqa: S102 — our own generated notebook
    finally:
        os.chdir(cwd)
    assert not class_db.exists(), "the exercise notebook must play on a database of its own"


def test_the_segregation_notebook_passes_with_the_rule(tmp_path, monkeypatch):
    run_notebook("users-segregation-of-duties", tmp_path, monkeypatch)


def test_the_segregation_notebook_fails_without_the_rule(tmp_path, monkeypatch):
    monkeypatch.setattr(auth, "check_segregation", lambda *args: None)
    with pytest.raises(AssertionError):
        run_notebook("users-segregation-of-duties", tmp_path, monkeypatch)
