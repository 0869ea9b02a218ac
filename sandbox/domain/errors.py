"""Refusals as the rules raise them: an error code (docs/exercises.md lists them), the field it
concerns and the values its message needs. Pure: the message itself is looked up in the
catalogue outside the domain (:mod:`sandbox.errors`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Text:
    """A catalogue text (section ``details``) with its values, rendered in each language when
    the refusal's message is. Values may be dates, moments, :class:`Text` or :class:`Joined`."""

    key: str
    params: dict[str, Any]

    def __init__(self, key: str, **params: Any):
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "params", params)


@dataclass(frozen=True)
class Joined:
    """Values written one after the other with a catalogue separator (``details`` section)."""

    items: tuple
    separator: str = "list_separator"


def AnyOf(items) -> Joined:  # noqa: N802 (reads as a value)
    """Alternatives written «a หรือ b» / «a or b»."""
    return Joined(tuple(items), "any_of_separator")


class Refusal(Exception):
    """An action the rules refuse. Raised inside a unit of work, which then stores nothing."""

    def __init__(self, code: str, field: str | None = None, **params: Any):
        self.code = code
        self.field = field
        self.params = params
        super().__init__(code, field)

    def __str__(self) -> str:
        return f"{self.code} ({self.field})" if self.field else self.code
