"""The rights of the people in the register: export, erasure, retention.

Erasure keeps an anonymous row (date, source, recruiter, campaign, association,
municipality, birth year, status) so that the indicators do not change; the
name, contact details and postcode are overwritten on disk (secure_delete)
and the WAL is checkpointed so the old values leave the -wal file too.
"""
import json
import os
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app

from . import audit, cache
from .db import immediate, now
from .signups import normalise_phone

def find_signups(db, query):
    """Sign-ups whose e-mail or mobile number is exactly the one searched for."""
    phone = normalise_phone(query)
    return list(db.query(
        """select id, first_name, last_name, created_at, status, association_id
           from signups where erased_at is null and (email = ? or phone = ?)
           order by created_at desc""", [query.strip().lower(), phone]))


def export_signup(db, signup_id):
    """Everything stored about the person behind one sign-up, as a dict for JSON."""
    signup = db.table("signups").get(signup_id)
    consent = db.table("consent_texts").get(signup["consent_id"])
    association = (db.table("associations").get(signup["association_id"])
                   if signup["association_id"] else None)
    return {
        "signup": {k: v for k, v in signup.items() if k != "submission_id"},
        "consent": {k: consent[k] for k in ("version", "lang", "body", "valid_from")},
        "recruited_by": _member_initial(db, signup["recruiter_id"]),
        "originally_recruited_by": _member_initial(db, signup["original_recruiter_id"]),
        "association": association["name"] if association else None,
        "who_can_see": "Ordföranden i föreningen personen valde; partistyrelsens kansli.",
    }


def _member_initial(db, member_id):
    """A recruiter as the person may see them: first name and initial."""
    if not member_id:
        return None
    member = db.table("members").get(member_id)
    return f"{member['first_name']} {member['last_name'][:1]}."


SWEDEN = ZoneInfo("Europe/Stockholm")


def without_time_of_day(stamp):
    """The first moment of the day `stamp` (UTC ISO text) fell on both in UTC and
    in Sweden: no time of day left, yet every period and month it counts in
    (Swedish periods, UTC months) stays the same."""
    moment = datetime.fromisoformat(stamp).astimezone(timezone.utc)
    utc_midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    local = moment.astimezone(SWEDEN)
    local_midnight = datetime(local.year, local.month, local.day, tzinfo=SWEDEN)
    return max(utc_midnight, local_midnight.astimezone(timezone.utc)).isoformat(
        timespec="seconds")


def erase_signup(db, signup_id, then_checkpoint=True):
    """Overwrite the person's details, keep the anonymous row; True if erased now.

    The row keeps its day but not its time of day, so nobody can match it
    with the sign-up they saw. A batch (purge) passes then_checkpoint=False
    and checkpoints once at the end.
    """
    with immediate(db):
        changed = _erase(db, signup_id)
    if changed:
        cache.invalidate()
        if then_checkpoint:
            checkpoint(db)
    return bool(changed)


def _erase(db, signup_id):
    """The erasure itself, inside the caller's transaction; 1 if erased now, else 0."""
    row = db.table("signups").get(signup_id)
    return db.execute(
        """update signups set first_name = '', last_name = '', email = null, phone = null,
                  postcode = '', created_at = ?, consent_at = ?, status_at = ?,
                  erased_at = ? where id = ? and erased_at is null""",
        [without_time_of_day(row["created_at"]), without_time_of_day(row["consent_at"]),
         without_time_of_day(row["status_at"]), without_time_of_day(now()),
         signup_id]).rowcount


# The rows a withdrawal link reaches: the row it was given with, the pair it
# belongs to (a possible duplicate and the earlier sign-up, either way, even
# after the chair settled the pair), and every row with the e-mail or number
# it was given with. Not the contacts of the pair's other row: that may be a
# made-up pre-registration carrying a third person's number.
# A withdrawal link reaches the sign-up it was given with, and a pair the chair settled into
# one person (the later row erased into the earlier). It never reaches a row by e-mail or
# number alone: anyone can type someone else's address into the join form, so other rows
# with the address are withdrawn only through a link mailed to it (withdraw_address).
WITHDRAWAL_REACH_SQL = """
with given as (select id, duplicate_of, erased_at from signups
               where withdraw_token_hash = :hash),
pair as (
  select id from given
  union select duplicate_of from given where duplicate_of is not null and erased_at is not null
  union select s.id from signups s join given g on s.duplicate_of = g.id
        where s.erased_at is not null)
select id from signups where erased_at is null and id in (select id from pair) order by id"""
# The other sign-ups that carry the e-mail address of a withdrawal link's sign-up.
SHARED_ADDRESS_SQL = """
select g.email, s.id from signups g join signups s on s.email = g.email and s.id != g.id
where g.withdraw_token_hash = :hash and s.erased_at is null order by s.id"""
STILL_THERE_SQL = "select id from signups where id = ? and erased_at is null"


def withdraw(db, hashed_token):
    """Withdraw the sign-up of whoever holds a withdrawal link. Returns the ids withdrawn and
    (address, ids) of the other sign-ups with the same e-mail, for a confirmation link mailed
    to that address, or None."""
    with immediate(db):
        shared = list(db.query(SHARED_ADDRESS_SQL, {"hash": hashed_token}))
        ids = _withdraw_rows(
            db, [r["id"] for r in db.query(WITHDRAWAL_REACH_SQL, {"hash": hashed_token})])
    _after_withdrawal(db, ids)
    return ids, (shared[0]["email"], [r["id"] for r in shared]) if shared else None


