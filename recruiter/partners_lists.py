"""Partner organisations' call lists (issue 12): a coordinator uploads the
people to call, named members of the organisation (partners_callers) call
them one at a time through the call engine (calls_data), and 30 days after the list closes the
details are erased (partners-purge through `purge-expired`), the anonymous
outcomes kept.

The CSV is read by register_csv's reader (UTF-8, comma or semicolon, errors
named by line) and stored all or nothing.
"""
from datetime import date, datetime, timedelta, timezone

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from . import privacy, register_csv
from .calls_data import swedish_today
from .db import immediate, now
from .partners_data import MIN_SHOWN
from .signups import normalise_phone
from .text import name_error, nfc_trim

MAX_ROWS = 1000  # people on one list (the upload is at most MAX_CONTENT_LENGTH too)
ERASE_AFTER = timedelta(days=30)
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
        email = row.get("email", "").strip().lower()
        if email and not _plain_address(email):
            return _("E-postadressen %(e)s går inte att läsa.", e=email[:100])
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


MAX_ERRORS = 50


def _plain_address(email):
    """An address as the join form takes it: nothing a mailto: link would read as more
    (a planted "?bcc=" would copy the caller's mail to someone else)."""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return not any(c in email for c in "?&#%/:,;<>\"'")


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
            if len(errors) >= MAX_ERRORS:  # enough to mend the file by; the page stays small
                errors.append((line, _("Fler fel efter rad %(n)d visas inte.", n=line)))
                break
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
    """The organisation's lists with counts. How many want to join shows only once the list is
    closed and from MIN_SHOWN up (else None): watching the count rise while people are called
    in the file's order would tell the coordinator who wants to join the party."""
    rows = [dict(r) for r in db.query(LISTS_SQL, [partner_id])]
    for row in rows:
        row["open"] = is_open(row)
        row["joins"] = row["joins"] if row["joins"] >= MIN_SHOWN and not row["open"] else None
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
    privacy.checkpoint(db)  # the old values leave the -wal file and the free pages too


def open_lists(db, partner_id):
    """The organisation's open lists with how many wait, for its callers."""
    return [r for r in partner_lists(db, partner_id) if r["open"]]
