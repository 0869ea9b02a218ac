"""The phone: apps, identity in เป๋าตัง, Soft Token registration, a lost phone and the head's
letter, and returning the old Token Key [letters 000 and 002]."""

from __future__ import annotations

from ... import commands as c
from ...domain import auth
from ...domain.errors import Joined, Refusal, Text
from ...domain.model import APPS, User
from ...domain.reserve import parse_day
from . import base
from .base import Context, check_password_of, handles, target


@handles(c.InstallApps)
def install_apps(cmd: c.InstallApps, ctx: Context) -> dict:
    user = target(ctx, ctx.actor_id)
    unknown = [a for a in cmd.apps if a not in APPS]
    if unknown:
        raise Refusal("invalid_input", "apps", detail=Text("unknown_apps", apps=str(unknown)))
    user.apps = user.apps | frozenset(cmd.apps)
    return {"apps": sorted(user.apps)}


def _require_apps(user: User, needed) -> None:
    missing = [a for a in needed if a not in user.apps]
    if missing:
        raise Refusal("apps_not_installed", "apps", apps=Joined(tuple(Text(f"app_{a}") for a in missing)))


@handles(c.VerifyPaotang)
def verify_paotang(cmd, ctx: Context) -> dict:
    user = target(ctx, ctx.actor_id)
    _require_apps(user, ["paotang"])
    user.identity_verified = True
    return {"identity": "verified"}


@handles(c.RegisterSoftToken)
def register_soft_token(cmd: c.RegisterSoftToken, ctx: Context) -> dict:
    user = target(ctx, ctx.actor_id)
    auth.check_registration_open(base.cutover_of(ctx, user), ctx.now)
    _require_apps(user, APPS)
    if not user.identity_verified:
        raise Refusal("identity_not_verified", "apps")
    check_password_of(ctx, user, cmd.password)
    user.totp_secret = auth.new_totp_secret()
    user.soft_token = "registered"
    user.last_otp_counter = 0
    user.failed_otps = 0
    user.locked_until = None
    return {"soft_token": "registered", "provisioning_uri": auth.provisioning_uri(user.totp_secret, user.id)}


@handles(c.ReportLost)
def report_lost(cmd: c.ReportLost, ctx: Context) -> dict:
    if cmd.user and cmd.user != ctx.actor_id:
        base.require_session(ctx)
        ctx.actor.require_role("cgd_officer", action="softtoken.report_lost")
    user = target(ctx, cmd.user or ctx.actor_id)
    if user.soft_token not in ("registered", "active"):
        raise Refusal("soft_token_not_active", "user", detail=Text(f"rules15_soft_token_{user.soft_token}"))
    cut = base.cutover_of(ctx, user)
    lost_on = parse_day(cmd.lost_on, "lost_on")
    counted_from = auth.loss_counted_from(lost_on, ctx.now, cut.register_from.date() if cut.register_from else None)
    user.soft_token = "suspended"
    user.apps = frozenset()  # the phone is gone: re-enrolment repeats apps, Paotang, registration
    user.identity_verified = False
    user.totp_secret = None
    session = ctx.repo.session(user.id)
    if session:
        ctx.repo.delete(session)
    due = auth.loss_letter_due(ctx.policy.calendar(), counted_from)
    ctx.repo.report_loss(user.id, user.unit, ctx.now, due)
    return {"soft_token": "suspended", "lost_on": counted_from.isoformat(), "letter_due": due.isoformat()}


@handles(c.LossLetter)
def loss_letter(cmd: c.LossLetter, ctx: Context) -> dict:
    head = ctx.actor
    head.require_role("head", action="softtoken.loss_letter")
    user = target(ctx, cmd.user)
    if user.unit != head.unit:
        raise Refusal("not_authorized", "user", detail=Text("letter_from_own_head"))
    if not cmd.letter_no:
        raise Refusal("invalid_input", "letter_no", detail=Text("letter_number_required"))
    report = ctx.repo.open_loss_report(user.id)
    if report is None:
        raise Refusal("no_loss_report", "user", user=user.id)
    ctx.repo.file_loss_letter(report.id, str(cmd.letter_no), ctx.now)
    return {"late": ctx.now >= report.letter_due}


@handles(c.ReturnTokenKey)
def return_token_key(cmd, ctx: Context) -> dict:
    user = ctx.actor
    if not (user.credential == "token_key" and user.token_key_held):
        raise Refusal("not_authorized", "actor", detail=Text("no_token_key"))
    cut = base.cutover_of(ctx, user)
    auth.check_token_key_return(user, cut)
    user.token_key_held = False
    return {"returned": True, "late": auth.token_return_late(cut, ctx.now),
            "return_by": cut.token_return_by.isoformat() if cut.token_return_by else None}
