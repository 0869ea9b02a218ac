"""Logging in and out, and the passwords a user is given or changes [letters 000 and 002]."""

from __future__ import annotations

from ... import commands as c
from ...domain import auth
from ...domain.errors import Refusal, Text
from ...domain.model import LOGIN_METHODS, Session
from ...i18n import text
from .base import Context, check_password_of, cutover_of, handles, target


@handles(c.Login)
def login(cmd: c.Login, ctx: Context) -> dict:
    user = ctx.repo.user(ctx.actor_id)
    if user is None:
        raise Refusal("bad_credentials", "user")
    if cmd.method not in LOGIN_METHODS:
        raise Refusal("invalid_input", "method", detail=Text("one_of", values=", ".join(LOGIN_METHODS)))
    cut = cutover_of(ctx, user)
    if cmd.method in ("token_key", "password"):
        if ctx.now >= cut.refuse_from:
            raise Refusal(
                "login_method_retired", "method", cutover=cut.refuse_from, method=Text(f"method_{cmd.method}"),
                cutover_source=cut.source, cutover_clause=cut.clause,
            )
        has = user.credential == "token_key" and user.token_key_held if cmd.method == "token_key" else user.credential == "password"
        if not has:
            raise Refusal("bad_credentials", "method")
    else:
        if user.soft_token == "suspended":
            raise Refusal("token_suspended", "method")
        if user.soft_token not in ("registered", "active"):
            raise Refusal("soft_token_not_active", "method", detail=Text(f"rules15_soft_token_{user.soft_token}"))
        if user.locked_until and ctx.now < user.locked_until:
            raise Refusal("otp_locked", "otp", until=user.locked_until)
    check_password_of(ctx, user, cmd.password)
    if cmd.method == "soft_token":
        answer = auth.approve_in_nexus(user, cmd.otp, ctx.now)
        if not answer.accepted:
            if answer.counted:
                ctx.keep.append(("users", {"id": user.id},
                                 {"failed_otps": answer.failed_otps, "locked_until": answer.locked_until}))
            raise answer.refusal
        user.last_otp_counter = answer.step
        user.failed_otps = answer.failed_otps
        user.locked_until = answer.locked_until
        user.soft_token = "active"
    session = ctx.repo.session(user.id)
    if session is None:
        ctx.repo.add(Session(user.id, cmd.method, ctx.now, ctx.now))
    else:
        session.method, session.started_at, session.last_seen = cmd.method, ctx.now, ctx.now
    out = {"user": user.id, "method": cmd.method}
    if auth.old_method_reminder(user, cmd.method):
        out["reminder"] = text("details", "rules15_use_soft_token")
    return out


@handles(c.Logout)
def logout(cmd: c.Logout, ctx: Context) -> dict:
    session = ctx.repo.session(ctx.actor_id)
    if session:
        ctx.repo.delete(session)
    return {}


def _one_time_password(user) -> str:
    password = auth.one_time_password()
    user.password_hash = auth.hash_password(password)
    return password


@handles(c.RequestCredentials)
def request_credentials(cmd, ctx: Context) -> dict:
    user = ctx.actor
    if user.credential != "token_key":
        raise Refusal("not_authorized", "actor", detail=Text("only_token_key_users"))
    password = _one_time_password(user)
    user.password_changed = ctx.now
    user.must_change = "one_time"
    return {"username": user.id, "one_time_password": password}


def same_province(ctx: Context, officer, user) -> None:
    """A provincial treasury officer acts for users of the own province (area) only; CGD for all."""
    if officer.has_role("cgd_officer"):
        return
    if ctx.repo.unit(user.unit).area != ctx.repo.unit(officer.unit).area:
        raise Refusal("not_authorized", "user", detail=Text("own_province_only"))


@handles(c.IssueCredentials)
def issue_credentials(cmd: c.IssueCredentials, ctx: Context) -> dict:
    officer = ctx.actor
    officer.require_role("cgd_officer", "provincial_treasury_officer", action="user.issue_credentials")
    user = target(ctx, cmd.user)
    same_province(ctx, officer, user)
    password = _one_time_password(user)
    user.password_changed = ctx.now
    user.must_change = "one_time"
    if user.credential == "none":
        user.credential = "password"
    return {"username": user.id, "one_time_password": password}


@handles(c.ChangePassword)
def change_password(cmd: c.ChangePassword, ctx: Context) -> dict:
    user = ctx.repo.user(ctx.actor_id)
    if user is None or user.credential == "none":
        raise Refusal("bad_credentials", "old")
    check_password_of(ctx, user, cmd.old, "old", verify_only=True)
    if not auth.strong_enough(cmd.new, cmd.old):
        raise Refusal("weak_password", "new")
    user.password_hash = auth.hash_password(cmd.new)
    user.password_changed = ctx.now
    user.must_change = ""
    return {}
