"""Reading through a command (so it is checked, logged in and audited like any other): «ค้นหา»
on สง.01, the reports NFMA60 / NFMA60CX, and the trainer moving the clock."""

from __future__ import annotations

from ... import commands as c
from ... import views
from ...domain.calendar import parse_datetime
from ...domain.errors import Refusal, Text
from ..clock import move_clock
from .base import Context, handles


@handles(c.SearchReserve)
def search_reserve(cmd: c.SearchReserve, ctx: Context) -> dict:
    return {"rows": views.search(ctx.repo.conn, ctx.actor, cmd.conditions())}


@handles(c.Report)
@handles(c.ReportCX)
def report(cmd: c.Report, ctx: Context) -> dict:
    conditions, page = cmd.conditions(), cmd.page_size()
    units = views.visible_units(ctx.repo.conn, ctx.actor)
    cx = cmd.action == "report.nfma60cx"
    if page is None:
        return {"rows": views.nfma60(ctx.repo.conn, units, conditions, contracts=cx)}
    # the screen: one page of rows, with the number of rows and the sums of all of them
    summary = views.nfma60_summary(ctx.repo.conn, units, conditions, contracts=cx)
    rows = views.nfma60_page(ctx.repo.conn, units, conditions, contracts=cx, limit=page)
    return {"rows": rows, "count": summary.pop("rows"), "sums": {k: str(v) for k, v in summary.items()}}


@handles(c.AdvanceClock)
def advance_clock(cmd: c.AdvanceClock, ctx: Context) -> dict:
    ctx.actor.require_role("trainer", action=cmd.action)
    try:
        to = parse_datetime(cmd.to)
    except (ValueError, TypeError):
        raise Refusal("invalid_input", "to", detail=Text("not_a_moment")) from None
    move_clock(ctx.repo.conn, ctx.policy.round_policy, ctx.now, to)
    ctx.now = to
    return {"now": to.isoformat()}
