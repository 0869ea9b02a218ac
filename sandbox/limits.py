"""Limits a real system has: how long a text may be, how large an amount, how far the clock may go.

Every check here is a pure function. The command parser (``commands.py``) applies the input
limits when a command is read; a violation becomes an ``invalid_input`` refusal whose Thai and
English rule comes from ``catalogue/input.yaml`` (section ``input_rules``, keyed by the rule).

=====================  ==========================================================
What                   Limit
=====================  ==========================================================
document text          200 characters (``text``)
reason detail          500 characters (``reason_detail``)
names, free text       100 characters (``lao_name``, ``creditor``, ``item`` …)
ids and codes          40 characters (``actor``, ``user``, ``doc``, ``request`` …)
passwords, codes       128 characters
lists                  100 entries (``roles``, ``apps``, contract lines); a round step's
                       ``docs`` 10,000 (a central unit ticks its whole agency's documents)
amounts                finite, at most 999,999,999,999.99 baht
fiscal years           BE 2500 to 2700
any text               no NUL character, no lone surrogate
the clock              only forward, at most 5 years after the world's start
=====================  ==========================================================
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, DecimalException
from typing import Any

from pydantic_core import PydanticCustomError

from .errors import Refusal

MAX_TEXT = 200
MAX_DETAIL = 500
MAX_NAME = 100
MAX_ID = 40
MAX_SECRET = 128
MAX_LIST = 100
MAX_DOCS = 10_000  # documents of one round step: a central unit Confirms for all its units
MAX_CONTRACTS = 100
MAX_AMOUNT = Decimal("999999999999.99")
FISCAL_YEARS = (2500, 2700)
CLOCK_YEARS = 5

# Field name → longest text accepted; any other text field takes MAX_NAME.
FIELD_LENGTH = {
    "text": MAX_TEXT, "reason_detail": MAX_DETAIL, "order_file": MAX_TEXT,
    "password": MAX_SECRET, "old": MAX_SECRET, "new": MAX_SECRET, "otp": MAX_SECRET,
    "user": MAX_ID, "doc": MAX_ID, "docs": MAX_ID, "request": MAX_ID, "roles": MAX_ID,
    "apps": MAX_ID, "method": MAX_ID, "doc_type": MAX_ID, "budget_code": MAX_ID,
    "fund_source": MAX_ID, "commitment_item": MAX_ID, "reason": MAX_ID, "status": MAX_ID,
    "round": MAX_ID, "area": MAX_ID, "budget_unit": MAX_ID, "unit": MAX_ID, "letter_no": MAX_ID,
    "contract_no": MAX_ID, "lc_no": MAX_ID, "fiscal_year": MAX_ID, "amount": MAX_ID,
    "remaining": MAX_ID,
}
LIST_FIELDS = {"docs": MAX_DOCS, "roles": MAX_LIST, "apps": MAX_LIST, "contracts": MAX_CONTRACTS}
AMOUNT_FIELDS = ("amount", "remaining")
SEARCH_STATUSES = ("not_listed", "listed", "confirmed", "approved")
ROUNDS = ("september", "march")
DOC_TYPES = ("CX", "CK", "PO")


def rule(kind: str, **ctx: Any) -> PydanticCustomError:
    """A broken input rule, for a pydantic validator to raise (``kind`` keys ``input_rules``)."""
    return PydanticCustomError(kind, kind, {k: str(v) for k, v in ctx.items()})


# ------------------------------------------------------------------ texts
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]")


def bad_character(text: str) -> str | None:
    """``nul``, ``surrogate`` or ``control`` when the text cannot be stored or exported as it
    is (a control character other than tab and line breaks breaks the Excel file); else None."""
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    if CONTROL.search(text):
        return "control"
    return None


def check_text(value: str, limit: int) -> str:
    problem = bad_character(value)
    if problem:
        raise rule(problem)
    if len(value) > limit:
        raise rule("too_long", max=limit, got=len(value))
    return value


def check_scalar(name: str, value: Any) -> Any:
    """One value of a command field: a bounded, storable text, a finite number, or a date."""
    if value is None or isinstance(value, (bool, dt.date)):
        return value
    if isinstance(value, str):
        return check_text(value, FIELD_LENGTH.get(name, MAX_NAME))
    if isinstance(value, int):
        if abs(value) >= 10 ** MAX_ID:
            raise rule("too_long", max=MAX_ID, got=len(str(abs(value))))
        return value
    if isinstance(value, float):
        if not math.isfinite(value) and name not in AMOUNT_FIELDS:
            raise rule("not_finite")
        return value
    if isinstance(value, Decimal):
        return value
    raise rule("not_scalar")


def check_field(name: str, value: Any) -> Any:
    """Any command field: lists only where a list belongs, and no longer than its limit."""
    if isinstance(value, (list, tuple)):
        if name not in LIST_FIELDS:
            raise rule("not_scalar")
        if len(value) > LIST_FIELDS[name]:
            raise rule("too_many", max=LIST_FIELDS[name], got=len(value))
        if name != "contracts":
            for item in value:
                check_scalar(name, item)
        return value
    if isinstance(value, (dict, set, bytes, bytearray)):
        raise rule("not_scalar")
    return check_scalar(name, value)


# ------------------------------------------------------------------ numbers
def check_amount(value: Any, *, allow_zero: bool = False) -> Any:
    """An amount the domain can read: not beyond MAX_AMOUNT (the domain refuses zero, negative
    and more than two decimals itself, with ``invalid_amount``)."""
    if value is None or value == "" or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (DecimalException, ValueError):
        if allow_zero:
            raise rule("not_amount") from None
        return value  # the domain answers invalid_amount
    if number.is_finite() and number.copy_abs() > MAX_AMOUNT:
        raise rule("amount_too_large", max=f"{MAX_AMOUNT:,}")
    if allow_zero and (not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01"))):
        raise rule("not_amount")
    return value


def check_fiscal_year(value: Any) -> Any:
    """A BE fiscal year between FISCAL_YEARS; returned as an int."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise rule("fiscal_year", low=FISCAL_YEARS[0], high=FISCAL_YEARS[1])
    year = int(text)
    if not FISCAL_YEARS[0] <= year <= FISCAL_YEARS[1]:
        raise rule("fiscal_year", low=FISCAL_YEARS[0], high=FISCAL_YEARS[1])
    return year


