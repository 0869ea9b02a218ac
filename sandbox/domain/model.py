"""The domain: plain objects and the rules on users, budget lines and reserve documents
(docs/rules.md). No database, no widgets, no wall clock, no words: refusals carry catalogue keys."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .errors import AnyOf, Refusal, Text

ROLES = (
    "recorder",
    "approver_withdrawal",
    "approver_payment",
    "remitter",
    "head",
    "cgd_officer",
    "provincial_treasury_officer",
    "trainer",
)
AGENCY_KINDS = (
    "government",
    "state_agency",
    "lao",
    "dla_provincial",
    "cgd",
    "provincial_treasury",
    "regional_treasury",
    "mof_ops",
)
CREDENTIALS = ("token_key", "password", "none")
LOGIN_METHODS = ("soft_token", "token_key", "password")
APPS = ("nexus_smart_id", "paotang")

DOC_TYPES = ("CX", "CK", "PO")
REASONS = {
    "CX": tuple(f"CX{n:02d}" for n in range(1, 8)),
    "CK": tuple(f"CK{n:02d}" for n in range(1, 14)),
    "PO": (),
}
STATUSES = ("", "21", "22", "31", "32", "50", "40")
BLOCKED = ("31", "32")
LISTED = ("21", "22")

# Reasons that need a particular kind of agency [004, MoF letter on FY2566 carry-over].
CX02_KINDS = ("lao", "dla_provincial")
CX03_FORBIDDEN_KINDS = ("government",)


def satang(amount) -> int:
    """Baht (up to two decimals) to integer satang; ``ValueError`` otherwise."""
    try:
        value = Decimal(str(amount).replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    cents = value * 100
    if cents != cents.to_integral_value():
        raise ValueError("more than two decimals")
    return int(cents)


def baht(satang_value: int) -> Decimal:
    return (Decimal(satang_value) / 100).quantize(Decimal("0.01"))


def digits(value, n: int) -> bool:
    return isinstance(value, str) and len(value) == n and value.isdigit()


def valid_national_id(value: str) -> bool:
    """13 digits whose last is the check digit: (11 − Σ dᵢ·(13−i) mod 11) mod 10."""
    if not digits(value, 13):
        return False
    total = sum(int(value[i]) * (13 - i) for i in range(12))
    return (11 - total % 11) % 10 == int(value[12])


# ---------------------------------------------------------------- organisations


@dataclass
class Agency:
    code: str
    name: str
    kind: str
    cutover: str


@dataclass
class Unit:
    code: str
    agency: str
    area: str
    name: str
    regional: bool = False


# ---------------------------------------------------------------- users


@dataclass
class User:
    id: str
    name: str
    national_id: str
    unit: str
    roles: frozenset[str]
    credential: str
    password_hash: str | None = None
    password_changed: dt.datetime | None = None
    must_change: str = ""  # "" | one_time | rights_change
    token_key_held: bool = False
    apps: frozenset[str] = frozenset()
    identity_verified: bool = False
    soft_token: str = "none"  # none | registered | active | suspended
    totp_secret: str | None = None
    last_otp_counter: int = 0
    failed_otps: int = 0
    locked_until: dt.datetime | None = None
    failed_passwords: int = 0  # wrong passwords in a row
    password_locked_until: dt.datetime | None = None

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def require_role(self, *roles: str, action: str) -> None:
        if not self.has_role(*roles):
            raise role_refusal(action, roles)


def role_refusal(action: str, roles: tuple[str, ...]) -> Refusal:
    """``action`` needs one of ``roles``, which the person does not hold."""
    return Refusal("not_authorized", "actor", detail=Text("needs_role", action=action, roles=AnyOf(roles)))


def unit_refusal(field_name: str, doc_no: str, unit: str) -> Refusal:
    """The document ``doc_no`` belongs to ``unit``, not to the person's unit."""
    return Refusal("not_authorized", field_name, detail=Text("document_of_unit", doc=doc_no, unit=unit))


@dataclass
class Session:
    user_id: str
    method: str
    started_at: dt.datetime
    last_seen: dt.datetime

    IDLE = dt.timedelta(minutes=30)
    LIFETIME = dt.timedelta(hours=12)

    def live_at(self, now: dt.datetime) -> bool:
        return now - self.last_seen <= self.IDLE and now - self.started_at <= self.LIFETIME


# ---------------------------------------------------------------- budget


@dataclass
class BudgetLine:
    id: int | None
    unit: str
    budget_code: str
    fund_source: str
    commitment_item: str
    allocation: int
    reserved: int = 0
    disbursed: int = 0
    lapsed: int = 0

    @property
    def available(self) -> int:
        return self.allocation - self.reserved - self.disbursed - self.lapsed


# ---------------------------------------------------------------- reserve documents


@dataclass
class ContractLine:
    line: int
    contract_no: str = ""
    lc_no: str = ""
    lao_name: str = ""
    item: str = ""
    creditor: str = ""
    signed: dt.date | None = None
    due: dt.date | None = None


