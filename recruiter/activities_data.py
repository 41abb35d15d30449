"""Activities' rows: who sees which, signing up within capacity, the organiser's lists."""
import re
from datetime import datetime, timezone

from flask_babel import gettext as _

from . import mail
from .campaigns_data import COVERS_ASSOCIATION
from .db import immediate, now
from .responses import local_time

# Which activities a member sees: their association's, their municipality's,
# and those of a running campaign their association takes part in. Bound: :association,
# :municipality.
_TAKES_PART = re.sub(r"\ba\.", "ma.", COVERS_ASSOCIATION)
VISIBLE = f"""(
  (a.audience = 'association' and a.association_id = :association)
  or (a.audience = 'municipality' and a.municipality_id = :municipality)
  or (a.audience = 'campaign' and exists (
      select 1 from campaigns c, associations ma
      where c.id = a.campaign_id and c.ends_on >= date('now') and ma.id = :association
        and {_TAKES_PART})))"""

ACTIVITY_COLUMNS = """a.*, coalesce(ass.name, mu.name) as unit_name, c.name as campaign_name,
  o.first_name as organiser_first, o.last_name as organiser_last,
  (select count(*) from activity_signups s where s.activity_id = a.id) as taken"""
ACTIVITY_JOINS = """from activities a
  left join associations ass on ass.id = a.association_id
  left join municipalities mu on mu.id = a.municipality_id
  left join campaigns c on c.id = a.campaign_id
  join members o on o.id = a.organiser_id"""

VISIBLE_ONE_SQL = f"select count(*) from activities a where a.id = :id and {VISIBLE}"
ACTIVITY_SQL = f"select {ACTIVITY_COLUMNS} {ACTIVITY_JOINS} where a.id = :id"

# Upcoming, visible ones: own association first, then the municipality, then
# the campaigns; the member's own sign-ups marked.
UPCOMING_SQL = f"""select {ACTIVITY_COLUMNS},
  exists (select 1 from activity_signups s where s.activity_id = a.id
          and s.member_id = :member) as signed_up
{ACTIVITY_JOINS}
where a.cancelled_at is null and a.ends_at > :now and {VISIBLE}
order by case when a.association_id = :association then 0
              when a.municipality_id = :municipality then 1 else 2 end, a.starts_at, a.id
limit :limit"""

# The activities of a unit, for those who run them (recent ones too).
UNIT_SQL = f"""select {ACTIVITY_COLUMNS} {ACTIVITY_JOINS}
where (a.association_id = :association
       or (:association is null and a.municipality_id = :municipality
           and a.association_id is null))
  and a.ends_at > :since
order by a.starts_at desc, a.id desc limit 50"""

NEXT_OWN_SQL = f"""select {ACTIVITY_COLUMNS}, s.confirmed_at {ACTIVITY_JOINS}
join activity_signups s on s.activity_id = a.id and s.member_id = :member
where a.cancelled_at is null and a.ends_at > :now
order by a.starts_at, a.id limit 1"""

# One statement: the place is taken only while one is left, so two members
# tapping for the last place at once cannot both get it.
SIGN_UP_SQL = """insert into activity_signups (activity_id, member_id, created_at)
select a.id, :member, :now from activities a
where a.id = :id and a.cancelled_at is null and a.ends_at > :now
  and (select count(*) from activity_signups s where s.activity_id = a.id) < a.capacity
on conflict (activity_id, member_id) do nothing"""

PARTICIPANTS_SQL = """select m.id, m.first_name, m.last_name, m.email, m.association_id, s.created_at,
  s.attended, s.confirmed_at, s.how_it_went
from activity_signups s join members m on m.id = s.member_id
where s.activity_id = ? order by s.created_at, m.id"""


def _params(**values):
    return {"now": now(), **values}


def get_activity(db, activity_id):
    """The activity with its unit's and campaign's names and places taken, or None."""
    rows = list(db.query(ACTIVITY_SQL, {"id": activity_id}))
    return rows[0] if rows else None


def is_visible(db, activity, association_id, municipality_id):
    """True when a member of this association and municipality is in the audience."""
    return bool(db.execute(VISIBLE_ONE_SQL, {"id": activity["id"], "association": association_id,
         "municipality": municipality_id}).fetchone()[0])


