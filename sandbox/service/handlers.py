"""One handler per command. Each loads what it needs through the repository, applies the domain
rules in the order SCENARIOS.md fixes, and returns what the caller should see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from .. import commands as c
from ..adapters import orm
from ..adapters.repository import Repository
from ..calendar import (
    add_months,
    fiscal_year,
    format_date,
    format_datetime,
    parse_date,
    parse_datetime,
)
from ..domain import auth
from ..domain.model import (
    APPS,
    CX02_KINDS,
    CX03_FORBIDDEN_KINDS,
    DOC_TYPES,
    LOGIN_METHODS,
    REASONS,
    ROLES,
    ContractLine,
    ReserveDocument,
    Session,
    User,
    Withdrawal,
    approve_document,
    baht,
    cancel_confirm_document,
    check_segregation,
    confirm_document,
    digits,
    list_cancel_document,
    list_document,
    reject_document,
    satang,
)
from ..errors import Refusal

if TYPE_CHECKING:
    from ..engine import Sandbox


@dataclass
class Context:
    sandbox: Sandbox
    repo: Repository
    now: dt.datetime
    actor_id: str
    sweep_after: bool = False
    keep: list[tuple] = field(default_factory=list)  # writes that stand even when refused

    @property
    def today(self) -> dt.date:
        return self.now.date()

    @property
    def fy(self) -> int:
        return fiscal_year(self.now)

    @property
    def actor(self) -> User:
        user = self.repo.user(self.actor_id)
        if user is None:
            raise Refusal("user_not_found", "actor", user=self.actor_id)
        return user


HANDLERS: dict[type, Callable[[Any, Context], dict]] = {}


def handles(cmd_type):
    def register(fn):
        HANDLERS[cmd_type] = fn
        return fn

    return register


def _target(ctx: Context, user_id: str) -> User:
    user = ctx.repo.user(user_id)
    if user is None:
        raise Refusal("user_not_found", "user", user=user_id)
    return user


def _cutover(ctx: Context, user: User):
    agency = ctx.repo.agency(ctx.repo.unit(user.unit).agency)
    return ctx.sandbox.cutover(agency.cutover)


def login_methods(ctx: Context, user: User) -> set[str]:
    """The methods that would be accepted for ``user`` right now (password aside)."""
    methods = set()
    if ctx.now < _cutover(ctx, user).refuse_from:
        if user.credential == "token_key" and user.token_key_held:
            methods.add("token_key")
        if user.credential == "password":
            methods.add("password")
    locked = user.locked_until is not None and ctx.now < user.locked_until
    if user.soft_token in ("registered", "active") and not locked:
        methods.add("soft_token")
    return methods


def _check_password(ctx: Context, user: User, password: str | None, field_name: str = "password") -> None:
    """Password, then its age (3 months [000 §2]), then a pending change [000 §3]."""
    if user.credential == "none" or not auth.verify_password(password, user.password_hash):
        raise Refusal("bad_credentials", field_name)
    if user.password_changed and ctx.now.date() > add_months(user.password_changed.date(), auth.PASSWORD_MONTHS):
        raise Refusal(
            "password_expired", field_name,
            changed=format_date(user.password_changed), changed_en=user.password_changed.date().isoformat(),
        )
    if user.must_change:
        why = {
            "one_time": ("รหัสผ่านชั่วคราวใช้ได้ครั้งเดียว", "a one-time password"),
            "rights_change": ("สิทธิการใช้งานเพิ่งเปลี่ยน", "rights were just changed"),
        }[user.must_change]
        raise Refusal("password_change_required", field_name, detail=why[0], detail_en=why[1])


# ------------------------------------------------------------------ login


@handles(c.Login)
def login(cmd: c.Login, ctx: Context) -> dict:
    user = ctx.repo.user(ctx.actor_id)
    if user is None:
        raise Refusal("bad_credentials", "user")
    if cmd.method not in LOGIN_METHODS:
        raise Refusal("invalid_input", "method", detail=f"ต้องเป็น {', '.join(LOGIN_METHODS)}",
                      detail_en=f"one of {', '.join(LOGIN_METHODS)}")
    cut = _cutover(ctx, user)
    if cmd.method in ("token_key", "password"):
        if ctx.now >= cut.refuse_from:
            names = {"token_key": ("GFMIS Token Key", "GFMIS Token Key"), "password": ("Username และ Password", "username and password")}
            raise Refusal(
                "login_method_retired", "method",
                cutover=format_datetime(cut.refuse_from), cutover_en=cut.refuse_from.isoformat(),
                method=names[cmd.method][0], method_en=names[cmd.method][1],
                cutover_source=cut.source, cutover_clause=cut.clause,
            )
        has = user.credential == "token_key" and user.token_key_held if cmd.method == "token_key" else user.credential == "password"
        if not has:
            raise Refusal("bad_credentials", "method")
    else:
        if user.soft_token == "suspended":
            raise Refusal("token_suspended", "method")
        if user.soft_token not in ("registered", "active"):
            raise Refusal("soft_token_not_active", "method")
        if user.locked_until and ctx.now < user.locked_until:
            raise Refusal("otp_locked", "otp", until=format_datetime(user.locked_until),
                          until_en=user.locked_until.isoformat())
    _check_password(ctx, user, cmd.password)
    if cmd.method == "soft_token":
        _approve_in_nexus(ctx, user, cmd.otp)
        user.soft_token = "active"
    session = ctx.repo.session(user.id)
    if session is None:
        ctx.repo.add(Session(user.id, cmd.method, ctx.now, ctx.now))
    else:
        session.method, session.started_at, session.last_seen = cmd.method, ctx.now, ctx.now
    return {"user": user.id, "method": cmd.method}


def _approve_in_nexus(ctx: Context, user: User, otp: str | None) -> None:
    """The login request on the phone: ``auto`` (the phone's current code), a code, or ``deny``."""
    if otp == "deny":
        raise Refusal("bad_otp", "otp", detail="ผู้ใช้งานปฏิเสธคำขอเข้าสู่ระบบ", detail_en="the user denied the push")
    code = auth.code_at(user.totp_secret, ctx.now) if otp in (None, "auto") else str(otp).strip()
    step = auth.matching_step(user.totp_secret, code, ctx.now) if digits(code, 6) else None
    if step is not None and step > user.last_otp_counter:
        user.last_otp_counter = step
        user.failed_otps = 0
        user.locked_until = None
        return
    failed = user.failed_otps + 1
    locked_until = None
    if failed >= auth.MAX_FAILED_OTPS:
        failed, locked_until = 0, ctx.now + auth.OTP_LOCK
    ctx.keep.append((orm.users, {"id": user.id}, {"failed_otps": failed, "locked_until": locked_until}))
    detail = ("รหัสนี้ถูกใช้ไปแล้ว", "the code was already used") if step is not None else ("รหัสไม่ถูกต้อง", "wrong code")
    raise Refusal("bad_otp", "otp", detail=detail[0], detail_en=detail[1])


@handles(c.Logout)
def logout(cmd: c.Logout, ctx: Context) -> dict:
    session = ctx.repo.session(ctx.actor_id)
    if session:
        ctx.repo.delete(session)
    return {}


# ------------------------------------------------------------------ credentials and rights


@handles(c.RequestCredentials)
def request_credentials(cmd, ctx: Context) -> dict:
    user = ctx.actor
    if user.credential != "token_key":
        raise Refusal("not_authorized", "actor", detail="เฉพาะผู้ใช้ GFMIS Token Key", detail_en="only Token Key users")
    password = auth.one_time_password()
    user.password_hash = auth.hash_password(password)
    user.password_changed = ctx.now
    user.must_change = "one_time"
    return {"username": user.id, "one_time_password": password}


def _same_province(ctx: Context, officer: User, user: User) -> None:
    """A provincial treasury officer acts for users of the own province (area) only; CGD for all."""
    if officer.has_role("cgd_officer"):
        return
    if ctx.repo.unit(user.unit).area != ctx.repo.unit(officer.unit).area:
        raise Refusal("not_authorized", "user", detail="สำนักงานคลังจังหวัดดำเนินการให้ผู้ใช้ในจังหวัดของตนเท่านั้น",
                      detail_en="a provincial treasury office acts for users of its own province only")


@handles(c.IssueCredentials)
def issue_credentials(cmd: c.IssueCredentials, ctx: Context) -> dict:
    officer = ctx.actor
    officer.require_role("cgd_officer", "provincial_treasury_officer", action="user.issue_credentials")
    user = _target(ctx, cmd.user)
    _same_province(ctx, officer, user)
    password = auth.one_time_password()
    user.password_hash = auth.hash_password(password)
    user.password_changed = ctx.now
    user.must_change = "one_time"
    if user.credential == "none":
        user.credential = "password"
    return {"username": user.id, "one_time_password": password}


@handles(c.ChangePassword)
def change_password(cmd: c.ChangePassword, ctx: Context) -> dict:
    user = ctx.repo.user(ctx.actor_id)
    if user is None or user.credential == "none" or not auth.verify_password(cmd.old, user.password_hash):
        raise Refusal("bad_credentials", "old")
    if not auth.strong_enough(cmd.new, cmd.old):
        raise Refusal("weak_password", "new")
    user.password_hash = auth.hash_password(cmd.new)
    user.password_changed = ctx.now
    user.must_change = ""
    return {}


def _check_roles(roles) -> None:
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Refusal("invalid_input", "roles", detail=f"ไม่รู้จักสิทธิ {unknown}", detail_en=f"unknown roles {unknown}")


@handles(c.ChangeRights)
def change_rights(cmd: c.ChangeRights, ctx: Context) -> dict:
    head = ctx.actor
    head.require_role("head", action="user.change_rights")
    user = _target(ctx, cmd.user)
    if user.unit != head.unit:
        raise Refusal("not_authorized", "user", detail="หัวหน้าหน่วยงานกำหนดสิทธิได้เฉพาะผู้ใช้ในหน่วยงานของตน",
                      detail_en="a head sets rights for users of the own unit only")
    _check_roles(cmd.roles)
    check_segregation(user.id, cmd.roles)
    if not cmd.order_file:
        raise Refusal("order_required", "order_file")
    ctx.repo.conn.execute(
        insert(orm.rights_changes).values(
            user_id=user.id, roles=",".join(sorted(set(cmd.roles))), order_file=cmd.order_file,
            requested_by=head.id, requested_at=ctx.now,
        )
    )
    return {"user": user.id, "pending": True}


@handles(c.ApproveRightsChange)
def approve_rights_change(cmd: c.ApproveRightsChange, ctx: Context) -> dict:
    officer = ctx.actor
    officer.require_role("cgd_officer", "provincial_treasury_officer", action="user.approve_rights_change")
    user = _target(ctx, cmd.user)
    _same_province(ctx, officer, user)
    rc = orm.rights_changes
    pending = ctx.repo.conn.execute(
        select(rc).where(rc.c.user_id == user.id, rc.c.approved_at.is_(None)).order_by(rc.c.id.desc()).limit(1)
    ).first()
    if pending is None:
        raise Refusal("no_pending_change", "user", user=user.id)
    roles = frozenset(r for r in pending.roles.split(",") if r)
    check_segregation(user.id, roles)
    user.roles = roles
    user.must_change = "rights_change"
    ctx.repo.conn.execute(
        update(rc).where(rc.c.id == pending.id).values(approved_by=officer.id, approved_at=ctx.now)
    )
    return {"user": user.id, "roles": sorted(roles)}


# ------------------------------------------------------------------ phone and Soft Token


@handles(c.InstallApps)
def install_apps(cmd: c.InstallApps, ctx: Context) -> dict:
    user = _target(ctx, ctx.actor_id)
    unknown = [a for a in cmd.apps if a not in APPS]
    if unknown:
        raise Refusal("invalid_input", "apps", detail=f"ไม่รู้จักแอป {unknown}", detail_en=f"unknown apps {unknown}")
    user.apps = user.apps | frozenset(cmd.apps)
    return {"apps": sorted(user.apps)}


def _require_apps(user: User, needed) -> None:
    missing = [a for a in needed if a not in user.apps]
    if missing:
        names = {"nexus_smart_id": "Nexus Smart ID", "paotang": "เป๋าตัง"}
        raise Refusal("apps_not_installed", "apps", apps=", ".join(names[a] for a in missing))


@handles(c.VerifyPaotang)
def verify_paotang(cmd, ctx: Context) -> dict:
    user = _target(ctx, ctx.actor_id)
    _require_apps(user, ["paotang"])
    user.identity_verified = True
    return {"identity": "verified"}


@handles(c.RegisterSoftToken)
def register_soft_token(cmd: c.RegisterSoftToken, ctx: Context) -> dict:
    user = _target(ctx, ctx.actor_id)
    _require_apps(user, APPS)
    if not user.identity_verified:
        raise Refusal("identity_not_verified", "apps")
    _check_password(ctx, user, cmd.password)
    user.totp_secret = auth.new_totp_secret()
    user.soft_token = "registered"
    user.last_otp_counter = 0
    user.failed_otps = 0
    user.locked_until = None
    return {"soft_token": "registered", "provisioning_uri": auth.provisioning_uri(user.totp_secret, user.id)}


LOSS_LETTER_BUSINESS_DAYS = 3  # the head's letter to CGD [000 §4]


@handles(c.ReportLost)
def report_lost(cmd: c.ReportLost, ctx: Context) -> dict:
    if cmd.user and cmd.user != ctx.actor_id:
        ctx.sandbox.require_session(ctx)
        ctx.actor.require_role("cgd_officer", action="softtoken.report_lost")
    user = _target(ctx, cmd.user or ctx.actor_id)
    if user.soft_token not in ("registered", "active"):
        raise Refusal("soft_token_not_active", "user")
    user.soft_token = "suspended"
    user.apps = frozenset()  # the phone is gone: re-enrolment repeats apps, Paotang, registration
    user.identity_verified = False
    user.totp_secret = None
    session = ctx.repo.session(user.id)
    if session:
        ctx.repo.delete(session)
    cal = ctx.sandbox.calendar()
    due = cal.end_of_day(cal.add_business_days(ctx.today, LOSS_LETTER_BUSINESS_DAYS))
    ctx.repo.conn.execute(
        insert(orm.loss_reports).values(user_id=user.id, unit=user.unit, lost_at=ctx.now, letter_due=due)
    )
    return {"soft_token": "suspended", "letter_due": due.isoformat()}


@handles(c.LossLetter)
def loss_letter(cmd: c.LossLetter, ctx: Context) -> dict:
    head = ctx.actor
    head.require_role("head", action="softtoken.loss_letter")
    user = _target(ctx, cmd.user)
    if user.unit != head.unit:
        raise Refusal("not_authorized", "user", detail="หนังสือต้องมาจากหัวหน้าหน่วยงานของผู้ใช้", detail_en="the letter comes from the user's own head")
    if not cmd.letter_no:
        raise Refusal("invalid_input", "letter_no", detail="ต้องระบุเลขที่หนังสือ", detail_en="a letter number is required")
    lr = orm.loss_reports
    report = ctx.repo.conn.execute(
        select(lr).where(lr.c.user_id == user.id, lr.c.letter_no.is_(None)).order_by(lr.c.id.desc()).limit(1)
    ).first()
    if report is None:
        raise Refusal("no_loss_report", "user", user=user.id)
    ctx.repo.conn.execute(update(lr).where(lr.c.id == report.id).values(letter_no=str(cmd.letter_no), letter_at=ctx.now))
    return {"late": ctx.now >= report.letter_due}


@handles(c.ReturnTokenKey)
def return_token_key(cmd, ctx: Context) -> dict:
    user = ctx.actor
    if not (user.credential == "token_key" and user.token_key_held):
        raise Refusal("not_authorized", "actor", detail="ไม่มี GFMIS Token Key ที่ต้องคืน", detail_en="no Token Key to return")
    user.token_key_held = False
    return {"returned": True}


# ------------------------------------------------------------------ reserve documents


def _parse_day(value, field_name: str, ctx: Context, default: dt.date | None = None) -> dt.date | None:
    if value in (None, ""):
        return default
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        raise Refusal("invalid_date", field_name, value=value, detail="อ่านวันที่ไม่ได้", detail_en="not a date") from None


def _amount(value, field_name: str = "amount") -> int:
    try:
        cents = satang(value)
    except ValueError:
        cents = 0
    if value is None or cents <= 0:
        raise Refusal("invalid_amount", field_name, value=value)
    return cents


def _contract_lines(raw: list[c.Contract], ctx: Context) -> list[ContractLine]:
    out = []
    for n, item in enumerate(raw, start=1):
        out.append(
            ContractLine(
                line=n,
                contract_no=item.contract_no or "",
                lc_no=item.lc_no or "",
                lao_name=item.lao_name or "",
                item=item.item or "",
                creditor=item.creditor or "",
                signed=_parse_day(item.signed, "signed", ctx),
                due=_parse_day(item.due, "due", ctx),
            )
        )
    return out


def _check_contracts(doc_type: str, reason: str, kind: str, lines: list[ContractLine]) -> None:
    if doc_type in ("CX", "PO") and not lines:
        raise Refusal("missing_contract", "contracts", doc_type=doc_type)
    if doc_type == "PO" and any(not line.contract_no for line in lines):
        raise Refusal("missing_contract", "contract_no", doc_type=doc_type)
    if reason == "CX01" and any(not line.lc_no for line in lines):
        raise Refusal("missing_lc_number", "lc_no")
    if reason == "CX02" and any(not line.lao_name for line in lines):
        raise Refusal("missing_lao_name", "lao_name")
    if doc_type == "CX" and kind == "government" and any(line.contract_no and not line.lc_no for line in lines):
        raise Refusal("use_po_instead", "doc_type")


def _check_reason(doc_type, reason, kind: str) -> str:
    if doc_type not in DOC_TYPES:
        raise Refusal("invalid_input", "doc_type", detail=f"ต้องเป็น {', '.join(DOC_TYPES)}",
                      detail_en=f"one of {', '.join(DOC_TYPES)}")
    reason = (reason or "").strip().upper() if isinstance(reason, str) else ""
    if doc_type == "PO":
        if reason:
            raise Refusal("reason_type_mismatch", "reason", value=reason, doc_type=doc_type,
                          detail="ใบสั่งซื้อสั่งจ้าง (PO) ไม่มีเหตุผล", detail_en="a PO has no reason")
        return ""
    if reason not in REASONS[doc_type]:
        raise Refusal("reason_type_mismatch", "reason", value=reason or "-", doc_type=doc_type,
                      detail=f"เลือกได้ {REASONS[doc_type][0]}–{REASONS[doc_type][-1]}",
                      detail_en=f"choose {REASONS[doc_type][0]}–{REASONS[doc_type][-1]}")
    if reason == "CX02" and kind not in CX02_KINDS:
        raise Refusal("reason_not_for_agency", "reason", value=reason,
                      detail="CX02 บันทึกโดย อปท. หรือสำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัดเท่านั้น",
                      detail_en="CX02 is recorded by an LAO or a DLA provincial office only")
    if reason == "CX03" and kind in CX03_FORBIDDEN_KINDS:
        raise Refusal("reason_not_for_agency", "reason", value=reason,
                      detail="CX03 สำหรับหน่วยงานของรัฐที่ไม่ใช่ส่วนราชการ (กทม. เมืองพัทยา รัฐวิสาหกิจ)",
                      detail_en="CX03 is for state agencies that are not government agencies")
    return reason


def validate_new_document(cmd: c.CreateReserve, ctx: Context):
    """Every check of SPEC §4.3 in the order of SCENARIOS.md; returns the line and the values."""
    user = ctx.actor
    user.require_role("recorder", action=cmd.action)
    unit = ctx.repo.unit(user.unit)
    agency = ctx.repo.agency(unit.agency)
    reason = _check_reason(cmd.doc_type, cmd.reason, agency.kind)

    code = str(cmd.budget_code or "").strip()
    if not digits(code, 20):
        raise Refusal("invalid_budget_code", "budget_code", value=code or "-", detail="ต้องเป็นตัวเลข 20 หลัก", detail_en="must be 20 digits")
    lines = ctx.repo.budget_lines_of(unit.code, code)
    if not lines:
        known = ctx.repo.budget_code_known(code)
        raise Refusal("invalid_budget_code", "budget_code", value=code,
                      detail="ไม่ใช่รหัสงบประมาณของหน่วยเบิกจ่ายของท่าน" if known else "ไม่พบรหัสงบประมาณนี้",
                      detail_en="not a budget code of your disbursement unit" if known else "unknown budget code")

    fund = str(cmd.fund_source or "").strip()
    if not digits(fund, 7):
        raise Refusal("invalid_fund_source", "fund_source", value=fund or "-", detail="ต้องเป็นตัวเลข 7 หลัก", detail_en="must be 7 digits")
    if fund[:2] != str(ctx.fy)[-2:]:
        raise Refusal("invalid_fund_source", "fund_source", value=fund,
                      detail=f"หลักที่ 1–2 ต้องเป็นปีงบประมาณปัจจุบัน ({str(ctx.fy)[-2:]})",
                      detail_en=f"digits 1–2 must be the current fiscal year ({str(ctx.fy)[-2:]})")
    if fund[2] != "1":
        raise Refusal("off_budget_money", "fund_source", value=fund)
    lines = [line for line in lines if line.fund_source == fund]
    if not lines:
        raise Refusal("invalid_fund_source", "fund_source", value=fund, detail="ไม่ใช่แหล่งของเงินของรหัสงบประมาณนี้",
                      detail_en="not a fund source of this budget code")

    item = str(cmd.commitment_item or "").strip()
    line = next((x for x in lines if x.commitment_item == item), None)
    if line is None:
        raise Refusal("invalid_commitment_item", "commitment_item", value=item or "-", budget_code=code)

    amount = _amount(cmd.amount)
    if amount > line.available:
        raise Refusal("insufficient_budget", "amount", amount=f"{baht(amount):,.2f}", available=f"{baht(line.available):,.2f}")

    dates = {}
    start, _ = ctx.sandbox.fiscal_year_bounds(ctx.fy)
    for name in ("doc_date", "posting_date"):
        day = _parse_day(getattr(cmd, name), name, ctx, default=ctx.today)
        if day > ctx.today:
            raise Refusal("invalid_date", name, value=format_date(day), value_en=day.isoformat(),
                          detail="เป็นวันในอนาคต", detail_en="in the future")
        if day < start.date():
            raise Refusal("invalid_date", name, value=format_date(day), value_en=day.isoformat(),
                          detail=f"อยู่นอกปีงบประมาณ {ctx.fy}", detail_en=f"outside fiscal year {ctx.fy}")
        dates[name] = day

    contracts = _contract_lines(cmd.contracts, ctx)
    _check_contracts(cmd.doc_type, reason, agency.kind, contracts)
    return line, unit, reason, amount, dates, contracts


@handles(c.SimulateReserve)
def simulate_reserve(cmd: c.SimulateReserve, ctx: Context) -> dict:
    validate_new_document(cmd, ctx)
    return {"check": "ok"}


@handles(c.CreateReserve)
def create_reserve(cmd: c.CreateReserve, ctx: Context) -> dict:
    line, unit, reason, amount, dates, contracts = validate_new_document(cmd, ctx)
    doc = ReserveDocument(
        doc_no=ctx.repo.next_number(cmd.doc_type),
        doc_type=cmd.doc_type,
        unit=unit.code,
        agency=unit.agency,
        area=unit.area,
        fiscal_year=ctx.fy,
        budget_line_id=line.id,
        budget_code=line.budget_code,
        fund_source=line.fund_source,
        commitment_item=line.commitment_item,
        text=str(cmd.text or ""),
        reason=reason,
        reason_detail=str(cmd.reason_detail or ""),
        doc_date=dates["doc_date"],
        posting_date=dates["posting_date"],
        value=amount,
        remaining=amount,
        created_by=ctx.actor_id,
        created_at=ctx.now,
        contracts=contracts,
    )
    line.reserved += amount
    ctx.repo.add(doc)
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, "")
    return {"doc_no": doc.doc_no}


