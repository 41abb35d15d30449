"""Things a member must hear about at their next login: a reset of their
password, someone using their e-mail address on an invitation link.

Rows hold kinds and ids only; the text is written when it is shown.
"""
from flask import flash
from flask_babel import gettext as _

from .db import now
from .responses import local_time

KINDS = ("password_reset", "invitation_existing")

_PENDING_SQL = """
select n.id, n.kind, n.at, a.first_name as actor_first, a.last_name as actor_last,
       s.name as association_name
from notices n
left join members a on a.id = n.actor_id
left join associations s on s.id = n.unit_id
where n.member_id = ? and n.shown_at is null
order by n.id
"""


def add(db, member_id, kind, actor_id=None, unit_id=None):
    """Keep a notice for the member's next login."""
    db.table("notices").insert({"member_id": member_id, "kind": kind, "actor_id": actor_id,
                                "unit_id": unit_id, "at": now()})


def show_pending(db, member_id):
    """Flash every notice not yet shown, then mark them shown."""
    rows = list(db.query(_PENDING_SQL, [member_id]))
    for row in rows:
        flash(_text(row), "warning")
    if rows:
        db.execute("update notices set shown_at = ? where member_id = ? and shown_at is null",
                   [now(), member_id])


def _text(row):
    when = local_time(row["at"])
    if row["kind"] == "password_reset":
        return _("Ditt lösenord återställdes av %(name)s den %(when)s. Var det inte du som bad om "
                 "det? Byt lösenord och kontakta din förening eller kansliet.",
                 name=f"{row['actor_first'] or ''} {row['actor_last'] or ''}".strip() or "?",
                 when=when)
    return _("Någon försökte skapa ett nytt konto med din e-postadress genom en inbjudan till "
             "%(association)s den %(when)s. Du har redan ett konto: logga in med det. Var det "
             "inte du? Då behöver du inte göra något.",
             association=row["association_name"] or "?", when=when)
