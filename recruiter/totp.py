"""The second factor: time-based one-time codes (TOTP) and recovery codes."""
import hashlib
import secrets
import time

import pyotp

from .db import immediate, now

STEP = 30
RECOVERY_CODES = 10


def new_secret():
    """A random base32 secret from `secrets` (pyotp.random_base32 uses it too)."""
    return pyotp.random_base32()


def provisioning_uri(secret, email):
    """The otpauth:// address an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Värva")


def matching_step(secret, code, at=None):
    """The time step a code belongs to (now, or one step either side), or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    moment = int(at if at is not None else time.time())
    totp = pyotp.TOTP(secret)
    for offset in (0, -1, 1):
        step = moment // STEP + offset
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def check_code(db, member, code):
    """True for a fresh, correct code; a code already used (its step or an
    earlier one) is refused, so one overheard code cannot be replayed."""
    step = matching_step(member["totp_secret"], code)
    if step is None:
        return False
    with immediate(db):
        last = db.table("members").get(member["id"])["totp_last_step"]
        if last is not None and step <= last:
            return False
        db.execute("update members set totp_last_step = ? where id = ?", [step, member["id"]])
    return True


def _hash(code):
    return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()


def enable(db, member_id, secret, step):
    """Store a confirmed secret and return fresh recovery codes (shown once);
    None if the account has an app already."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    with immediate(db):
        # Only an account without an app yet: two racing set-ups cannot swap secrets.
        if not db.execute(
                """update members set totp_secret = ?, totp_last_step = ?
                   where id = ? and totp_secret is null""", [secret, step, member_id]).rowcount:
            return None
        db.execute("delete from recovery_codes where member_id = ?", [member_id])
        db.table("recovery_codes").insert_all(
            {"member_id": member_id, "code_hash": _hash(c)} for c in codes)
    return codes


def use_recovery_code(db, member_id, code):
    """True once per recovery code."""
    with immediate(db):
        return db.execute(
            """update recovery_codes set used_at = ?
               where member_id = ? and code_hash = ? and used_at is null""",
            [now(), member_id, _hash(code or "")]).rowcount == 1
