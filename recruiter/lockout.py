"""The per-account login limit, and the way past it for the account's owner.

Every attempt is counted atomically *before* the password hash is checked, so
parallel guesses cannot slip between the check and the count: 10 attempts
per 15 minutes reach argon2, the rest are refused at once. A correct
password gives its attempt back.

Anyone can use up an account's attempts, so the lock would lock its owner out
too. A browser that has logged in to the account before carries a signed
device cookie naming the account (OWASP's "device cookies"); its attempts are
counted per device instead, so the owner's phone gets in while strangers are
locked out. The first refusal of each window is written to the audit log.
"""
import secrets
from datetime import timedelta

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse

from . import accounts, audit
from .limits import limiter

ACCOUNT_LIMIT = parse("10 per 15 minutes")
DEVICE_COOKIE_AGE = timedelta(days=365)


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="login-device")


def cookie_name():
    """__Host-varva_device over HTTPS, like the session cookies."""
    prefix = "__Host-" if current_app.config["SESSION_COOKIE_NAME"].startswith("__Host-") else ""
    return f"{prefix}varva_device"


def _device(member):
    """This browser's device id if its cookie was issued to `member`, else None."""
    value = request.cookies.get(cookie_name())
    if not value or member is None:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    return data.get("d") if isinstance(data, dict) and data.get("m") == member["id"] else None


def _enabled():
    return current_app.config.get("RATELIMIT_ENABLED", True) and limiter.enabled


def take_attempt(db, email):
    """Count one login attempt for an address; (allowed, key to refund with)."""
    member = accounts.find_member_by_email(db, email)
    device = _device(member)
    key = f"login-device:{device}" if device else \
        f"login:{accounts.normalise_email(email)[:254]}"
    if not _enabled():
        return True, key
    count = limiter.storage.incr(ACCOUNT_LIMIT.key_for(key), ACCOUNT_LIMIT.get_expiry())
    if count == ACCOUNT_LIMIT.amount + 1 and member is not None:
        audit.record(db, "login_locked", None, "member", member["id"],
                     "device" if device else "account")
    return count <= ACCOUNT_LIMIT.amount, key


def refund_attempt(key):
    """A correct password does not count toward the lock."""
    stored = ACCOUNT_LIMIT.key_for(key)
    if _enabled() and limiter.storage.get(stored) > 0:  # not into a window begun since
        limiter.storage.incr(stored, ACCOUNT_LIMIT.get_expiry(), amount=-1)


def remember_device(member_id):
    """After a full login: mark this browser as one the member uses."""
    value = _serializer().dumps({"m": member_id, "d": secrets.token_urlsafe(16)})
    config = current_app.config

    @after_this_request
    def set_cookie(response):
        response.set_cookie(cookie_name(), value, max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
                            path="/", secure=config.get("SESSION_COOKIE_SECURE", False),
                            httponly=True, samesite="Lax")
        return response
