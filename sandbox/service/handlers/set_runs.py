"""The set-based path of a batch's runs of one command many times in a row: many new reserve
documents, many withdrawal requests, many approvals (อนุมัติ ๑) or many payments (อนุมัติ ๒).

A run of ``SET_RUN_FROM`` such commands or more reads the requests and documents it names in
one query per 512, outside the identity map (users, sessions and budget lines stay in it), runs
on them the checks of the object path (``reserve.py``, ``spending.py``: the same functions, in
the same order) and writes the rows it made or changed in one executemany per table (history and
audit lines go with the batch's, in command order).

It only ever takes the way on which every command passes: at the first command the object path
would refuse, it gives up (``Fallback``) and the dispatcher runs the batch again the usual way,
which gives that command its refusal. A refusal, its message and what is stored with it are
therefore always the object path's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ... import commands as c
from ...adapters.repository import PENDING_REQUEST, Repository, queryable
from ...domain import auth
from ...domain.errors import Refusal
from ...domain.model import ReserveDocument, Withdrawal
from ...domain.reserve import amount_of
from . import base
from .base import Context, PolicyPort
from .reserve import new_document
from .spending import spendable

SET_RUN_FROM = 16  # commands of one of these actions in a row from which they run set-based
ACTIONS = ("reserve.create", "withdrawal.request", "withdrawal.approve", "payment.approve")


class Fallback(Exception):
    """A command of a set-based run would be refused: run the batch the usual way."""


def runs(commands: Sequence) -> dict[int, int]:
    """Start → end (exclusive) of each run of ``SET_RUN_FROM`` or more commands of one of
    ``ACTIONS`` in a row."""
    out, i, n = {}, 0, len(commands)
    while i < n:
        action = commands[i][1]
        j = i + 1
        while j < n and commands[j][1] == action:
            j += 1
        if action in ACTIONS and j - i >= SET_RUN_FROM:
            out[i] = j
        i = j
    return out


def run(repo: Repository, now: dt.datetime, policy: PolicyPort, commands: Sequence) -> list[dict]:
    """Run a run of one action; returns each command's result (the caller writes the
    audit lines). Raises ``Fallback`` (having written nothing the caller keeps) at the first
    command that would be refused."""
    parsed = []
    for actor, action, data in commands:
        try:
            parsed.append(c.parse_command(action, {} if data is None else data, actor))
        except (Refusal, KeyError):
            raise Fallback from None
    repo.let_go_of_documents()
    repo.begin_command()
    try:
        if commands[0][1] == "reserve.create":
            outs = _creates(repo, now, policy, commands, parsed)
        elif commands[0][1] == "withdrawal.request":
            outs = _requests(repo, now, policy, commands, parsed)
        else:
            outs = _approvals(repo, now, policy, commands, parsed, pay=commands[0][1] == "payment.approve")
    except Refusal:
        raise Fallback from None
    repo.settle()
    return outs


def _context(repo: Repository, now: dt.datetime, actor: str, policy: PolicyPort, cmd) -> Context:
    ctx = Context(repo, now, actor, policy)
    if cmd.needs_session:
        base.require_session(ctx)  # (looked up here, as the dispatcher does: tests may switch it off)
    return ctx


def _creates(repo: Repository, now: dt.datetime, policy: PolicyPort, commands: Sequence, parsed: list) -> list[dict]:
    """``reserve.create_reserve``, command by command (budget lines in the identity map)."""
    docs, outs = [], []
    for (actor, _, _), cmd in zip(commands, parsed, strict=True):
        ctx = _context(repo, now, actor, policy, cmd)
        doc = new_document(cmd, ctx)
        repo.history(doc, now, actor, cmd.action, "")
        docs.append(doc)
        outs.append({"doc_no": doc.doc_no})
    repo.insert_documents(docs)
    return outs


def _requests(repo: Repository, now: dt.datetime, policy: PolicyPort, commands: Sequence, parsed: list) -> list[dict]:
    """``spending.request_withdrawal``, command by command, on detached documents."""
    wanted = [str(cmd.doc) for cmd in parsed]
    if not all(map(queryable, wanted)):
        raise Fallback
    docs = repo.spending_documents(wanted)
    pending = dict.fromkeys(docs, 0)  # money spoken for: requested or approved, not paid
    for wd in repo.detached_rows(Withdrawal, "doc_no", list(docs)):
        if wd.status in PENDING_REQUEST:
            pending[wd.doc_no] += wd.amount
    new, outs = [], []
    for (actor, _, _), cmd in zip(commands, parsed, strict=True):
        ctx = _context(repo, now, actor, policy, cmd)
        user = ctx.actor
        user.require_role("recorder", action=cmd.action)
        doc = docs.get(str(cmd.doc))
        if doc is None or doc.unit != user.unit:
            raise Fallback
        spendable(ctx, doc)
        amount = amount_of(cmd.amount)
        if amount > doc.remaining - pending[doc.doc_no]:
            raise Fallback
        wd = Withdrawal(repo.next_number("WR"), doc.doc_no, amount, "requested", actor, now)
        pending[doc.doc_no] += amount
        new.append(wd)
        outs.append({"request_no": wd.request_no, "doc_no": doc.doc_no})
    repo.insert_rows(Withdrawal, new)
    return outs


def _approvals(repo: Repository, now: dt.datetime, policy: PolicyPort, commands: Sequence, parsed: list,
               pay: bool) -> list[dict]:
    """``spending.approve_withdrawal`` or ``spending.approve_payment``, command by command, on
    detached requests and documents."""
    role, status = ("approver_payment", "approved") if pay else ("approver_withdrawal", "requested")
    wanted = [str(cmd.request) for cmd in parsed]
    if not all(map(queryable, wanted)):
        raise Fallback
    wds = {wd.request_no: wd for wd in repo.detached_rows(Withdrawal, "request_no", wanted)}
    docs = repo.spending_documents([wd.doc_no for wd in wds.values()])
    changed: dict[str, Withdrawal] = {}
    spent: dict[str, ReserveDocument] = {}
    outs = []
    for (actor, _, _), cmd in zip(commands, parsed, strict=True):
        ctx = _context(repo, now, actor, policy, cmd)
        user = ctx.actor
        user.require_role(role, action=cmd.action)
        wd = wds.get(str(cmd.request))
        if wd is None:
            raise Fallback
        doc = docs.get(wd.doc_no)
        if doc is None or doc.unit != user.unit or wd.status != status:
            raise Fallback
        auth.check_request_segregation(wd, user.id)
        spendable(ctx, doc)
        if pay:
            if wd.amount > doc.remaining:
                raise Fallback
            wd.status, wd.paid_by, wd.paid_at = "paid", actor, now
            doc.remaining -= wd.amount
            line = repo.budget_line(doc.budget_line_id)
            line.reserved -= wd.amount
            line.disbursed += wd.amount
            repo.history(doc, now, actor, cmd.action, doc.status, wd.request_no)
            spent[doc.doc_no] = doc
        else:
            wd.status, wd.approved_by, wd.approved_at = "approved", actor, now
        changed[wd.request_no] = wd
        outs.append({"request_no": wd.request_no, "doc_no": doc.doc_no})
    if pay:
        repo.update_rows(Withdrawal, ("status", "paid_by", "paid_at"),
                         [(wd.status, wd.paid_by, wd.paid_at, key) for key, wd in changed.items()])
        repo.update_rows(ReserveDocument, ("remaining",), [(doc.remaining, key) for key, doc in spent.items()])
    else:
        repo.update_rows(Withdrawal, ("status", "approved_by", "approved_at"),
                         [(wd.status, wd.approved_by, wd.approved_at, key) for key, wd in changed.items()])
    return outs
