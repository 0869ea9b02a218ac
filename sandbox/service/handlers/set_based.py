"""The set-based path of the round steps: a central unit Confirms, or CGD approves, a thousand
documents in one command.

A step on ``SET_BASED_FROM`` documents or more reads them in one query per 512, outside the
identity map, and runs exactly the checks and rules of the object path on them, in the same
order (so a refusal is the same refusal, naming the same document). Only when every document
passed are the rows changed: one ``UPDATE … WHERE doc_no IN (…) AND status = …`` per 512
documents of one status, with the history lines in one executemany. What each step writes is
said in SQL terms here (``Writes``) and checked, document by document, against what the domain's
rule did to the document in memory: the two paths cannot drift apart silently.
"""

from __future__ import annotations

from collections.abc import Callable

from ...domain.model import ReserveDocument
from .base import Context

SET_BASED_FROM = 8  # documents in one round step from which it runs set-based

# (status before, status after) -> (columns set to a value, columns set to another column of the row)
Writes = Callable[[str, str], tuple[dict, dict[str, str]]]


def listed(before: str, after: str) -> tuple[dict, dict[str, str]]:
    """สง.02: the remaining becomes «ยอดอนุมัติ»."""
    return {"status": after}, {"approved": "remaining"}


def list_cancelled(before: str, after: str) -> tuple[dict, dict[str, str]]:
    return {"status": after, "approved": 0}, {}


def confirmed(before: str, after: str) -> tuple[dict, dict[str, str]]:
    return {"status": after}, {}


def approved(before: str, after: str) -> tuple[dict, dict[str, str]]:
    if after == "50":
        return {"status": after, "sept_approved": True}, {}
    return {"status": after}, {}


class _InMap:
    """The object path (a few documents): through the identity map, written behind."""

    writes = None

    def __init__(self, ctx: Context, doc_nos: list[str]):
        ctx.repo.load_documents(doc_nos)
        self.repo = ctx.repo

    def get(self, doc_no: str) -> ReserveDocument | None:
        return self.repo.document(doc_no)


class _Detached:
    """The set-based path: documents read as stored, changed in memory by the rules, written
    by status group once every document has passed."""

    def __init__(self, ctx: Context, doc_nos: list[str], writes: Writes):
        self.docs = ctx.repo.detached_documents(doc_nos)
        self.was = {doc_no: dict(vars(doc)) for doc_no, doc in self.docs.items()}
        self.writes = writes

    def get(self, doc_no: str) -> ReserveDocument | None:
        return self.docs.get(doc_no)

    def write(self, ctx: Context) -> None:
        groups: dict[tuple[str, str], list[str]] = {}
        for doc_no, doc in self.docs.items():
            was, now = self.was[doc_no], vars(doc)
            if now == was:
                continue
            values, copy = self.writes(was["status"], doc.status)
            expected = {**was, **values, **{column: was[other] for column, other in copy.items()}}
            if expected != now:
                changed = sorted(k for k in now if now[k] != was[k])
                raise RuntimeError(f"the set-based step would not write what the rule did to {doc_no}: {changed}")
            groups.setdefault((was["status"], doc.status), []).append(doc_no)
        for (before, after), doc_nos in groups.items():
            values, copy = self.writes(before, after)
            ctx.repo.step_documents(doc_nos, before, values, copy)


def documents(cmd, ctx: Context, writes: Writes | None) -> _InMap | _Detached:
    """The documents a round step names, by the path its size calls for (``get`` gives one,
    ``None`` when there is none; ``write`` writes a set-based step's changes)."""
    if writes is not None and len(cmd.docs) >= SET_BASED_FROM:
        return _Detached(ctx, cmd.docs, writes)
    return _InMap(ctx, cmd.docs)
