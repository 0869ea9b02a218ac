"""Rights: a head asks with a written order, CGD or the provincial treasury office approves; the
two approvals never on one person [letter 000 §2]."""

from __future__ import annotations

from ... import commands as c
from ...domain import auth
from ...domain.errors import Refusal, Text
from ...domain.model import ROLES
from .auth import same_province
from .base import Context, handles, target


def _check_roles(roles) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Refusal("invalid_input", "roles", detail=Text("unknown_roles", roles=str(unknown)))


@handles(c.ChangeRights)
def change_rights(cmd: c.ChangeRights, ctx: Context) -> dict:
    head = ctx.actor
    head.require_role("head", action="user.change_rights")
    user = target(ctx, cmd.user)
    if user.unit != head.unit:
        raise Refusal("not_authorized", "user", detail=Text("own_unit_rights_only"))
    _check_roles(cmd.roles)
    auth.check_segregation(user.id, cmd.roles)
    if not cmd.order_file:
        raise Refusal("order_required", "order_file")
    ctx.repo.request_rights_change(user.id, cmd.roles, cmd.order_file, head.id, ctx.now)
    return {"user": user.id, "pending": True}


@handles(c.ApproveRightsChange)
def approve_rights_change(cmd: c.ApproveRightsChange, ctx: Context) -> dict:
    officer = ctx.actor
    officer.require_role("cgd_officer", "provincial_treasury_officer", action="user.approve_rights_change")
    user = target(ctx, cmd.user)
    same_province(ctx, officer, user)
    pending = ctx.repo.pending_rights_change(user.id)
    if pending is None:
        raise Refusal("no_pending_change", "user", user=user.id)
    auth.check_segregation(user.id, pending.roles)
    user.roles = pending.roles
    user.must_change = "rights_change"
    ctx.repo.approve_rights_change(pending.id, officer.id, ctx.now)
    return {"user": user.id, "roles": sorted(pending.roles)}
