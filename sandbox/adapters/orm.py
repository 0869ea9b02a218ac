"""Database tables (SQLAlchemy Core). Money is stored in satang (integer), moments in UTC."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

from ..domain.calendar import BANGKOK

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class Moment(TypeDecorator):
    """An aware moment: stored as naive UTC, read back in Asia/Bangkok."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=BANGKOK)
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC).astimezone(BANGKOK)

    # The simulated clock stands still between its moves, so a batch writes and reads the same
    # few instants thousands of times: each conversion (a timezone shift and the store's own
    # text or timestamp form) is done once and remembered. Instants are immutable, so sharing
    # one converted value is safe; the memory is bounded.
    def bind_processor(self, dialect):
        return _remembered(super().bind_processor(dialect))

    def result_processor(self, dialect, coltype):
        return _remembered(super().result_processor(dialect, coltype))


_REMEMBERED = 4096  # converted values kept per processor


def _remembered(convert):
    if convert is None:
        return None
    known: dict = {}

    def process(value):
        if value is None:
            return None
        # (a naive moment never equals an aware one, so the two are kept apart; two aware
        # moments of one instant are equal and stored the same)
        try:
            return known[value]
        except KeyError:
            pass
        except TypeError:  # not hashable: not a moment, the conversion says what is wrong
            return convert(value)
        out = convert(value)
        if len(known) >= _REMEMBERED:
            known.clear()
        known[value] = out
        return out

    return process


state = Table(
    "state",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
)

extra_holidays = Table(
    "extra_holidays",
    metadata,
    Column("day", Date, primary_key=True),
    Column("name", Text, nullable=False, default=""),
)

cutover_policy = Table(
    "cutover_policy",
    metadata,
    Column("key", String(40), primary_key=True),
    Column("name_th", Text, nullable=False),
    Column("name_en", Text, nullable=False),
    Column("register_from", Moment, nullable=True),
    Column("refuse_from", Moment, nullable=False),
    Column("token_return_by", Date, nullable=True),
    Column("source", String(20), nullable=False),
    Column("clause", Text, nullable=False, default=""),
    Column("events", Text, nullable=False, default="[]"),  # JSON: briefing, prepare-by …
)

round_policy = Table(
    "round_policy",
    metadata,
    Column("fiscal_year", Integer, primary_key=True),
    Column("september_deadline", Moment, nullable=True),
    Column("march_deadline", Moment, nullable=True),
)

agencies = Table(
    "agencies",
    metadata,
    Column("code", String(5), primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(30), nullable=False),
    Column("cutover", String(40), nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("code", String(10), primary_key=True),
    Column("agency", String(5), ForeignKey("agencies.code"), nullable=False),
    Column("area", String(4), nullable=False),
    Column("name", Text, nullable=False),
    Column("regional", Boolean, nullable=False, default=False),
)

users = Table(
    "users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("national_id", String(13), nullable=False),
    Column("unit", String(10), ForeignKey("units.code"), nullable=False, index=True),
    Column("roles", Text, nullable=False, default=""),
    Column("credential", String(20), nullable=False),
    Column("password_hash", Text, nullable=True),
    Column("password_changed", Moment, nullable=True),
    Column("must_change", String(40), nullable=False, default=""),
    Column("token_key_held", Boolean, nullable=False, default=False),
    Column("apps", Text, nullable=False, default=""),
    Column("identity_verified", Boolean, nullable=False, default=False),
    Column("soft_token", String(20), nullable=False, default="none"),
    Column("totp_secret", String(64), nullable=True),
    Column("last_otp_counter", BigInteger, nullable=False, default=0),
    Column("failed_otps", Integer, nullable=False, default=0),
    Column("locked_until", Moment, nullable=True),
    Column("failed_passwords", Integer, nullable=False, default=0, server_default="0"),
    Column("password_locked_until", Moment, nullable=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("user_id", String(40), ForeignKey("users.id"), primary_key=True),
    Column("method", String(20), nullable=False),
    Column("started_at", Moment, nullable=False),
    Column("last_seen", Moment, nullable=False),
)

rights_changes = Table(
    "rights_changes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("roles", Text, nullable=False),
    Column("order_file", Text, nullable=False),
    Column("requested_by", String(40), nullable=False),
    Column("requested_at", Moment, nullable=False),
    Column("approved_by", String(40), nullable=True),
    Column("approved_at", Moment, nullable=True),
)

loss_reports = Table(
    "loss_reports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(40), ForeignKey("users.id"), nullable=False, index=True),
    Column("unit", String(10), nullable=False, index=True),
    Column("lost_at", Moment, nullable=False),
    Column("letter_due", Moment, nullable=False),
    Column("letter_no", Text, nullable=True),
    Column("letter_at", Moment, nullable=True),
)

budget_lines = Table(
    "budget_lines",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(10), ForeignKey("units.code"), nullable=False),
    Column("budget_code", String(20), nullable=False),
    Column("fund_source", String(7), nullable=False),
    Column("commitment_item", String(10), nullable=False),
    Column("allocation", BigInteger, nullable=False),
    Column("reserved", BigInteger, nullable=False, default=0),
    Column("disbursed", BigInteger, nullable=False, default=0),
    Column("lapsed", BigInteger, nullable=False, default=0),
    UniqueConstraint("unit", "budget_code", "fund_source", "commitment_item", name="uq_budget_line"),
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(10), primary_key=True),
    Column("value", BigInteger, nullable=False),
)

