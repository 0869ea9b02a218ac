"""The read side: plain queries over the tables (documents, users, budget lines, reports).

NFMA60 and NFMA60CX are one query each, whatever the number of documents.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import islice
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.functions import FunctionElement

from .adapters import orm
from .adapters.repository import Repository
from .domain import auth as auth_rules
from .domain.auth import login_methods
from .domain.calendar import fiscal_year_bounds
from .domain.model import BLOCKED, Session, baht, satang
from .domain.policy import Cutover

if TYPE_CHECKING:
    from .domain.model import User
    from .domain.policy import RoundPolicy

docs = orm.reserve_docs
cl = orm.contract_lines
MONEY = ("value", "approved", "remaining")


def _money(row: dict, *names: str) -> dict:
    for name in names:
        if name in row and row[name] is not None:
            row[name] = baht(row[name])
    return row


def document(conn: Connection, doc_no: str) -> dict | None:
    row = conn.execute(select(docs).where(docs.c.doc_no == str(doc_no))).first()
    if row is None:
        return None
    out = _money(dict(row._mapping), "value", "remaining", "approved")
    out["blocked"] = out["status"] in BLOCKED
    out["cancelled"] = out["closed"] == "cancelled"
    out["lapsed"] = out["closed"] == "lapsed"
    out["contracts"] = [dict(r._mapping) for r in conn.execute(select(cl).where(cl.c.doc_no == str(doc_no)).order_by(cl.c.line))]
    h = orm.doc_history
    out["history"] = [dict(r._mapping) for r in conn.execute(select(h).where(h.c.doc_no == str(doc_no)).order_by(h.c.id))]
    return out


def user_state(conn: Connection, user_id: str, now: dt.datetime, cutover: Callable[[str], Cutover]) -> dict | None:
    """A user as the trainer's desk and the phone show them; ``cutover(key)`` is the policy's."""
    repo = Repository(conn)
    user = repo.user(user_id)
    if user is None:
        return None
    agency = repo.agency(repo.unit(user.unit).agency)
    return {
        "id": user.id,
        "name": user.name,
        "unit": user.unit,
        "roles": sorted(user.roles),
        "credential": user.credential,
        "soft_token": user.soft_token,
        "identity": "verified" if user.identity_verified else "unverified",
        "apps": sorted(user.apps),
        "login_methods": sorted(login_methods(user, cutover(agency.cutover), now)),
        "password_change_required": bool(user.must_change),
        "token_key_held": user.token_key_held,
        "locked_until": user.locked_until,
        "failed_otps": user.failed_otps,
        "totp_secret": user.totp_secret,
    }


def unit_with_agency(conn: Connection, code: str) -> dict | None:
    """A unit's code and name with its agency's code and name (a report's title block)."""
    u, a = orm.units, orm.agencies
    row = conn.execute(
        select(u.c.code, u.c.name, a.c.code.label("agency_code"), a.c.name.label("agency_name"))
        .select_from(u.join(a, a.c.code == u.c.agency)).where(u.c.code == str(code))
    ).first()
    return None if row is None else dict(row._mapping)


def budget_line(conn: Connection, budget_code: str, fund_source: str, commitment_item: str, unit: str | None = None) -> dict | None:
    t = orm.budget_lines
    cond = [t.c.budget_code == str(budget_code), t.c.fund_source == str(fund_source), t.c.commitment_item == str(commitment_item)]
    if unit:
        cond.append(t.c.unit == str(unit))
    row = conn.execute(
        select(
            func.sum(t.c.allocation).label("allocation"),
            func.sum(t.c.reserved).label("reserved"),
            func.sum(t.c.disbursed).label("disbursed"),
            func.sum(t.c.lapsed).label("lapsed"),
            func.count().label("n"),
        ).where(*cond)
    ).first()
    if not row or not row.n:
        return None
    out = {k: int(getattr(row, k)) for k in ("allocation", "reserved", "disbursed", "lapsed")}
    out["available"] = out["allocation"] - out["reserved"] - out["disbursed"] - out["lapsed"]
    return _money(out, *out.keys())


def budget_lines(conn: Connection, unit: str | None = None) -> list[dict]:
    t = orm.budget_lines
    q = select(t).order_by(t.c.unit, t.c.budget_code, t.c.fund_source, t.c.commitment_item)
    if unit:
        q = q.where(t.c.unit == unit)
    out = []
    for r in conn.execute(q):
        row = dict(r._mapping)
        row["available"] = row["allocation"] - row["reserved"] - row["disbursed"] - row["lapsed"]
        out.append(_money(row, "allocation", "reserved", "disbursed", "lapsed", "available"))
    return out


def unit_state(conn: Connection, unit: str, now: dt.datetime,
               cutover: Callable[[str], Cutover] | None = None) -> dict:
    """A unit's flags: a loss letter overdue; Token Keys still held, and overdue once its group's
    return date has passed (``cutover`` reads the group; without it nothing is overdue)."""
    lr = orm.loss_reports
    overdue = conn.execute(
        select(func.count()).where(lr.c.unit == str(unit), lr.c.letter_no.is_(None), lr.c.letter_due <= now)
    ).scalar_one()
    u = orm.users
    holders = conn.execute(
        select(u.c.id).where(u.c.unit == str(unit), u.c.credential == "token_key", u.c.token_key_held.is_(True))
    ).scalars().all()
    keys_overdue = False
    a = orm.agencies
    group = conn.execute(
        select(a.c.cutover).select_from(orm.units.join(a, a.c.code == orm.units.c.agency))
        .where(orm.units.c.code == str(unit))
    ).scalar() if holders and cutover is not None else None
    if group:
        keys_overdue = auth_rules.token_return_late(cutover(group), now)
    return {"unit": unit, "loss_letter_overdue": overdue > 0, "token_key_holders": list(holders),
            "token_keys_overdue": keys_overdue}


def session_live(conn: Connection, user_id: str, now: dt.datetime) -> bool:
    row = conn.execute(select(orm.sessions).where(orm.sessions.c.user_id == user_id)).first()
    return row is not None and Session(row.user_id, row.method, row.started_at, row.last_seen).live_at(now)


def users(conn: Connection) -> list[dict]:
    u, units_t = orm.users, orm.units
    rows = conn.execute(
        select(u.c.id, u.c.name, u.c.unit, u.c.roles, u.c.credential, u.c.soft_token, units_t.c.name.label("unit_name"),
               units_t.c.area, units_t.c.agency)
        .select_from(u.join(units_t, units_t.c.code == u.c.unit)).order_by(u.c.unit, u.c.id)
    )
    return [dict(r._mapping) for r in rows]


def withdrawals(conn: Connection, unit: str) -> list[dict]:
    wd = orm.withdrawals
    rows = conn.execute(
        select(wd, docs.c.unit).select_from(wd.join(docs, docs.c.doc_no == wd.c.doc_no))
        .where(docs.c.unit == unit, wd.c.status.in_(("requested", "approved"))).order_by(wd.c.request_no)
    )
    return [_money(dict(r._mapping), "amount") for r in rows]


def audit(conn: Connection, limit: int | None = None) -> list[dict]:
    a = orm.audit
    q = select(a).order_by(a.c.id.desc())
    if limit:
        q = q.limit(limit)
    out = []
    for r in conn.execute(q):
        row = dict(r._mapping)
        row["input"] = json.loads(row["input"])
        row["result"] = json.loads(row["result"])
        out.append(row)
    return out


# ------------------------------------------------------------------ search and reports

class _sqlite_unindexed(FunctionElement):
    """A column as SQLite's planner must not look it up through an index (``+status``: the
    unary plus leaves any value as it is and names no index's key); elsewhere the column."""

    inherit_cache = True

    def __init__(self, column):
        super().__init__(column)
        self.type = column.type


@compiles(_sqlite_unindexed)
def _plain(element, compiler, **kw):
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(_sqlite_unindexed, "sqlite")
def _unary_plus(element, compiler, **kw):
    return "+" + compiler.process(next(iter(element.clauses)), **kw)


STATUS_GROUPS = {
    # (round, group) → condition on the document (its columns ``c``); closed documents are outside every group.
    ("september", "not_listed"): lambda c: and_(c.status == "", ~docs.c.sept_approved, c.doc_type != "PO"),
    ("september", "listed"): lambda c: c.status == "21",
    ("september", "confirmed"): lambda c: c.status == "31",
    ("september", "approved"): lambda c: c.status == "50",
    # two statuses, the September-approved documents waiting in March: a third of a country's
    # documents, more than an index pays for; SQLite's planner takes the status index anyway
    # (0.30 s for the count and sums of 1,000,000 documents, reading the table 0.21 s), so there
    # the status is tested on each row (PostgreSQL weighs it with its statistics)
    ("march", "not_listed"): lambda c: and_(or_(docs.c.sept_approved, c.doc_type == "PO"),
                                            _sqlite_unindexed(c.status).in_(("", "50"))),
    ("march", "listed"): lambda c: c.status == "22",
    ("march", "confirmed"): lambda c: c.status == "32",
    ("march", "approved"): lambda c: c.status == "40",
}


class _Unindexed:
    """The filter columns as a unit's report reads them: through no index of their own, so that
    the unit's index (``ix_reserve_docs_report``: an agency's documents at most) is the one read.
    SQLite without statistics would otherwise prefer the status index, a whole country's rows of
    that status, to the unit's dozens (``status || ''`` is the same value, no index's key)."""

    def __getattr__(self, name: str):
        column = docs.c[name]
        return column + 0 if name == "remaining" else column.concat("")


def unit_scope(conn: Connection, unit: str) -> list[str]:
    """The units whose documents a unit sees: a budget-owning (central) unit its agency's units
    (its regional units send it their documents [letter 004 §1.6]); any other unit itself."""
    u = orm.units
    me = conn.execute(select(u).where(u.c.code == str(unit))).first()
    if me is not None and not me.regional:
        return list(conn.execute(select(u.c.code).where(u.c.agency == me.agency).order_by(u.c.code)).scalars())
    return [str(unit)]


def visible_units(conn: Connection, user: User) -> list[str] | None:
    """CGD and trainers see every unit (``None``); anyone else the scope of their unit."""
    if user.has_role("cgd_officer", "trainer"):
        return None
    return unit_scope(conn, user.unit)


def visible_units_of(conn: Connection, user_id: str) -> list[str] | None:
    """:func:`visible_units` of the user ``user_id`` (no such user: nothing)."""
    user = Repository(conn).user(str(user_id))
    return [] if user is None else visible_units(conn, user)


def _carried_po(fy) -> Any:
    """A PO in the March round: carried into the next year without List or Confirm, unless it
    was closed before its year ended (of fiscal year ``fy`` when the conditions name one)."""
    if not fy:
        return docs.c.doc_type == "PO"
    year_end = fiscal_year_bounds(int(fy))[1]
    return and_(docs.c.doc_type == "PO", or_(docs.c.closed == "", docs.c.closed_at >= year_end))


def _conditions(units: list[str] | None, cond: dict[str, Any]) -> list:
    where = []
    c = docs.c if units is None else _Unindexed()  # the whole country: each filter's index
    if units is not None:
        where.append(docs.c.unit.in_(units))
    if cond.get("unit"):
        where.append(docs.c.unit == str(cond["unit"]))
    if cond.get("fiscal_year"):
        where.append(docs.c.fiscal_year == int(cond["fiscal_year"]))
    round_ = cond.get("round")
    if round_ == "march":
        where.append(or_(docs.c.sept_approved, _carried_po(cond.get("fiscal_year")), docs.c.status.in_(("22", "32", "40"))))
    if cond.get("status"):
        group = STATUS_GROUPS.get((round_ or "september", cond["status"]))
        if group is None:
            raise ValueError(f"unknown status {cond['status']!r}")
        where += [group(c), c.closed == ""]
    for key in ("doc_type", "fund_source", "budget_code", "area", "reason"):
        if cond.get(key):
            where.append(getattr(c, key) == str(cond[key]))
    if cond.get("doc"):
        where.append(docs.c.doc_no == str(cond["doc"]))
    if cond.get("budget_unit"):
        # the first five digits of the budget code: a range of the code (its index) and the exact test
        prefix = str(cond["budget_unit"])
        where += [c.budget_code >= prefix, c.budget_code < prefix[:-1] + chr(ord(prefix[-1]) + 1),
                  func.substr(docs.c.budget_code, 1, 5) == prefix]
    if cond.get("remaining") not in (None, ""):
        where.append(c.remaining == satang(cond["remaining"]))
    return where


REPORT_COLUMNS = [
    docs.c.doc_type, docs.c.doc_no, docs.c.text, docs.c.fund_source, docs.c.budget_code, docs.c.area,
    func.substr(docs.c.budget_code, 1, 5).label("budget_unit"), docs.c.commitment_item, docs.c.value,
    docs.c.approved, docs.c.remaining, docs.c.status, docs.c.reason, docs.c.closed, docs.c.unit,
    docs.c.fiscal_year, docs.c.doc_date,
]
CONTRACT_COLUMNS = [cl.c.line, cl.c.lao_name, cl.c.contract_no, cl.c.lc_no, cl.c.item, cl.c.creditor, cl.c.signed, cl.c.due]


def nfma60_query(units: list[str] | None, cond: dict[str, Any], *, contracts: bool = False) -> Select:
    """NFMA60 (one row per document) or NFMA60CX (one row per contract line, one for a document
    without any) over the documents of ``units`` (``None``: every unit), in document order."""
    where = _conditions(units, cond)
    if contracts:
        # every document the conditions select; one without contract lines in one row, its
        # contract columns empty
        q = select(*REPORT_COLUMNS, *CONTRACT_COLUMNS).select_from(docs.outerjoin(cl, cl.c.doc_no == docs.c.doc_no))
        return q.where(*where).order_by(docs.c.doc_no, cl.c.line)
    return select(*REPORT_COLUMNS).where(*where).order_by(docs.c.doc_no)


def _report_rows(result) -> Iterator[dict]:
    keys = list(result.keys())
    money = [(keys.index(m), m) for m in MONEY]
    for row in result:
        out = dict(zip(keys, row, strict=True))
        for i, m in money:  # satang to baht, as ``baht`` (1250000 → 12500.00), for many rows
            out[m] = Decimal(row[i]).scaleb(-2)
        yield out


def nfma60(conn: Connection, units: list[str] | None, cond: dict[str, Any], *, contracts: bool = False) -> list[dict]:
    """Every NFMA60 / NFMA60CX row, in one query (a few thousand rows; a whole country's
    documents go through :func:`nfma60_chunks` or a page and :func:`nfma60_summary`)."""
    return list(_report_rows(conn.execute(nfma60_query(units, cond, contracts=contracts))))


def nfma60_chunks(conn: Connection, units: list[str] | None, cond: dict[str, Any], *, contracts: bool = False,
                  chunk: int = 2000) -> Iterator[list[dict]]:
    """The same rows, ``chunk`` at a time, read as they are written out (a server-side cursor on
    PostgreSQL): memory holds one chunk, whatever the number of documents."""
    result = conn.execution_options(stream_results=True, yield_per=chunk).execute(
        nfma60_query(units, cond, contracts=contracts))
    try:
        rows = _report_rows(result)
        while batch := list(islice(rows, chunk)):
            yield batch
    finally:
        result.close()


def nfma60_page(conn: Connection, units: list[str] | None, cond: dict[str, Any], *, contracts: bool = False,
                limit: int = 100, offset: int = 0) -> list[dict]:
    """One page of the rows (``limit`` from ``offset``), in document order."""
    q = nfma60_query(units, cond, contracts=contracts).limit(int(limit)).offset(int(offset))
    return list(_report_rows(conn.execute(q)))


def nfma60_summary(conn: Connection, units: list[str] | None, cond: dict[str, Any], *,
                   contracts: bool = False) -> dict:
    """The number of rows and the money columns' sums, counted in the database: each document's
    money once (NFMA60CX repeats it on each contract line)."""
    where = _conditions(units, cond)
    row = conn.execute(select(func.count(), *(func.coalesce(func.sum(docs.c[m]), 0) for m in MONEY)).where(*where)).one()
    out = {"rows": int(row[0])} | {m: baht(int(v)) for m, v in zip(MONEY, row[1:], strict=True)}
    if contracts:
        # a document with n contract lines is n rows, one without any is one row
        lines, with_lines = conn.execute(
            select(func.count(), func.count(cl.c.doc_no.distinct()))
            .select_from(cl.join(docs, docs.c.doc_no == cl.c.doc_no)).where(*where)).one()
        out["rows"] += int(lines) - int(with_lines)
    return out


def search(conn: Connection, user: User, cond: dict[str, Any]) -> list[dict]:
    """สง.01 «ค้นหา»: the user's documents by number or by the report conditions."""
    return nfma60(conn, visible_units(conn, user), cond)


def screen_round(round_policy: Callable[[int], RoundPolicy], now: dt.datetime) -> tuple[int, str]:
    """The fiscal year and round the round and report screens open on at ``now``: the round the
    policy has open now, else the last one that opened (its documents are the ones in play: from
    October to January that is last year's September round)."""
    from .calendar import fiscal_year

    fy = fiscal_year(now)
    opened = []
    for year in (fy, fy - 1):
        policy = round_policy(year)
        open_now = policy.open_round(now)
        if open_now:
            return year, open_now
        opened += [(policy.window(r)[0], year, r) for r in ("september", "march") if policy.window(r)[0] <= now]
    _, year, round_ = max(opened)
    return year, round_
