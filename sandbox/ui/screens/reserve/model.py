"""The reserve-document screen's state, and the rules it shows before the engine is asked."""

from __future__ import annotations

import traitlets as tl

from ....domain.model import BLOCKED, LISTED, REASONS, STATUSES

FUNCTIONS = ("create", "edit", "cancel", "search")

# Edit and cancel take a document that is open, not confirmed (BLOCKED) and not listed: the
# statuses ``ReserveDocument.require_changeable`` lets through.
CHANGEABLE = tuple(s for s in STATUSES if s not in BLOCKED and s not in LISTED)


def changeable(doc: dict | None) -> bool:
    """May this document be edited or cancelled now (the cancel pre-check)?"""
    return doc is not None and not doc["closed"] and doc["status"] in CHANGEABLE


def reasons(doc_type: str) -> tuple[str, ...]:
    return REASONS[doc_type]


class ReserveModel(tl.HasTraits):
    function = tl.Enum(FUNCTIONS, default_value="create")
    state = tl.Unicode("INIT")  # INIT | CHECKED | FAILED | SAVED
    doc_no = tl.Unicode("")
    lines = tl.List()  # the contract lines typed on the «contract» tab

    def store_line(self, values: dict) -> None:
        """A contract line: a numbered line replaces the line of that number."""
        lines = list(self.lines)
        if "line" in values:
            lines = [ln for ln in lines if ln.get("line") != values["line"]]
        self.lines = lines + [values]

    def contracts(self) -> list[dict]:
        return [{k: v for k, v in ln.items() if k != "line"} for ln in self.lines]

    def edited_contracts(self) -> list[dict]:
        """What «edit» sends: the lines kept and the new ones."""
        lines = [dict(ln) for ln in self.lines if ln.get("_new") or ln.get("line")]
        return [{k: v for k, v in ln.items() if k != "_new"} for ln in lines]