def _own_document(ctx: Context, doc_no: str, *roles: str, action: str) -> ReserveDocument:
    user = ctx.actor
    if roles:
        user.require_role(*roles, action=action)
    doc = ctx.repo.document(doc_no)
    if doc is None:
        raise Refusal("document_not_found", "doc", doc=doc_no)
    if doc.unit != user.unit:
        raise Refusal("not_authorized", "doc", detail=f"เอกสาร {doc.doc_no} เป็นของหน่วยเบิกจ่าย {doc.unit}",
                      detail_en=f"document {doc.doc_no} belongs to unit {doc.unit}")
    return doc


GENERAL_FIELDS = ("doc_type", "budget_code", "fund_source", "commitment_item", "amount", "text",
                  "reason", "reason_detail", "doc_date", "posting_date")


@handles(c.EditReserve)
def edit_reserve(cmd: c.EditReserve, ctx: Context) -> dict:
    doc = _own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    doc.require_changeable()
    for name in GENERAL_FIELDS:
        if getattr(cmd, name) is not None:
            raise Refusal("field_not_editable", name)
    lines = {line.line: line for line in doc.contracts}
    for change in cmd.contracts:
        if change.line is None:
            new = _contract_lines([change], ctx)[0]
            new.line = max(lines, default=0) + 1
            lines[new.line] = new
            continue
        line = lines.get(change.line)
        if line is None:
            raise Refusal("invalid_input", "line", detail=f"ไม่มีรายการสัญญาลำดับ {change.line}",
                          detail_en=f"no contract line {change.line}")
        if change.item is not None and change.item != line.item:
            raise Refusal("field_not_editable", "item")
        for name in ("contract_no", "lc_no", "lao_name", "creditor"):
            if getattr(change, name) is not None:
                setattr(line, name, getattr(change, name))
        for name in ("signed", "due"):
            if getattr(change, name) is not None:
                setattr(line, name, _parse_day(getattr(change, name), name, ctx))
    contracts = [lines[k] for k in sorted(lines)]
    kind = ctx.repo.agency(doc.agency).kind
    _check_contracts(doc.doc_type, doc.reason, kind, contracts)
    doc.contracts = contracts
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status)
    return {"doc_no": doc.doc_no}


