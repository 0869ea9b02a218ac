"""The read side of the provincial treasury office's desk: the units of one area (province) and
what is still open in each — users not on Soft Token, Token Keys held, loss letters not filed,
reserve documents at blank/21/22 [letter 000; manual 004]. One query per list, whatever the
number of units; :mod:`sandbox.province` adds the policy's dates and lays the rows out."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Connection

from .adapters import orm
from .domain.model import baht

OPEN_STATUSES = ("", "21", "22")


def units(conn: Connection, area: str) -> list[dict]:
    """The disbursement units of ``area`` with their agency's name and cut-over group."""
    u, a = orm.units, orm.agencies
    q = (select(u.c.code, u.c.name, u.c.agency, a.c.name.label("agency_name"), a.c.kind, a.c.cutover)
         .select_from(u.join(a, a.c.code == u.c.agency)).where(u.c.area == str(area)).order_by(u.c.code))
    return [dict(r._mapping) for r in conn.execute(q)]


def people(conn: Connection, unit_codes: list[str]) -> list[dict]:
    """Users of the units who are not on Soft Token yet, or who still hold a Token Key."""
    u = orm.users
    q = (select(u.c.id, u.c.name, u.c.unit, u.c.roles, u.c.credential, u.c.soft_token, u.c.token_key_held)
         .where(u.c.unit.in_(unit_codes))
         .where((u.c.soft_token != "active") | ((u.c.credential == "token_key") & u.c.token_key_held.is_(True)))
         .order_by(u.c.unit, u.c.id))
    return [dict(r._mapping) for r in conn.execute(q)]


def open_losses(conn: Connection, unit_codes: list[str]) -> list[dict]:
    """Lost phones whose head's letter has not been filed yet (overdue or not)."""
    lr, u = orm.loss_reports, orm.users
    q = (select(lr.c.id, lr.c.user_id, u.c.name, lr.c.unit, lr.c.lost_at, lr.c.letter_due)
         .select_from(lr.join(u, u.c.id == lr.c.user_id))
         .where(lr.c.unit.in_(unit_codes), lr.c.letter_no.is_(None)).order_by(lr.c.letter_due, lr.c.id))
    return [dict(r._mapping) for r in conn.execute(q)]


def open_documents(conn: Connection, unit_codes: list[str]) -> list[dict]:
    """Reserve documents still open at blank, 21 or 22 (the ones a round deadline can lapse)."""
    d = orm.reserve_docs
    q = (select(d.c.doc_no, d.c.doc_type, d.c.unit, d.c.fiscal_year, d.c.text, d.c.remaining, d.c.status,
                d.c.sept_approved)
         .where(d.c.unit.in_(unit_codes), d.c.closed == "", d.c.status.in_(OPEN_STATUSES))
         .order_by(d.c.unit, d.c.doc_no))
    out = []
    for r in conn.execute(q):
        row = dict(r._mapping)
        row["remaining"] = baht(row["remaining"])
        out.append(row)
    return out


def loss_report(conn: Connection, user_id: str) -> dict | None:
    """The user's latest lost-phone report (filed or not)."""
    lr = orm.loss_reports
    row = conn.execute(select(lr).where(lr.c.user_id == str(user_id)).order_by(lr.c.id.desc()).limit(1)).first()
    return None if row is None else dict(row._mapping)


def heads(conn: Connection, unit: str) -> list[dict]:
    """The unit's heads (who sign its letters); roles are stored comma-separated."""
    u = orm.users
    rows = conn.execute(select(u.c.id, u.c.name, u.c.roles).where(u.c.unit == str(unit)).order_by(u.c.id))
    return [dict(r._mapping) for r in rows if "head" in r.roles.split(",")]
