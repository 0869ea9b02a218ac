"""Credentials and the virtual phone's Nexus Smart ID codes (SPEC §3).

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

import pyotp
import segno

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
TOTP_STEP = 30
MAX_FAILED_OTPS = 5
OTP_LOCK = dt.timedelta(minutes=15)
PASSWORD_MONTHS = 3
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


def qr_svg(secret: str, username: str, scale: int = 4) -> str:
    """An SVG QR code with which a real authenticator app enrols the same secret."""
    return segno.make(provisioning_uri(secret, username), error="m").svg_inline(scale=scale)
