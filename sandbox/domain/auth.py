"""Credentials, rights and the virtual phone's Nexus Smart ID codes [letters 000 and 002; docs/rules.md].

Passwords are stored only as salted scrypt hashes. Codes are RFC 6238 TOTP (pyotp) at the
simulated time: 30-second steps, 6 digits, each step's code accepted once.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from functools import lru_cache

import pyotp
import segno

from .calendar import BusinessCalendar, add_months, to_bangkok
from .errors import Refusal, Text
from .model import User, digits
from .policy import Cutover

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOTP_STEP = 30
MAX_FAILED_OTPS = 5
OTP_LOCK = dt.timedelta(minutes=15)
MAX_FAILED_PASSWORDS = 5  # wrong passwords in a row before the account locks
PASSWORD_LOCK = dt.timedelta(minutes=15)
PASSWORD_MONTHS = 3
LOSS_LETTER_BUSINESS_DAYS = 3  # the head's letter to CGD after a lost phone [000 §4]
ISSUER = "New GFMIS Thai (sandbox)"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str | None, stored: str | None) -> bool:
    if not password or not stored:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    candidate = hashlib.scrypt(
        str(password).encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def one_time_password() -> str:
    """A one-time password as CGD or the treasury office would hand out: 10 characters."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def strong_enough(new: str, old: str | None) -> bool:
    return (
        isinstance(new, str)
        and len(new) >= 8
        and any(c.isdigit() for c in new)
        and any(c.isalpha() for c in new)
        and new != old
    )


def new_totp_secret() -> str:
    return pyotp.random_base32()


def world_totp_secret(user_id: str, national_id: str, start: dt.datetime) -> str:
    """The secret of a Soft Token a world declares already active: derived from the user and the
    world's start, so a scenario's codes are the same on every run. (A registration in the
    sandbox always draws a fresh random secret.)"""
    seed = hashlib.sha256(f"{user_id}|{national_id}|{start.isoformat()}".encode()).digest()
    return base64.b32encode(seed[:20]).decode()


def time_step(moment: dt.datetime) -> int:
    return int(moment.timestamp()) // TOTP_STEP


def code_at(secret: str, moment: dt.datetime) -> str:
    """The 6-digit code the virtual phone shows at ``moment``."""
    return pyotp.TOTP(secret, interval=TOTP_STEP).at(moment)


def seconds_left(moment: dt.datetime) -> int:
    return TOTP_STEP - int(moment.timestamp()) % TOTP_STEP


def matching_step(secret: str, code: str, moment: dt.datetime) -> int | None:
    """The time step whose code ``code`` is: the current one or the one before (clock drift of
    one step, as RFC 6238 §5.2 recommends), else ``None``."""
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    current = time_step(moment)
    for step in (current, current - 1):
        if hmac.compare_digest(totp.generate_otp(step), str(code)):
            return step
    return None


def provisioning_uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret, interval=TOTP_STEP).provisioning_uri(name=username, issuer_name=ISSUER)


@lru_cache(maxsize=64)  # the phone redraws every few seconds; encoding one QR code costs ~20 ms
def qr_svg(secret: str, username: str, scale: int = 4) -> str:
    """An SVG QR code with which a real authenticator app enrols the same secret."""
    return segno.make(provisioning_uri(secret, username), error="m").svg_inline(scale=scale)


# ---------------------------------------------------------------- rules on a login


def login_methods(user: User, cutover: Cutover, now: dt.datetime) -> set[str]:
    """The methods that would be accepted for ``user`` right now (password aside)."""
    methods = set()
    if now < cutover.refuse_from:
        if user.credential == "token_key" and user.token_key_held:
            methods.add("token_key")
        if user.credential == "password":
            methods.add("password")
    if user.password_locked_until is not None and now < user.password_locked_until:
        return set()  # every method asks for the password
    locked = user.locked_until is not None and now < user.locked_until
    if user.soft_token in ("registered", "active") and not locked:
        methods.add("soft_token")
    return methods


def check_password_lock(user: User, now: dt.datetime, field_name: str = "password") -> None:
    """After 5 wrong passwords in a row the account takes no password for 15 minutes."""
    if user.password_locked_until is not None and now < user.password_locked_until:
        raise Refusal("password_locked", field_name, until=user.password_locked_until)