def check_choice(value: Any, choices: tuple[str, ...]) -> Any:
    if value is None or value == "":
        return value
    if value not in choices:
        raise rule("choice", choices=", ".join(choices))
    return value


# ------------------------------------------------------------------ who and what
def check_actor(actor: Any) -> None:
    """The acting user id: a short printable text (refused before any database is asked)."""
    if not isinstance(actor, str) or not actor or len(actor) > MAX_ID or not actor.isprintable():
        raise input_refusal("actor", "actor_id", {"max": MAX_ID})


def check_action(action: Any) -> None:
    """An action name: a short printable text (an unknown one is ``unknown_action``)."""
    if not isinstance(action, str) or len(action) > MAX_ID or not action.isprintable():
        raise input_refusal("action", "action_name", {"max": MAX_ID})


def input_refusal(field: str, kind: str, ctx: dict | None = None, path: tuple = ()) -> Refusal:
    """``invalid_input`` naming the field (in Thai and English) and the rule it broke."""
    from .i18n import field_name, text

    ctx = {k: str(v) for k, v in (ctx or {}).items()}
    path = path or (field,)

    def where(lang: str) -> str:
        parts = []
        for part in path:
            if isinstance(part, int):
                parts.append(text("input_rules", "line", lang).format(n=part + 1))
            else:
                parts.append(field_name(str(part), lang)[:MAX_NAME])
        return " ".join(parts)

    def explain(lang: str) -> str:
        template = text("input_rules", kind, lang)
        if template == kind:
            template = text("input_rules", "wrong_kind", lang)
        try:
            return template.format(**ctx)
        except (KeyError, IndexError, ValueError):
            return template

    return Refusal("invalid_input", field, field_th=where("th"), field_en=where("en"),
                   detail=explain("th"), detail_en=explain("en"), rule=kind)


# ------------------------------------------------------------------ the clock
def check_clock_move(now: dt.datetime, to: dt.datetime, start: dt.datetime | str | None = None) -> None:
    """The simulated clock moves only forward, and at most CLOCK_YEARS years after the world's
    start (``start``; the present moment when it is not known)."""
    if to < now:
        raise Refusal("clock_backwards", "to", now=now.isoformat())
    if isinstance(start, str):
        start = dt.datetime.fromisoformat(start)
    base = start or now
    limit = latest_moment(base)
    if to > limit:
        raise Refusal("clock_too_far", "to", years=CLOCK_YEARS, latest=limit.isoformat())