def _release(ctx: Context, doc: ReserveDocument, how: str, note: str, to_lapsed: bool = False) -> None:
    line = ctx.repo.budget_line(doc.budget_line_id)
    released = doc.close(how, ctx.now, note)
    line.reserved -= released
    if to_lapsed:
        line.lapsed += released


@handles(c.CancelReserve)
def cancel_reserve(cmd: c.CancelReserve, ctx: Context) -> dict:
    doc = _own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    doc.require_changeable()
    if not cmd.reason:
        raise Refusal("invalid_input", "reason", detail="ต้องระบุเหตุผลการยกเลิก", detail_en="a reason is required")
    _release(ctx, doc, "cancelled", str(cmd.reason))
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status, str(cmd.reason))
    return {"doc_no": doc.doc_no}


@handles(c.ConvertToPO)
def convert_to_po(cmd: c.ConvertToPO, ctx: Context) -> dict:
    cx = _own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    if cx.doc_type != "CX":
        raise Refusal("invalid_input", "doc", detail="แปลงเป็น PO ได้เฉพาะเอกสาร CX", detail_en="only a CX converts to a PO")
    cx.require_changeable()
    if not cmd.contract_no:
        raise Refusal("invalid_input", "contract_no", detail="ต้องระบุเลขที่สัญญาที่ลงนามแล้ว", detail_en="the signed contract's number is required")
    signed = _parse_day(cmd.signed, "signed", ctx, default=ctx.today)
    if signed > ctx.today:
        raise Refusal("invalid_date", "signed", value=format_date(signed), value_en=signed.isoformat(),
                      detail="เป็นวันในอนาคต", detail_en="in the future")
    contracts = [
        ContractLine(line.line, line.contract_no or str(cmd.contract_no), line.lc_no, line.lao_name,
                     line.item, line.creditor, signed, line.due)
        for line in cx.contracts
    ] or [ContractLine(1, str(cmd.contract_no), signed=signed)]
    po = ReserveDocument(
        doc_no=ctx.repo.next_number("PO"), doc_type="PO", unit=cx.unit, agency=cx.agency, area=cx.area,
        fiscal_year=cx.fiscal_year, budget_line_id=cx.budget_line_id, budget_code=cx.budget_code,
        fund_source=cx.fund_source, commitment_item=cx.commitment_item, text=cx.text, reason="",
        reason_detail=cx.reason_detail, doc_date=ctx.today, posting_date=ctx.today,
        value=cx.remaining, remaining=cx.remaining, created_by=ctx.actor_id, created_at=ctx.now,
        approved=cx.approved, status=cx.status, sept_approved=cx.sept_approved, contracts=contracts,
    )
    cx.close("converted", ctx.now, po.doc_no)  # the money moves with the PO: the line is unchanged
    ctx.repo.add(po)
    ctx.repo.history(cx, ctx.now, ctx.actor_id, cmd.action, cx.status, po.doc_no)
    ctx.repo.history(po, ctx.now, ctx.actor_id, cmd.action, "", cx.doc_no)
    return {"doc_no": po.doc_no, "converted": cx.doc_no}


