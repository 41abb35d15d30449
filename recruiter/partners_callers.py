"""The callers of a partner organisation's lists: party members who also belong
to the organisation, named by the coordinator through a link shared inside it.
The coordinator sees how many (from MIN_SHOWN up), never who."""
from datetime import datetime, timedelta, timezone

from flask_login import current_user

from .calls_data import swedish_today
from .db import immediate, now
from .links_data import create_link
from .partners_data import MIN_SHOWN
from .scope import own_unit
from .sessions import new_token, token_hash
from .units import ASSOCIATION

CALLER_LINK_LIFETIME = timedelta(days=14)

CALLER_SQL = """
select 1 from partner_callers c join partner_memberships m
  on m.member_id = c.member_id and m.partner_id = c.partner_id
where c.partner_id = ? and c.member_id = ?"""


CALLERS_COUNT_SQL = """
select count(*) from partner_callers c join partner_memberships m
  on m.member_id = c.member_id and m.partner_id = c.partner_id
join members x on x.id = c.member_id and x.is_active = 1
where c.partner_id = ?"""


def is_caller(db, partner_id, member_id):
    """A named caller who still states they belong to the organisation."""
    return bool(list(db.query(CALLER_SQL, [partner_id, member_id])))


def may_call_for(db, partner_id):
    """The current role calls for the organisation: a party member's, named a caller."""
    return own_unit()[0] == ASSOCIATION and is_caller(db, partner_id, current_user.member_id)


def caller_count(db, partner_id):
    """How many callers the organisation has; None below MIN_SHOWN."""
    n = db.execute(CALLERS_COUNT_SQL, [partner_id]).fetchone()[0]
    return n if n >= MIN_SHOWN else None


def create_caller_link(db, partner_id, created_by):
    """A link that makes whoever opens it (a logged-in party member) a caller."""
    token = new_token()
    expires = (datetime.now(timezone.utc) + CALLER_LINK_LIFETIME).isoformat(timespec="seconds")
    db.table("partner_caller_links").insert({
        "partner_id": partner_id, "token_hash": token_hash(token), "created_by": created_by,
        "created_at": now(), "expires_at": expires})
    return token


def usable_caller_link(db, token):
    """The caller link behind a token with its organisation's name, or None."""
    rows = list(db.query(
        """select k.*, p.name as partner_name from partner_caller_links k
           join partner_organisations p on p.id = k.partner_id
           where k.token_hash = ? and k.revoked_at is null and k.expires_at > ?""",
        [token_hash(token), now()]))
    return rows[0] if rows else None


def become_caller(db, partner_id, member_id):
    """Name a member a caller; they also state they belong to the organisation."""
    with immediate(db):
        db.execute("""insert or ignore into partner_memberships (member_id, partner_id, created_at)
                      values (?, ?, ?)""", [member_id, partner_id, now()])
        db.execute("""insert or ignore into partner_callers (partner_id, member_id, created_at)
                      values (?, ?, ?)""", [partner_id, member_id, now()])


def call_link(db, member_id, partner_id, label):
    """The caller's join link for the organisation's calls, made on first need."""
    rows = list(db.table("links").rows_where(
        "member_id = ? and partner_id = ? and label = ? and revoked_at is null",
        [member_id, partner_id, label], limit=1))
    return rows[0] if rows else create_link(db, member_id, label, partner_id=partner_id)


CALLING_SQL = """
select p.id, p.name, (select count(*) from call_targets t join call_lists l on l.id = t.list_id
                      where l.partner_id = p.id and l.kind = 'partner' and t.state = 'waiting'
                        and l.closed_at is null and l.closes_at >= :today) as waiting
from partner_callers c join partner_memberships m
  on m.member_id = c.member_id and m.partner_id = c.partner_id
join partner_organisations p on p.id = c.partner_id
where c.member_id = :member order by p.name"""


def calling_for(db, member_id):
    """The organisations a member calls for, with how many wait on their open lists."""
    return list(db.query(CALLING_SQL, {"member": member_id, "today": swedish_today()}))
