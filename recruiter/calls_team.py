"""Who makes welcome calls, the municipal setting, and the figures about welcomes.

The roll-up (share welcomed within the due time, per unit) and the weekly
digest's counts live here, apart from scoring.py.
"""
from .calls_data import DEFAULT_DUE_DAYS, STANDING, swedish_today, sync_all_welcome
from .db import immediate, now

WELCOMER_SQL = """
select 1 from welcomers w join members m on m.id = w.member_id
where w.association_id = ? and w.member_id = ? and m.is_active = 1
  and m.association_id = w.association_id"""

ACTIVE_MEMBERS_SQL = """
select id, first_name, last_name from members
where association_id = ? and is_active = 1 order by first_name, last_name, id"""

# Welcomes whose due date has passed, and how many of them were reached in time,
# per child unit of the unit looked at. A person handed over counts on the list
# that took them.
_WELCOMED = f"""
select {{child}} as unit_id, count(*) as due,
       sum(t.state = 'reached' and t.done_on <= t.due_on) as in_time
from call_targets t join call_lists l on l.id = t.list_id
join signups s on s.id = t.signup_id
join associations a on a.id = l.association_id
join municipalities m on m.id = a.municipality_id
where l.kind = 'welcome' and t.state != 'handed_over' and t.due_on < :today and {STANDING}
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
