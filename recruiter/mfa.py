"""The second step of logging in: a TOTP code, required of chairs and
administrators (they see other people's personal data), optional for members."""
import time

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_login import confirm_login, current_user, login_required, login_user

from . import accounts, audit, lockout, notices, totp
from .db import get_db
from .forms import CodeForm, ReauthForm
from .limits import limiter
from .passwords import verify_password
from .qr import qr_svg
from .redirects import safe_next
from .sessions import confirm_session, load_user, recent_login_required, start_session
from .units import ROLES

bp = Blueprint("mfa", __name__)
PENDING_SECONDS = 300


def privileged(db, member_id):
    """True for a member whose highest role sees other people's personal data
    (chairs and administrators): they must use a second factor."""
    return _is_privileged(accounts.member_roles(db, member_id)[0])


def _is_privileged(top_role):
    return ROLES[top_role["role"]].sees_personal_data


def needs_second_factor(db, member):
    """Whether a correct password is not yet enough to log this member in."""
    if member["totp_secret"]:
        return True
    return current_app.config["SECOND_FACTOR_REQUIRED"] and privileged(db, member["id"])


def finish_login(db, member, remember, target):
    """Start the session once every factor is checked."""
    top = accounts.member_roles(db, member["id"])[0]
    token = start_session(db, member["id"], top["id"], remember, privileged=_is_privileged(top))
    login_user(load_user(token), remember=remember)
    lockout.remember_device(member["id"])
    forget_half_done_logins()
    current_app.logger.info("login ok member=%s", member["id"])
    audit.record(db, "login", member["id"])
    notices.show_pending(db, member["id"])
    return redirect(target)


def forget_half_done_logins():
    """Drop a pending second step or app set-up (a shared phone's next user must not inherit it)."""
    session.pop("pending_login", None)
    session.pop("enrol_secret", None)


def ask_for_code(member, remember, target):
    """Remember for five minutes who gave a correct password, then ask for the code."""
    session["pending_login"] = {"member": member["id"], "remember": bool(remember),
                                "next": target, "at": int(time.time())}
    return redirect(url_for("mfa.code"))


def _pending_member(db):
    pending = session.get("pending_login")
    if not pending or pending["at"] + PENDING_SECONDS < time.time():
        return None, None
    return db.table("members").get(pending["member"]), pending


def _pending_key():
    return f"code:{(session.get('pending_login') or {}).get('member')}"


@bp.route("/logga-in/kod", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_pending_key)
def code():
    """Ask for the code, or set up the app first for a chair or administrator."""
    db = get_db()
    member, pending = _pending_member(db)
    if member is None:
        flash(_("Logga in igen."), "info")
        return redirect(url_for("auth.login"))
    if not member["totp_secret"]:
        return _enrol(db, member, pending)
    form = CodeForm()
    if form.validate_on_submit():
        if totp.check_code(db, member, form.code.data) or totp.use_recovery_code(
                db, member["id"], form.code.data):
            return finish_login(db, member, pending["remember"], pending["next"])
        audit.record(db, "login_failed", member["id"], outcome="code")
        form.code.errors = [_("Koden stämmer inte. Vänta på nästa kod och försök igen.")]
        return render_template("mfa/code.html", form=form), 401
    return render_template("mfa/code.html", form=form)


def _enrol(db, member, pending):
    """First login of a chair or administrator: connect an authenticator app."""
    secret = pending.get("secret") or totp.new_secret()
    session["pending_login"] = {**pending, "secret": secret}
    form, codes = _confirm_app(db, member, secret)
    if codes:
        finish_login(db, member, pending["remember"], pending["next"])
        return render_template("mfa/recovery.html", codes=codes, target=pending["next"])
    return _enrol_page(member, secret, form, optional=False)


def _confirm_app(db, member, secret):
    """The posted code checked against the new secret: (form, recovery codes or None)."""
    form = CodeForm()
    if not form.validate_on_submit():
        return form, None
    step = totp.matching_step(secret, form.code.data)
    if step is None:
        form.code.errors = [_("Koden stämmer inte. Kontrollera att telefonens klocka går rätt.")]
        return form, None
    codes = totp.enable(db, member["id"], secret, step)
    if codes is None:  # another request connected an app first
        form.code.errors = [_("En app är redan kopplad till kontot.")]
        return form, None
    audit.record(db, "mfa_enabled", member["id"])
    return form, codes


def _enrol_page(member, secret, form, optional):
    uri = totp.provisioning_uri(secret, member["email"])
    return render_template("mfa/enrol.html", form=form, qr=qr_svg(uri), secret=secret,
                           optional=optional), 422 if form.errors else 200


def _member_code_key():
    return f"code:{current_user.member_id}"


@bp.route("/konto/bekrafta", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_member_code_key)
def reauth():
    """Confirm it is really you before exporting personal data."""
    db = get_db()
    member = db.table("members").get(current_user.member_id)
    form = ReauthForm()
    if form.validate_on_submit():
        ok = verify_password(member["password_hash"], form.password.data)
        if ok and (not member["totp_secret"] or totp.check_code(db, member, form.code.data)):
            confirm_login()
            confirm_session(db, current_user.session_id)
            return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
        audit.record(db, "login_failed", member["id"], outcome="reauth")
        form.code.errors = [_("Lösenordet eller koden stämmer inte.")]
    return render_template("mfa/reauth.html", form=form, needs_code=bool(member["totp_secret"]))



@bp.route("/konto/tvastegs", methods=["GET", "POST"])
@recent_login_required
def enable():
    """A member turns on the second step (chairs and administrators have it already)."""
    db = get_db()
    member = db.table("members").get(current_user.member_id)
    if member["totp_secret"]:
        return render_template("mfa/enabled.html")
    saved = session.get("enrol_secret") or {}
    secret = saved["secret"] if saved.get("member") == member["id"] else totp.new_secret()
    session["enrol_secret"] = {"member": member["id"], "secret": secret}
    form, codes = _confirm_app(db, member, secret)
    if codes:
        session.pop("enrol_secret", None)
        return render_template("mfa/recovery.html", codes=codes, target=url_for("auth.account"))
    return _enrol_page(member, secret, form, optional=True)
