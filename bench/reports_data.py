"""The country the report benchmark reads: ``units`` disbursement units (20 to an agency, 77
areas) and ``docs`` reserve documents of FY2566 written with set-based SQL (one ``INSERT …
SELECT`` over a number series), on SQLite or PostgreSQL. A document's type, reason, status,
fund source and amount come from a multiplicative hash of its number, so both stores hold the
same rows and every filter has a known share of them (status 1/7, reason 1/20, type CX 7/20,
fund source 1/5, area 1/77, an agency 1/100)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, bindparam, text

from sandbox.adapters.orm import Moment

START = "2024-02-05T09:00:00+07:00"  # FY2567; the documents belong to FY2566 (March round open)
UNITS_PER_AGENCY = 20
FUND_SOURCES = ("6611200", "6611310", "6611410", "6611500", "6611510")
STATUSES = ("", "21", "31", "50", "22", "32", "40")  # index ≥ 3: approved in September


def world(units: int) -> dict:
    agency = [f"{30000 + i // UNITS_PER_AGENCY:05d}" for i in range(units)]
    return {
        "agencies": [{"code": a, "name": f"กรม {a}", "kind": "government", "cutover": "all_agencies"}
                     for a in sorted(set(agency))],
        "units": [
            {"code": f"{agency[i]}{i % UNITS_PER_AGENCY:05d}", "agency": agency[i], "area": f"{1000 + (i % 77) * 100:04d}",
             "name": f"หน่วยเบิกจ่าย {i}", "regional": i % UNITS_PER_AGENCY != 0}
            for i in range(units)
        ],
        "users": [],
        "budget_lines": [],
    }


def _pad(dialect: str, expr: str, n: int) -> str:
    return f"printf('%0{n}d', {expr})" if dialect == "sqlite" else f"lpad(({expr})::text, {n}, '0')"


def generate(conn, units: int, docs: int) -> None:
    """Budget lines (one per unit), then the documents and the CX documents' contract lines."""
    d = conn.dialect.name
    conn.execute(text(
        "INSERT INTO budget_lines (unit, budget_code, fund_source, commitment_item, allocation, reserved, disbursed, lapsed) "
        f"SELECT code, substr(code, 1, 5) || '3500010000' || {_pad(d, 'n', 5)}, '6611200', '5101020000', 0, 0, 0, 0 "
        "FROM (SELECT code, ROW_NUMBER() OVER (ORDER BY code) AS n FROM units) AS u"))
    conn.execute(text("CREATE TABLE bench_units (k INTEGER PRIMARY KEY, code VARCHAR(10), agency VARCHAR(5), "
                      "area VARCHAR(4), line_id INTEGER, budget_code VARCHAR(20))"))
    conn.execute(text(
        "INSERT INTO bench_units SELECT ROW_NUMBER() OVER (ORDER BY u.code) - 1, u.code, u.agency, u.area, b.id, b.budget_code "
        "FROM units u JOIN budget_lines b ON b.unit = u.code"))
    series = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :docs) SELECT i FROM n"
              if d == "sqlite" else "SELECT i::bigint AS i FROM generate_series(1, :docs) AS g(i)")
    # h: 24 well-mixed bits of the document number; r reason (0-6 CX, 7-19 CK), s status, f fund source
    hashed = (f"SELECT i, h % 20 AS r, (h / 20) % 7 AS s, (h / 140) % 5 AS f, "
              f"10000000 + ((i * 40503) % 65521) * 7607 AS v FROM "
              f"(SELECT i, ((i * 2654435761) % 4294967296) / 256 AS h FROM ({series}) AS n0) AS n1")
    status = "CASE s " + " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(STATUSES)) + " END"
    fund = "CASE f " + " ".join(f"WHEN {k} THEN '{v}'" for k, v in enumerate(FUND_SOURCES)) + " END"
    kind = "CASE WHEN r < 7 THEN 'CX' ELSE 'CK' END"
    reason = f"CASE WHEN r < 7 THEN 'CX' || {_pad(d, 'r + 1', 2)} ELSE 'CK' || {_pad(d, 'r - 6', 2)} END"
    conn.execute(text(
        "INSERT INTO reserve_docs (doc_no, doc_type, unit, agency, area, fiscal_year, budget_line_id, budget_code, "
        "fund_source, commitment_item, text, reason, reason_detail, doc_date, posting_date, value, remaining, approved, "
        "status, sept_approved, closed, closed_at, close_note, created_by, created_at) "
        f"SELECT {kind} || {_pad(d, 'i', 8)}, {kind}, u.code, u.agency, u.area, 2566, u.line_id, u.budget_code, {fund}, "
        f"'5101020000', 'รายการที่ ' || i, {reason}, '', :day, :day, v, v, CASE WHEN s >= 3 THEN v ELSE 0 END, "
        f"{status}, s >= 3, '', NULL, '', 'bench', :at "
        f"FROM ({hashed}) AS x JOIN bench_units u ON u.k = x.i % :units"
    ).bindparams(bindparam("day", dt.date(2023, 9, 1), type_=Date),
                 bindparam("at", dt.datetime(2023, 9, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))), type_=Moment)),
        {"docs": docs, "units": units})
    conn.execute(text(
        "INSERT INTO contract_lines (doc_no, line, contract_no, lc_no, lao_name, item, creditor, signed, due) "
        "SELECT doc_no, 1, 'สัญญา ' || doc_no, '', '', 'งานจ้าง', 'บริษัทตัวอย่าง จำกัด', :signed, :due "
        "FROM reserve_docs WHERE doc_type = 'CX'"
    ).bindparams(bindparam("signed", dt.date(2023, 8, 1), type_=Date), bindparam("due", dt.date(2024, 3, 31), type_=Date)))
    conn.execute(text("DROP TABLE bench_units"))
