"""Partner organisations' call lists (issue 12): a coordinator uploads the
people to call, named members of the organisation call them one at a time
through the call engine (calls_data), and 30 days after the list closes the
details are erased (partners-purge through `purge-expired`), the anonymous
outcomes kept.

The CSV is read by register_csv's reader (UTF-8, comma or semicolon, errors
named by line) and stored all or nothing.
"""
from datetime import date, datetime, timedelta, timezone

from flask_babel import gettext as _
from flask_login import current_user

from . import register_csv
from .calls_data import swedish_today
from .db import immediate, now
from .links import create_link
from .partners_data import MIN_SHOWN
from .scope import own_unit
from .sessions import new_token, token_hash
from .signups import normalise_phone
from .text import name_error, nfc_trim
from .units import ASSOCIATION

MAX_ROWS = 1000  # people on one list (the upload is at most MAX_CONTENT_LENGTH too)
ERASE_AFTER = timedelta(days=30)
CALLER_LINK_LIFETIME = timedelta(days=14)
COLUMNS = ("first_name", "last_name", "mobile", "email", "municipality_code",
           "association_code")
REQUIRED = ("first_name", "last_name", "mobile")


def _header_check(header):
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        return _("Okänd kolumn: %(names)s. Tillåtna: %(allowed)s.", names=", ".join(unknown),
                 allowed=", ".join(COLUMNS))
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return _("Kolumnen saknas: %(names)s.", names=", ".join(missing))
    if "municipality_code" not in header and "association_code" not in header:
        return _("Kolumnen municipality_code eller association_code behövs.")
    return None


def _row_check(db):
    codes = {table: {r["code"]: r for r in db.table(table).rows_where()}
             for table in ("municipalities", "associations")}

    def check(row):
        """Check one person in place (names, mobile, e-mail, the unit); an error or None."""
        for column in ("first_name", "last_name"):
            row[column] = nfc_trim(row[column])
            if not row[column] or len(row[column]) > 100:
                return _("Namnet saknas eller är längre än 100 tecken.")
            if name_error(row[column]):
                return str(name_error(row[column]))
        mobile = normalise_phone(row["mobile"])
        if mobile is None:
            return _("Mobilnumret %(m)s går inte att läsa.", m=row["mobile"] or "–")
        row["mobile"] = mobile
        email = row.get("email", "").lower()
        if email and ("@" not in email or len(email) > 254 or " " in email):
            return _("E-postadressen %(e)s går inte att läsa.", e=email)
        row["email"] = email or None
        return _place(row, codes)

    return check


def _place(row, codes):
    """The person's municipal organisation (and association, when given) from the codes."""
    association_code = row.get("association_code", "").upper()
    municipality_code = row.get("municipality_code", "").upper()
    if association_code:
        association = codes["associations"].get(association_code)
        if association is None:
            return _("Ingen förening har koden %(c)s.", c=association_code)
        row["association_id"] = association["id"]
        row["municipality_id"] = association["municipality_id"]
        return None
    municipality = codes["municipalities"].get(municipality_code)
    if municipality is None:
        return _("Ingen arbetarekommun har koden %(c)s.", c=municipality_code or "–")
    row["association_id"], row["municipality_id"] = None, municipality["id"]
    return None


def read_upload(db, path):
    """(people, errors) from an uploaded CSV: people as (line, row), errors as (line, text).

    A number twice in the file is an error on its second line; past MAX_ROWS
    people the reading stops with an error.
    """
    people, errors, seen = [], [], {}
    for line, row, error in register_csv.read(path, _header_check, _row_check(db)):
        if row is not None and row["mobile"] in seen:
            error = _("Numret finns redan på rad %(n)d.", n=seen[row["mobile"]])
        if error:
            errors.append((line, error))
            continue
        seen[row["mobile"]] = line
        people.append((line, row))
        if len(people) > MAX_ROWS:
            errors.append((line, _("Högst %(n)d personer på en lista.", n=MAX_ROWS)))
            break
    if not people and not errors:
        errors.append((1, _("Filen har inga rader med personer.")))
    return people, errors


