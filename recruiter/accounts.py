"""Member accounts, their roles, invitations and password-reset links."""
from datetime import datetime, timezone

from . import audit, notices
from .db import immediate, now
from .links_data import create_link
from .passwords import hash_password
from .units import ASSOCIATION, LEVELS, NATION, ROLES
from .sessions import new_token, revoke_member_sessions, token_hash


def _expiry(lifetime):
    return (datetime.now(timezone.utc) + lifetime).isoformat(timespec="seconds")


def normalise_email(email):
    """E-mail addresses are compared trimmed and lower-cased."""
    return email.strip().lower()


def find_member_by_email(db, email):
    """The member row for an e-mail address, or None."""
    rows = list(db.table("members").rows_where("email = ?", [normalise_email(email)]))
    return rows[0] if rows else None


def create_member(db, email, first_name, last_name, password_hash, association_id,
                  roles=(("member", None),), active=True):
    """Insert a member and their roles; returns the member id.

    Takes the hash, not the password, so the slow hashing happens before any
    write lock is taken. A role given with unit None is held in the member's
    own association. Raises sqlite3.IntegrityError when the e-mail is taken.
    An account made inactive (and never deactivated) waits for its chair's
    approval.
    """
    with db.atomic():
        member_id = db.table("members").insert({
            "email": normalise_email(email), "first_name": first_name.strip(),
            "last_name": last_name.strip(), "password_hash": password_hash,
            "association_id": association_id, "is_active": 1 if active else 0,
            "created_at": now(),
        }).last_pk
        for role, unit_id in roles:
            add_role(db, member_id, role, unit_id if unit_id is not None else association_id)
        create_link(db, member_id, is_personal=True)
    return member_id


def add_role(db, member_id, role, unit_id):
    """Give a member a role over a unit (ignored if they already hold it)."""
    if ROLES[role].level == NATION:
        unit_id = None
    db.execute(
        """insert into roles (member_id, role, unit_id, created_at)
           select ?, ?, ?, ? where not exists (
             select 1 from roles where member_id = ? and role = ? and unit_id is ?)""",
        [member_id, role, unit_id, now(), member_id, role, unit_id],
    )


def member_roles(db, member_id):
    """A member's roles, highest first."""
    rows = list(db.table("roles").rows_where("member_id = ?", [member_id]))
    return sorted(rows, key=lambda r: (-ROLES[r["role"]].rank, r["id"]))


def set_password(db, member_id, password_hash):
    """Store a new password hash for a member."""
    db.execute("update members set password_hash = ? where id = ?",
               [password_hash, member_id])


def set_active(db, member_id, active):
    """Deactivate (ending every session) or reactivate an account."""
    with db.atomic():
        db.execute(
            "update members set is_active = ?, deactivated_at = ? where id = ?",
            [1 if active else 0, None if active else now(), member_id],
        )
        if not active:
            revoke_member_sessions(db, member_id)


_REJECT_SQL = (
    "delete from notices where member_id = ?",
    "delete from password_resets where member_id = ?",
    "delete from links where member_id = ?",
    "delete from roles where member_id = ?",
    "delete from members where id = ? and is_active = 0 and deactivated_at is null",
)


def reject_pending(db, member_id):
    """Delete an account that still waits for approval (nothing of it stays); False if not pending.

    Such an account has never logged in, so nothing else points at it.
    """
    with immediate(db):
        member = db.table("members").get(member_id)
        if member["is_active"] or member["deactivated_at"]:
            return False
        for sql in _REJECT_SQL:
            db.execute(sql, [member_id])
    return True


def association_members(db, association_id):
    """The accounts of one association; is_chair: holds the role that administers it."""
    return list(db.query(
        """select m.id, m.first_name, m.last_name, m.email, m.is_active,
                  m.is_active = 0 and m.deactivated_at is null as is_pending,
                  max(r.role = :chair) as is_chair
           from members m left join roles r
             on r.member_id = m.id and r.role = :chair and r.unit_id = m.association_id
           where m.association_id = :association
           group by m.id order by is_pending desc, m.is_active desc, m.last_name, m.first_name""",
        {"association": association_id, "chair": LEVELS[ASSOCIATION].admin_role},
    ))


def create_invitation(db, association_id, created_by, lifetime, max_uses=1):
    """Store a new invitation and return its token (shown once, never stored)."""
    token = new_token()
    db.table("invitations").insert({
        "association_id": association_id, "token_hash": token_hash(token),
        "created_by": created_by, "created_at": now(), "expires_at": _expiry(lifetime),
        "max_uses": max_uses, "uses": 0,
    })
    return token


