"""Records the rules keep beside the objects: rights-change requests (a head's written order,
approved by CGD or the provincial treasury office) and lost-phone reports (with the head's letter).

A mixin of :class:`sandbox.adapters.repository.Repository`: like the rest of the repository these
write SQL only after the handler's last check, so a refused command has written none of it.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from . import orm


class PendingRights(NamedTuple):
    id: int
    roles: frozenset[str]


class OpenLossReport(NamedTuple):
    id: int
    letter_due: dt.datetime


class Records:
    conn: Connection  # the repository's connection

    # ------------------------------------------------------------ rights changes
    def request_rights_change(self, user_id: str, roles, order_file: str, requested_by: str, at: dt.datetime) -> None:
        self.conn.execute(
            insert(orm.rights_changes).values(
                user_id=user_id, roles=",".join(sorted(set(roles))), order_file=order_file,
                requested_by=requested_by, requested_at=at,
            )
        )

    def pending_rights_change(self, user_id: str) -> PendingRights | None:
        """The latest request for ``user_id`` not yet approved."""
        rc = orm.rights_changes
        row = self.conn.execute(
            select(rc.c.id, rc.c.roles).where(rc.c.user_id == user_id, rc.c.approved_at.is_(None))
            .order_by(rc.c.id.desc()).limit(1)
        ).first()
        if row is None:
            return None
        return PendingRights(row.id, frozenset(r for r in row.roles.split(",") if r))

    def approve_rights_change(self, change_id: int, approved_by: str, at: dt.datetime) -> None:
        rc = orm.rights_changes
        self.conn.execute(update(rc).where(rc.c.id == change_id).values(approved_by=approved_by, approved_at=at))

    # ------------------------------------------------------------ lost phones
    def report_loss(self, user_id: str, unit: str, lost_at: dt.datetime, letter_due: dt.datetime) -> None:
        self.conn.execute(insert(orm.loss_reports).values(user_id=user_id, unit=unit, lost_at=lost_at, letter_due=letter_due))

    def open_loss_report(self, user_id: str) -> OpenLossReport | None:
        """The latest loss report of ``user_id`` still waiting for the head's letter."""
        lr = orm.loss_reports
        row = self.conn.execute(
            select(lr.c.id, lr.c.letter_due).where(lr.c.user_id == user_id, lr.c.letter_no.is_(None))
            .order_by(lr.c.id.desc()).limit(1)
        ).first()
        return None if row is None else OpenLossReport(row.id, row.letter_due)

    def file_loss_letter(self, report_id: int, letter_no: str, at: dt.datetime) -> None:
        lr = orm.loss_reports
        self.conn.execute(update(lr).where(lr.c.id == report_id).values(letter_no=letter_no, letter_at=at))