def upcoming(db, member_id, association_id, municipality_id, limit=20):
    """What the member may join, nearest to them first."""
    return list(db.query(UPCOMING_SQL, _params(
        member=member_id, association=association_id, municipality=municipality_id,
        limit=limit)))


def of_unit(db, association_id, municipality_id, since):
    """The activities an association or a municipality (association_id None) runs."""
    return list(db.query(UNIT_SQL, {"association": association_id,
                                    "municipality": municipality_id, "since": since}))


def next_own(db, member_id):
    """The next activity the member signed up for, or None."""
    rows = list(db.query(NEXT_OWN_SQL, _params(member=member_id)))
    return rows[0] if rows else None


def create(db, values):
    """Store a new activity; returns its id."""
    stamp = now()
    return db.table("activities").insert(
        {**values, "created_at": stamp, "updated_at": stamp}).last_pk


def sign_up(db, activity_id, member_id):
    """Take a place: 'ok', 'already' (had one) or 'full' (none left, or closed)."""
    with immediate(db):
        if db.table("activity_signups").count_where(
                "activity_id = ? and member_id = ?", [activity_id, member_id]):
            return "already"
        taken = db.execute(SIGN_UP_SQL, _params(id=activity_id, member=member_id)).rowcount
    return "ok" if taken else "full"


def cancel_signup(db, activity_id, member_id):
    """Give the place back; True if there was one."""
    return db.execute("delete from activity_signups where activity_id = ? and member_id = ?",
                      [activity_id, member_id]).rowcount > 0


def is_signed_up(db, activity_id, member_id):
    return bool(db.table("activity_signups").count_where(
        "activity_id = ? and member_id = ?", [activity_id, member_id]))


def participants(db, activity_id):
    """Who signed up, earliest first (with e-mail: only the organiser's views use it)."""
    return list(db.query(PARTICIPANTS_SQL, [activity_id]))


def short_name(row):
    """"Anna A.": as far as a name goes beyond the organiser."""
    return f"{row['first_name']} {row['last_name'][:1]}."


def cancel(db, activity):
    """Call the activity off and tell everyone who signed up; returns mails sent."""
    db.execute("""update activities set cancelled_at = ?, updated_at = ?, sequence = sequence + 1
                  where id = ?""",
               [now(), now(), activity["id"]])
    return _tell(db, activity, _("Inställd: %(what)s", what=describe(activity)), _(
        "Aktiviteten %(what)s är inställd. Tack för att du anmälde dig – håll utkik efter "
        "nästa i Värva.", what=describe(activity)))


def move(db, activity, starts_at, ends_at, place):
    """Change time or place and tell everyone who signed up; returns mails sent."""
    db.execute("""update activities set starts_at = ?, ends_at = ?, place = ?, updated_at = ?,
                  sequence = sequence + 1 where id = ?""",
               [starts_at, ends_at, place, now(), activity["id"]])
    # A moved activity needs a fresh answer to "kommer du fortfarande?".
    db.execute("""update activity_signups set reminded_at = null, confirmed_at = null
                  where activity_id = ?""", [activity["id"]])
    moved = {**activity, "starts_at": starts_at, "ends_at": ends_at, "place": place}
    return _tell(db, activity, _("Ändrad tid eller plats: %(what)s", what=describe(moved)), _(
        "Aktiviteten du anmält dig till är flyttad. Ny tid och plats: %(what)s. Kan du inte "
        "längre? Avanmäl dig i Värva.", what=describe(moved)))


def describe(activity):
    """"Dörrknackning 14 okt. 2026 17:00, Möllevångstorget"."""
    from .shift_forms import KIND_NAMES

    return f"{KIND_NAMES[activity['kind']]} {local_time(activity['starts_at'])}, " \
           f"{activity['place']}"


def _tell(db, activity, subject, body):
    sent = 0
    for person in participants(db, activity["id"]):
        sent += bool(mail.send_text(person["email"], subject, body))
    return sent


def has_ended(activity):
    return datetime.fromisoformat(activity["ends_at"]) <= datetime.now(timezone.utc)
