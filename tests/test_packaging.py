"""environment.yml (conda) and pyproject.toml declare the same dependencies."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(spec: str) -> tuple[str, str]:
    name, version = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec.strip()).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def pyproject_deps() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(s) for s in specs)


def conda_deps() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    specs = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            specs += [d for d in dep["pip"] if not d.startswith("-e")]
        elif not dep.startswith(("python=", "pip")):
            specs.append(dep)
    return dict(_split(s) for s in specs)


def test_environment_yml_agrees_with_pyproject():
    assert conda_deps() == pyproject_deps()


def test_scenario_json_schema_file_is_current():
    from sandbox.scenario import json_schema

    stored = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text("utf-8"))
    assert stored == json_schema(), "run: python -m sandbox scenario schema > scenarios/scenario.schema.json"


def test_cli_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "sandbox", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    for command in ("scenario", "world"):
        assert command in out
    out = subprocess.run([sys.executable, "-m", "sandbox", "scenario", "--help"], capture_output=True, text=True, cwd=ROOT).stdout
    assert "run" in out


def test_the_start_command_installs_a_kernel_for_the_pages():
    # bin/start installs the project without the test extras; Voila needs a Python kernel to run
    # any page ("No Jupyter kernel for language 'python' found" on a fresh machine otherwise).
    assert "ipykernel" in {name for name, _ in map(_split, tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])}