# ------------------------------------------------------------------ rounds


ROUND_NAMES = {"september": ("กันยายน", "September"), "march": ("มีนาคม", "March")}


def _open_round(ctx: Context, doc: ReserveDocument) -> str:
    policy = ctx.sandbox.round_policy(doc.fiscal_year)
    round_ = policy.open_round(ctx.now)
    if round_ is None:
        which = "september" if ctx.now <= policy.fiscal_year_end else "march"
        opens, deadline = policy.window(which)
        raise Refusal(
            "round_closed", "docs", round_th=ROUND_NAMES[which][0], round_en=ROUND_NAMES[which][1],
            detail=f"เอกสาร {doc.doc_no} ปีงบประมาณ {doc.fiscal_year}: ทำได้ {format_datetime(opens)} ถึง {format_datetime(deadline)}",
            detail_en=f"document {doc.doc_no} of FY{doc.fiscal_year}: open {opens.isoformat()} to {deadline.isoformat()}",
        )
    return round_


def _require_documents(cmd) -> None:
    """A round step on no document at all would report success and change nothing."""
    if not cmd.docs:
        raise Refusal("no_documents", "docs")


def _round_step(cmd, ctx: Context, role: str, step: Callable[[ReserveDocument, str], None], own_unit: bool = True) -> dict:
    user = ctx.actor
    user.require_role(role, action=cmd.action)
    _require_documents(cmd)
    ctx.repo.load_documents(cmd.docs)
    for doc_no in cmd.docs:
        doc = ctx.repo.document(doc_no)
        if doc is None:
            raise Refusal("document_not_found", "docs", doc=doc_no)
        if own_unit and doc.unit != user.unit:
            raise Refusal("not_authorized", "docs", detail=f"เอกสาร {doc.doc_no} เป็นของหน่วยเบิกจ่าย {doc.unit}",
                          detail_en=f"document {doc.doc_no} belongs to unit {doc.unit}")
        if not own_unit:
            owner = ctx.repo.owning_unit(doc.agency)
            if owner is None or owner.code != user.unit:
                raise Refusal("not_owning_agency", "docs", owner=owner.code if owner else doc.agency, unit=user.unit)
        doc.require_open()
        before = doc.status
        step(doc, _open_round(ctx, doc))
        ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, before)
    return {"docs": list(cmd.docs)}


