"""Worlds: organisations, users with their phones, and budget lines (docs/exercises.md, "World").

``validate_world`` reports every problem at once, each naming the entry and the field;
``load_world`` writes a valid world into an empty sandbox.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy import insert
from sqlalchemy.engine import Connection

from . import limits
from .adapters import orm
from .adapters.policy_store import bundled_cutovers
from .calendar import BANGKOK, fiscal_year, parse_date
from .domain import auth
from .domain.model import (
    AGENCY_KINDS,
    CODE_PATTERNS,
    CREDENTIALS,
    ROLES,
    satang,
    valid_national_id,
)
from .errors import WorldError
from .i18n import LANGS, catalogue


def _problem(key: str) -> str:
    """A world problem from the catalogue: «Thai / English» (or the one language it has)."""
    entry = catalogue()["world_problems"][key]
    return " / ".join(entry[lang] for lang in LANGS if entry.get(lang))


def _text(value, name: str = ""):
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):  # bounded, storable text (names up to 200 characters, ids 40)
        own = {"name": limits.MAX_TEXT, "id": limits.MAX_ID}
        limits.check_text(value, own.get(name) or limits.FIELD_LENGTH.get(name, limits.MAX_NAME))
    return value


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _as_text = field_validator("*", mode="before")(classmethod(lambda cls, v, info: _text(v, info.field_name)))


class AgencySpec(_Entry):
    code: str
    name: str
    kind: str
    cutover: str = "all_agencies"


class UnitSpec(_Entry):
    code: str
    agency: str
    area: str
    name: str
    regional: bool = False


class UserSpec(_Entry):
    id: str
    name: str
    national_id: str
    unit: str
    roles: list[str] = Field(default_factory=list)
    credential: str = "password"
    password: str | None = None
    password_changed: dt.date | dt.datetime | str | None = None
    soft_token: str = "none"
    apps: list[str] | None = None
    identity: str | None = None


class BudgetLineSpec(_Entry):
    unit: str
    budget_code: str
    fund_source: str
    commitment_item: str
    allocation: float | str


class WorldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: dict[str, str] | str | None = None
    description: dict[str, str] | str | None = None
    agencies: list[AgencySpec]
    units: list[UnitSpec]
    users: list[UserSpec]
    budget_lines: list[BudgetLineSpec] = Field(default_factory=list)


@lru_cache(maxsize=8)
def _bundled_text(name: str) -> str:
    known = not isinstance(name, str) or name in bundled_worlds()
    path = resources.files("sandbox").joinpath(f"worlds/{name}.yaml") if known else None
    if path is None or not path.is_file():
        raise WorldError([f"world {name!r}: no bundled world of that name"])
    return path.read_text("utf-8")


def bundled_worlds() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("sandbox").joinpath("worlds").iterdir() if p.name.endswith(".yaml"))


def world_data(world: str | dict, start: dt.datetime | None = None) -> dict:
    """The world as a mapping; in a bundled world ``{fy2}`` stands for the last two digits of the
    fiscal year of ``start`` (fund sources begin with them)."""
    if isinstance(world, dict):
        return world
    return copy.deepcopy(_bundled_data(world, None if start is None else str(fiscal_year(start))[-2:]))


@lru_cache(maxsize=32)
def _bundled_data(name: str, fy2: str | None):
    """A bundled world parsed once per process (and in the fork server, once for every kernel)."""
    text = _bundled_text(name)
    if fy2 is not None:
        text = text.replace("{fy2}", fy2)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # our own file: the C parser


def validate_world(world: str | dict, start: dt.datetime | None = None) -> WorldSpec:
    data = world_data(world, start)
    if not isinstance(data, dict):
        raise WorldError([limits.file_rule("world_not_mapping")])
    try:
        spec = WorldSpec.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors()[:20]:
            loc = err["loc"] or ("world",)
            where = f"{loc[0]}[{loc[1]}]" if len(loc) > 1 and isinstance(loc[1], int) else str(loc[0])
            entry = _entry_name(data, loc)
            fld = ".".join(str(p) for p in loc[2:]) or str(loc[-1])
            problems.append(f"{where}{entry}.{fld}: {limits.explain_error(err)}")
        raise WorldError(problems) from None

    problems: list[str] = []

    def bad(kind: str, i: int, ident: str, fld: str, msg: str) -> None:
        problems.append(f"{kind}[{i}] ({ident}).{fld}: {msg}")

    cutovers = bundled_cutovers()
    agencies = {}
    for i, a in enumerate(spec.agencies):
        if not CODE_PATTERNS["agency"].match(a.code):
            bad("agencies", i, a.code, "code", _problem("agency_code"))
        if a.kind not in AGENCY_KINDS:
            bad("agencies", i, a.code, "kind", f"unknown kind {a.kind!r}; one of {', '.join(AGENCY_KINDS)}")
        if a.cutover not in cutovers:
            bad("agencies", i, a.code, "cutover", f"unknown cutover {a.cutover!r}; one of {', '.join(cutovers)}")
        if a.code in agencies:
            bad("agencies", i, a.code, "code", "duplicate agency code")
        agencies[a.code] = a
    units = {}
    for i, u in enumerate(spec.units):
        if not CODE_PATTERNS["unit"].match(u.code):
            bad("units", i, u.code, "code", _problem("unit_code"))
        elif u.code[:5] != u.agency:
            bad("units", i, u.code, "code", f"the first 5 digits must be the agency code {u.agency}")
        if u.agency not in agencies:
            bad("units", i, u.code, "agency", f"unknown agency {u.agency!r}")
        if not CODE_PATTERNS["area"].match(u.area):
            bad("units", i, u.code, "area", _problem("area_code"))
        if u.code in units:
            bad("units", i, u.code, "code", "duplicate unit code")
        units[u.code] = u
    for i, u in enumerate(spec.units):
        if u.regional and not any(o.agency == u.agency and not o.regional for o in spec.units):
            bad("units", i, u.code, "regional", "a regional unit needs a central unit of its agency (the budget owner)")
    seen_users = set()
    for i, u in enumerate(spec.users):
        if u.id in seen_users:
            bad("users", i, u.id, "id", "duplicate user id")
        seen_users.add(u.id)
        if not valid_national_id(u.national_id):
            bad("users", i, u.id, "national_id", _problem("national_id"))
        if u.unit not in units:
            bad("users", i, u.id, "unit", f"unknown unit {u.unit!r}")
        for role in u.roles:
            if role not in ROLES:
                bad("users", i, u.id, "roles", f"unknown role {role!r}; one of {', '.join(ROLES)}")
        if "approver_withdrawal" in u.roles and "approver_payment" in u.roles:
            bad("users", i, u.id, "roles", _problem("segregation"))
        if u.credential not in CREDENTIALS:
            bad("users", i, u.id, "credential", f"one of {', '.join(CREDENTIALS)}")
        elif u.credential != "none" and not u.password:
            bad("users", i, u.id, "password", f"a {u.credential} user needs a password")
        if u.soft_token not in ("none", "active"):
            bad("users", i, u.id, "soft_token", "none or active")
        if u.password_changed is not None:
            try:
                parse_date(u.password_changed)
            except ValueError:
                bad("users", i, u.id, "password_changed", "not a date")
    lines: dict[tuple, int] = {}
    for i, b in enumerate(spec.budget_lines):
        ident = f"{b.unit}/{b.budget_code}"
        key = (b.unit, b.budget_code, b.fund_source, b.commitment_item)
        if key in lines:
            bad("budget_lines", i, ident, "budget_code", limits.file_rule("duplicate_line", other=f"budget_lines[{lines[key]}]"))
        lines.setdefault(key, i)
        if b.unit not in units:
            bad("budget_lines", i, ident, "unit", f"unknown unit {b.unit!r}")
        if not CODE_PATTERNS["budget_code"].match(b.budget_code):
            bad("budget_lines", i, ident, "budget_code", _problem("budget_code"))
        if not CODE_PATTERNS["fund_source"].match(b.fund_source):
            bad("budget_lines", i, ident, "fund_source", _problem("fund_source"))
        if not (b.commitment_item.isdigit() and 1 <= len(b.commitment_item) <= 10):
            bad("budget_lines", i, ident, "commitment_item", "up to 10 digits")
        if not _allocation_ok(b.allocation):
            bad("budget_lines", i, ident, "allocation", limits.file_rule("allocation_range", max=f"{limits.MAX_AMOUNT:,}"))
    if problems:
        raise WorldError(problems)
    return spec


def _allocation_ok(value) -> bool:
    """An allocation of 0 to limits.MAX_AMOUNT baht with at most two decimals."""
    try:
        number = Decimal(str(value).replace(",", "").strip())
        return number.is_finite() and 0 <= number <= limits.MAX_AMOUNT and satang(value) >= 0
    except (ArithmeticError, ValueError):
        return False


def _entry_name(data: dict, loc: tuple) -> str:
    try:
        entry = data[loc[0]][loc[1]]
        ident = entry.get("id") or entry.get("code") or entry.get("unit")
        return f" ({ident})" if ident else ""
    except (KeyError, IndexError, TypeError, AttributeError):
        return ""


def load_world(conn: Connection, world: str | dict, start: dt.datetime) -> WorldSpec:
    spec = validate_world(world, start)
    conn.execute(insert(orm.agencies), [a.model_dump() for a in spec.agencies])
    conn.execute(insert(orm.units), [u.model_dump() for u in spec.units])
    rows = []
    hashes: dict[str, str] = {}
    for u in spec.users:
        changed = u.password_changed
        if changed is None:
            changed_at = start
        elif isinstance(changed, dt.datetime):
            changed_at = changed
        else:
            changed_at = dt.datetime.combine(parse_date(changed), dt.time(0), tzinfo=BANGKOK)
        enrolled = u.soft_token == "active"
        if u.password and u.password not in hashes:
            hashes[u.password] = auth.hash_password(u.password)
        rows.append(
            {
                "id": u.id, "name": u.name, "national_id": u.national_id, "unit": u.unit,
                "roles": ",".join(sorted(set(u.roles))), "credential": u.credential,
                "password_hash": hashes.get(u.password) if u.credential != "none" else None,
                "password_changed": changed_at if u.credential != "none" else None,
                "must_change": "", "token_key_held": u.credential == "token_key",
                "apps": ",".join(sorted(u.apps if u.apps is not None else (["nexus_smart_id", "paotang"] if enrolled else []))),
                "identity_verified": enrolled or u.identity == "verified",
                "soft_token": u.soft_token,
                "totp_secret": auth.world_totp_secret(u.id, u.national_id, start) if enrolled else None,
                "last_otp_counter": 0, "failed_otps": 0, "locked_until": None,
            }
        )
    if rows:
        conn.execute(insert(orm.users), rows)
    if spec.budget_lines:
        conn.execute(
            insert(orm.budget_lines),
            [
                {"unit": b.unit, "budget_code": b.budget_code, "fund_source": b.fund_source,
                 "commitment_item": b.commitment_item, "allocation": satang(b.allocation),
                 "reserved": 0, "disbursed": 0, "lapsed": 0}
                for b in spec.budget_lines
            ],
        )
    return spec
