"""Scenario files (the exercise format, docs/exercises.md): their schema, and the runner that plays them against a sandbox."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import limits
from .calendar import parse_datetime
from .commands import COMMANDS
from .engine import Result, Sandbox
from .errors import Refusal, ScenarioFormatError, WorldError, message
from .scenario_check import Problem, check_scenario

Moment = dt.datetime | dt.date | str


class Text(BaseModel):
    model_config = ConfigDict(extra="forbid")
    th: str
    en: str


class Calendar(BaseModel):
    model_config = ConfigDict(extra="forbid")
    extra_holidays: list[dt.date | str] = Field(default_factory=list)


class Policy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    september_deadline: Moment | None = None
    march_deadline: Moment | None = None


class Expect(BaseModel):
    """What a step must give. Default: ``{ok: true}``."""

    model_config = ConfigDict(extra="forbid")
    ok: bool | None = None
    error: str | None = None
    doc_no: str | None = None
    status: str | None = None
    remaining: float | str | None = None
    rows: int | None = None
    sum: dict[Literal["value", "approved", "remaining"], float | str] | None = None


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: Text | None = None
    at: Moment | None = None
    actor: str | None = None
    action: str | None = None
    input: dict[str, Any] = Field(default_factory=dict)
    expect: Expect | None = None
    save: str | None = None
    check: dict[str, Any] | None = None
    screen: str | None = None  # which screen guided mode opens for this step (optional)

    @model_validator(mode="after")
    def _kind(self):
        if self.check is not None:
            if self.action or self.actor:
                raise ValueError("a check step has no actor or action")
        else:
            if not self.action or not self.actor:
                raise ValueError("a step needs actor and action (or is a check step)")
            if self.action not in COMMANDS:
                raise ValueError(f"unknown action {self.action!r}")
        return self


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    title: Text
    summary: Text | None = None
    tags: list[str] = Field(default_factory=list)
    audience: list[str] = Field(default_factory=list)
    world: str | dict[str, Any]
    start: Moment
    calendar: Calendar = Field(default_factory=Calendar)
    policy: Policy = Field(default_factory=Policy)
    steps: list[Step]


def json_schema() -> dict:
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "New GFMIS Thai sandbox scenario"
    return schema


def load_scenario(path: str | Path) -> Scenario:
    """Read and check an exercise file; every malformed file is one ``ScenarioFormatError``
    line naming the file, the step or field, and the rule (``limits.read_yaml_file`` bounds the
    size, the encoding, YAML aliases and nesting)."""
    path = Path(path)
    try:
        data = _read_cached(path)
    except limits.FileProblem as exc:
        raise ScenarioFormatError(f"{path}: {exc}") from None
    return parse_scenario(data, path)


_READ: dict[tuple, Any] = {}


def _read_cached(path: Path) -> Any:
    """An exercise file parsed once while it is unchanged (same size and time): every page of
    a class opens the same exercise."""
    try:
        stat = path.stat()
    except OSError:
        return limits.read_yaml_file(path)  # says what is wrong
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        if len(_READ) > 256:
            _READ.clear()
        _READ[key] = limits.read_yaml_file(path)
    return copy.deepcopy(_READ[key])


_UNION_TAGS = {"datetime", "date", "str", "int", "float", "bool", "none"}


def _where(loc: tuple) -> str:
    # pydantic names the member of a union it tried (start.datetime); the author needs the field.
    loc = tuple(p for p in loc if not (isinstance(p, str) and (p in _UNION_TAGS or "[" in p)))
    if len(loc) > 1 and loc[0] == "steps" and isinstance(loc[1], int):
        rest = ".".join(map(str, loc[2:]))
        return f"step {loc[1] + 1}" + (f".{rest}" if rest else "")
    return ".".join(map(str, loc)) or "file"


def parse_scenario(data: Any, path: Path | None = None) -> Scenario:
    name = str(path) if path else "scenario"
    if not isinstance(data, dict):
        raise ScenarioFormatError(f"{name}: {limits.file_rule('not_mapping')}")
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ScenarioFormatError(f"{name}: {_where(tuple(err['loc']))}: {limits.explain_error(err)}") from None
    except RecursionError:
        raise ScenarioFormatError(f"{name}: {limits.file_rule('yaml_depth', max=limits.MAX_DEPTH)}") from None
    if path is not None and scenario.id != path.stem:
        raise ScenarioFormatError(f"{name}: id {scenario.id!r} must equal the file name {path.stem!r}")
    try:
        check_scenario(scenario)
    except Problem as exc:
        raise ScenarioFormatError(f"{name}: {exc.where}: {exc.problem}") from None
    except WorldError as exc:
        raise WorldError([f"{name}: world: {p}" for p in exc.problems]) from None
    return scenario


# ------------------------------------------------------------------ running

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute(value: Any, saved: dict[str, str]) -> Any:
    if isinstance(value, str):
        def repl(m):
            if m.group(1) not in saved:
                raise ScenarioFormatError(f"${{{m.group(1)}}} is used before a step saved it")
            return saved[m.group(1)]

        return _VAR.sub(repl, value)
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, saved) for k, v in value.items()}
    return value


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@dataclass
class StepOutcome:
    index: int
    step: Step
    passed: bool
    result: Result | None = None
    problems: list[str] = field(default_factory=list)


@dataclass
class ScenarioRun:
    scenario: Scenario
    outcomes: list[StepOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and all(o.passed for o in self.outcomes)


def step_document(step: Step, result: Result | None, inputs: dict) -> str | None:
    """The step's document: the one it made, else the one it names (the first of several)."""
    if result is not None and result.data.get("doc_no"):
        return result.data["doc_no"]
    if inputs.get("doc"):
        return str(inputs["doc"])
    docs = inputs.get("docs")
    if docs:
        return str(docs[0] if isinstance(docs, list) else docs)
    return None


