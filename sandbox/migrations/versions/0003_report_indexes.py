"""indexes for the reports' filters (NFMA60 / NFMA60CX over the whole country)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

One index per condition the report screen offers (status, type, reason, area, fund source,
budget code and budget unit, remaining): the condition first, then the fiscal year every report
names, then the document number the rows are listed in, so a filtered report over a million
documents reads the rows it shows and no others, and a page of them needs no sort. The unit
scope and the owner unit already had ``ix_reserve_docs_report`` (unit, fiscal year, status).
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Kept here, not imported from the ORM: a migration does not change.
INDEXES = {
    "ix_reserve_docs_status": ["status", "fiscal_year", "closed", "doc_no"],
    "ix_reserve_docs_type": ["doc_type", "fiscal_year", "doc_no"],
    "ix_reserve_docs_reason": ["reason", "fiscal_year", "doc_no"],
    "ix_reserve_docs_area": ["area", "fiscal_year", "doc_no"],
    "ix_reserve_docs_fund": ["fund_source", "fiscal_year", "doc_no"],
    # the year first: a budget unit is a range of the budget code (an equality on the year alone,
    # ix_reserve_docs_lapse, would otherwise look better to SQLite's planner without statistics)
    "ix_reserve_docs_budget": ["fiscal_year", "budget_code", "doc_no"],
    "ix_reserve_docs_remaining": ["remaining", "fiscal_year"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "reserve_docs", columns, unique=False)


def downgrade() -> None:
    for name in reversed(list(INDEXES)):
        op.drop_index(name, table_name="reserve_docs")
