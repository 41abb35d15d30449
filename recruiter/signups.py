"""Sign-ups (intresseanmälningar): recording them with their attribution."""
import re
from datetime import datetime, timedelta, timezone

from . import cache
from .db import immediate, now
from .text import ascii_digits

DUPLICATE_WINDOW = timedelta(days=90)
# [0-9], not \d: \d matches every Unicode digit (text.py).
PHONE_RE = re.compile(r"^\+[0-9]{8,15}$")
SWEDISH_MOBILE_RE = re.compile(r"^\+467[0-9]{8}$")
POSTCODE_RE = re.compile(r"^([0-9]{3}) ?([0-9]{2})$")


def normalise_phone(raw):
    """A phone number as +46…, or None when it cannot be a mobile number."""
    digits = re.sub(r"[\s\-().]", "", ascii_digits(raw))
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
        digits = "+46" + digits[1:]
    if not PHONE_RE.match(digits):
        return None
    if digits.startswith("+46") and not SWEDISH_MOBILE_RE.match(digits):
        return None
    return digits


def normalise_postcode(raw):
    """A Swedish postcode as "123 45", or None."""
    match = POSTCODE_RE.match(ascii_digits(raw).strip())
    return f"{match.group(1)} {match.group(2)}" if match else None


def current_consent(db, lang="sv"):
    """The consent text in force: the newest version already valid."""
    rows = list(db.query(
        """select * from consent_texts where lang = ? and valid_from <= ?
           order by valid_from desc, id desc limit 1""", [lang, now()]))
    return rows[0]


def association_for_municipality(db, municipality_id):
    """The association of a municipal organisation that has only one."""
    if municipality_id is None:
        return None
    rows = list(db.query("select id from associations where municipality_id = ? limit 2",
                         [municipality_id]))
    return rows[0]["id"] if len(rows) == 1 else None


def municipality_for_postcode(db, postcode):
    """The municipal organisation a postcode belongs to, when exactly one claims it."""
    rows = list(db.query(
        "select municipality_id from postcode_areas where prefix = ?", [postcode[:3]]))
    return rows[0]["municipality_id"] if len(rows) == 1 else None


def record_signup(db, person, attribution):
    """Store a sign-up unless the same person signed up within 90 days.

    `person` holds the validated fields and `submission_id`; `attribution`
    holds source, link_id, recruiter_id, campaign_id, association_id. The
    earlier sign-up keeps its recruiter. Returns the id of the stored or the
    earlier row; a replayed submission returns the row it created.
    """
    since = (datetime.now(timezone.utc) - DUPLICATE_WINDOW).isoformat(timespec="seconds")
    with immediate(db):
        earlier = _earlier_signup(db, person, since)
        if earlier is not None:
            return earlier
        municipality_id = _municipality_of(db, attribution.get("association_id")) or \
            municipality_for_postcode(db, person["postcode"])
        if attribution.get("association_id") is None:
            attribution = {**attribution,
                           "association_id": association_for_municipality(db, municipality_id)}
        stamp = now()
        cache.invalidate()
        return db.table("signups").insert({
            **person, **attribution, "municipality_id": municipality_id,
            "consent_at": stamp, "status": "registered", "status_at": stamp,
            "created_at": stamp,
        }).last_pk


def _municipality_of(db, association_id):
    if association_id is None:
        return None
    return db.table("associations").get(association_id)["municipality_id"]


def _earlier_signup(db, person, since):
    rows = list(db.query(
        """select id from signups
           where submission_id = :submission_id
              or ((email = :email or phone = :phone) and created_at >= :since)
           order by id limit 1""",
        {"submission_id": person["submission_id"], "email": person.get("email"),
         "phone": person.get("phone"), "since": since}))
    return rows[0]["id"] if rows else None


def recruits_of(db, member_id):
    """The first names and dates of the people a member recruited, newest first."""
    return list(db.query(
        """select first_name, created_at, status from signups
           where recruiter_id = ? order by created_at desc, id desc""", [member_id]))


def association_signups(db, association_id, limit=200):
    """Sign-ups that chose an association, newest first, with contact details."""
    return list(db.query(
        """select s.*, m.first_name as recruiter_first_name,
                  m.last_name as recruiter_last_name
           from signups s left join members m on m.id = s.recruiter_id
           where s.association_id = ? order by s.created_at desc, s.id desc limit ?""",
        [association_id, limit]))