def compare(expect: Expect, result: Result, sandbox: Sandbox, doc_no: str | None) -> list[str]:
    problems = []
    want_ok = expect.ok if expect.ok is not None else expect.error is None
    if result.ok != want_ok:
        got = "ok" if result.ok else f"error {result.error} ({result.message_en})"
        problems.append(f"expected {'ok' if want_ok else 'a refusal'}, got {got}")
    if expect.error is not None and result.error != expect.error:
        problems.append(f"expected error {expect.error}, got {result.error or 'ok'}")
    if expect.doc_no is not None and result.data.get("doc_no") != expect.doc_no:
        problems.append(f"expected doc_no {expect.doc_no}, got {result.data.get('doc_no')}")
    if expect.status is not None or expect.remaining is not None:
        doc = sandbox.document(doc_no) if doc_no else None
        if doc is None:
            problems.append(f"expected a document, found none ({doc_no})")
        else:
            if expect.status is not None and doc["status"] != str(expect.status):
                problems.append(f"expected status {expect.status!r}, got {doc['status']!r}")
            if expect.remaining is not None and doc["remaining"] != _money(expect.remaining):
                problems.append(f"expected remaining {_money(expect.remaining)}, got {doc['remaining']}")
    rows = result.data.get("rows")
    if expect.rows is not None and (rows is None or len(rows) != expect.rows):
        problems.append(f"expected {expect.rows} rows, got {None if rows is None else len(rows)}")
    if expect.sum:
        for column, total in expect.sum.items():
            got = sum((Decimal(r[column]) for r in rows or []), Decimal("0.00"))
            if got != _money(total):
                problems.append(f"expected sum of {column} {_money(total)}, got {got}")
    return problems


def run_check(check: dict, sandbox: Sandbox) -> list[str]:
    problems = []
    check = dict(check)
    if "doc" in check:
        doc_no = check.pop("doc")
        doc = sandbox.document(doc_no)
        if doc is None:
            return [f"document {doc_no} not found"]
        for key, want in check.items():
            got = doc.get(key)
            if key in ("remaining", "approved", "value"):
                ok = got == _money(want)
            elif key == "status":
                ok, want = got == str(want), str(want)
            else:
                ok = got == want
            if not ok:
                problems.append(f"document {doc_no}: expected {key} {want!r}, got {got!r}")
    elif "user" in check:
        user_id = check.pop("user")
        state = sandbox.user_state(user_id)
        if state is None:
            return [f"user {user_id} not found"]
        for key, want in check.items():
            got = state.get(key)
            ok = set(got) == set(want) if key == "login_methods" else got == want
            if not ok:
                problems.append(f"user {user_id}: expected {key} {want!r}, got {got!r}")
    elif "budget_line" in check:
        spec = check.pop("budget_line")
        line = sandbox.budget_line(spec["budget_code"], spec["fund_source"], spec["commitment_item"], spec.get("unit"))
        if line is None:
            return [f"budget line {spec} not found"]
        for key, want in check.items():
            if line.get(key) != _money(want):
                problems.append(f"budget line: expected {key} {_money(want)}, got {line.get(key)}")
    elif "unit" in check:
        unit = str(check.pop("unit"))
        state = sandbox.unit_state(unit)
        for key, want in check.items():
            if state.get(key) != want:
                problems.append(f"unit {unit}: expected {key} {want!r}, got {state.get(key)!r}")
    else:
        problems.append(f"a check needs doc, user, budget_line or unit: {check}")
    return problems


