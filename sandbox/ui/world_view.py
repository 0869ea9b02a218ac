"""A read-only view of the loaded world: users and budget lines (for trainers)."""

from __future__ import annotations

import html

import ipywidgets as w
from sqlalchemy import select

from .. import views
from ..adapters import orm
from ..calendar import format_amount, format_datetime
from ..engine import Sandbox


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(
            f"<td style='text-align:{'right' if i in numeric else 'left'}'>{html.escape(str(c))}</td>" for i, c in enumerate(r)
        ) + "</tr>"
        for r in rows
    )
    return f"<table class='gf-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def world_view(sb: Sandbox) -> w.VBox:
    with sb.engine.connect() as conn:
        users = conn.execute(select(orm.users).order_by(orm.users.c.unit, orm.users.c.id)).all()
        lines = views.budget_lines(conn)
    now = sb.now
    user_rows = [
        [u.id, u.name, u.unit, u.roles.replace(",", ", "), u.credential, u.soft_token] for u in users
    ]
    line_rows = [
        [b["unit"], b["budget_code"], b["fund_source"], b["commitment_item"],
         format_amount(b["allocation"]), format_amount(b["available"])]
        for b in lines
    ]
    return w.VBox([
        w.HTML(f"<h3>โลกจำลอง (Demo world) — เวลาจำลอง {format_datetime(now)}</h3>"),
        w.HTML("<h4>ผู้ใช้งาน (Users)</h4>" + _table(["รหัสผู้ใช้", "ชื่อ", "หน่วยเบิกจ่าย", "สิทธิ", "วิธีเข้าใช้งาน", "Soft Token"], user_rows)),
        w.HTML("<h4>งบประมาณ (Budget lines)</h4>" + _table(
            ["หน่วยเบิกจ่าย", "รหัสงบประมาณ", "แหล่งของเงิน", "รายการผูกพัน", "งบที่ได้รับ", "คงเหลือ"], line_rows, {4, 5})),
    ])
