"""no secret in the audit trail; password throttling columns

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

Audit lines written before this revision kept what a person typed at login, at a password change
and at Soft Token registration. This revision blanks every such value in place (the line stays:
who did what, when, and whether it was refused) and adds the two columns that count wrong
passwords in a row and lock the account for 15 minutes after the fifth.
"""

import json

import sqlalchemy as sa
from alembic import op

import sandbox.adapters.orm

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The input keys that held a secret (kept here, not imported: a migration does not change).
SECRET_KEYS = {"password", "old", "new", "otp", "one_time_password", "provisioning_uri", "secret", "totp_secret"}


def _scrub(value):
    if isinstance(value, dict):
        return {k: ("***" if k in SECRET_KEYS and v not in (None, "") else _scrub(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("failed_passwords", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("password_locked_until", sandbox.adapters.orm.Moment(), nullable=True))
    conn = op.get_bind()
    audit = sa.table("audit", sa.column("id", sa.Integer), sa.column("input", sa.Text), sa.column("result", sa.Text))
    rows = conn.execute(sa.select(audit.c.id, audit.c.input, audit.c.result)).all()
    for row in rows:
        changed = {}
        for name in ("input", "result"):
            try:
                data = json.loads(getattr(row, name))
            except (TypeError, ValueError):
                continue
            clean = _scrub(data)
            if clean != data:
                changed[name] = json.dumps(clean, ensure_ascii=False)
        if changed:
            conn.execute(sa.update(audit).where(audit.c.id == row.id).values(**changed))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_locked_until")
        batch.drop_column("failed_passwords")
