"""What every handler gets and shares: the narrow :class:`Context` (the repository, the
simulated now, the actor and the policy port), the registry, and the checks several use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...adapters.repository import Repository
from ...domain.calendar import BusinessCalendar, fiscal_year
from ...domain.errors import Refusal, Text
from ...domain.model import ReserveDocument, User
from ...domain.policy import Cutover, RoundPolicy


class PolicyPort(Protocol):
    """The policy a handler may read (a :class:`sandbox.adapters.policy_store.PolicyStore`)."""

    def cutover(self, key: str) -> Cutover: ...

    def calendar(self) -> BusinessCalendar: ...

    def round_policy(self, fy: int) -> RoundPolicy: ...


@dataclass
class Context:
    repo: Repository
    now: dt.datetime
    actor_id: str
    policy: PolicyPort
    sweep_after: bool = False  # the lapse sweep runs after this command (CGD decisions)
    # Writes that stand even when the command is refused: (table name, key, values).
    keep: list[tuple[str, dict, dict]] = field(default_factory=list)

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def fy(self) -> int:
        return fiscal_year(self.now)

    @property
    def actor(self) -> User:
        user = self.repo.user(self.actor_id)
        if user is None:
            raise Refusal("user_not_found", "actor", user=self.actor_id)
        return user


HANDLERS: dict[type, Callable[[Any, Context], dict]] = {}


def handles(cmd_type):
    def register(fn):
        HANDLERS[cmd_type] = fn
        return fn

    return register


def require_session(ctx: Context) -> None:
    """The actor is logged in and the session is live; it stays live from now."""
    session = ctx.repo.session(ctx.actor_id)
    if session is None or not session.live_at(ctx.now):
        raise Refusal("not_logged_in", "session")
    session.last_seen = ctx.now


def target(ctx: Context, user_id: str) -> User:
    user = ctx.repo.user(user_id)
    if user is None:
        raise Refusal("user_not_found", "user", user=user_id)
    return user


def cutover_of(ctx: Context, user: User) -> Cutover:
    agency = ctx.repo.agency(ctx.repo.unit(user.unit).agency)
    return ctx.policy.cutover(agency.cutover)


def not_of_unit(field_name: str, doc: ReserveDocument) -> Refusal:
    return Refusal("not_authorized", field_name, detail=Text("document_of_unit", doc=doc.doc_no, unit=doc.unit))
