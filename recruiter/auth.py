"""Logging in and out, passwords, roles, and the links that create accounts."""
from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from wtforms.fields.choices import SelectChoice

from . import accounts, audit, lockout, mail, mfa
from .db import get_db
from .forms import LoginForm, PasswordChangeForm, RegisterForm, ResetForm, RoleSwitchForm
from .limits import limiter
from .passwords import burn_time, hash_password, needs_rehash, verify_password
from .redirects import safe_next
from .scope import scope_label
from .sessions import (login_manager, member_sessions, revoke_member_sessions, revoke_session,
                       switch_role, token_hash)
from .units import ROLE_LABELS

bp = Blueprint("auth", __name__)


@login_manager.unauthorized_handler
def unauthorized():
    """A revoked or expired session gets 401; anyone else is sent to log in."""
    if g.get("session_ended"):
        return render_template("auth/ended.html"), 401
    if request.accept_mimetypes.best == "application/json":
        return {"error": "login required"}, 401
    flash(_("Logga in för att fortsätta."), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def check_credentials(db, email, password):
    """The member row if the e-mail and password match an active account.

    Unknown e-mails cost one hash verification too, so the time taken does
    not tell whether an address has an account.
    """
    member = accounts.find_member_by_email(db, email)
    if member is None:
        burn_time(password)
        return None
    if not verify_password(member["password_hash"], password) or not member["is_active"]:
        return None
    if needs_rehash(member["password_hash"]):
        accounts.set_password(db, member["id"], hash_password(password))
    return member


@bp.route("/logga-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    """The login form; the per-account limit is lockout.py's (README: login throttling)."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        db = get_db()
        allowed, attempt = lockout.take_attempt(db, form.email.data)
        if not allowed:
            return _locked(form)
        member = check_credentials(db, form.email.data, form.password.data)
        if member is None:
            form.password.errors.append(_("Fel e-post eller lösenord."))
            current_app.logger.info("login failed")
            audit.record(db, "login_failed", outcome="refused")
            return render_template("auth/login.html", form=form), 401
        lockout.refund_attempt(attempt)
        target = safe_next(form.next.data) or url_for("home.index")
        if mfa.needs_second_factor(db, member):
            return mfa.ask_for_code(member, form.remember.data, target)
        return mfa.finish_login(db, member, form.remember.data, target)
    return render_template("auth/login.html", form=form)


@bp.route("/logga-ut", methods=["POST"])
@login_required
def logout():
    """End this device's session on the server and in the browser."""
    db = get_db()
    revoke_session(db, current_user.session_id)
    audit.record(db, "logout", current_user.member_id)
    logout_user()
    mfa.forget_half_done_logins()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/konto/losenord", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password, optionally logging out other devices."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        db = get_db()
        member = db.table("members").get(current_user.member_id)
        if not verify_password(member["password_hash"], form.current.data):
            form.current.errors.append(_("Det nuvarande lösenordet stämmer inte."))
            return render_template("auth/password.html", form=form), 422
        accounts.set_password(db, member["id"], hash_password(form.password.data))
        if form.logout_others.data:
            revoke_member_sessions(db, member["id"], keep_session_id=current_user.session_id)
        flash(_("Ditt lösenord är bytt."), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/roll", methods=["POST"])
@login_required
def switch():
    """Look at the app through another of one's roles."""
    db = get_db()
    roles = accounts.member_roles(db, current_user.member_id)
    form = RoleSwitchForm()
    form.role_id.choices = [SelectChoice(r["id"]) for r in roles]
    if not form.validate_on_submit():
        abort(400)
    switch_role(db, current_user.session_id, form.role_id.data)
    audit.record(db, "role_switch", current_user.member_id, "role", form.role_id.data)
    return redirect(url_for("home.index"))


def _invitation_key():
    return "invitation:" + token_hash(request.view_args["token"])


def _invitation_attempts():
    """30 attempts per link, or twice its uses for a big one (a meeting behind one address)."""
    invite = accounts.usable_invitation(get_db(), request.view_args["token"])
    return f"{max(30, 2 * invite['max_uses']) if invite else 30} per 3 days"


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
@limiter.limit(_invitation_attempts, methods=["POST"], key_func=_invitation_key)
def invitation(token):
    """Ask for an account in the association an invitation link names.

    A new address gets an account that waits for the chair's approval; an
    address that has one already is told so at its next login (and by
    mail). The page answers the same in both cases (README: invitations).
    """
    db = get_db()
    invite = accounts.usable_invitation(db, token)
    if invite is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    form = RegisterForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            audit.record(db, "invitation_used", None, "invitation", invite["id"], "invalid")
        return render_template("auth/invitation.html", form=form, invite=invite), \
            422 if form.errors else 200
    outcome = accounts.accept_invitation(db, token, form.email.data, form.first_name.data,
                                         form.last_name.data, form.password.data)
    if outcome is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    mail.invitation_outcome(form.email.data, invite["association_name"], outcome)
    return render_template("auth/invitation_sent.html", invite=invite)


@bp.route("/aterstall/<token>", methods=["GET", "POST"])
def reset(token):
    """Choose a new password through a one-time link from the chair."""
    db = get_db()
    if accounts.usable_reset(db, token) is None:
        return render_template("auth/link_invalid.html", kind="reset"), 410
    form = ResetForm()
    if form.validate_on_submit():
        used = accounts.use_reset(db, token, form.password.data)
        if used is None:
            return render_template("auth/link_invalid.html", kind="reset"), 410
        owner = db.table("members").get(used["member_id"])
        mail.reset_used(owner["email"], db.table("members").get(used["created_by"]))
        if current_user.is_authenticated:
            logout_user()
        flash(_("Ditt nya lösenord är sparat. Logga in med det."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


def role_switch_form(db):
    """The form to pick another of one's roles, or None for a single role."""
    roles = accounts.member_roles(db, current_user.member_id)
    if len(roles) < 2:
        return None
    form = RoleSwitchForm(role_id=current_user.role["id"])
    form.role_id.choices = [
        SelectChoice(r["id"], f"{ROLE_LABELS[r['role']]}: {scope_label(db, r['role'], r['unit_id'])}")
        for r in roles
    ]
    return form


@bp.route("/konto")
@login_required
def account():
    """The member's own account: role, password, logging out."""
    return render_template("auth/account.html", role_form=role_switch_form(get_db()))


@bp.route("/konto/enheter")
@login_required
def devices():
    """The member's logged-in devices, to log out a lost phone."""
    return render_template("auth/devices.html",
                           sessions=member_sessions(get_db(), current_user.member_id))


@bp.route("/konto/enheter/<id:session_id>/logga-ut", methods=["POST"])
@login_required
def revoke_device(session_id):
    """End one of one's own sessions (404 for anyone else's)."""
    db = get_db()
    if db.table("sessions").get(session_id)["member_id"] != current_user.member_id:
        abort(404)
    revoke_session(db, session_id)
    flash(_("Enheten är utloggad."), "success")
    return redirect(url_for(".devices"))


@bp.route("/konto/enheter/logga-ut-andra", methods=["POST"])
@login_required
def revoke_other_devices():
    """End every session of one's own but this one."""
    revoke_member_sessions(get_db(), current_user.member_id,
                           keep_session_id=current_user.session_id)
    flash(_("Dina andra enheter är utloggade."), "success")
    return redirect(url_for(".devices"))


def _locked(form):
    """A soft lock: the form again, with what was typed, and a time to wait."""
    form.password.errors = [_("För många inloggningsförsök. Vänta en kvart och försök igen.")]
    return render_template("auth/login.html", form=form), 429


@bp.errorhandler(429)
def too_many_attempts(error):
    """The per-address limits: the form again, with what was typed, and a time to wait."""
    if request.endpoint == "auth.invitation":
        form = RegisterForm()
        form.email.errors = [_("För många försök med den här länken. Försök igen senare "
                               "eller be ordföranden om en ny länk.")]
        invite = accounts.usable_invitation(get_db(), request.view_args["token"])
        if invite is None:
            return render_template("auth/link_invalid.html", kind="invitation"), 410
        return render_template("auth/invitation.html", form=form, invite=invite), 429
    return _locked(LoginForm())
