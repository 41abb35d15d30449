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
    """Store a sign-up; a repeat within 90 days is kept as a possible duplicate.

    `person` holds the validated fields and `submission_id`; `attribution`
    holds source, link_id, recruiter_id, campaign_id, association_id and
    partner_id (the partner organisation credited beside the recruiter). A row
    with the same e-mail or number from the last 90 days makes the new one a
    possible duplicate of it (`duplicate_of`): stored, never counted, shown to
    the chair to resolve. Returns the id of the stored row; a replayed
    submission returns the row it created.
    """
    since = (datetime.now(timezone.utc) - DUPLICATE_WINDOW).isoformat(timespec="seconds")
    with immediate(db):
        replayed = _replayed(db, person["submission_id"])
        if replayed is not None:
            # A double tap: the browser shows the answer to the last tap, so its withdrawal
            # link must work. Only within a couple of minutes of the first, so that nobody
            # who later sends the same details takes the link over.
            if person.get("withdraw_token_hash"):
                db.execute(REPLAY_TOKEN_SQL, [person["withdraw_token_hash"], replayed,
                                              _seconds_ago(DOUBLE_TAP_SECONDS)])
            return replayed
        earlier = _earlier_signup(db, person, since)
        municipality_id = _municipality_of(db, attribution.get("association_id")) or \
            municipality_for_postcode(db, person["postcode"])
        if attribution.get("association_id") is None:
            attribution = {**attribution,
                           "association_id": association_for_municipality(db, municipality_id)}
        stamp = now()
        signup_id = db.table("signups").insert({
            **person, **attribution, "municipality_id": municipality_id,
            "consent_at": stamp, "status": "registered", "status_at": stamp,
            "created_at": stamp, "duplicate_of": earlier,
        }).last_pk
    # After the commit: cleared before it, another thread could cache the old
    # numbers again. (Other processes learn it from the database's generation.)
    cache.invalidate()
    return signup_id


def _municipality_of(db, association_id):
    if association_id is None:
        return None
    return db.table("associations").get(association_id)["municipality_id"]


DOUBLE_TAP_SECONDS = 120
REPLAY_TOKEN_SQL = """update signups set withdraw_token_hash = ?
                      where id = ? and erased_at is null and created_at >= ?"""


def _seconds_ago(seconds):
    return (datetime.now(timezone.utc) - timedelta(seconds=seconds)).isoformat(timespec="seconds")


def _replayed(db, submission_id):
    rows = list(db.query("select id from signups where submission_id = ?", [submission_id]))
    return rows[0]["id"] if rows else None


def _earlier_signup(db, person, since):
    """The first counted, not erased sign-up with this e-mail or number, if recent."""
    # Two searches, one per index: with `email = ? or phone = ?` SQLite chose
    # the created_at range instead, reading every recent sign-up (bench/server.py).
    rows = list(db.query(
        """select min(id) as id from (
             select id from signups where email = :email and created_at >= :since
               and erased_at is null and duplicate_of is null
             union all
             select id from signups where phone = :phone and created_at >= :since
               and erased_at is null and duplicate_of is null)""",
        {"email": person.get("email"), "phone": person.get("phone"), "since": since}))
    return rows[0]["id"]


RECRUITS_SQL = """
select first_name, created_at, status from signups
where recruiter_id = ? and erased_at is null and status != 'cancelled' and duplicate_of is null
order by created_at desc, id desc"""


def recruits_of(db, member_id):
    """The first names and dates of the people a member recruited, newest first.

    Withdrawn or erased sign-ups and unresolved duplicates are left out: the
    list and its count are of people who still stand by their sign-up.
    """
    return list(db.query(RECRUITS_SQL, [member_id]))


# A possible duplicate is listed under the earlier sign-up it may repeat,
# whichever association it chose; alone only if that one was erased.
ASSOCIATION_SIGNUPS_SQL = """
with listed as (
  select id, created_at from signups s
  where association_id = :association and erased_at is null and status != 'cancelled'
    and (duplicate_of is null
         or (select erased_at from signups e where e.id = s.duplicate_of) is not null)
  order by created_at desc, id desc limit :limit)
select s.*, m.first_name as recruiter_first_name, m.last_name as recruiter_last_name
from listed l join signups s on s.id = l.id or s.duplicate_of = l.id
left join members m on m.id = s.recruiter_id
where s.erased_at is null and s.status != 'cancelled'
order by l.created_at desc, l.id desc, s.id != l.id, s.id"""


def association_signups(db, association_id, limit=200):
    """Sign-ups that chose an association, newest first, with contact details.

    Withdrawn or erased ones are left out. A possible duplicate follows the
    earlier sign-up it names in `duplicate_of`, so the chair sees the pair.
    """
    return list(db.query(ASSOCIATION_SIGNUPS_SQL,
                         {"association": association_id, "limit": limit}))


PERSON_FIELDS = ("first_name", "last_name", "email", "phone", "birth_year", "postcode",
                 "consent_id", "consent_at")
CREDIT_FIELDS = ("source", "link_id", "recruiter_id", "campaign_id", "partner_id")
NO_CREDIT = {"source": "own_initiative", "link_id": None, "recruiter_id": None,
             "campaign_id": None, "partner_id": None}


def resolve_duplicate(db, later, details, credit):
    """Settle a possible duplicate into the earlier sign-up it repeats.

    `details` ("later" or "earlier") says whose name, contact, birth year,
    postcode and consent are right; `credit` ("earlier", "later" or "none")
    who recruited. The earlier row, already counted, takes them; the caller
    then erases the later row, which keeps pointing at it (so its withdrawal
    link still reaches the pair) and is never counted. Returns the earlier id.
    """
    changes = {}
    if details == "later":
        changes.update({field: later[field] for field in PERSON_FIELDS})
    if credit == "later":
        changes.update({field: later[field] for field in CREDIT_FIELDS})
    elif credit == "none":
        changes.update(NO_CREDIT)
    with immediate(db):
        if changes:
            db.table("signups").update(later["duplicate_of"], changes)
    cache.invalidate()
    return later["duplicate_of"]