@handles(c.ListDocs)
def list_docs(cmd: c.ListDocs, ctx: Context) -> dict:
    out = _round_step(cmd, ctx, "recorder", list_document)
    out["message"] = "โปรดแจ้งต้นสังกัดยืนยัน (Confirm) ต่อไปเพื่อให้คำขอสมบูรณ์"
    return out


@handles(c.ListCancel)
def list_cancel(cmd: c.ListCancel, ctx: Context) -> dict:
    return _round_step(cmd, ctx, "recorder", lambda doc, _round: list_cancel_document(doc))


@handles(c.Confirm)
def confirm(cmd: c.Confirm, ctx: Context) -> dict:
    return _round_step(cmd, ctx, "approver_withdrawal", lambda doc, _round: confirm_document(doc), own_unit=False)


def _cgd_step(cmd, ctx: Context, step: Callable[[ReserveDocument], None], note: str = "") -> list[ReserveDocument]:
    ctx.actor.require_role("cgd_officer", action=cmd.action)
    _require_documents(cmd)
    ctx.repo.load_documents(cmd.docs)
    done = []
    for doc_no in cmd.docs:
        doc = ctx.repo.document(doc_no)
        if doc is None:
            raise Refusal("document_not_found", "docs", doc=doc_no)
        before = doc.status
        step(doc)
        ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, before, note)
        done.append(doc)
    ctx.sweep_after = True
    return done


