"""The chair's pages for one association: accounts, invitations, reset links."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import accounts, audit, privacy, resets
from . import signups as signups_data
from .db import get_db
from .forms import DuplicateForm, InvitationForm
from .mail import send_link
from .qr import qr_svg
from .sessions import revoke_member_sessions
from .scope import may_manage, may_reset, may_see_contacts, require_administer
from .signups import association_signups
from .units import ASSOCIATION

bp = Blueprint("association", __name__, url_prefix="/forening")


def public_url(endpoint, **values):
    """An absolute link built from PUBLIC_BASE_URL, never from the Host header."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


def get_association_member(db, association_id, member_id):
    """A member of the association whom the current role may manage.

    404 for members of other associations; 403 for anyone the viewer may not
    manage (scope.may_manage), so a chair cannot reset or switch off the
    national administrator who happens to belong to the same association.
    """
    member = db.table("members").get(member_id)
    if member["association_id"] != association_id:
        abort(404)
    if not may_manage(member_id):
        abort(403)
    return member


@bp.route("/<id:association_id>/medlemmar")
@login_required
def members(association_id):
    """The association's accounts and invitation links."""
    unit = require_administer(ASSOCIATION, association_id)
    db = get_db()
    return render_template(
        "association/members.html", unit=unit,
        members=accounts.association_members(db, association_id),
        invitations=accounts.association_invitations(db, association_id),
        invitation_form=InvitationForm(),
    )