def usable_invitation(db, token):
    """The invitation behind a token if it can still be used, else None."""
    rows = list(db.query(
        """select i.*, a.name as association_name from invitations i
           join associations a on a.id = i.association_id
           where i.token_hash = ? and i.revoked_at is null
             and i.uses < i.max_uses and i.expires_at > ?""",
        [token_hash(token), now()],
    ))
    return rows[0] if rows else None


def accept_invitation(db, token, email, first_name, last_name, password):
    """Use an invitation for an e-mail address: "created", "existing", or None if spent.

    Both outcomes use up one of the link's uses and look the same to the
    person at the form, so the link cannot tell whether an address has an
    account (README: invitations). A new account waits for the chair's
    approval; the holder of an existing one gets a notice at their next
    login. The use is counted in the same write transaction, so two people
    racing for the last use cannot both get in.
    """
    password_hash = hash_password(password)
    with immediate(db):
        invitation = usable_invitation(db, token)
        if invitation is None:
            return None
        db.execute("update invitations set uses = uses + 1 where id = ?", [invitation["id"]])
        existing = find_member_by_email(db, email)
        if existing:
            notices.add(db, existing["id"], "invitation_existing",
                        unit_id=invitation["association_id"])
        else:
            create_member(db, email, first_name, last_name, password_hash,
                          invitation["association_id"], active=False)
        outcome = "existing" if existing else "created"
        audit.record(db, "invitation_used", None, "invitation", invitation["id"], outcome)
    return outcome


def association_invitations(db, association_id):
    """Invitations of one association, newest first."""
    return list(db.table("invitations").rows_where(
        "association_id = ?", [association_id], order_by="created_at desc, id desc",
        limit=20,
    ))


def revoke_invitation(db, invitation_id):
    """Switch off an invitation link."""
    db.execute("update invitations set revoked_at = ? where id = ? and revoked_at is null",
               [now(), invitation_id])


def create_reset(db, member_id, created_by, lifetime):
    """Store a one-time password-reset link and return its token."""
    token = new_token()
    db.table("password_resets").insert({
        "member_id": member_id, "token_hash": token_hash(token),
        "created_by": created_by, "created_at": now(), "expires_at": _expiry(lifetime),
    })
    return token


def usable_reset(db, token):
    """The reset row behind a token if unused, unexpired and its member active."""
    rows = list(db.query(
        """select p.* from password_resets p join members m on m.id = p.member_id
           where p.token_hash = ? and p.used_at is null and p.expires_at > ?
             and m.is_active = 1""",
        [token_hash(token), now()],
    ))
    return rows[0] if rows else None


def use_reset(db, token, password):
    """Set the new password and end every session; the reset row, or None if spent.

    The second factor stays as it was: whoever holds the link still needs the
    owner's app to log in. The use is audited and the owner told at next login.
    """
    password_hash = hash_password(password)
    with immediate(db):
        reset = usable_reset(db, token)
        if reset is None:
            return None
        db.execute("update password_resets set used_at = ? where id = ?",
                   [now(), reset["id"]])
        set_password(db, reset["member_id"], password_hash)
        revoke_member_sessions(db, reset["member_id"])
        audit.record(db, "reset_used", None, "member", reset["member_id"])
        notices.add(db, reset["member_id"], "password_reset", reset["created_by"])
    return reset


def may_reset(db, role, member_id, second_factor_required):
    """Whether a role may create a reset link for a member it manages (README: resets).

    Holding the link means logging in as the member, so it must show nothing
    the resetter's own role may not see. Only a chair reads its association's
    sign-ups (no administrator does), so only the national office resets a
    chair; and an account that must use a second factor but has none yet
    would let the link's holder connect their own app, so only the national
    office resets one of those. Callers have checked that every role of the
    member ranks below `role`.
    """
    if ROLES[role].level == NATION:
        return True
    if any(ROLES[r["role"]].reads_contacts for r in member_roles(db, member_id)):
        return False
    return not still_to_enrol(db, member_id, second_factor_required)


def still_to_enrol(db, member_id, second_factor_required):
    """True for a chair or administrator who must use a second factor but has none yet."""
    privileged = ROLES[member_roles(db, member_id)[0]["role"]].sees_personal_data
    enrolled = db.table("members").get(member_id)["totp_secret"]
    return privileged and second_factor_required and not enrolled
