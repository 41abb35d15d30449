"""Typed text made safe before it is checked: digits, codes and names.

Python's `int()`, `str.isdigit()` and `\\d` take every Unicode digit
('٤', '४', '４', and for isdigit even '²'), so a number typed on an Arabic
keyboard would be stored as a different person's number. Everything that
becomes a number, an e-mail address or a code goes through `ascii_digits`
first; every name goes through `nfc_trim` and `name_error`.
"""
import unicodedata

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

# Control, format, surrogate, private-use and unassigned characters, and the
# line and paragraph separators: invisible or able to reorder what is shown.
HIDDEN_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")


def ascii_digits(raw):
    """NFKC text whose decimal digits are all ASCII: '٤٩' -> '49', '²' -> '2'."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def number_text(raw):
    """A filter for numeric fields: ASCII digits, trimmed; None stays None."""
    return ascii_digits(raw).strip() if raw is not None else None


def whole_number(raw, max_digits=9):
    """The int typed, or None unless it is only ASCII digits after normalising."""
    text = number_text(raw) or ""
    if not (text.isascii() and text.isdigit()) or len(text) > max_digits:
        return None
    return int(text)


def code_text(raw):
    """A filter for codes and e-mail addresses: NFKC, ASCII digits, trimmed."""
    return number_text(raw)


def ascii_code(raw):
    """A filter for one-time codes: code_text with anything not ASCII left out,
    so a digit no normalising can map (e.g. Kharosthi) never reaches the
    constant-time comparison, which refuses non-ASCII text with a TypeError."""
    return "".join(ch for ch in code_text(raw) if ch.isascii()) if raw is not None else None


def nfc_trim(raw):
    """A filter for names: NFC, odd spaces as plain ones, trimmed; None stays None."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFC", raw)
    return "".join(" " if unicodedata.category(ch) == "Zs" else ch for ch in text).strip()


def has_hidden(text):
    """True if the text holds a control, format or other invisible character."""
    return any(unicodedata.category(ch) in HIDDEN_CATEGORIES for ch in text)


def has_letter(text):
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def name_error(text):
    """Why a trimmed NFC name cannot be stored, or None when it can.

    One rule for every name (people, units, campaigns, link labels): no
    control, format or other invisible character, and at least one letter.
    A Swedish name needs letters, spaces, hyphens, apostrophes and periods
    (Åsa-Britt O'Neill, Zoë, Nguyễn), none of them invisible; not even the
    zero-width joiner is needed. Visible signs stay allowed: they are
    escaped where shown and defused in CSV (dashboard.csv_cell).
    """
    if not text:
        return None
    if has_hidden(text):
        return _l("Namnet innehåller osynliga tecken eller styrtecken. Skriv det igen utan dem.")
    if not has_letter(text):
        return _l("Namnet måste innehålla minst en bokstav.")
    return None


def name_error_sv(text):
    """name_error as Swedish text, for the command line (no request, no locale)."""
    error = name_error(text)
    if error is None:
        return None
    with force_locale("sv"):
        return str(error)