@bp.route("/<id:association_id>/inbjudan", methods=["POST"])
@login_required
def invite(association_id):
    """Create an invitation link and show it, with its QR code, this once."""
    unit = require_administer(ASSOCIATION, association_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        for error in form.max_uses.errors:
            flash(error, "error")
        return redirect(url_for(".members", association_id=association_id))
    token = accounts.create_invitation(
        get_db(), association_id, current_user.member_id,
        current_app.config["INVITATION_LIFETIME"], form.max_uses.data)
    link = public_url("auth.invitation", token=token)
    return render_template("association/link.html", unit=unit, link=link,
                           qr=qr_svg(link), kind="invitation")


@bp.route("/<id:association_id>/inbjudan/<id:invitation_id>/stang", methods=["POST"])
@login_required
def close_invitation(association_id, invitation_id):
    """Switch off an invitation link before it runs out."""
    require_administer(ASSOCIATION, association_id)
    db = get_db()
    invitation = db.table("invitations").get(invitation_id)
    if invitation["association_id"] != association_id:
        abort(404)
    accounts.revoke_invitation(db, invitation_id)
    flash(_("Inbjudningslänken är avstängd."), "success")
    return redirect(url_for(".members", association_id=association_id))


@bp.route("/<id:association_id>/medlem/<id:member_id>/<any(inaktivera,aktivera):action>",
          methods=["POST"])
@login_required
def set_active(association_id, member_id, action):
    """Deactivate an account (ending its sessions) or let it back in."""
    require_administer(ASSOCIATION, association_id)
    db = get_db()
    member = get_association_member(db, association_id, member_id)
    pending = not member["is_active"] and member["deactivated_at"] is None
    accounts.set_active(db, member["id"], action == "aktivera")
    event = "deactivate" if action == "inaktivera" else "approve" if pending else "reactivate"
    audit.record(db, event, current_user.member_id, "member", member["id"])
    flash(_("%(name)s är avstängd.", name=member["first_name"]) if action == "inaktivera"
          else _("%(name)s kan logga in nu.", name=member["first_name"]) if pending
          else _("%(name)s kan logga in igen.", name=member["first_name"]), "success")
    return redirect(url_for(".members", association_id=association_id))


@bp.route("/<id:association_id>/medlem/<id:member_id>/avvisa", methods=["POST"])
@login_required
def reject(association_id, member_id):
    """Turn away an account made through an invitation that the chair does not recognise."""
    require_administer(ASSOCIATION, association_id)
    db = get_db()
    member = get_association_member(db, association_id, member_id)
    if not accounts.reject_pending(db, member["id"]):
        abort(409)
    audit.record(db, "reject", current_user.member_id, "member", member["id"])
    flash(_("Kontot är borttaget."), "success")
    return redirect(url_for(".members", association_id=association_id))


@bp.route("/<id:association_id>/medlem/<id:member_id>/logga-ut", methods=["POST"])
@login_required
def end_sessions(association_id, member_id):
    """Log a member out on every device (a lost phone) without switching the account off."""
    require_administer(ASSOCIATION, association_id)
    db = get_db()
    member = get_association_member(db, association_id, member_id)
    revoke_member_sessions(db, member["id"])
    audit.record(db, "sessions_ended", current_user.member_id, "member", member["id"])
    flash(_("%(name)s är utloggad på alla enheter.", name=member["first_name"]), "success")
    return redirect(url_for(".members", association_id=association_id))


@bp.route("/<id:association_id>/medlem/<id:member_id>/aterstallning", methods=["POST"])
@login_required
def reset_link(association_id, member_id):
    """Make a one-time password-reset link for a member, mailed where SMTP is set."""
    unit = require_administer(ASSOCIATION, association_id)
    db = get_db()
    member = get_association_member(db, association_id, member_id)
    if not may_reset(member["id"]):
        abort(403)
    # Whoever holds this link would connect the account's app: only its owner may see it,
    # or, without mail, two people at the national office issue it (office.reset_requests).
    to_enrol = accounts.still_to_enrol(db, member["id"],
                                       current_app.config["SECOND_FACTOR_REQUIRED"])
    if to_enrol and not current_app.config.get("MAIL_SERVER"):
        resets.request_reset(db, member["id"], current_user.member_id)
        audit.record(db, "reset_requested", current_user.member_id, "member", member["id"])
        return render_template("association/link.html", unit=unit, link=None, kind="reset",
                               member=member, second_person=True)
    return issue_reset(db, unit, member, hidden=to_enrol)


def issue_reset(db, unit, member, hidden=False):
    """Create a reset link, mail it where SMTP is set, and show it unless `hidden`."""
    token = accounts.create_reset(db, member["id"], current_user.member_id,
                                  current_app.config["RESET_LIFETIME"])
    audit.record(db, "reset_created", current_user.member_id, "member", member["id"])
    link = public_url("auth.reset", token=token)
    mailed = send_link(member["email"], _("Välj ett nytt lösenord i Värva"), link)
    if hidden:
        return render_template("association/link.html", unit=unit, link=None, kind="reset",
                               member=member, mailed=mailed)
    return render_template("association/link.html", unit=unit, link=link, qr=qr_svg(link),
                           kind="reset", member=member, mailed=mailed)


@bp.route("/<id:association_id>/anmalningar")
@login_required
def signups(association_id):
    """The people who chose this association: only its chair sees how to reach them.

    A possible duplicate is listed under the sign-up it may repeat, with a
    form to settle the pair.
    """
    unit = require_administer(ASSOCIATION, association_id)
    if not may_see_contacts(association_id):
        abort(403)
    db = get_db()
    rows = association_signups(db, association_id)
    return render_template("association/signups.html", unit=unit, signups=rows,
                           earlier={r["id"]: r for r in rows}, duplicate_form=DuplicateForm(),
                           originals=original_recruiters(db, rows))


def original_recruiters(db, rows):
    """member id -> name, for the sign-ups whose credit has moved away from
    the member who originally recruited the person."""
    ids = {r["original_recruiter_id"] for r in rows
           if r["original_recruiter_id"] and r["original_recruiter_id"] != r["recruiter_id"]}
    members = (db.table("members").get(member_id) for member_id in ids)
    return {m["id"]: f"{m['first_name']} {m['last_name']}" for m in members}


@bp.route("/<id:association_id>/anmalningar/<id:signup_id>/dubblett", methods=["POST"])
@login_required
def resolve_duplicate(association_id, signup_id):
    """Settle a possible duplicate: which details are right and who recruited."""
    require_administer(ASSOCIATION, association_id)
    if not may_see_contacts(association_id):
        abort(403)
    db = get_db()
    later = pending_duplicate(db, association_id, signup_id)
    form = DuplicateForm()
    if not form.validate_on_submit():
        flash(_("Välj vilka uppgifter som stämmer och vem som värvade."), "error")
        return redirect(url_for(".signups", association_id=association_id))
    earlier_id = signups_data.resolve_duplicate(db, later, form.details.data, form.credit.data)
    privacy.erase_signup(db, later["id"])
    audit.record(db, "duplicate_resolved", current_user.member_id, "signup", earlier_id,
                 outcome=f"{form.details.data}-details,{form.credit.data}-credit")
    flash(_("Klart. Anmälningarna är nu en."), "success")
    return redirect(url_for(".signups", association_id=association_id))


def pending_duplicate(db, association_id, signup_id):
    """An unsettled possible duplicate whose earlier sign-up chose this association; else 404."""
    later = db.table("signups").get(signup_id)
    if later["duplicate_of"] is None or later["erased_at"] or later["status"] == "cancelled":
        abort(404)
    earlier = db.table("signups").get(later["duplicate_of"])
    if earlier["association_id"] != association_id or earlier["erased_at"]:
        abort(404)
    return later
