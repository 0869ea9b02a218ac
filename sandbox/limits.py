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
lists                  100 entries (``docs``, ``roles``, ``apps``, contract lines)
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
LIST_FIELDS = {"docs": MAX_LIST, "roles": MAX_LIST, "apps": MAX_LIST, "contracts": MAX_CONTRACTS}
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
