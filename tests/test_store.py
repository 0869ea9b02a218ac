"""The store: migrations, units of work, the audit trail — on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from sandbox.adapters import orm
from sandbox.engine import Sandbox

from .conftest import login

CK = {
    "doc_type": "CK", "reason": "CK05", "budget_code": "12001350001000000002",
    "fund_source": "6611200", "commitment_item": "5101020000", "amount": 1000, "text": "t",
}


def count(sb: Sandbox, table) -> int:
    with sb.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_migrations_build_exactly_the_tables_of_the_model(sandbox):
    with sandbox.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), orm.metadata)
    assert diff == []


def test_sqlite_is_in_wal_mode(sqlite_sandbox):
    with sqlite_sandbox.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_refused_action_stores_nothing_but_its_audit_line(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sandbox, "rec1", "password")
    before = {t.name: count(sandbox, t) for t in (orm.reserve_docs, orm.contract_lines, orm.counters, orm.doc_history)}
    result = sandbox.execute("rec1", "reserve.create", CK | {"amount": 99_000_000})
    assert result.error == "insufficient_budget"
    after = {t.name: count(sandbox, t) for t in (orm.reserve_docs, orm.contract_lines, orm.counters, orm.doc_history)}
    assert after == before
    line = sandbox.budget_line("12001350001000000002", "6611200", "5101020000")
    assert line["reserved"] == 0
    last = sandbox.audit(limit=1)[0]
    assert (last["actor"], last["action"], last["ok"], last["error"]) == ("rec1", "reserve.create", False, "insufficient_budget")
    assert last["input"]["amount"] == 99_000_000
    assert "เกินยอดงบประมาณคงเหลือ" in last["result"]["message_th"]


def test_every_attempt_is_audited_with_simulated_time(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    sandbox.execute("rec1", "reserve.create", CK)  # not logged in
    login(sandbox, "rec1", "password")
    sandbox.execute("rec1", "reserve.create", CK)
    trail = sandbox.audit()
    assert [(a["action"], a["ok"], a["error"]) for a in reversed(trail)] == [
        ("reserve.create", False, "not_logged_in"),
        ("auth.login", True, None),
        ("reserve.create", True, None),
    ]
    assert all(a["at"].isoformat() == "2023-09-04T09:00:00+07:00" for a in trail)
    # the password is in the input as typed, but a one-time password never reaches the audit
    otp = sandbox.execute("pto1", "user.issue_credentials", {"user": "newbie"})
    assert otp.error == "not_logged_in"


def test_one_time_passwords_are_not_written_to_the_audit(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sandbox, "pto1", "password")
    result = sandbox.execute("pto1", "user.issue_credentials", {"user": "newbie"})
    assert result.ok and len(result.data["one_time_password"]) == 10
    assert result.data["one_time_password"] not in str(sandbox.audit(limit=1)[0])


def test_passwords_are_stored_only_as_salted_hashes(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    with sandbox.engine.connect() as conn:
        hashes = conn.execute(select(orm.users.c.password_hash).where(orm.users.c.password_hash.is_not(None))).scalars().all()
    assert hashes and all(h.startswith("scrypt$") and "Sandbox" not in h for h in hashes)


def test_clock_never_moves_backwards(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sandbox, "trainer", "password")
    result = sandbox.execute("trainer", "clock.advance", {"to": "2023-09-01T00:00:00+07:00"})
    assert result.error == "clock_backwards"
    assert sandbox.now.isoformat() == "2023-09-04T09:00:00+07:00"


def test_unknown_action_is_refused(sandbox):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    assert sandbox.execute("rec1", "reserve.teleport", {}).error == "unknown_action"


@pytest.mark.parametrize(("actor", "action"), [
    ("rec1", "round.list"), ("rec1", "round.list_cancel"), ("appr_c", "round.confirm"),
    ("cgd1", "round.approve"), ("cgd1", "round.reject"), ("cgd1", "round.cancel_confirm"),
])
def test_a_round_step_on_no_document_is_refused(sandbox, actor, action):
    # An empty tick list used to come back "done" with nothing changed: the trainee believed it.
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sandbox, actor)
    result = sandbox.execute(actor, action, {"docs": []})
    assert (result.ok, result.error, result.field) == (False, "no_documents", "docs")
    assert "ยังไม่ได้เลือกเอกสาร" in result.message_th and "«เลือก»" in result.message_th
    last = sandbox.audit(limit=1)[0]
    assert (last["action"], last["ok"], last["error"]) == (action, False, "no_documents")


@pytest.mark.parametrize("field", ["amount", "colour"])
def test_malformed_input_names_the_field(sandbox, field):
    sandbox.load_world("demo", "2023-09-04T09:00:00+07:00")
    login(sandbox, "rec1", "password")
    result = sandbox.execute("rec1", "reserve.create", CK | {field: {"x": 1}} if field == "colour" else CK | {"amount": "abc"})
    assert result.error == ("invalid_input" if field == "colour" else "invalid_amount")
    assert result.message_th and result.message_en
