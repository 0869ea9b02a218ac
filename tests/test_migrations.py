"""Schema upgrades on both stores: a database made by an older version opens, and what the
upgrade promises holds (no secret left in the audit trail)."""

from __future__ import annotations

import datetime as dt
import json

from alembic import command
from sqlalchemy import text

from sandbox.adapters.db import alembic_config, database_url, make_engine
from sandbox.engine import Sandbox

from .conftest import PASSWORD, login


def _at_revision(url: str, revision: str) -> None:
    engine = make_engine(database_url(url))
    with engine.begin() as conn:
        # A fresh schema at ``revision`` (what an older sandbox left on disk).
        names = [r[0] for r in conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
            if conn.dialect.name == "postgresql" else "SELECT name FROM sqlite_master WHERE type = 'table'")]
        for name in names:
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}" CASCADE' if conn.dialect.name == "postgresql"
                                 else f'DROP TABLE IF EXISTS "{name}"')
        cfg = alembic_config(None)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
    engine.dispose()


def test_the_upgrade_blanks_secrets_an_older_audit_trail_kept(db_url):
    _at_revision(db_url, "0001")
    engine = make_engine(database_url(db_url))
    old_lines = [
        ("rec1", "auth.login", {"method": "soft_token", "password": PASSWORD, "otp": "123456"}, {"user": "rec1"}),
        ("rec1", "user.change_password", {"old": PASSWORD, "new": "Secret#2568"}, {}),
        ("pw_rec", "softtoken.register", {"password": PASSWORD}, {"provisioning_uri": "otpauth://totp/x?secret=ABC"}),
        ("rec1", "reserve.create", {"doc_type": "CK", "amount": 1000}, {"doc_no": "CK00000001"}),
    ]
    with engine.begin() as conn:
        for actor, action, input_, result in old_lines:
            conn.execute(
                text("INSERT INTO audit (at, actor, action, input, ok, error, result) "
                     "VALUES (:at, :actor, :action, :input, :ok, NULL, :result)"),
                {"at": "2025-06-02T09:00:00+07:00", "actor": actor, "action": action,
                 "input": json.dumps(input_), "ok": True, "result": json.dumps(result)},
            )
    engine.dispose()
    sb = Sandbox(db_url)  # opening it upgrades the schema
    try:
        trail = json.dumps(sb.audit(), default=str)
        for secret in (PASSWORD, "123456", "Secret#2568", "otpauth://"):
            assert secret not in trail, f"{secret!r} survived the upgrade"
        rows = {row["action"]: row for row in sb.audit()}
        assert rows["reserve.create"]["input"]["amount"] == 1000  # the rest of the line stays
        assert rows["auth.login"]["input"]["method"] == "soft_token"
        # The throttling columns arrived with the upgrade and work.
        sb.load_world("demo", dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))))
        login(sb, "rec1")
    finally:
        sb.close()
