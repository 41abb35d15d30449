"""Who makes welcome calls, the municipal setting, the figures and the chair's decisions.

The roll-up (share welcomed within the due time, per unit) and the weekly
digest's counts live here, apart from scoring.py.
"""
import json
from datetime import datetime, timezone

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from . import audit, mail
from .calls_data import DEFAULT_DUE_DAYS, STANDING, swedish_today, sync_all_welcome
from .db import immediate, now
from .periods import TZ

PROGRESS_SQL = f"""
select t.state,
       t.state = 'waiting' and t.due_on < :today as overdue,
       t.needs_decision, count(*) as n
from call_targets t join call_lists l on l.id = t.list_id
join signups s on s.id = t.signup_id
where l.association_id = :association and l.kind = :kind and {STANDING}
group by 1, 2, 3"""

# What the people reached on the unpaid list said: will pay, wants to leave.
ANSWERS_SQL = f"""
select c.answers ->> '$.answer' as answer, count(*) as n
from calls c join call_targets t on t.id = c.target_id
join call_lists l on l.id = t.list_id join signups s on s.id = t.signup_id
where l.association_id = ? and l.kind = 'unpaid' and c.outcome = 'reached' and {STANDING}
group by 1"""

DECISIONS_SQL = f"""
select t.id, s.first_name, s.last_name, r.first_name as recruiter_first_name,
       r.last_name as recruiter_last_name, c.answers
from call_targets t join call_lists l on l.id = t.list_id
join signups s on s.id = t.signup_id left join members r on r.id = s.recruiter_id
join calls c on c.id = (select max(id) from calls where target_id = t.id
                        and outcome = 'reached')
where l.association_id = ? and l.kind = 'welcome' and t.needs_decision = 1 and {STANDING}
order by t.id"""


WELCOMER_SQL = """
select 1 from welcomers w join members m on m.id = w.member_id
where w.association_id = ? and w.member_id = ? and m.is_active = 1
  and m.association_id = w.association_id"""

ACTIVE_MEMBERS_SQL = """
select id, first_name, last_name from members
where association_id = ? and is_active = 1 order by first_name, last_name, id"""

# Welcomes whose due date has passed, and how many of them were reached in time,
# per child unit of the unit looked at. A person handed over counts on the list
# that took them; one closed because they resigned counts nowhere.
_WELCOMED = f"""
select {{child}} as unit_id, count(*) as due,
       sum(t.state = 'reached' and t.done_on <= t.due_on) as in_time
from call_targets t join call_lists l on l.id = t.list_id
join signups s on s.id = t.signup_id
join associations a on a.id = l.association_id
join municipalities m on m.id = a.municipality_id
where l.kind = 'welcome' and t.state not in ('handed_over', 'closed')
  and t.due_on < :today and {STANDING}
  and {{where}}
group by 1"""
WELCOMED_SQL = {
    "nation": _WELCOMED.format(child="m.district_id", where="1 = 1"),
    "district": _WELCOMED.format(child="m.id", where="m.district_id = :unit"),
    "municipality": _WELCOMED.format(child="a.id", where="m.id = :unit"),
}

DIGEST_SQL = f"""
select l.association_id, r.member_id, mb.email,
       sum(t.state = 'waiting') as waiting,
       sum(t.state = 'waiting' and t.due_on < :today) as overdue
from call_lists l join call_targets t on t.list_id = l.id
join signups s on s.id = t.signup_id
join roles r on r.role = 'chair' and r.unit_id = l.association_id
join members mb on mb.id = r.member_id and mb.is_active = 1
where l.kind = 'welcome' and {STANDING}
group by l.association_id, r.member_id
having waiting > 0
order by l.association_id, r.member_id"""


def is_welcomer(db, association_id, member_id):
    """True when the chair named this active member of the association a welcomer."""
    return bool(list(db.query(WELCOMER_SQL, [association_id, member_id])))


def active_members(db, association_id):
    """The association's active accounts, the chair's choice of welcomers."""
    return list(db.query(ACTIVE_MEMBERS_SQL, [association_id]))


def welcomer_ids(db, association_id):
    """The ids of the association's welcomers."""
    return [r["member_id"] for r in db.table("welcomers").rows_where(
        "association_id = ?", [association_id], select="member_id")]


def set_welcomers(db, association_id, member_ids):
    """Replace the association's welcomers with `member_ids`."""
    with immediate(db):
        db.execute("delete from welcomers where association_id = ?", [association_id])
        db.table("welcomers").insert_all(
            {"association_id": association_id, "member_id": member_id, "created_at": now()}
            for member_id in member_ids)


