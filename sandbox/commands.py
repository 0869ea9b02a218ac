"""One small command per thing a user can ask for; names are the exercise actions (docs/exercises.md).

Fields are loosely typed on purpose: the domain, not the parser, decides which value is wrong
and answers with the error code the exercise format names (``invalid_amount``, ``invalid_date`` …).
The parser only enforces the limits a real system has (``limits.py``: text lengths, list sizes,
amounts, fiscal years, storable characters); a value beyond them is ``invalid_input``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from . import limits, plain_input
from .domain.errors import Refusal

Value = Any  # str, number or date, checked by the domain


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    action: ClassVar[str]
    needs_session: ClassVar[bool] = True

    @field_validator("*", mode="before")
    @classmethod
    def _codes_as_text(cls, value, info: ValidationInfo):
        limits.check_field(info.field_name, value)
        # YAML reads 6611200 as a number; codes and numbers are text to the rules.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("amount", "remaining", mode="before", check_fields=False)
    @classmethod
    def _bounded_amount(cls, value, info: ValidationInfo):
        return limits.check_amount(value, allow_zero=info.field_name == "remaining")


# ------------------------------------------------------------------ users and login
class Login(Command):
    action = "auth.login"
    needs_session = False
    method: str = "soft_token"
    password: str | None = None
    otp: str | None = None


class Logout(Command):
    action = "auth.logout"


class RequestCredentials(Command):
    action = "user.request_credentials"


class IssueCredentials(Command):
    action = "user.issue_credentials"
    user: str


class ChangePassword(Command):
    action = "user.change_password"
    needs_session = False
    old: str | None = None
    new: str | None = None


class ChangeRights(Command):
    action = "user.change_rights"
    user: str
    roles: list[str]
    order_file: str | None = None


class ApproveRightsChange(Command):
    action = "user.approve_rights_change"
    user: str


class InstallApps(Command):
    action = "phone.install"
    needs_session = False
    apps: list[str]


class VerifyPaotang(Command):
    action = "paotang.verify"
    needs_session = False


class RegisterSoftToken(Command):
    action = "softtoken.register"
    needs_session = False
    password: str | None = None


class ReportLost(Command):
    action = "softtoken.report_lost"
    needs_session = False
    user: str | None = None
    lost_on: Value = None  # the day the phone was lost (default today)


class LossLetter(Command):
    action = "softtoken.loss_letter"
    user: str
    letter_no: str | None = None


class ReturnTokenKey(Command):
    action = "tokenkey.return"


# ------------------------------------------------------------------ search and report conditions
ROUNDS = ("september", "march")
GROUPS = ("not_listed", "listed", "confirmed", "approved")


def check_conditions(cond: dict[str, Any]) -> None:
    """Raise ``ValueError`` naming the condition that is not one the report knows."""
    if cond.get("round", "september") not in ROUNDS:
        raise ValueError(f"round: september or march, not {cond['round']!r}")
    if cond.get("status") and cond["status"] not in GROUPS:
        raise ValueError(f"status: one of {', '.join(GROUPS)}, not {cond['status']!r}")
    if cond.get("doc_type") and cond["doc_type"] not in ("CX", "CK", "PO"):
        raise ValueError(f"doc_type: CX, CK or PO, not {cond['doc_type']!r}")


class Conditions(Command):
    """The conditions «ค้นหา» (reserve.search) and the reports NFMA60 / NFMA60CX share."""

    doc: str | None = None
    fiscal_year: Value = None
    status: str | None = None
    doc_type: str | None = None
    fund_source: Value = None
    budget_code: Value = None
    area: Value = None
    budget_unit: Value = None
    reason: str | None = None
    round: str | None = None

    _fiscal_year = field_validator("fiscal_year", mode="after")(
        classmethod(lambda cls, v: limits.check_fiscal_year(v)))
    _status = field_validator("status", mode="after")(
        classmethod(lambda cls, v: limits.check_choice(v, limits.SEARCH_STATUSES)))
    _round = field_validator("round", mode="after")(classmethod(lambda cls, v: limits.check_choice(v, limits.ROUNDS)))
    _doc_type = field_validator("doc_type", mode="after")(
        classmethod(lambda cls, v: limits.check_choice(v, limits.DOC_TYPES)))

    def conditions(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


# ------------------------------------------------------------------ reserve documents
class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")
    line: int | None = None
    contract_no: Value = None
    lc_no: Value = None
    lao_name: Value = None
    item: Value = None
    creditor: Value = None
    signed: Value = None
    due: Value = None

    @field_validator("contract_no", "lc_no", "lao_name", "item", "creditor", mode="before")
    @classmethod
    def _text(cls, value, info: ValidationInfo):
        limits.check_field(info.field_name, value)
        return None if value is None else str(value)

    @field_validator("signed", "due", mode="before")
    @classmethod
    def _scalar(cls, value, info: ValidationInfo):
        return limits.check_field(info.field_name, value)


class CreateReserve(Command):
    action = "reserve.create"
    doc_type: Value = None
    budget_code: Value = None
    fund_source: Value = None
    commitment_item: Value = None
    amount: Value = None
    text: Value = ""
    reason: Value = None
    reason_detail: Value = ""
    doc_date: Value = None
    posting_date: Value = None
    contracts: list[Contract] = []


class SimulateReserve(CreateReserve):
    action = "reserve.simulate"


class EditReserve(Command):
    action = "reserve.edit"
    doc: str
    contracts: list[Contract] = []
    # General fields are accepted here only to be refused with field_not_editable.
    doc_type: Value = None
    budget_code: Value = None
    fund_source: Value = None
    commitment_item: Value = None
    amount: Value = None
    text: Value = None
    reason: Value = None
    reason_detail: Value = None
    doc_date: Value = None
    posting_date: Value = None


class CancelReserve(Command):
    action = "reserve.cancel"
    doc: str
    reason: Value = None


class SearchReserve(Conditions):
    action = "reserve.search"
    unit: Value = None


class ConvertToPO(Command):
    action = "reserve.convert_to_po"
    doc: str
    contract_no: Value = None
    signed: Value = None


# ------------------------------------------------------------------ rounds
class _Docs(Command):
    docs: list[str]

    @field_validator("docs", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


class ListDocs(_Docs):
    action = "round.list"


class ListCancel(_Docs):
    action = "round.list_cancel"


class Confirm(_Docs):
    action = "round.confirm"


class CancelConfirm(_Docs):
    action = "round.cancel_confirm"
    letter_no: Value = None
    letter_date: Value = None


class Approve(_Docs):
    action = "round.approve"


class Reject(_Docs):
    action = "round.reject"
    reason: Value = None


# ------------------------------------------------------------------ spending
class RequestWithdrawal(Command):
    action = "withdrawal.request"
    doc: str
    amount: Value = None


class ApproveWithdrawal(Command):
    action = "withdrawal.approve"
    request: str


class ApprovePayment(Command):
    action = "payment.approve"
    request: str


# ------------------------------------------------------------------ reports and clock
class Report(Conditions):
    action = "report.nfma60"
    round: str = "september"
    remaining: Value = None
    page: Value = None  # the screen: at most this many rows (1-1,000), with the count and sums of all

    def conditions(self) -> dict[str, Any]:
        """The conditions, checked: a wrong round, status group or type is an ``invalid_input``."""
        conditions = super().conditions()
        conditions.pop("page", None)
        try:
            check_conditions(conditions)
        except ValueError as exc:
            raise Refusal("invalid_input", "status", detail=str(exc), detail_en=str(exc)) from None
        return conditions

    def page_size(self) -> int | None:
        if self.page in (None, ""):
            return None
        if not str(self.page).isdigit() or not 1 <= int(self.page) <= 1000:
            raise Refusal("invalid_input", "page", detail=f"page: 1 to 1000, not {self.page!r}",
                          detail_en=f"page: 1 to 1000, not {self.page!r}")
        return int(self.page)


class ReportCX(Report):
    action = "report.nfma60cx"


class AdvanceClock(Command):
    action = "clock.advance"
    to: Value

    @field_validator("to", mode="after")
    @classmethod
    def _moment(cls, value):
        from .calendar import parse_datetime

        try:
            parse_datetime(value)
        except (ValueError, TypeError, OverflowError):
            raise limits.rule("moment") from None
        return value


COMMANDS: dict[str, type[Command]] = {
    cls.action: cls
    for cls in (
        Login, Logout, RequestCredentials, IssueCredentials, ChangePassword, ChangeRights,
        ApproveRightsChange, InstallApps, VerifyPaotang, RegisterSoftToken, ReportLost,
        LossLetter, ReturnTokenKey, CreateReserve, SimulateReserve, EditReserve, CancelReserve,
        SearchReserve, ConvertToPO, ListDocs, ListCancel, Confirm, CancelConfirm, Approve,
        Reject, RequestWithdrawal, ApproveWithdrawal, ApprovePayment, Report, ReportCX,
        AdvanceClock,
    )
}


def parse_command(action: str, data: Any, actor: Any = None) -> Command:
    """Build the command for a scenario action; a malformed input is an ``invalid_input`` refusal
    naming the field and the broken rule. ``actor`` (when given) is checked first: a long or
    unprintable user id never reaches the database. An unknown action raises ``KeyError``."""
    if actor is not None:
        limits.check_actor(actor)
    limits.check_action(action)
    cls = COMMANDS.get(action)
    if cls is None:
        raise KeyError(action)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise limits.input_refusal("input", "not_mapping")
    fast = _FAST_FIELDS.get(cls)
    # Field names of the command's own (short printable identifiers, checked once below) pass
    # the check of every key without it.
    if fast is None or not fast[0].keys() >= data.keys():
        for key in data:
            if not isinstance(key, str) or not key or len(key) > limits.MAX_ID or (
                    not key.isprintable() and limits.bad_character(key)):
                raise limits.input_refusal("input", "field_name", {"max": limits.MAX_ID})
    data = dict(data)
    if fast is not None:
        cmd = plain_input.parse(cls, fast, data)
        if cmd is not None:
            return cmd
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        top = str(loc[0]) if loc else "input"
        ctx = dict(err.get("ctx") or {})
        kind = err["type"]
        if kind == "extra_forbidden":
            ctx["fields"] = ", ".join(sorted(cls.model_fields))
        raise limits.input_refusal(top, kind, ctx, loc) from None


# Plain inputs (short printable texts, numbers) are built without pydantic's machinery.
_FAST_FIELDS = plain_input.fast_fields(COMMANDS.values(), Contract)
assert all(type(k) is str and k and len(k) <= limits.MAX_ID and k.isprintable()
           for kinds, *_ in _FAST_FIELDS.values() for k in kinds)
