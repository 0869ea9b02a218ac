"""The reserve-document screen's state, and the rules it shows before the engine is asked."""

from __future__ import annotations

import traitlets as tl

from ....domain.errors import Refusal, Text
from ....domain.model import BLOCKED, LISTED, REASONS, role_refusal, unit_refusal

FUNCTIONS = ("create", "edit", "cancel", "search")


def reasons(doc_type: str) -> tuple[str, ...]:
    return REASONS[doc_type]


class ReserveModel(tl.HasTraits):
    function = tl.Enum(FUNCTIONS, default_value="create")
    state = tl.Unicode("INIT")  # INIT | CHECKED | FAILED | SAVED
    doc_no = tl.Unicode("")
    lines = tl.List()  # the contract lines typed on the «contract» tab

    def store_line(self, values: dict, number: int | None = None, new: bool = False) -> int:
        """A contract line typed on the form: ``number`` (as the table numbers the lines, from 1)
        corrects that line — it keeps its place and, for a saved document, its line number —
        else the line is added (``new``: a line added to a saved document). Returns its number."""
        lines = [dict(ln) for ln in self.lines]
        values = {k: v for k, v in values.items() if k not in ("line", "_new")}
        if number is not None and 1 <= number <= len(lines):
            old = lines[number - 1]
            lines[number - 1] = values | {k: old[k] for k in ("line", "_new") if k in old}
        else:
            lines.append(values | ({"_new": True} if new else {}))
            number = len(lines)
        self.lines = lines
        return number

    def remove_line(self, number: int) -> None:
        """Take a line off before saving (a saved document's lines stay: the engine keeps them)."""
        if self.removable(number):
            self.lines = [ln for i, ln in enumerate(self.lines, start=1) if i != number]

    def removable(self, number: int) -> bool:
        return 1 <= number <= len(self.lines) and not self.lines[number - 1].get("line")

    def contracts(self) -> list[dict]:
        return [{k: v for k, v in ln.items() if k not in ("line", "_new")} for ln in self.lines]

    def edited_contracts(self) -> list[dict]:
        """What «edit» sends: the lines kept and the new ones."""
        lines = [dict(ln) for ln in self.lines if ln.get("_new") or ln.get("line")]
        return [{k: v for k, v in ln.items() if k != "_new"} for ln in lines]


def edit_refusal(doc_no: str, doc: dict | None) -> Refusal | None:
    """«จำลองการแก้ไข» before the engine is asked: the refusal ``ReserveDocument.require_changeable``
    would raise for this document (not found, closed, BLOCKED, listed), else ``None``. The save
    itself is the engine's check."""
    if doc is None:
        return Refusal("document_not_found", "doc", doc=doc_no)
    if doc["closed"]:
        return Refusal("document_closed", "doc", doc=doc_no, detail=Text(f"closed_{doc['closed']}"))
    if doc["status"] in BLOCKED:
        return Refusal("document_blocked", "doc", doc=doc_no)
    if doc["status"] in LISTED:
        return Refusal("document_listed", "doc", doc=doc_no)
    return None


def change_refusal(doc_no: str, doc: dict | None, user: dict | None, action: str = "reserve.cancel") -> Refusal | None:
    """«จำลองการยกเลิก» / «จำลองการแก้ไข»: the refusal the engine's cancel (or edit) would give the
    person at the desk (``user``, their state; ``None``: not checked) — a recorder's own unit's
    document (``own_document``), then ``edit_refusal`` — else ``None``. Nothing is asked of the engine."""
    if user is not None:
        roles = user.get("roles") or ()
        roles = [r.strip() for r in roles.split(",")] if isinstance(roles, str) else list(roles)
        if "recorder" not in roles:
            return role_refusal(action, ("recorder",))
        if doc is not None and doc["unit"] != user.get("unit"):
            return unit_refusal("doc", doc["doc_no"], doc["unit"])
    return edit_refusal(doc_no, doc)