def latest_moment(start: dt.datetime) -> dt.datetime:
    if start.year + CLOCK_YEARS > dt.MAXYEAR:
        return dt.datetime.max.replace(tzinfo=start.tzinfo)
    try:
        return start.replace(year=start.year + CLOCK_YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + CLOCK_YEARS, day=28)


# ------------------------------------------------------------------ files
MAX_FILE_BYTES = 1_000_000
MAX_ALIASES = 20
MAX_DEPTH = 30
YEARS_CE = (2000, 2100)  # a world's start and every moment of an exercise lie in these years


class FileProblem(ValueError):
    """A malformed file or argument: one line, Thai and English, naming the rule."""

    def __init__(self, key: str, **ctx: Any):
        self.key = key
        self.ctx = ctx
        super().__init__(file_rule(key, **ctx))


def file_rule(key: str, **ctx: Any) -> str:
    """``file_rules.<key>`` of the catalogue in Thai and English on one line."""
    from .i18n import text

    def one(lang: str) -> str:
        values = {k: str(v) for k, v in ctx.items()}
        try:
            return text("file_rules", key, lang).format(**values)
        except (KeyError, IndexError, ValueError):
            return text("file_rules", key, lang)

    th, en = one("th"), one("en")
    return th if th == en else f"{th} / {en}"


def _bounded_loader():
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """``yaml.SafeLoader`` that refuses more than MAX_ALIASES aliases (an alias bomb fails at
        once) and mappings or lists nested deeper than MAX_DEPTH."""

        def __init__(self, stream):
            super().__init__(stream)
            self._aliases = 0
            self._depth = 0

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise FileProblem("yaml_aliases", max=MAX_ALIASES)
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    raise FileProblem("yaml_depth", max=MAX_DEPTH)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return BoundedLoader


def read_yaml_text(raw: bytes) -> Any:
    """YAML from bytes, bounded: size, UTF-8, aliases, nesting. ``FileProblem`` otherwise."""
    import yaml

    if len(raw) > MAX_FILE_BYTES:
        raise FileProblem("too_big", max=f"{MAX_FILE_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileProblem("not_utf8", at=exc.start) from None
    try:
        return yaml.load(text, Loader=_bounded_loader())  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"(line {mark.line + 1}, column {mark.column + 1}: {exc.problem})" if mark else f"({exc.problem})"
        raise FileProblem("yaml_syntax", where=where) from None
    except yaml.YAMLError as exc:
        raise FileProblem("yaml_syntax", where=f"({str(exc)[:200]})") from None
    except RecursionError:
        raise FileProblem("yaml_depth", max=MAX_DEPTH) from None


def read_yaml_file(path) -> Any:
    from pathlib import Path

    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileProblem("too_big", max=f"{MAX_FILE_BYTES:,}")
        raw = path.read_bytes()
    except OSError:
        raise FileProblem("not_found") from None
    return read_yaml_text(raw)


def moment(value: Any) -> dt.datetime:
    """A moment of an exercise, world or argument: readable, and within YEARS_CE."""
    from .calendar import parse_datetime

    shown = str(value)[:60]
    try:
        when = parse_datetime(value)
    except (ValueError, TypeError, OverflowError):
        raise FileProblem("bad_moment", value=shown) from None
    if not YEARS_CE[0] <= when.year <= YEARS_CE[1]:
        raise FileProblem("moment_range", value=shown, low=f"{YEARS_CE[0]}-01-01", high=f"{YEARS_CE[1]}-12-31")
    return when


def explain_error(err: dict) -> str:
    """A pydantic error of a file as one Thai / English line (the catalogue's ``input_rules``;
    pydantic's own English text when the catalogue has no entry for the error)."""
    from .i18n import catalogue

    entry = catalogue().get("input_rules", {}).get(err.get("type", ""))
    if not entry:
        return str(err.get("msg", "invalid"))[:300]
    ctx = {k: str(v)[:100] for k, v in (err.get("ctx") or {}).items()}
    ctx.setdefault("fields", "")
    out = []
    for lang in ("th", "en"):
        try:
            out.append(entry[lang].format(**ctx))
        except (KeyError, IndexError, ValueError):
            out.append(entry[lang])
    return " / ".join(out)
