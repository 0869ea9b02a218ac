"""Refusals with their words: the pure :class:`Refusal` of the domain (re-exported here) and the
catalogue lookup that turns one into a Thai/English message naming the rule and citing its
source. Also the errors of world and exercise files."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from .calendar import format_date, format_datetime
from .domain.errors import AnyOf, Joined, Refusal, Text
from .i18n import catalogue, field_name, name, source_name, text

__all__ = ["AnyOf", "Joined", "Refusal", "Text", "WorldError", "ScenarioFormatError", "message", "source", "describe"]


# Values that are codes, named in each language from the catalogue (no code name on a Thai
# screen): a refusal value under one of these keys, alone or in an «a or b» list.
NAMED_PARAMS = {"action": "action_names", "roles": "role_names", "role": "role_names",
                "method": "method_names", "credential": "credential_names", "soft_token": "token_states"}
# Keys whose meaning depends on the refusal: ``status`` of a withdrawal request is a code.
NAMED_BY_CODE = {("wrong_request_status", "status"): "request_statuses"}


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(value: Any, lang: str, kind: str | None = None) -> Any:
    """A refusal value as ``lang`` writes it: moments and days in Thai (Buddhist era) or ISO,
    catalogue texts in their language, codes of ``kind`` by their names; anything else as it is."""
    if kind and isinstance(value, str):
        return name(kind, value, lang)
    if isinstance(value, Text):
        template = text("details", value.key, lang)
        return string.Formatter().vformat(template, (), _Blank(_rendered(value.params, lang)))
    if isinstance(value, Joined):
        return text("details", value.separator, lang).join(str(render(item, lang, kind)) for item in value.items)
    if isinstance(value, dt.datetime):
        return format_datetime(value) if lang == "th" else value.isoformat()
    if isinstance(value, dt.date):
        return format_date(value) if lang == "th" else value.isoformat()
    return value


def _rendered(params: dict[str, Any], lang: str) -> dict[str, Any]:
    return {k: render(v, lang, NAMED_PARAMS.get(k)) for k, v in params.items()}


def _entry(refusal: Refusal) -> dict[str, Any]:
    return catalogue()["errors"].get(refusal.code, {"th": refusal.code, "en": refusal.code})


def _values(refusal: Refusal) -> dict[str, Any]:
    values = _Blank()
    for key, value in refusal.params.items():
        kind = NAMED_BY_CODE.get((refusal.code, key), NAMED_PARAMS.get(key))
        values[key] = render(value, "en" if key.endswith("_en") else "th", kind)
        if (kind or not isinstance(value, str)) and key + "_en" not in refusal.params:
            values[key + "_en"] = render(value, "en", kind)
    values.setdefault("detail_en", values.get("detail", ""))
    if refusal.field:
        values.setdefault("field_th", field_name(refusal.field, "th"))
        values.setdefault("field_en", field_name(refusal.field, "en"))
    for key in [k for k in values if k + "_en" not in values]:
        values.setdefault(key + "_en", values[key])
    return values


def message(refusal: Refusal, lang: str = "th") -> str:
    entry = _entry(refusal)
    template = entry.get(lang) or entry.get("th", refusal.code)
    return string.Formatter().vformat(template, (), _values(refusal))


def source(refusal: Refusal, lang: str = "th") -> str:
    entry = _entry(refusal)
    values = _values(refusal)
    if "cite_source" in refusal.params:  # a refusal that cites its own letter and paragraph (``cite_clause``)
        key = str(refusal.params["cite_source"])
        clause = str(values.get("cite_clause" if lang == "th" else "cite_clause_en", ""))
    else:
        key = string.Formatter().vformat(str(entry.get("source", "sandbox")), (), values)
        clause = string.Formatter().vformat(str(entry.get("clause", "")), (), values)
    cited = f"[{key}] {source_name(key, lang)}" if key != "sandbox" else source_name(key, lang)
    return f"{cited} {clause}".strip()


def describe(refusal: Refusal) -> dict[str, Any]:
    """The refusal as the result and the audit line keep it."""
    return {
        "code": refusal.code,
        "field": refusal.field,
        "message_th": message(refusal, "th"),
        "message_en": message(refusal, "en"),
        "source_th": source(refusal, "th"),
        "source_en": source(refusal, "en"),
    }


class WorldError(ValueError):
    """A world definition that breaks a rule; names the entry and the field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class ScenarioFormatError(ValueError):
    """A scenario file that does not follow the exercise file format (docs/exercises.md)."""