def wrong_password(user: User, now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """The user's counters after one more wrong password: (wrong in a row, locked until)."""
    failed = user.failed_passwords + 1
    if failed >= MAX_FAILED_PASSWORDS:
        return 0, now + PASSWORD_LOCK
    return failed, None


def check_password(user: User, password: str | None, now: dt.datetime, field_name: str = "password") -> None:
    """Password, then its age (3 months [000 §2]), then a pending change [000 §3]."""
    if user.credential == "none" or not verify_password(password, user.password_hash):
        raise Refusal("bad_credentials", field_name)
    if user.password_changed and now.date() > add_months(user.password_changed.date(), PASSWORD_MONTHS):
        raise Refusal("password_expired", field_name, changed=_day_of(user.password_changed),
                      changed_en=user.password_changed.date().isoformat())
    if user.must_change:
        raise Refusal("password_change_required", field_name, detail=Text(f"must_change_{user.must_change}"))


def _day_of(moment: dt.datetime) -> dt.date:
    return to_bangkok(moment).date()


@dataclass(frozen=True)
class NexusAnswer:
    """The phone's answer to a login request: accepted (the step used) or refused, with the
    user's failure counters either way (a refusal keeps them: they are written even so)."""

    accepted: bool
    failed_otps: int
    locked_until: dt.datetime | None
    step: int | None = None
    refusal: Refusal | None = None
    counted: bool = True  # a refusal that counts as a failed code (a denied push does not)


def approve_in_nexus(user: User, otp: str | None, now: dt.datetime) -> NexusAnswer:
    """The login request on the phone: ``auto`` (the phone's current code), a code, or ``deny``.
    Five wrong codes lock Soft Token logins for 15 minutes; each step's code is accepted once."""
    if otp == "deny":
        return NexusAnswer(False, user.failed_otps, user.locked_until,
                           refusal=Refusal("bad_otp", "otp", detail=Text("otp_denied")), counted=False)
    code = code_at(user.totp_secret, now) if otp in (None, "auto") else str(otp).strip()
    step = matching_step(user.totp_secret, code, now) if digits(code, 6) else None
    if step is not None and step > user.last_otp_counter:
        return NexusAnswer(True, 0, None, step)
    failed = user.failed_otps + 1
    locked_until = None
    if failed >= MAX_FAILED_OTPS:
        failed, locked_until = 0, now + OTP_LOCK
    why = "otp_reused" if step is not None else "otp_wrong"
    return NexusAnswer(False, failed, locked_until, refusal=Refusal("bad_otp", "otp", detail=Text(why)))


# ---------------------------------------------------------------- rights and a lost phone


def check_segregation(user_id: str, roles) -> None:
    """«อนุมัติ ๑» and «อนุมัติ ๒» never on one person [000 §2]."""
    if "approver_withdrawal" in roles and "approver_payment" in roles:
        raise Refusal("segregation_of_duties", "roles", detail=Text("sod_roles", user=user_id))


def check_request_segregation(request, actor_id: str) -> None:
    """On each withdrawal request: the person who asked for it approves neither step, and one
    person never gives both approvals (อนุมัติ ๑ and ๒), whatever their roles are now [000 §2]."""
    if actor_id == request.requested_by:
        raise Refusal("segregation_of_duties", "request", detail=Text("sod_own_request", request=request.request_no))
    if actor_id in (request.approved_by, request.paid_by):
        raise Refusal("segregation_of_duties", "request", detail=Text("sod_both_approvals", request=request.request_no))


def loss_letter_due(calendar: BusinessCalendar, lost_on: dt.date | dt.datetime) -> dt.datetime:
    """The head's letter reports a lost phone within 3 business days counted from the day the
    phone was lost [000 §4]."""
    day = to_bangkok(lost_on).date() if isinstance(lost_on, dt.datetime) else lost_on
    return calendar.end_of_day(calendar.add_business_days(day, LOSS_LETTER_BUSINESS_DAYS))


def loss_counted_from(lost_on: dt.date | None, now: dt.datetime, earliest: dt.date | None) -> dt.date:
    """The day the head's 3 business days count from: the day the phone was lost («นับจากวันที่
    โทรศัพท์ที่เชื่อมต่อกับ Soft Token สูญหาย» [000 §4]), today when not given. Not in the future,
    and not before ``earliest`` (the day the user's group could first connect a phone to Soft
    Token: its registration opening)."""
    today = to_bangkok(now).date()
    if lost_on is None:
        return today
    if lost_on > today:
        raise Refusal("invalid_date", "lost_on", value=lost_on, detail=Text("in_the_future"))
    if earliest is not None and lost_on < earliest:
        raise Refusal("invalid_date", "lost_on", value=lost_on, detail=Text("rules15_lost_before_registration",
                                                                              opens=earliest))
    return lost_on


# ---------------------------------------------------------------- the transition [000, 002]


def check_registration_open(cutover: Cutover, now: dt.datetime) -> None:
    """Soft Token registration opens per group (``register_from``; none for the pilot groups)
    and stays open after the cut-over [002 §2, 000 letter 3]."""
    if cutover.register_from is not None and now < cutover.register_from:
        raise Refusal("registration_not_open", "apps", opens=cutover.register_from,
                      cutover_source=cutover.source, cutover_clause=cutover.clause)


def check_token_key_return(user: User, cutover: Cutover | None = None) -> None:
    """A Token Key goes back once its holder's Soft Token is active [000 letter 4, 002 §4]:
    earlier, the user would be left with no way to log in. The refusal cites the return
    paragraph of the letter of the user's group (``cutover``)."""
    if user.soft_token != "active":
        cite = {} if cutover is None else {"cite_source": cutover.source or "000",
                                           "cite_clause": Text("rules15_token_return_clause")}
        raise Refusal("soft_token_not_active", "actor", detail=Text(f"rules15_soft_token_{user.soft_token}"), **cite)


def token_return_late(cutover: Cutover, now: dt.datetime) -> bool:
    """A return after the group's return date (15 May 2024 / 30 May 2025) is recorded late."""
    return cutover.token_return_by is not None and to_bangkok(now).date() > cutover.token_return_by


def old_method_reminder(user: User, method: str) -> bool:
    """A user whose Soft Token is registered logs in with Soft Token from that day on [002]:
    the old method still works before the cut-over, with a reminder."""
    return method in ("token_key", "password") and user.soft_token in ("registered", "active")