def withdraw_confirmed(db, signup_ids):
    """Withdraw the sign-ups whose e-mail address's owner confirmed it through the mailed
    link. Returns the ids withdrawn (those not withdrawn already)."""
    with immediate(db):
        ids = _withdraw_rows(db, [r["id"] for i in signup_ids
                                  for r in db.query(STILL_THERE_SQL, [int(i)])])
    _after_withdrawal(db, ids)
    return ids


def _withdraw_rows(db, ids):
    """Erase, cancel and audit each row inside the caller's transaction: all are withdrawn or
    none is (a crash or a full disk half-way leaves nothing half-withdrawn)."""
    for signup_id in ids:
        _erase(db, signup_id)
        db.execute("update signups set status = 'cancelled', status_at = ? where id = ?",
                   [without_time_of_day(now()), signup_id])
        audit.record(db, "withdraw", None, "signup", signup_id)
    return ids


def _after_withdrawal(db, ids):
    if ids:
        cache.invalidate()
        checkpoint(db)


def checkpoint(db, tries=3):
    """Copy the WAL into the database file and empty it, so overwritten values
    leave the -wal file too. A reader holding an old snapshot blocks that:
    retry a few times, then report False (the next checkpoint finishes it)."""
    for attempt in range(tries):
        busy, logged, copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if not busy and logged == copied:
            return True
        time.sleep(0.2 * (attempt + 1))
    current_app.logger.warning("wal checkpoint incomplete after erasure")
    return False


def expired_signups(db, days):
    """Sign-ups older than `days` that are not erased yet, whatever became of them.

    A paid one goes too: the member register holds the member now. Erasure keeps
    the anonymous row and its status history, so the indicators stay.
    """
    cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    return list(db.query(
        """select id, created_at, status from signups
           where created_at < ? and erased_at is null order by id""",
        [cutoff]))


def expired_sessions(db, days=30):
    """Sessions that ended (expired or revoked) more than `days` ago."""
    cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    return [r["id"] for r in db.query(
        """select id from sessions where expires_at < ? or revoked_at < ?""", [cutoff, cutoff])]


# An account made through an invitation that no chair approved or turned away in a month:
# its name and e-mail go (accounts.reject_pending), as when the chair turns it away.
PENDING_ACCOUNT_DAYS = 30
EXPIRED_PENDING_SQL = """select id from members
                         where is_active = 0 and deactivated_at is null and created_at < ?
                         order by id"""


def expired_pending_accounts(db, days=PENDING_ACCOUNT_DAYS):
    """Accounts still waiting for approval more than `days` after they were made."""
    cutoff = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    return [r["id"] for r in db.query(EXPIRED_PENDING_SQL, [cutoff])]


# Survey free text may name people; a year after its survey closed the office has read it.
FREE_TEXT_DAYS = 365
OLD_FREE_TEXT_WHERE = """free_text is not null and survey_id in (
    select id from surveys where closes_on < ?)"""
OLD_FREE_TEXT_SQL = f"select count(*) from survey_answers where {OLD_FREE_TEXT_WHERE}"
ERASE_FREE_TEXT_SQL = f"update survey_answers set free_text = null where {OLD_FREE_TEXT_WHERE}"


def old_free_texts(db, days=FREE_TEXT_DAYS):
    """How many survey answers still hold a free text `days` after their survey closed."""
    return db.execute(OLD_FREE_TEXT_SQL, [_days_ago(days)]).fetchone()[0]


def erase_old_free_texts(db, days=FREE_TEXT_DAYS):
    """Drop those free texts (the scores stay); the old text leaves the file too."""
    with immediate(db):
        db.execute(ERASE_FREE_TEXT_SQL, [_days_ago(days)])
    checkpoint(db)


def _days_ago(days):
    return (datetime.now(timezone.utc) - timedelta(days=days)).date().isoformat()


UPLOAD_LIFETIME = timedelta(days=1)


def uploads_folder(database_path):
    """Where register files wait between preview and apply: beside the database."""
    return os.path.join(os.path.dirname(os.path.abspath(database_path)), "register_uploads")


def remove_stale_uploads(folder, lifetime=UPLOAD_LIFETIME):
    """Delete register files previewed but never applied (they may hold e-mail
    addresses and numbers); returns how many."""
    if not os.path.isdir(folder):
        return 0
    cutoff = time.time() - lifetime.total_seconds()
    stale = [entry.path for entry in os.scandir(folder)
             if entry.is_file() and entry.stat().st_mtime < cutoff]
    for path in stale:
        os.remove(path)
    return len(stale)


def purge(db, signup_ids, session_ids):
    """Erase the given sign-ups, delete the given session rows and the register
    uploads left unapplied for over a day."""
    remove_stale_uploads(uploads_folder(current_app.config["DATABASE"]))
    for signup_id in signup_ids:
        erase_signup(db, signup_id, then_checkpoint=False)
    with immediate(db):
        db.execute("delete from sessions where id in (select value from json_each(?))",
                   [json.dumps(session_ids)])
    checkpoint(db)