@handles(c.CancelConfirm)
def cancel_confirm(cmd: c.CancelConfirm, ctx: Context) -> dict:
    def step(doc: ReserveDocument) -> None:
        doc.require_open()
        round_ = "september" if doc.status == "31" else "march"
        deadline = ctx.sandbox.round_policy(doc.fiscal_year).deadline(round_)
        if not cmd.letter_no or not cmd.letter_date:
            raise Refusal("letter_required", "letter_no", deadline=format_date(deadline), deadline_en=deadline.date().isoformat(),
                          detail="ไม่มีหนังสือของหน่วยงาน", detail_en="no letter from the agency")
        try:
            letter_day = parse_date(cmd.letter_date)
        except (ValueError, TypeError):
            raise Refusal("letter_required", "letter_date", deadline=format_date(deadline), deadline_en=deadline.date().isoformat(),
                          detail="อ่านวันที่หนังสือไม่ได้", detail_en="the letter date is not a date") from None
        if letter_day > deadline.date():
            raise Refusal("letter_required", "letter_date", deadline=format_date(deadline), deadline_en=deadline.date().isoformat(),
                          detail=f"หนังสือลงวันที่ {format_date(letter_day)} เกินกำหนด", detail_en=f"the letter is dated {letter_day.isoformat()}, too late")
        cancel_confirm_document(doc)

    _cgd_step(cmd, ctx, step, f"หนังสือ {cmd.letter_no}")
    return {"docs": list(cmd.docs)}


