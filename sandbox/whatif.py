"""The policy page's what-if: the timeline of each chosen fiscal year under a moved deadline (a
rule per fiscal year, or a date for one chosen year — :class:`sandbox.domain.policy.DeadlineRule`),
extra holidays and a moved cut-over; what moved; and every impossible timeline, refused with a
message that names the field and the rule (texts: the catalogue's ``policy.pol_*``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .adapters.policy_store import bundled_cutovers
from .calendar import BusinessCalendar, format_moment, holiday_name, parse_date
from .domain.policy import (
    MAX_RULE_DAYS,
    DeadlineProblem,
    DeadlineRule,
    RoundPolicy,
    apply_rules,
    letters_deadline,
    parse_moment,
    rule_problems,
)
from .i18n import text
from .timeline import Event, derive, moved, with_cutover

FIELDS = {"september": "september_deadline", "march": "march_deadline"}
CUTOVER_TIME = dt.time(0, 0)


def tr(key: str, lang: str) -> str:
    return text("policy", key, lang)


@dataclass(frozen=True)
class Problem:
    """One refusal: the field it belongs to (a key of the catalogue's ``policy`` section), the rule
    broken (``pol_<code>``) and what the message needs."""

    field: str
    code: str
    fiscal_year: int | None = None
    moment: dt.datetime | None = None
    limit: dt.datetime | None = None
    value: str = ""
    calendar: BusinessCalendar | None = None

    def message(self, lang: str = "th") -> str:
        params = {
            "field": tr(self.field, lang), "fy": self.fiscal_year or "", "value": self.value,
            "moment": format_moment(self.moment, lang) if self.moment else "",
            "limit": format_moment(self.limit, lang) if self.limit else "",
            "max": MAX_RULE_DAYS, "example": tr("pol_example_" + ("day" if self.field == "extra_holidays" else "moment"), lang),
            "holiday": "",
        }
        if self.code == "not_business_day" and self.moment and self.calendar:
            name = holiday_name(self.calendar, self.moment.date(), lang)
            params["holiday"] = name or tr(f"pol_weekday_{self.moment.weekday()}", lang)
        return tr(f"pol_{self.code}", lang).format(**params)


@dataclass(frozen=True)
class Changes:
    """What the policy page's controls say."""

    fiscal_years: tuple[int, ...]
    september: DeadlineRule = DeadlineRule("september")
    march: DeadlineRule = DeadlineRule("march")
    extra_holidays: tuple[dt.date, ...] = ()
    cutover: tuple[str, dt.datetime] | None = None

    @property
    def rules(self) -> tuple[DeadlineRule, DeadlineRule]:
        return self.september, self.march

    def is_empty(self) -> bool:
        return (all(r.kind == "letters" for r in self.rules) and not self.extra_holidays and not self.cutover)


@dataclass
class WhatIf:
    changes: Changes
    events: list[Event] = field(default_factory=list)
    shifts: list[tuple[Event, Event]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    policies: dict[int, RoundPolicy] = field(default_factory=dict)

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def read_moment(field_key: str, value: str, default_time: dt.time, problems: list[Problem]) -> dt.datetime | None:
    """A typed moment, or ``None`` with a problem naming the field."""
    try:
        return parse_moment(value, default_time)
    except ValueError:
        problems.append(Problem(field_key, "bad_date", value=value))
        return None


def read_days(value: str, problems: list[Problem]) -> tuple[dt.date, ...]:
    days = []
    for part in (p.strip() for p in value.replace(";", ",").split(",")):
        if not part:
            continue
        try:
            days.append(parse_date(part))
        except ValueError:
            problems.append(Problem("extra_holidays", "bad_date", value=part))
    return tuple(days)


def _deadline_problem(p: DeadlineProblem, calendar: BusinessCalendar) -> Problem:
    return Problem(FIELDS.get(p.round, "september_deadline"), p.code, p.fiscal_year, p.deadline, p.limit,
                   calendar=calendar)


def run(changes: Changes, problems: list[Problem] | None = None) -> WhatIf:
    """The timeline of every chosen fiscal year under ``changes``; ``problems`` (from reading the
    controls) and every impossible deadline or cut-over refuse the whole what-if: nothing is drawn
    from an impossible timeline."""
    out = WhatIf(changes, problems=list(problems or []))
    years = sorted(changes.fiscal_years)
    for rule in changes.rules:
        out.problems += [_deadline_problem(p, BusinessCalendar()) for p in rule_problems(rule, years)]
    calendar = BusinessCalendar(changes.extra_holidays)
    cutovers = None
    if changes.cutover:
        key, moment = changes.cutover
        cutovers = with_cutover(key, moment)
        register = cutovers[key].register_from
        if register and moment <= register:
            out.problems.append(Problem("cutover", "cutover_before_registration", moment=moment, limit=register))
    if out.problems:
        return out
    for fy in years:
        policy, found = apply_rules(fy, calendar, changes.rules)
        out.problems += [_deadline_problem(p, calendar) for p in found]
        out.policies[fy] = policy
        if found:
            continue
        now = derive(fy, extra_holidays=changes.extra_holidays, september_deadline=policy.september_override,
                     march_deadline=policy.march_override, cutovers=cutovers)
        out.events += now
        out.shifts += moved(derive(fy), now)
    if out.problems:
        out.events, out.shifts = [], []
    return out


def letters_deadlines(fiscal_year: int) -> dict[str, dt.datetime]:
    """The letters' deadlines of a fiscal year (for the date boxes' examples)."""
    policy = RoundPolicy(fiscal_year, BusinessCalendar())
    return {r: letters_deadline(policy, r) for r in FIELDS}


def cutover_refuse_from(key: str) -> dt.datetime:
    """When a cut-over group's old logins stop today (the policy data)."""
    return bundled_cutovers()[key].refuse_from


def cutover_names(lang: str = "th") -> list[tuple[str, str]]:
    """(name, key) of every cut-over, in the page's language."""
    return [(c.name_th if lang == "th" else c.name_en, key) for key, c in bundled_cutovers().items()]
