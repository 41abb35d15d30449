"""Server-side sessions: one row per logged-in device, revocable at any time.

Flask-Login keeps only the random session token in its cookies; the table
keeps its SHA-256. Logout, deactivation and an administrator can revoke a row,
after which a copied cookie no longer logs anyone in.
"""
import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, UserMixin, current_user, login_fresh

from .db import get_db, now

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Logga in för att fortsätta.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
login_manager.refresh_view = "mfa.reauth"
login_manager.needs_refresh_message = _l("Bekräfta att det är du innan du fortsätter.")
login_manager.needs_refresh_message_category = "info"


def token_hash(token):
    """The SHA-256 of a random token, as stored in the database."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token():
    """A random 256-bit token, URL-safe."""
    return secrets.token_urlsafe(32)


@dataclass
class User(UserMixin):
    """The logged-in member, seen through the role their session has chosen."""

    token: str
    session_id: int
    member_id: int
    email: str
    first_name: str
    last_name: str
    association_id: int | None
    role: dict
    confirmed_at: str | None = None

    def get_id(self):
        return self.token

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}"


_LOAD_SQL = """
select s.id as session_id, s.expires_at, s.last_seen_at, s.idle_seconds, s.confirmed_at,
       m.id as member_id, m.email, m.first_name, m.last_name, m.association_id,
       r.id as role_id, r.role, r.unit_id
from sessions s
join members m on m.id = s.member_id
join roles r on r.id = s.role_id
where s.token_hash = ? and s.revoked_at is null and m.is_active = 1
"""
TOUCH_EVERY = timedelta(minutes=1)
FRESH_FOR = timedelta(minutes=15)  # how long a typed password counts as "fresh"


@login_manager.user_loader
def load_user(token):
    """Build the User for a session token; None if revoked, expired, idle or unknown."""
    db = get_db()
    rows = list(db.query(_LOAD_SQL, [token_hash(token)]))
    if not rows or _ended(rows[0]):
        g.session_ended = True
        return None
    row = rows[0]
    _touch(db, row)
    role = {"id": row["role_id"], "role": row["role"], "unit_id": row["unit_id"]}
    return User(token, row["session_id"], row["member_id"], row["email"],
                row["first_name"], row["last_name"], row["association_id"], role,
                row["confirmed_at"])


def _ended(row):
    moment = datetime.now(timezone.utc)
    if row["expires_at"] <= moment.isoformat(timespec="seconds"):
        return True
    idle = row["idle_seconds"]
    return bool(idle) and datetime.fromisoformat(row["last_seen_at"]) + \
        timedelta(seconds=idle) < moment


def _touch(db, row):
    """Note activity, at most once a minute, for the idle timeout and the device list."""
    if datetime.fromisoformat(row["last_seen_at"]) + TOUCH_EVERY < datetime.now(timezone.utc):
        db.execute("update sessions set last_seen_at = ? where id = ?",
                   [now(), row["session_id"]])


def start_session(db, member_id, role_id, remember, privileged=False):
    """Create a session row and return its token.

    Members stay logged in for a day of campaigning or, with "kom ihåg mig",
    30 days. Chairs and administrators see other people's personal data, so
    their sessions end after 12 hours whatever they tick, and after 2 hours
    without use (README: timeouts).
    """
    token = new_token()
    config = current_app.config
    if privileged:
        lifetime, idle = config["SESSION_LIFETIME"], config["SESSION_IDLE_PRIVILEGED"]
    else:
        lifetime = config["SESSION_LIFETIME_REMEMBER" if remember else "SESSION_LIFETIME"]
        idle = None
    expires = (datetime.now(timezone.utc) + lifetime).isoformat(timespec="seconds")
    db.table("sessions").insert({
        "token_hash": token_hash(token), "member_id": member_id,
        "role_id": role_id, "created_at": now(), "last_seen_at": now(), "confirmed_at": now(),
        "expires_at": expires, "idle_seconds": int(idle.total_seconds()) if idle else None,
        "user_agent": request.user_agent.string[:120] if request else None,
    })
    return token


def revoke_session(db, session_id):
    """End one session on the server."""
    db.execute(
        "update sessions set revoked_at = ? where id = ? and revoked_at is null",
        [now(), session_id],
    )


def revoke_member_sessions(db, member_id, keep_session_id=None):
    """End every session of a member, except perhaps the current one."""
    db.execute(
        """update sessions set revoked_at = ?
           where member_id = ? and revoked_at is null and id is not ?""",
        [now(), member_id, keep_session_id],
    )


def confirm_session(db, session_id):
    """Note that the session's owner has just typed their password (and code) again."""
    db.execute("update sessions set confirmed_at = ? where id = ?", [now(), session_id])


def recently_confirmed(confirmed_at):
    """True when the password was typed within the last FRESH_FOR."""
    return bool(confirmed_at) and \
        datetime.fromisoformat(confirmed_at) + FRESH_FOR > datetime.now(timezone.utc)


def recent_login_required(view):
    """Like flask_login's fresh_login_required, but "fresh" also has an age.

    flask_login's flag stays true for the whole browser session (11 hours
    into a working day an export would not ask again); the session row keeps
    when the password was last typed, and older than FRESH_FOR asks again.
    """
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not login_fresh() or not recently_confirmed(current_user.confirmed_at):
            return login_manager.needs_refresh()
        return view(*args, **kwargs)
    return wrapped


def switch_role(db, session_id, role_id):
    """Point a session at another of its member's roles."""
    db.execute("update sessions set role_id = ? where id = ?", [role_id, session_id])


def init_app(app):
    """Bind Flask-Login to the app."""
    login_manager.init_app(app)


def member_sessions(db, member_id):
    """A member's live sessions (devices), newest activity first."""
    return list(db.query(
        """select id, created_at, last_seen_at, user_agent from sessions
           where member_id = ? and revoked_at is null and expires_at > ?
           order by last_seen_at desc""", [member_id, now()]))