@handles(c.Approve)
def approve(cmd: c.Approve, ctx: Context) -> dict:
    _cgd_step(cmd, ctx, approve_document)
    return {"docs": list(cmd.docs)}


@handles(c.Reject)
def reject(cmd: c.Reject, ctx: Context) -> dict:
    def step(doc: ReserveDocument) -> None:
        reject_document(doc)
        _release(ctx, doc, "lapsed", f"rejected: {cmd.reason or ''}", to_lapsed=True)

    _cgd_step(cmd, ctx, step, str(cmd.reason or ""))
    return {"docs": list(cmd.docs)}


# ------------------------------------------------------------------ spending


def _spendable(ctx: Context, doc: ReserveDocument) -> None:
    doc.require_open()
    if doc.blocked:
        raise Refusal("document_blocked", "doc", doc=doc.doc_no)
    until = ctx.sandbox.round_policy(doc.fiscal_year).usable_until(doc.status, doc.sept_approved)
    if ctx.now >= until:
        raise Refusal("not_spendable", "doc", doc=doc.doc_no, detail=f"ใช้ได้ถึง {format_datetime(until)}",
                      detail_en=f"usable until {until.isoformat()}")


@handles(c.RequestWithdrawal)
def request_withdrawal(cmd: c.RequestWithdrawal, ctx: Context) -> dict:
    doc = _own_document(ctx, cmd.doc, "recorder", action=cmd.action)
    _spendable(ctx, doc)
    amount = _amount(cmd.amount)
    free = doc.remaining - ctx.repo.pending_withdrawals(doc.doc_no)
    if amount > free:
        raise Refusal("exceeds_remaining", "amount", amount=f"{baht(amount):,.2f}", doc=doc.doc_no, remaining=f"{baht(free):,.2f}")
    wd = Withdrawal(ctx.repo.next_number("WR"), doc.doc_no, amount, "requested", ctx.actor_id, ctx.now)
    ctx.repo.add(wd)
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}


