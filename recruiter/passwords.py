"""Password hashing (argon2id) and the password rules."""
import string
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 8
MAX_LENGTH = 128
# Checked case-insensitively against the whole password with digits and
# punctuation stripped, so "Socialdemokraterna2026!" is refused too.
COMMON_WORDS = {
    "password", "lösenord", "losenord", "qwerty", "qwertyuiop", "abcdefgh",
    "socialdemokraterna", "socialdemokrat", "sosse", "sap", "värva", "varva",
    "välkommen", "valkommen", "sommar", "hejsan", "iloveyou", "admin",
}
COMMON_PASSWORDS = {"12345678", "123456789", "1234567890", "87654321", "11111111",
                    "00000000", "sap1889", "password1", "password123"}
# The 20 000 passwords attackers try first (Django's list; source and licence in its header).
BREACHED_LIST = Path(__file__).parent / "data" / "common-passwords.txt"
DECORATION = string.digits + string.punctuation + " "


def _hasher():
    return PasswordHasher(**current_app.config["ARGON2_PARAMS"])


def hash_password(password):
    """Return an argon2id hash of the password exactly as typed."""
    return _hasher().hash(password)


def verify_password(password_hash, password):
    """True when the password matches; never raises for a bad hash."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the hash was made with other parameters than today's."""
    return _hasher().check_needs_rehash(password_hash)


def burn_time(password):
    """Do the work of one verification, so unknown e-mails take as long."""
    verify_password(_dummy_hash(), password)


def _dummy_hash():
    cache = current_app.extensions.setdefault("varva_dummy_hash", {})
    params = repr(current_app.config["ARGON2_PARAMS"])
    if params not in cache:
        cache[params] = hash_password("not a real password")
    return cache[params]


@cache
def breached_passwords():
    """The breached-password list as a set, read once per process."""
    with BREACHED_LIST.open(encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines
                         if not line.startswith("# ") and line.strip())


def is_too_common(password):
    """True for passwords that appear on every attacker's first list: as typed
    (case aside), or with only digits and punctuation added at the end
    ("Dragon2026!")."""
    lowered = password.strip().lower()
    letters = "".join(ch for ch in lowered if ch.isalpha())
    undecorated = lowered.rstrip(DECORATION)
    breached = breached_passwords()
    return (lowered in COMMON_PASSWORDS or letters in COMMON_WORDS or lowered in breached
            or undecorated in breached)
