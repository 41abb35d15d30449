"""Call lists: who is next, taking and releasing the lock, recording outcomes.

One model for every kind of list (welcome, unpaid fees, partner
organisations): a list, its targets, a lock on a target held by one caller
for LOCK_TIME, and the calls with their outcome and answers. A partner list's
people are no sign-ups: their details sit in partner_contacts
(partners_lists.py fills and erases them), so the queries below read a
target's person from whichever of the two it has. The lists
fill lazily: opening one (or counting it) adds the association's sign-ups that
have no target yet, so recording a sign-up or applying a register import needs
no hook. The same sync closes the waiting people who no longer belong there.
"""
import json
from datetime import datetime, timedelta

from .db import immediate, now
from .periods import TZ

DEFAULT_DUE_DAYS = 7
UNPAID_DUE_DAYS = 14  # after the date the register marked the fee unpaid
# The kinds an association's list page serves (a partner list: partners_calls.py).
KINDS = ("welcome", "unpaid")
LOCK_TIME = timedelta(minutes=15)
RETRY_PAUSE = timedelta(days=1)
MAX_TRIES = 3
LOOKBACK = "-30 days"
NOTE_MAX = 500
# What each outcome does to the person on the list (no_answer and call_back are
# handled in _after_call: both put the person back later).
FINAL_STATES = {"reached": "reached", "wrong_number": "wrong_number",
                "not_interested": "not_interested", "handed_over": "handed_over"}

# A target counts only while its sign-up stands: withdrawn, erased and unsettled
# duplicates drop out of every list and count without a hook in privacy.py.
STANDING = """s.erased_at is null and s.status != 'cancelled' and s.duplicate_of is null"""

# Sign-ups on no welcome list yet, from LOOKBACK before their association's list
# was made: a new list does not start with a year of people long since welcomed.
UNLISTED = f"""
select s.id, s.association_id, s.created_at, m.welcome_due_days from signups s
join associations a on a.id = s.association_id
join municipalities m on m.id = a.municipality_id
left join call_lists own on own.association_id = s.association_id and own.kind = 'welcome'
where {STANDING} and s.status != 'resigned'
  and s.created_at >= strftime('%Y-%m-%dT%H:%M:%S+00:00', coalesce(own.created_at, :now),
                               :lookback)
  and not exists (select 1 from call_targets t join call_lists l on l.id = t.list_id
                  where t.signup_id = s.id and l.kind = 'welcome')"""
UNLISTED_SQL = UNLISTED + " and s.association_id = :association"
UNLISTED_ALL_SQL = UNLISTED + " and s.association_id is not null order by s.association_id"

# Unpaid after the register's reminder, and on no unpaid list yet. A status moves
# forward only (register_csv.NEXT_STATUSES), so nobody comes back a second time;
# someone who resigned is never unpaid, and is never called to be won back.
UNPAID_SQL = f"""
select s.id, s.status_at from signups s
where {STANDING} and s.status = 'unpaid_after_reminder' and s.association_id = :association
  and not exists (select 1 from call_targets t join call_lists l on l.id = t.list_id
                  where t.signup_id = s.id and l.kind = 'unpaid')"""

# Waiting people who no longer belong on the list: on the unpaid list everyone
# the register has since marked otherwise (paid, cancelled), on any list whoever
# resigned. They leave it as 'closed' on the next sync.
GONE = {"welcome": "s.status = 'resigned'", "unpaid": "s.status != 'unpaid_after_reminder'"}
GONE_SQL = {kind: f"""
select t.id from call_targets t join signups s on s.id = t.signup_id
where t.list_id = :list and t.state = 'waiting' and ({condition})"""
            for kind, condition in GONE.items()}
CLOSE_SQL = """update call_targets set state = 'closed', locked_by = null, locked_until = null,
       done_at = :at, done_on = :on
where id in (select j.value from json_each(:ids) j)"""

# A target without a sign-up (a partner list's person) stands while its list does.
TARGET_STANDS = f"(t.signup_id is null or ({STANDING}))"

NEXT_SQL = f"""
select t.id from call_targets t left join signups s on s.id = t.signup_id
where t.list_id = :list and t.state = 'waiting' and {TARGET_STANDS}
  and (t.next_try_at is null or t.next_try_at <= :at)
  and (t.locked_until is null or t.locked_until <= :at)
order by t.due_on, t.id limit 1"""

HELD_SQL = f"""
select t.id from call_targets t left join signups s on s.id = t.signup_id
where t.list_id = :list and t.locked_by = :caller and t.locked_until > :at
  and t.state = 'waiting' and {TARGET_STANDS}
limit 1"""

