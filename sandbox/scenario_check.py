"""Checks of an exercise file beyond its schema (``scenario.parse_scenario`` calls them), so that
a malformed file is one clear line before anything runs, never a crash halfway."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from . import limits

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


class Problem(Exception):
    def __init__(self, where: str, problem: Exception | str):
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


def _moment(where: str, value) -> dt.datetime:
    try:
        return limits.moment(value)
    except limits.FileProblem as exc:
        raise Problem(where, exc) from None


def _amount(where: str, value) -> None:
    if isinstance(value, str) and _VAR.search(value):
        return
    try:
        if not isinstance(value, bool) and _money(value).copy_abs() <= limits.MAX_AMOUNT:
            return
    except (ArithmeticError, ValueError, TypeError):
        pass
    raise Problem(where, limits.file_rule("allocation_range", max=f"{limits.MAX_AMOUNT:,}"))


def check_scenario(scenario) -> None:
    """What the schema cannot say: readable moments in sane years, each step's ``at`` after the
    previous one and within the clock's reach, amounts that are amounts, well-formed checks, and
    a valid world (``WorldError``)."""
    from .world import validate_world

    start = _moment("start", scenario.start)
    for i, day in enumerate(scenario.calendar.extra_holidays):
        _moment(f"calendar.extra_holidays[{i}]", day)
    for key in ("september_deadline", "march_deadline"):
        if getattr(scenario.policy, key) is not None:
            _moment(f"policy.{key}", getattr(scenario.policy, key))
    last, latest = start, limits.latest_moment(start)
    for n, step in enumerate(scenario.steps, start=1):
        if step.at is not None:
            at = _moment(f"step {n}.at", step.at)
            if at < last:
                raise Problem(f"step {n}.at", limits.file_rule("at_before_start", value=at.isoformat(), before=last.isoformat()))
            if at > latest:
                raise Problem(f"step {n}.at", limits.file_rule("at_too_far", value=at.isoformat(), years=limits.CLOCK_YEARS,
                                                                latest=latest.isoformat()))
            last = at
        if step.expect is not None:
            if step.expect.remaining is not None:
                _amount(f"step {n}.expect.remaining", step.expect.remaining)
            for column, total in (step.expect.sum or {}).items():
                _amount(f"step {n}.expect.sum.{column}", total)
        if step.check is not None:
            _check_step(n, step.check)
    validate_world(scenario.world, start)


def _check_step(n: int, check: dict) -> None:
    kinds = [k for k in ("doc", "user", "budget_line", "unit") if k in check]
    if len(kinds) != 1:
        raise Problem(f"step {n}.check", limits.file_rule("check_kind"))
    if kinds == ["budget_line"]:
        spec = check["budget_line"]
        if not isinstance(spec, dict) or not all(isinstance(spec.get(k), (str, int)) for k in
                                                 ("budget_code", "fund_source", "commitment_item")):
            raise Problem(f"step {n}.check.budget_line", limits.file_rule("check_budget_line"))
    if kinds == ["doc"]:
        money = [k for k in ("remaining", "approved", "value") if k in check]
    elif kinds == ["budget_line"]:
        money = [k for k in check if k != "budget_line"]  # every other key is an amount of the line
    else:
        money = []
    for key in money:
        _amount(f"step {n}.check.{key}", check[key])
