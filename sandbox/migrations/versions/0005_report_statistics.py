"""SQLite: the query planner's statistics for the documents, written with the schema

Revision ID: 0005_report_statistics
Revises: 0004_drop_agency_index
Create Date: 2026-12-02

A new SQLite file has no planner statistics (``sqlite_stat1``), and without them SQLite takes
every equality on an indexed column for a handful of rows. Over a country's documents that
chose the wrong plans: the fiscal year alone (a report with no other filter) read a million
rows through the year's index and sorted them for a page of 100 (1.7 s, where the primary key
in order gives the page at once), «March round, not listed» 0.6–0.9 s. The statistics that
``PRAGMA optimize`` gathers as a connection closes (sampled: ``analysis_limit``) were no better:
a sorted index's first few hundred entries all hold one value, so every filter column looked
selective, and the same plans were chosen in every later session.

SQLite's documented remedy for an application's file, which is empty when it is made
(sqlite.org/optoverview.html, "Manual control of query plans using SQLITE_STAT tables"): the
statistics of a large prototype database, written into each new file. These are
``ANALYZE``'s rows for ``bench.reports``' country (1,000,000 documents across 2,000 units of
100 agencies, 7 statuses, 20 reasons, 5 fund sources, one fiscal year), rounded. With a row for
every index of the two tables, ``PRAGMA optimize`` leaves them alone (it re-analyses a table
only when an index has no row, or the table grew 25-fold over the rows' count); a file with a
hundred documents plans as a country would, and is fast either way.

PostgreSQL keeps its own statistics (autovacuum's ``ANALYZE``): nothing to do there.
A new index on either table needs its row here (a new migration), or ``PRAGMA optimize``
samples the whole table again (``tests/test_report_plans.py`` checks every index has one).
"""

from alembic import op

revision = "0005_report_statistics"
down_revision = "0004_drop_agency_index"
branch_labels = None
depends_on = None

# (table, index, "rows, then the rows per distinct value of each leading column set")
# Kept here, not computed: a migration does not change.
STATISTICS = [
    ("reserve_docs", "sqlite_autoindex_reserve_docs_1", "1000000 1"),  # doc_no
    ("reserve_docs", "ix_reserve_docs_report", "1000000 500 500 72"),  # unit, fiscal_year, status
    ("reserve_docs", "ix_reserve_docs_lapse", "1000000 1000000 1000000 142858"),  # fiscal_year, closed, status
    ("reserve_docs", "ix_reserve_docs_status", "1000000 142858 142858 142858 1"),
    ("reserve_docs", "ix_reserve_docs_type", "1000000 500000 500000 1"),
    ("reserve_docs", "ix_reserve_docs_reason", "1000000 50000 50000 1"),
    ("reserve_docs", "ix_reserve_docs_area", "1000000 13000 13000 1"),
    ("reserve_docs", "ix_reserve_docs_fund", "1000000 200000 200000 1"),
    ("reserve_docs", "ix_reserve_docs_budget", "1000000 1000000 500 1"),  # fiscal_year, budget_code, doc_no
    ("reserve_docs", "ix_reserve_docs_remaining", "1000000 16 16"),
    ("contract_lines", "sqlite_autoindex_contract_lines_1", "350000 1 1"),  # doc_no, line
]
TABLES = ("reserve_docs", "contract_lines")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    # ``ANALYZE sqlite_schema`` makes the statistics table (a table without indexes: no rows);
    # run again after the rows are in, it has this connection's planner read them
    bind.exec_driver_sql("ANALYZE sqlite_schema")
    bind.exec_driver_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN {TABLES!r}")
    for table, index, stat in STATISTICS:
        bind.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", (table, index, stat))
    bind.exec_driver_sql("ANALYZE sqlite_schema")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN {TABLES!r}")