TARGET_SQL = f"""
select t.*, l.kind, l.association_id, l.partner_id, l.script,
       coalesce(s.first_name, c.first_name) as first_name,
       coalesce(s.last_name, c.last_name) as last_name,
       coalesce(s.email, c.email) as email, coalesce(s.phone, c.phone) as phone,
       c.municipality_id as contact_municipality_id,
       s.source, s.created_at as signed_up_at, s.recruiter_id,
       r.first_name as recruiter_first_name,
       case when t.signup_id is null then c.target_id is not null and l.closed_at is null
            else ({STANDING}) end as standing
from call_targets t join call_lists l on l.id = t.list_id
left join signups s on s.id = t.signup_id left join partner_contacts c on c.target_id = t.id
left join members r on r.id = s.recruiter_id
where t.id = ?"""


def due_on(created_at, days):
    """The Swedish date a welcome is due: `days` after the Swedish date of sign-up."""
    signed = datetime.fromisoformat(created_at).astimezone(TZ).date()
    return (signed + timedelta(days=days or DEFAULT_DUE_DAYS)).isoformat()


def swedish_today(at=None):
    """The date in Sweden at the UTC ISO moment `at` (default: now)."""
    return datetime.fromisoformat(at or now()).astimezone(TZ).date().isoformat()


def _existing_list(db, association_id, kind="welcome"):
    rows = list(db.table("call_lists").rows_where(
        "association_id = ? and kind = ?", [association_id, kind], limit=1))
    return rows[0] if rows else None


def welcome_list(db, association_id, at=None, kind="welcome"):
    """The association's list of this kind, made on first use (at `at`, default now)."""
    listed = _existing_list(db, association_id, kind)
    if listed:
        return listed
    return db.table("call_lists").get(db.table("call_lists").insert({
        "kind": kind, "association_id": association_id, "created_at": at or now(),
        "purpose": kind}).last_pk)


def sync_welcome(db, association_id, at=None):
    """Put the association's standing sign-ups that are on no welcome list yet on its list.

    Returns the list (made at `at` if new: tests and the demo date it back).
    Runs in one write transaction, so two requests never add the same person twice.
    """
    params = {"association": association_id, "now": at or now(), "lookback": LOOKBACK}
    listed = _existing_list(db, association_id)
    if listed and not list(db.query(UNLISTED_SQL + " limit 1", params)) \
            and not _gone(db, listed):
        return listed  # nothing new: no write lock for a page view
    with immediate(db):
        listed = welcome_list(db, association_id, at)
        _add_targets(db, listed["id"], db.query(UNLISTED_SQL, params))
        _close_gone(db, listed, at)
    return listed


def sync_unpaid(db, association_id, at=None):
    """Put the association's sign-ups the register marks unpaid on its unpaid list,
    due UNPAID_DUE_DAYS after the status date; close those who paid or left since."""
    params = {"association": association_id}
    listed = _existing_list(db, association_id, "unpaid")
    if listed and not list(db.query(UNPAID_SQL + " limit 1", params)) \
            and not _gone(db, listed):
        return listed
    with immediate(db):
        listed = welcome_list(db, association_id, at, kind="unpaid")
        stamp = at or now()
        db.table("call_targets").insert_all(
            {"list_id": listed["id"], "signup_id": row["id"], "state": "waiting", "tries": 0,
             "needs_decision": 0, "created_at": stamp,
             "due_on": due_on(row["status_at"] or stamp, UNPAID_DUE_DAYS)}
            for row in db.query(UNPAID_SQL, params))
        _close_gone(db, listed, at)
    return listed


SYNC = {"welcome": sync_welcome, "unpaid": sync_unpaid}


def _gone(db, listed):
    return [r["id"] for r in db.query(GONE_SQL[listed["kind"]], {"list": listed["id"]})]


def _close_gone(db, listed, at=None):
    at = at or now()
    gone = _gone(db, listed)
    if gone:
        db.execute(CLOSE_SQL, {"ids": json.dumps(gone), "at": at, "on": swedish_today(at)})


def sync_all_welcome(db):
    """sync_welcome for every association at once (the roll-ups and the digest)."""
    params = {"now": now(), "lookback": LOOKBACK}
    if not list(db.query(UNLISTED_ALL_SQL + " limit 1", params)):
        return
    with immediate(db):
        rows = list(db.query(UNLISTED_ALL_SQL, params))
        for association_id in sorted({row["association_id"] for row in rows}):
            _add_targets(db, welcome_list(db, association_id)["id"],
                         [r for r in rows if r["association_id"] == association_id])