reserve_docs = Table(
    "reserve_docs",
    metadata,
    Column("doc_no", String(10), primary_key=True),
    Column("doc_type", String(2), nullable=False),
    Column("unit", String(10), ForeignKey("units.code"), nullable=False),
    Column("agency", String(5), nullable=False),
    Column("area", String(4), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("budget_line_id", Integer, ForeignKey("budget_lines.id"), nullable=False),
    Column("budget_code", String(20), nullable=False),
    Column("fund_source", String(7), nullable=False),
    Column("commitment_item", String(10), nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("reason", String(4), nullable=False, default=""),
    Column("reason_detail", Text, nullable=False, default=""),
    Column("doc_date", Date, nullable=False),
    Column("posting_date", Date, nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("remaining", BigInteger, nullable=False),
    Column("approved", BigInteger, nullable=False, default=0),
    Column("status", String(2), nullable=False, default=""),
    Column("sept_approved", Boolean, nullable=False, default=False),
    Column("closed", String(10), nullable=False, default=""),
    Column("closed_at", Moment, nullable=True),
    Column("close_note", Text, nullable=False, default=""),
    Column("created_by", String(40), nullable=False),
    Column("created_at", Moment, nullable=False),
    Index("ix_reserve_docs_report", "unit", "fiscal_year", "status"),
    Index("ix_reserve_docs_lapse", "fiscal_year", "closed", "status"),
    # (ix_reserve_docs_agency, dropped by migration 0004: no query reads documents by agency)
)

contract_lines = Table(
    "contract_lines",
    metadata,
    Column("doc_no", String(10), ForeignKey("reserve_docs.doc_no"), primary_key=True),
    Column("line", Integer, primary_key=True),
    Column("contract_no", Text, nullable=False, default=""),
    Column("lc_no", Text, nullable=False, default=""),
    Column("lao_name", Text, nullable=False, default=""),
    Column("item", Text, nullable=False, default=""),
    Column("creditor", Text, nullable=False, default=""),
    Column("signed", Date, nullable=True),
    Column("due", Date, nullable=True),
)

doc_history = Table(
    "doc_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("doc_no", String(10), nullable=False, index=True),
    Column("at", Moment, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("from_status", String(2), nullable=False),
    Column("to_status", String(2), nullable=False),
    Column("note", Text, nullable=False, default=""),
)

withdrawals = Table(
    "withdrawals",
    metadata,
    Column("request_no", String(10), primary_key=True),
    Column("doc_no", String(10), ForeignKey("reserve_docs.doc_no"), nullable=False, index=True),
    Column("amount", BigInteger, nullable=False),
    Column("status", String(20), nullable=False),
    Column("requested_by", String(40), nullable=False),
    Column("requested_at", Moment, nullable=False),
    Column("approved_by", String(40), nullable=True),
    Column("approved_at", Moment, nullable=True),
    Column("paid_by", String(40), nullable=True),
    Column("paid_at", Moment, nullable=True),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Moment, nullable=False),
    Column("actor", String(40), nullable=False),
    Column("action", String(40), nullable=False),
    Column("input", Text, nullable=False),
    Column("ok", Boolean, nullable=False),
    Column("error", String(40), nullable=True),
    Column("result", Text, nullable=False),
)

# Tables in the order rows may be deleted (children first).
RESET_ORDER = [
    audit, withdrawals, doc_history, contract_lines, reserve_docs, counters, budget_lines,
    loss_reports, rights_changes, sessions, users, units, agencies, round_policy,
    cutover_policy, extra_holidays, state,
]

# The reports' filters (NFMA60 / NFMA60CX over the whole country, issue 17): one index per
# condition the report screen offers, the condition first, then the fiscal year every report
# names, then the document number the rows are listed in (a page is read in order, no sort).
# The unit scope and the owner unit use ix_reserve_docs_report; a document number, the key.
REPORT_INDEXES = [
    Index("ix_reserve_docs_status", reserve_docs.c.status, reserve_docs.c.fiscal_year, reserve_docs.c.closed,
          reserve_docs.c.doc_no),
    Index("ix_reserve_docs_type", reserve_docs.c.doc_type, reserve_docs.c.fiscal_year, reserve_docs.c.doc_no),
    Index("ix_reserve_docs_reason", reserve_docs.c.reason, reserve_docs.c.fiscal_year, reserve_docs.c.doc_no),
    Index("ix_reserve_docs_area", reserve_docs.c.area, reserve_docs.c.fiscal_year, reserve_docs.c.doc_no),
    Index("ix_reserve_docs_fund", reserve_docs.c.fund_source, reserve_docs.c.fiscal_year, reserve_docs.c.doc_no),
    # the year first: a budget unit is a range of the budget code, which must not lose to the year alone
    Index("ix_reserve_docs_budget", reserve_docs.c.fiscal_year, reserve_docs.c.budget_code, reserve_docs.c.doc_no),
    Index("ix_reserve_docs_remaining", reserve_docs.c.remaining, reserve_docs.c.fiscal_year),
]
