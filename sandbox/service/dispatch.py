"""Running commands: parse → session check → handler → audit line, or the refusal with its
message. One transaction per batch; every command in it gets exactly the checks, refusals and
audit line it would get alone."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import update
from sqlalchemy.engine import Engine

from .. import commands as c
from ..adapters import orm
from ..adapters.repository import ReferenceCache, Repository
from ..errors import Refusal, describe
from .clock import sweep
from .handlers import HANDLERS, Context, PolicyPort, base, set_runs
from .unit_of_work import Busy, UnitOfWork, busy_refusal, run_in_transaction

# Objects a batch keeps in memory before it writes them out and lets them go (bounds memory
# when one batch touches tens of thousands of documents).
MAP_LIMIT = 10_000


@dataclass
class Result:
    """What an action gave: ``ok``, or the refusal's code with its Thai/English message."""

    action: str
    actor: str
    ok: bool
    data: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    field: str | None = None
    message_th: str = ""
    message_en: str = ""
    source_th: str = ""
    source_en: str = ""

    def message(self, lang: str = "th") -> str:
        return self.message_th if lang == "th" else self.message_en


# A batch of this many commands or more runs with Python's cyclic garbage collector paused. It
# makes tens of thousands of short-lived objects (rows, snapshots, results) that reference
# counting frees, and the identity map's long-lived ones: the collector kept scanning them, 7% of
# the lifecycle benchmark's time, for next to no garbage. What cycles a batch leaves are
# collected as usual once it is done (the collector is on again).
PAUSE_COLLECTOR_FROM = 50


@contextmanager
def _collector_paused(size: int) -> Iterator[None]:
    if size < PAUSE_COLLECTOR_FROM or not gc.isenabled():  # (another batch in this process paused it)
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# A batch of this many commands or more is first run with its settling deferred
# (``WriteBehind.deferred``: what the commands changed is compared with the stored rows once, at
# the write, instead of after every command). If a command of it is refused, that attempt is
# rolled back and the batch runs again the usual way, which undoes each refused command alone:
# the results, rows and audit lines are those of the usual way in both cases.
DEFER_FROM = 16


class _Redo(Exception):
    """A command was refused in a batch whose settling was deferred."""


