"""Sign-up links as data: codes, the links of a member, the link behind a code, the printed
address. The "Värva" screen (links.py) and the join pages, accounts, shifts and partner lists
use them."""
import secrets
import sqlite3

from flask import current_app

from .db import now

# No 0/O, 1/I/L: a code read aloud or typed from paper comes out right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code():
    """A short random link code: 31^8, about 8.5e11 possibilities."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw):
    """A code as printed: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def create_link(db, member_id, label=None, campaign_id=None, is_personal=False, partner_id=None):
    """Store a new link for a member (and perhaps a partner organisation, credited
    beside the member) and return its row; retries a taken code."""
    for _attempt in range(5):
        try:
            link_id = db.table("links").insert({
                "code": new_code(), "member_id": member_id, "label": label,
                "campaign_id": campaign_id, "is_personal": int(is_personal),
                "created_at": now(),
                # Only when given: links made before the column existed (m022) insert without it.
                **({"partner_id": partner_id} if partner_id else {}),
            }).last_pk
            return db.table("links").get(link_id)
        except sqlite3.IntegrityError:
            continue
    raise RuntimeError("could not find a free link code")


def active_link(db, code):
    """The link behind a code with its member's association, if it still works."""
    rows = list(db.query(
        """select l.*, m.first_name, m.association_id, a.name as association_name,
                  a.municipality_id
           from links l join members m on m.id = l.member_id
           left join associations a on a.id = m.association_id
           where l.code = ? and l.revoked_at is null and m.is_active = 1""",
        [normalise_code(code)]))
    return rows[0] if rows else None


def member_links(db, member_id):
    """A member's links, personal first, each with its number of sign-ups
    (withdrawn or erased ones and unsettled duplicates not counted)."""
    return list(db.query(
        """select l.*, c.name as campaign_name, p.name as partner_name,
                  (select count(*) from signups s where s.link_id = l.id
                   and s.erased_at is null and s.duplicate_of is null) as signups
           from links l left join campaigns c on c.id = l.campaign_id
           left join partner_organisations p on p.id = l.partner_id
           where l.member_id = ?
           order by l.is_personal desc, l.revoked_at is not null, l.created_at desc""",
        [member_id]))


def personal_link(db, member_id):
    """The member's personal link, made now if an older account has none."""
    rows = list(db.table("links").rows_where(
        "member_id = ? and is_personal = 1 and revoked_at is null", [member_id], limit=1))
    return rows[0] if rows else create_link(db, member_id, is_personal=True)


def campaigns_running(db):
    """Campaigns that have not ended, for the link form."""
    return list(db.table("campaigns").rows_where(
        "ends_on >= date('now')", order_by="starts_on"))


def join_url(code):
    """The absolute printed address for a code, from PUBLIC_BASE_URL."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/j/{code}"