class ScenarioPlayer:
    """Plays a scenario one step at a time (guided mode uses the same player)."""

    def __init__(self, scenario: Scenario, sandbox: Sandbox, *, fresh: bool = True):
        self.scenario = scenario
        self.sandbox = sandbox
        self.saved: dict[str, str] = {}
        self.run = ScenarioRun(scenario)
        self.position = 0
        if fresh:
            sandbox.load_world(
                scenario.world, scenario.start,
                extra_holidays=scenario.calendar.extra_holidays,
                policy=scenario.policy.model_dump(exclude_none=True),
            )

    @property
    def done(self) -> bool:
        return self.position >= len(self.scenario.steps)

    def prepare(self, step: Step) -> dict:
        """Move the clock to the step's ``at`` and return its inputs with ``${name}`` filled."""
        if step.at is not None:
            at = parse_datetime(step.at)
            if at < self.sandbox.now:
                raise ScenarioFormatError(f"step {self.position + 1}: 'at' {at.isoformat()} is before the clock")
            try:
                self.sandbox.advance_clock(at)
            except Refusal as refusal:  # beyond the clock's reach
                raise ScenarioFormatError(
                    f"step {self.position + 1}.at: {message(refusal, 'th')} / {message(refusal, 'en')}") from None
        return substitute(step.input, self.saved)

    def judge(self, step: Step, inputs: dict, result: Result) -> list[str]:
        """What is wrong with a result for the step (nothing recorded: Practice lets a trainee try again)."""
        expect = Expect.model_validate(substitute((step.expect or Expect()).model_dump(exclude_none=True), self.saved))
        return compare(expect, result, self.sandbox, step_document(step, result, inputs))

    def record(self, step: Step, inputs: dict, result: Result) -> StepOutcome:
        """Compare a result (from the engine or from a screen) with the step's expectations."""
        problems = self.judge(step, inputs, result)
        if step.save and result.ok:
            value = result.data.get("one_time_password") or result.data.get("request_no") or result.data.get("doc_no")
            if value is None:
                problems.append(f"save: the step gave nothing to save as {step.save}")
            else:
                self.saved[step.save] = value
        outcome = StepOutcome(self.position + 1, step, not problems, result, problems)
        self.run.outcomes.append(outcome)
        self.position += 1
        return outcome

    def play_step(self) -> StepOutcome:
        step = self.scenario.steps[self.position]
        if step.check is not None:
            self.prepare(step)
            problems = run_check(substitute(step.check, self.saved), self.sandbox)
            outcome = StepOutcome(self.position + 1, step, not problems, None, problems)
            self.run.outcomes.append(outcome)
            self.position += 1
            return outcome
        inputs = self.prepare(step)
        result = self.sandbox.execute(step.actor, step.action, inputs)
        return self.record(step, inputs, result)

    def play(self) -> ScenarioRun:
        try:
            while not self.done:
                self.play_step()
        except (ScenarioFormatError, WorldError) as exc:
            self.run.error = f"step {self.position + 1}: {exc}"
        return self.run


def run_file(path: str | Path, sandbox: Sandbox) -> ScenarioRun | str:
    """Run one file; a malformed file gives a message instead of a run."""
    try:
        scenario = load_scenario(path)
        return ScenarioPlayer(scenario, sandbox).play()
    except (ScenarioFormatError, WorldError) as exc:
        return str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}"


def describe_failure(path, run: ScenarioRun) -> list[str]:
    lines = [f"FAIL {path} ({run.scenario.id})"]
    if run.error:
        lines.append(f"  {run.error}")
    for o in run.outcomes:
        if o.passed:
            continue
        what = f"{o.step.actor} {o.step.action}" if o.step.action else f"check {json.dumps(o.step.check, ensure_ascii=False, default=str)}"
        lines.append(f"  step {o.index}: {what}")
        for p in o.problems:
            lines.append(f"    {p}")
        if o.result is not None and not o.result.ok:
            lines.append(f"    came: {o.result.error}: {o.result.message_en}")
    return lines