class Dispatcher:
    def __init__(self, engine: Engine, policy: PolicyPort, reference: ReferenceCache):
        self.engine = engine
        self.policy = policy
        self.reference = reference

    def execute_many(self, commands) -> list[Result]:
        """One transaction for the lot. A transaction that collides with a concurrent one is
        redone from scratch; if it keeps colliding, every action is refused with ``busy``."""
        commands = list(commands)
        try:
            with _collector_paused(len(commands)):
                if len(commands) >= DEFER_FROM:
                    try:
                        return run_in_transaction(self.engine, lambda uow: self._batch(uow, commands, deferred=True))
                    except _Redo:
                        pass
                return run_in_transaction(self.engine, lambda uow: self._batch(uow, commands))
        except Busy:
            return self._refuse_all(commands, busy_refusal(commands))

    def _batch(self, uow: UnitOfWork, commands: list, deferred: bool = False) -> list[Result]:
        results = []
        repo = Repository(uow.conn, self.reference)  # one identity map for the batch
        repo.deferred = deferred
        now = repo.now()
        # Runs of many commands of one kind (new documents, spending steps) go set-based; only in
        # a deferred batch: a command they would refuse sends the batch back to the usual way,
        # which refuses it.
        runs = set_runs.runs(commands) if deferred else {}
        if len(commands) > 1:  # (the set-based runs read their own documents and requests)
            in_runs = {i for start, end in runs.items() for i in range(start, end)}
            repo.prefetch(commands, [cmd for i, cmd in enumerate(commands) if i not in in_runs])
        i = 0
        while i < len(commands):
            end = runs.get(i)
            if end is not None:
                results += self._set_run(repo, now, commands[i:end])
                i = end
                continue
            actor, action, data = commands[i]
            result, now = self._run(uow, repo, now, actor, action, {} if data is None else data)
            results.append(result)
            i += 1
        repo.flush()
        return results

    def _set_run(self, repo: Repository, now: dt.datetime, commands: list) -> list[Result]:
        try:
            outs = set_runs.run(repo, now, self.policy, commands)
        except set_runs.Fallback:
            raise _Redo from None
        results = []
        for (actor, action, data), out in zip(commands, outs, strict=True):
            repo.write_audit(now, actor, action, {} if data is None else data, True, None, audit_view(out))
            results.append(Result(action, actor, True, out))
        return results

    def _refuse_all(self, commands: list, refusal: Refusal) -> list[Result]:
        """Every command refused with ``refusal`` without running: audited if the store lets us."""
        info = describe(refusal)

        def audit(uow: UnitOfWork) -> None:
            repo = Repository(uow.conn, self.reference)
            now = repo.now()
            for actor, action, data in commands:
                repo.write_audit(now, actor, action, {} if data is None else data, False, refusal.code, info)
            repo.flush()

        try:
            run_in_transaction(self.engine, audit, attempts=2)
        except Busy:
            pass
        return [Result(action, actor, False, {}, refusal.code, refusal.field, info["message_th"],
                       info["message_en"], info["source_th"], info["source_en"]) for actor, action, _ in commands]

    def _run(self, uow: UnitOfWork, repo: Repository, now: dt.datetime, actor: str, action: str,
             data: Any) -> tuple[Result, dt.datetime]:
        # No savepoint: handlers change objects in memory (written when the repository flushes
        # what settled commands changed) and write SQL of their own only after their last check,
        # so a refused command has written nothing and dropping its objects undoes it.
        repo.begin_command()
        ctx = Context(repo, now, actor, self.policy)
        try:
            try:
                cmd = c.parse_command(action, data, actor)
            except KeyError:
                raise Refusal("unknown_action", "action", action=action) from None
            if cmd.needs_session:
                base.require_session(ctx)  # looked up here: tests may switch sessions off
            out = HANDLERS[type(cmd)](cmd, ctx) or {}
            repo.settle()
            if ctx.sweep_after or ctx.now != now or len(repo) > MAP_LIMIT:
                # Set-based SQL (lapse) is about to change rows behind the identity map, or a big
                # batch has gathered enough: write what is pending and start afresh.
                repo.forget()
                if ctx.sweep_after:
                    sweep(uow.conn, self.policy.round_policy, ctx.now)
            repo.write_audit(ctx.now, actor, action, data, True, None, audit_view(out))
            return Result(action, actor, True, out), ctx.now
        except Refusal as refusal:
            if repo.deferred:
                raise _Redo from None
            repo.discard()
            for table_name, key, values in ctx.keep:
                table = getattr(orm, table_name)
                uow.conn.execute(update(table).where(*[table.c[k] == v for k, v in key.items()]).values(**values))
            info = describe(refusal)
            repo.write_audit(now, actor, action, data, False, refusal.code, info)
            # a form's every problem («จำลองการบันทึก»), each with its field and message
            problems = [describe(p) for p in getattr(refusal, "problems", ())]
            result = Result(
                action, actor, False, {"problems": problems} if problems else {}, refusal.code, refusal.field,
                info["message_th"], info["message_en"], info["source_th"], info["source_en"],
            )
            return result, now


_HIDDEN = frozenset({"one_time_password", "provisioning_uri"})


def audit_view(out: dict) -> dict:
    """What the audit keeps of a result: one-time passwords are never written down."""
    hidden = _HIDDEN
    if "rows" not in out and hidden.isdisjoint(out):
        return out  # (the audit line is written from it at once; the caller's dict is not changed)
    return {k: ("***" if k in hidden else v) for k, v in out.items() if k != "rows"} | (
        {"rows": len(out["rows"])} if "rows" in out else {}
    )
