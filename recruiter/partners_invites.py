"""Coordinator invitations: one-use links from the national office naming a
partner organisation (the shape of accounts' association invitations)."""
from datetime import datetime, timezone

from . import accounts, audit
from .db import immediate, now
from .partners_data import COORDINATOR
from .passwords import hash_password, verify_password
from .sessions import new_token, token_hash


def create_invitation(db, partner_id, created_by, lifetime):
    """Store a one-use coordinator invitation and return its token (shown once)."""
    token = new_token()
    expires = (datetime.now(timezone.utc) + lifetime).isoformat(timespec="seconds")
    db.table("partner_invitations").insert({
        "partner_id": partner_id, "token_hash": token_hash(token), "created_by": created_by,
        "created_at": now(), "expires_at": expires})
    return token


USABLE_SQL = """
select i.*, p.name as partner_name from partner_invitations i
join partner_organisations p on p.id = i.partner_id
where i.token_hash = ? and i.used_at is null and i.revoked_at is null and i.expires_at > ?"""


def usable_invitation(db, token):
    """The unused, unexpired invitation behind a token, or None."""
    rows = list(db.query(USABLE_SQL, [token_hash(token), now()]))
    return rows[0] if rows else None


NOT_CONFIRMED = "not_confirmed"


def accept_invitation(db, token, email, first_name, last_name, password):
    """Make the person a coordinator: the member id, None if the link is spent, or
    NOT_CONFIRMED (the link kept) when the address has an account and the password typed is
    not that account's.

    A new address gets an active account with only the coordinator role (no association: a
    union's representative need not be a party member); an address with an account gets the
    role added once its own password is typed, so an invitation cannot hand someone else's
    account a role. The page after looks the same either way, so the link tells nobody
    whether an address has an account. Used up in the same write transaction.
    """
    password_hash = hash_password(password)
    with immediate(db):
        invite = usable_invitation(db, token)
        if invite is None:
            return None
        existing = accounts.find_member_by_email(db, email)
        if existing and not verify_password(existing["password_hash"], password):
            return NOT_CONFIRMED
        if existing:
            member_id = existing["id"]
            accounts.add_role(db, member_id, COORDINATOR, invite["partner_id"])
        else:
            member_id = accounts.create_member(db, email, first_name, last_name, password_hash,
                                               None, roles=((COORDINATOR, invite["partner_id"]),))
        db.execute("update partner_invitations set used_at = ?, used_by = ? where id = ?",
                   [now(), member_id, invite["id"]])
        audit.record(db, "partner_invitation_used", None, "partner", invite["partner_id"],
                     "existing" if existing else "created")
    return member_id