def create_list(db, partner_id, created_by, purpose, script, closes_on, people):
    """Store a list and its people in one transaction; returns the list id."""
    stamp = now()
    with immediate(db):
        list_id = db.table("call_lists").insert({
            "kind": "partner", "association_id": None, "partner_id": partner_id,
            "purpose": purpose, "script": script, "created_by": created_by,
            "created_at": stamp, "closes_at": closes_on.isoformat()}).last_pk
        for line, row in people:
            target_id = db.table("call_targets").insert({
                "list_id": list_id, "signup_id": None, "due_on": closes_on.isoformat(),
                "state": "waiting", "tries": 0, "needs_decision": 0,
                "created_at": stamp}).last_pk
            db.table("partner_contacts").insert({
                "target_id": target_id, "first_name": row["first_name"],
                "last_name": row["last_name"], "phone": row["mobile"], "email": row["email"],
                "municipality_id": row["municipality_id"],
                "association_id": row["association_id"], "line": line})
    return list_id


def is_open(listed, today=None):
    """Callers may take people from the list: not closed, its end date not passed."""
    return (listed["closed_at"] is None and listed["erased_at"] is None
            and (today or swedish_today()) <= listed["closes_at"])


LISTS_SQL = """
select l.*, coalesce(sum(t.state = 'waiting'), 0) as waiting,
       coalesce(sum(t.state = 'reached'), 0) as reached,
       coalesce(sum(t.state = 'could_not_reach'), 0) as could_not_reach,
       coalesce(sum(t.state not in ('waiting', 'reached', 'could_not_reach')), 0) as other,
       count(t.id) as people,
       (select count(*) from calls c join call_targets x on x.id = c.target_id
        where x.list_id = l.id and json_extract(c.answers, '$.answer') = 'joins') as joins
from call_lists l left join call_targets t on t.list_id = l.id
where l.kind = 'partner' and l.partner_id = ?
group by l.id order by l.created_at desc, l.id desc"""


def partner_lists(db, partner_id):
    """The organisation's lists with counts; `joins` is None below MIN_SHOWN, so a
    small list does not tell the coordinator who wants to join the party."""
    rows = [dict(r) for r in db.query(LISTS_SQL, [partner_id])]
    for row in rows:
        row["open"] = is_open(row)
        row["joins"] = row["joins"] if row["joins"] >= MIN_SHOWN else None
    return rows


def close_list(db, list_id):
    """Close a list now: nobody is called any more, the erasure clock starts."""
    stamp = now()
    with immediate(db):
        db.execute("update call_lists set closed_at = ? where id = ? and closed_at is null",
                   [stamp, list_id])
        db.execute("""update call_targets set state = 'closed', locked_by = null,
                      locked_until = null, done_at = ?, done_on = ?
                      where list_id = ? and state = 'waiting'""",
                   [stamp, swedish_today(stamp), list_id])


def closed_on(listed):
    """The UTC moment a list closed: by hand, or the end of its last day (approximately)."""
    if listed["closed_at"]:
        return datetime.fromisoformat(listed["closed_at"])
    last = date.fromisoformat(listed["closes_at"]) + timedelta(days=1)
    return datetime(last.year, last.month, last.day, tzinfo=timezone.utc)


def expired_lists(db, at=None):
    """Lists closed more than ERASE_AFTER ago whose details are still there."""
    moment = datetime.fromisoformat(at or now())
    rows = db.table("call_lists").rows_where(
        "kind = 'partner' and erased_at is null", order_by="id")
    return [r for r in rows if closed_on(r) + ERASE_AFTER <= moment]


ERASE_SQL = (
    "delete from partner_contacts where target_id in "
    "(select id from call_targets where list_id = :list)",
    "update calls set note = null where target_id in "
    "(select id from call_targets where list_id = :list)",
    "update call_targets set state = 'closed', locked_by = null, locked_until = null "
    "where list_id = :list and state = 'waiting'",
    "update call_lists set erased_at = :at where id = :list",
)


def erase_lists(db, list_ids):
    """Erase the people's details and the callers' notes; states and answers stay."""
    with immediate(db):
        for list_id in list_ids:
            for sql in ERASE_SQL:
                db.execute(sql, {"list": list_id, "at": now()})


# Callers: members of the party who also belong to the organisation, named by
# the coordinator through a link shared inside the organisation.

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


def open_lists(db, partner_id):
    """The organisation's open lists with how many wait, for its callers."""
    return [r for r in partner_lists(db, partner_id) if r["open"]]


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