@dataclass
class ReserveDocument:
    doc_no: str
    doc_type: str
    unit: str
    agency: str
    area: str
    fiscal_year: int
    budget_line_id: int
    budget_code: str
    fund_source: str
    commitment_item: str
    text: str
    reason: str
    reason_detail: str
    doc_date: dt.date
    posting_date: dt.date
    value: int
    remaining: int
    created_by: str
    created_at: dt.datetime
    approved: int = 0
    status: str = ""
    sept_approved: bool = False
    closed: str = ""  # "" | cancelled | converted | lapsed
    closed_at: dt.datetime | None = None
    close_note: str = ""
    contracts: list[ContractLine] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return self.status in BLOCKED

    @property
    def listed(self) -> bool:
        return self.status in LISTED

    @property
    def carried(self) -> bool:
        """Carried into the next fiscal year: approved in September, or a PO (a signed contract
        carries over without List or Confirm) [004 letter 1.1]."""
        return self.sept_approved or self.doc_type == "PO"

    def require_open(self) -> None:
        if self.closed:
            raise Refusal(
                "document_closed",
                "doc",
                doc=self.doc_no,
                detail=Text(f"closed_{self.closed}"),
            )

    def require_changeable(self) -> None:
        """Edit and cancel: open, not confirmed (BLOCK), not listed."""
        self.require_open()
        if self.blocked:
            raise Refusal("document_blocked", "doc", doc=self.doc_no)
        if self.listed:
            raise Refusal("document_listed", "doc", doc=self.doc_no)

    def close(self, how: str, at: dt.datetime, note: str = "") -> int:
        """Close the document; returns the remaining that leaves it."""
        released = self.remaining
        self.remaining = 0
        self.closed = how
        self.closed_at = at
        self.close_note = note
        return released


def wrong_status(doc: ReserveDocument, step: str) -> Refusal:
    """``step`` names the step's texts in the catalogue: ``step_<step>`` and ``takes_<step>``."""
    return Refusal(
        "wrong_status",
        "docs",
        doc=doc.doc_no,
        status=doc.status or Text("status_blank"),
        step=Text(f"step_{step}"),
        detail=Text(f"takes_{step}"),
    )


def list_document(doc: ReserveDocument, round_: str) -> None:
    """สง.02: blank → 21 (September, CX and CK only: a PO carries over without List [004 letter
    1.1, 1.6]); 50, or a carried blank document (a PO, or after a March List cancel) → 22 (March).
    «ยอดอนุมัติ» (to be approved, carried forward) becomes the remaining the document is Listed with."""
    doc.require_open()
    if round_ == "september":
        if doc.status != "" or doc.carried:
            raise wrong_status(doc, "list_september")
        doc.status = "21"
    else:
        if not (doc.status == "50" or (doc.status == "" and doc.carried)):
            raise wrong_status(doc, "list_march")
        doc.status = "22"
    doc.approved = doc.remaining


def list_cancel_document(doc: ReserveDocument) -> None:
    """สง.03: 21 or 22 → blank (a March document stays eligible to List again); nothing is to
    be approved any more."""
    doc.require_open()
    if doc.status not in LISTED:
        raise wrong_status(doc, "list_cancel")
    doc.status = ""
    doc.approved = 0


def confirm_document(doc: ReserveDocument) -> None:
    """อพ.01: 21 → 31, 22 → 32; the document is then BLOCKED."""
    doc.require_open()
    if doc.status not in LISTED:
        raise wrong_status(doc, "confirm")
    doc.status = "31" if doc.status == "21" else "32"


def cancel_confirm_document(doc: ReserveDocument) -> None:
    doc.require_open()
    if doc.status not in BLOCKED:
        raise wrong_status(doc, "cancel_confirm")
    doc.status = "21" if doc.status == "31" else "22"


def approve_document(doc: ReserveDocument) -> None:
    """CGD approval: 31 → 50, 32 → 40; «ยอดอนุมัติ» stays what the document was Listed with."""
    doc.require_open()
    if doc.status not in BLOCKED:
        raise wrong_status(doc, "approve")
    if doc.status == "31":
        doc.status = "50"
        doc.sept_approved = True
    else:
        doc.status = "40"


def reject_document(doc: ReserveDocument) -> None:
    doc.require_open()
    if doc.status not in BLOCKED:
        raise wrong_status(doc, "reject")


# ---------------------------------------------------------------- spending


@dataclass
class Withdrawal:
    request_no: str
    doc_no: str
    amount: int
    status: str  # requested | approved | paid
    requested_by: str
    requested_at: dt.datetime
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    paid_by: str | None = None
    paid_at: dt.datetime | None = None


CODE_PATTERNS = {
    "agency": re.compile(r"^\d{5}$"),
    "unit": re.compile(r"^\d{10}$"),
    "area": re.compile(r"^\d{4}$"),
    "budget_code": re.compile(r"^\d{20}$"),
    "fund_source": re.compile(r"^\d{7}$"),
}