def _request(ctx: Context, request_no: str, role: str, status: str, action: str) -> tuple[Withdrawal, ReserveDocument]:
    user = ctx.actor
    user.require_role(role, action=action)
    wd = ctx.repo.withdrawal(request_no)
    if wd is None:
        raise Refusal("request_not_found", "request", request=request_no)
    doc = ctx.repo.document(wd.doc_no)
    if doc.unit != user.unit:
        raise Refusal("not_authorized", "request", detail=f"คำขอของหน่วยเบิกจ่าย {doc.unit}", detail_en=f"a request of unit {doc.unit}")
    if wd.status != status:
        raise Refusal("wrong_request_status", "request", request=request_no, status=wd.status)
    _spendable(ctx, doc)
    return wd, doc


@handles(c.ApproveWithdrawal)
def approve_withdrawal(cmd: c.ApproveWithdrawal, ctx: Context) -> dict:
    wd, doc = _request(ctx, cmd.request, "approver_withdrawal", "requested", cmd.action)
    wd.status, wd.approved_by, wd.approved_at = "approved", ctx.actor_id, ctx.now
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}


@handles(c.ApprovePayment)
def approve_payment(cmd: c.ApprovePayment, ctx: Context) -> dict:
    wd, doc = _request(ctx, cmd.request, "approver_payment", "approved", cmd.action)
    if wd.amount > doc.remaining:
        raise Refusal("exceeds_remaining", "request", amount=f"{baht(wd.amount):,.2f}", doc=doc.doc_no,
                      remaining=f"{baht(doc.remaining):,.2f}")
    wd.status, wd.paid_by, wd.paid_at = "paid", ctx.actor_id, ctx.now
    doc.remaining -= wd.amount
    line = ctx.repo.budget_line(doc.budget_line_id)
    line.reserved -= wd.amount
    line.disbursed += wd.amount
    ctx.repo.history(doc, ctx.now, ctx.actor_id, cmd.action, doc.status, wd.request_no)
    return {"request_no": wd.request_no, "doc_no": doc.doc_no}


# ------------------------------------------------------------------ read side and clock


@handles(c.SearchReserve)
def search_reserve(cmd: c.SearchReserve, ctx: Context) -> dict:
    from .. import views

    rows = views.search(ctx.repo.conn, ctx.actor, cmd.model_dump(exclude_none=True))
    return {"rows": rows}


@handles(c.Report)
@handles(c.ReportCX)
def report(cmd: c.Report, ctx: Context) -> dict:
    from .. import views
    from ..reports import check_conditions

    conditions = cmd.model_dump(exclude_none=True)
    try:
        check_conditions(conditions)
    except ValueError as exc:
        raise Refusal("invalid_input", "status", detail=str(exc), detail_en=str(exc)) from None
    units = views.visible_units(ctx.repo.conn, ctx.actor)
    rows = views.nfma60(ctx.repo.conn, units, conditions, contracts=cmd.action == "report.nfma60cx")
    return {"rows": rows}


@handles(c.AdvanceClock)
def advance_clock(cmd: c.AdvanceClock, ctx: Context) -> dict:
    ctx.actor.require_role("trainer", action=cmd.action)
    try:
        to = parse_datetime(cmd.to)
    except (ValueError, TypeError):
        raise Refusal("invalid_input", "to", detail="อ่านเวลาไม่ได้", detail_en="not a moment") from None
    ctx.sandbox.move_clock(ctx.repo.conn, ctx.now, to)
    ctx.now = to
    return {"now": to.isoformat()}
