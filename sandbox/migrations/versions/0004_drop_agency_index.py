"""drop ix_reserve_docs_agency, an index no query reads

Revision ID: 0004_drop_agency_index
Revises: 0003
Create Date: 2026-12-02

``ix_reserve_docs_agency`` (agency, fiscal year) served no statement: no report, view or engine
query filters documents by agency (an agency's documents are reached through its units,
``ix_reserve_docs_report``). SQLite's ``EXPLAIN QUERY PLAN`` of every report filter
(``tests/test_report_plans.py``'s list, listing and count) names each of the other nine indexes
of the table and never this one; no engine or view statement names the agency column of
``reserve_docs`` in a condition. Every document inserted paid for it (issue 17, engine).
"""

from alembic import op

revision = "0004_drop_agency_index"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_reserve_docs_agency", table_name="reserve_docs")


def downgrade() -> None:
    op.create_index("ix_reserve_docs_agency", "reserve_docs", ["agency", "fiscal_year"], unique=False)
