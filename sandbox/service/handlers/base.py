"""What every handler gets and shares: the narrow :class:`Context` (the repository, the
simulated now, the actor and the policy port), the registry, and the checks several use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ...adapters.repository import Repository
from ...domain import auth
from ...domain.calendar import BusinessCalendar, fiscal_year
from ...domain.errors import Refusal
from ...domain.model import ReserveDocument, User, unit_refusal
from ...domain.policy import Cutover, RoundPolicy


class PolicyPort(Protocol):
    """The policy a handler may read (a :class:`sandbox.adapters.policy_store.PolicyStore`)."""

    def cutover(self, key: str) -> Cutover: ...

    def calendar(self) -> BusinessCalendar: ...

    def round_policy(self, fy: int) -> RoundPolicy: ...


@dataclass(slots=True)
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
    """The actor is logged in and the session is live; it stays live from now, even when the
    rules then refuse the action (a refused action is an action: the session is not idle)."""
    session = ctx.repo.session(ctx.actor_id)
    if session is None or not session.live_at(ctx.now):
        raise Refusal("not_logged_in", "session")
    session.last_seen = ctx.now
    ctx.keep.append(("sessions", {"user_id": ctx.actor_id}, {"last_seen": ctx.now}))


def target(ctx: Context, user_id: str) -> User:
    user = ctx.repo.user(user_id)
    if user is None:
        raise Refusal("user_not_found", "user", user=user_id)
    return user


def cutover_of(ctx: Context, user: User) -> Cutover:
    agency = ctx.repo.agency(ctx.repo.unit(user.unit).agency)
    return ctx.policy.cutover(agency.cutover)


def not_of_unit(field_name: str, doc: ReserveDocument) -> Refusal:
    return unit_refusal(field_name, doc.doc_no, doc.unit)


def check_password_of(ctx: Context, user: User, password, field_name: str = "password", *,
                      verify_only: bool = False) -> None:
    """The password check with its throttle: refused while locked; a wrong password counts (the
    count is written even though the command is refused); a right one starts the count again.
    ``verify_only``: the password itself, not its age or a pending change (changing it)."""
    auth.check_password_lock(user, ctx.now, field_name)
    try:
        if verify_only:
            if not auth.verify_password(password, user.password_hash):
                raise Refusal("bad_credentials", field_name)
        else:
            auth.check_password(user, password, ctx.now, field_name)
    except Refusal as refusal:
        if refusal.code == "bad_credentials" and user.credential != "none":
            failed, until = auth.wrong_password(user, ctx.now)
            ctx.keep.append(("users", {"id": user.id}, {"failed_passwords": failed, "password_locked_until": until}))
        elif user.failed_passwords:  # a right password that is too old or must change
            ctx.keep.append(("users", {"id": user.id}, {"failed_passwords": 0}))
        raise
    if user.failed_passwords:
        user.failed_passwords = 0
        ctx.keep.append(("users", {"id": user.id}, {"failed_passwords": 0}))
