"""Refusals: an error code of SCENARIOS.md, the field it concerns, and a Thai/English message
that names the rule and cites its source."""

from __future__ import annotations

import string
from typing import Any

from .i18n import catalogue, field_name, source_name


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


class Refusal(Exception):
    """An action the rules refuse. Raised inside a unit of work, which then stores nothing."""

    def __init__(self, code: str, field: str | None = None, **params: Any):
        self.code = code
        self.field = field
        self.params = params
        super().__init__(f"{code}: {self.message('en')}")

    def _entry(self) -> dict[str, Any]:
        return catalogue()["errors"].get(self.code, {"th": self.code, "en": self.code})

    def _values(self) -> dict[str, Any]:
        values = _Blank(self.params)
        values.setdefault("detail_en", values.get("detail", ""))
        if self.field:
            values.setdefault("field_th", field_name(self.field, "th"))
            values.setdefault("field_en", field_name(self.field, "en"))
        for key in [k for k in values if k + "_en" not in values]:
            values.setdefault(key + "_en", values[key])
        return values

    def message(self, lang: str = "th") -> str:
        template = self._entry().get(lang) or self._entry().get("th", self.code)
        return string.Formatter().vformat(template, (), self._values())

    def source(self, lang: str = "th") -> str:
        entry = self._entry()
        key = string.Formatter().vformat(str(entry.get("source", "sandbox")), (), self._values())
        clause = string.Formatter().vformat(str(entry.get("clause", "")), (), self._values())
        cited = f"[{key}] {source_name(key, lang)}" if key != "sandbox" else source_name(key, lang)
        return f"{cited} {clause}".strip()

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "field": self.field,
            "message_th": self.message("th"),
            "message_en": self.message("en"),
            "source_th": self.source("th"),
            "source_en": self.source("en"),
        }


class WorldError(ValueError):
    """A world definition that breaks a rule; names the entry and the field."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


class ScenarioFormatError(ValueError):
    """A scenario file that does not follow SCENARIOS.md."""
