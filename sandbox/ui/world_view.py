"""A read-only view of the loaded world: users and budget lines (for trainers)."""

from __future__ import annotations

import html

import ipywidgets as w

from .. import views
from ..calendar import format_amount, format_datetime
from ..engine import Sandbox
from ..i18n import value_name
from .widgets import named, named_list, t


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td style='text-align:{'right' if i in numeric else 'left'}'>{html.escape(str(c))}</td>" for i, c in enumerate(r)
        ) + "</tr>"
        for r in rows
    )
    return f"<div class='gf-scroll'><table class='gf-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"


def world_view(sb: Sandbox) -> w.VBox:
    users = sb.users()  # ordered by unit, then id
    with sb.engine.connect() as conn:
        lines = views.budget_lines(conn)
    now = sb.now
    states = {u["id"]: sb.user_state(u["id"]) or {} for u in users}  # apps and login methods by their names
    user_rows = [[u["id"], u["name"], u["unit"], named_list("role_names", u["roles"]), named("credential_names", u["credential"]),
                  named("token_states", u["soft_token"]), value_name("apps", states[u["id"]].get("apps", []), "th"),
                  value_name("login_methods", states[u["id"]].get("login_methods", []), "th")] for u in users]
    line_rows = [
        [b["unit"], b["budget_code"], b["fund_source"], b["commitment_item"],
         format_amount(b["allocation"]), format_amount(b["available"])]
        for b in lines
    ]
    user_heads = [t(k) for k in ("world_user_id", "world_user_name", "world_unit", "world_roles", "world_login", "world_soft_token",
                                 "uxs_world_apps", "uxs_world_methods")]
    line_heads = [t(k) for k in ("world_unit", "world_budget_code", "world_fund_source", "world_commitment_item",
                                 "world_allocation", "world_available")]
    return w.VBox([
        w.HTML(f"<h3>{html.escape(t('world_title'))} {format_datetime(now)}</h3>"),
        w.HTML(f"<h4>{html.escape(t('world_users'))}</h4>" + _table(user_heads, user_rows)),
        w.HTML(f"<h4>{html.escape(t('world_budget_lines'))}</h4>" + _table(line_heads, line_rows, {4, 5})),
    ])