def other_associations(db, association_id):
    """(id, name) of the other associations in the same municipal organisation."""
    return [(r["id"], r["name"]) for r in db.query(
        """select o.id, o.name from associations a
           join associations o on o.municipality_id = a.municipality_id and o.id != a.id
           where a.id = ? order by o.name""", [association_id])]


def due_days(db, municipality_id):
    """The municipal organisation's days for a welcome, or the default."""
    return db.table("municipalities").get(municipality_id)["welcome_due_days"] \
        or DEFAULT_DUE_DAYS


def already_recorded(db, client_uuid):
    """True when a call with this idempotency key is stored (a replayed post)."""
    return bool(client_uuid) and bool(list(
        db.query("select 1 from calls where client_uuid = ?", [client_uuid])))


def welcomed_in_time(db, level, unit_id, at=None):
    """Per child unit: {unit_id: (welcomed in time, welcomes due)}, over the whole list.

    A welcome counts once its due date has passed; it was in time when the
    person was reached on or before that Swedish date.
    """
    sync_all_welcome(db)
    rows = db.query(WELCOMED_SQL[level], {"today": swedish_today(at), "unit": unit_id})
    return {r["unit_id"]: (r["in_time"], r["due"]) for r in rows}


def digest(db, at=None):
    """Per chair: the association, its waiting and overdue counts (no personal data)."""
    sync_all_welcome(db)
    return list(db.query(DIGEST_SQL, {"today": swedish_today(at)}))


def progress(db, association_id, at=None, kind="welcome"):
    """Counts for the list owner: waiting, overdue, reached, could not reach, other, to
    decide, and closed (taken off the list: paid, cancelled or resigned since)."""
    counts = {"waiting": 0, "overdue": 0, "reached": 0, "could_not_reach": 0, "other": 0,
              "needs_decision": 0, "closed": 0}
    for row in db.query(PROGRESS_SQL, {"association": association_id, "kind": kind,
                                       "today": swedish_today(at)}):
        state = row["state"]
        key = state if state in counts else "other"
        counts[key] += row["n"]
        counts["overdue"] += row["n"] if row["overdue"] else 0
        counts["needs_decision"] += row["n"] if row["needs_decision"] else 0
    return counts


def unpaid_answers(db, association_id):
    """{"will_pay": n, "wants_to_leave": n} over the association's unpaid list."""
    counts = {"will_pay": 0, "wants_to_leave": 0}
    counts.update({r["answer"]: r["n"] for r in db.query(ANSWERS_SQL, [association_id])
                   if r["answer"] in counts})
    return counts


def decisions(db, association_id):
    """Reached people whose recruiter the call did not confirm: the chair settles them."""
    return [{**row, "answer": json.loads(row["answers"]).get("recruiter")}
            for row in db.query(DECISIONS_SQL, [association_id])]


def settle_credit(db, target_row, keep):
    """Close a decision: keep the recruiter, or make the sign-up own initiative."""
    with immediate(db):
        if not keep:
            db.execute("""update signups set source = 'own_initiative', link_id = null,
                          recruiter_id = null, campaign_id = null, partner_id = null
                          where id = ?""",
                       [target_row["signup_id"]])
        db.execute("update call_targets set needs_decision = 0 where id = ?",
                   [target_row["id"]])


def reached_today(db, caller_id, at=None):
    """How many people this caller reached since midnight, Swedish time."""
    day = datetime.fromisoformat(swedish_today(at)).replace(tzinfo=TZ)
    since = day.astimezone(timezone.utc).isoformat(timespec="seconds")
    return next(db.query("""select count(*) as n from calls
                            where caller_id = ? and created_at >= ? and outcome = 'reached'""",
                         [caller_id, since]))["n"]


def _digest_text(waiting, overdue):
    """The digest's counts in words, singular or plural as each count needs."""
    return "%s, %s. %s" % (
        ngettext("%(num)d ny medlem väntar på välkomstsamtal",
                 "%(num)d nya medlemmar väntar på välkomstsamtal", waiting),
        ngettext("varav %(num)d är försenad", "varav %(num)d är försenade", overdue),
        _("Ta nästa person i Värva:"))


def send_digest(db):
    """Mail each chair with people waiting the counts and a link; returns how many were sent."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    sent = 0
    for row in digest(db):
        with current_app.test_request_context(base_url=base):
            link = base + url_for("calls.index", association_id=row["association_id"])
            sent += mail.send_text(row["email"], _("Nya medlemmar väntar på välkomstsamtal"),
                                   _digest_text(row["waiting"], row["overdue"]) + f"\n\n{link}\n")
    audit.record(db, "welcome_digest", outcome=str(sent))
    return sent