def _add_targets(db, list_id, rows):
    stamp = now()
    db.table("call_targets").insert_all(
        {"list_id": list_id, "signup_id": row["id"], "state": "waiting", "tries": 0,
         "needs_decision": 0, "created_at": stamp,
         "due_on": due_on(row["created_at"], row["welcome_due_days"])}
        for row in rows)


def next_target(db, list_id, caller_id, at=None):
    """Lock the next person on the list for this caller and return the target id, or None.

    One BEGIN IMMEDIATE: the read and the lock happen under SQLite's write
    lock, so callers asking at once never get the same person. A caller who
    already holds someone gets that person back (a reload loses nobody).
    """
    at = at or now()
    until = (datetime.fromisoformat(at) + LOCK_TIME).isoformat(timespec="seconds")
    params = {"list": list_id, "caller": caller_id, "at": at}
    with immediate(db):
        held = list(db.query(HELD_SQL, params))
        if held:
            return held[0]["id"]
        rows = list(db.query(NEXT_SQL, params))
        if not rows:
            return None
        db.execute("update call_targets set locked_by = ?, locked_until = ? where id = ?",
                   [caller_id, until, rows[0]["id"]])
    return rows[0]["id"]


def target(db, target_id):
    """A target with its list and the person's contact details, or None.

    `standing` is false once the sign-up was withdrawn, erased or found a duplicate.
    """
    rows = list(db.query(TARGET_SQL, [target_id]))
    return rows[0] if rows else None


def holds(target_row, caller_id, at=None):
    """True while this caller holds the lock on this waiting person."""
    return (target_row["state"] == "waiting" and target_row["locked_by"] == caller_id
            and (target_row["locked_until"] or "") > (at or now()))


def may_record(target_row, caller_id):
    """True when this caller may store an outcome: they took the person last.

    Past the lock's 15 minutes too (a long call), unless someone else has
    since taken the person.
    """
    return target_row["state"] == "waiting" and target_row["locked_by"] == caller_id


def release(db, target_id, caller_id):
    """Give the person back to the list (the caller pauses)."""
    db.execute("""update call_targets set locked_by = null, locked_until = null
                  where id = ? and locked_by = ?""", [target_id, caller_id])


def record_call(db, target_row, caller_id, call, at=None):
    """Store one call and move the person on; a replayed client_uuid stores nothing.

    `call` holds client_uuid, outcome, answers (dict), note, call_back_at and,
    for a hand-over, handover_to (an association id). Returns True when stored.
    """
    at = at or now()
    with immediate(db):
        if list(db.query("select 1 from calls where client_uuid = ?", [call["client_uuid"]])):
            return False
        db.table("calls").insert({
            "target_id": target_row["id"], "caller_id": caller_id,
            "client_uuid": call["client_uuid"], "outcome": call["outcome"],
            "answers": json.dumps(call.get("answers") or {}, ensure_ascii=False),
            "note": call.get("note") or None, "call_back_at": call.get("call_back_at"),
            "created_at": at})
        db.table("call_targets").update(target_row["id"], _after_call(target_row, call, at))
        if call["outcome"] == "handed_over":
            _hand_over(db, target_row, call["handover_to"], at)
    return True


def _after_call(target_row, call, at):
    """The target's new state, tries, next try and lock after a call."""
    changes = {"locked_by": None, "locked_until": None}
    outcome = call["outcome"]
    if outcome == "no_answer":
        tries = target_row["tries"] + 1
        if tries >= MAX_TRIES:
            return {**changes, "tries": tries, "state": "could_not_reach", "done_at": at,
                    "done_on": swedish_today(at)}
        later = (datetime.fromisoformat(at) + RETRY_PAUSE).isoformat(timespec="seconds")
        return {**changes, "tries": tries, "next_try_at": later}
    if outcome == "call_back":
        return {**changes, "next_try_at": call["call_back_at"]}
    changes.update(state=FINAL_STATES[outcome], done_at=at, done_on=swedish_today(at))
    answers = call.get("answers") or {}
    if outcome == "reached" and target_row["recruiter_id"] and \
            answers.get("recruiter") in ("no", "other"):
        changes["needs_decision"] = 1
    return changes


def _hand_over(db, target_row, association_id, at):
    """Put the person on another association's welcome list, due as a new sign-up would be."""
    listed = welcome_list(db, association_id)
    days = next(db.query(
        """select m.welcome_due_days from associations a
           join municipalities m on m.id = a.municipality_id where a.id = ?""",
        [association_id]))["welcome_due_days"]
    db.table("call_targets").insert({
        "list_id": listed["id"], "signup_id": target_row["signup_id"], "state": "waiting",
        "tries": 0, "needs_decision": 0, "created_at": at, "due_on": due_on(at, days)})
