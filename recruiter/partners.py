"""Partner organisations' pages: the national office's list and invitations,
a coordinator's figures (counts only), and a member's own statements.

Everything lives under /samarbete. A coordinator's role reaches no unit of the
tree (scope.covers), so every other page refuses it as before.
"""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import accounts, audit, mail, partners_data, partners_invites
from .association import public_url
from .calls_forms import choices
from .db import get_db
from .forms import RegisterForm
from .limits import limiter
from .partners_forms import MembershipsForm
from .periods import period_for
from .qr import qr_svg
from .scope import may_use_office, own_partner, require_partner

bp = Blueprint("partners", __name__, url_prefix="/samarbete")


@bp.app_template_global()
def count_shown(n):
    """A count a coordinator may see: "fewer than 5" under partners_data.MIN_SHOWN."""
    shown = partners_data.at_least_shown(n)
    return _("färre än %(n)s", n=partners_data.MIN_SHOWN) if shown is None else str(shown)


@bp.route("/")
@login_required
def index():
    """The office's list of partner organisations; a coordinator goes to their own."""
    if own_partner():
        return redirect(url_for(".figures", partner_id=own_partner()))
    if not may_use_office():
        abort(403)
    return render_template("partners/index.html",
                           partners=partners_data.partners_overview(get_db()))


@bp.route("/<id:partner_id>")
@login_required
def figures(partner_id):
    """The organisation's figures for a period: counts only, never a person."""
    partner = require_partner(partner_id)
    db = get_db()
    period = period_for(request.args.get("period"), db)
    return render_template(
        "partners/figures.html", partner=partner, period=period,
        numbers=partners_data.figures(db, partner_id, period.since, period.until),
        min_shown=partners_data.MIN_SHOWN)


@bp.route("/<id:partner_id>/inbjudan", methods=["POST"])
@login_required
def invite(partner_id):
    """The national office makes a one-use link that makes its holder a coordinator."""
    if not may_use_office():
        abort(403)
    partner = require_partner(partner_id)
    db = get_db()
    token = partners_invites.create_invitation(db, partner_id, current_user.member_id,
                                               current_app.config["INVITATION_LIFETIME"])
    audit.record(db, "partner_invitation", current_user.member_id, "partner", partner_id)
    link = public_url("partners.invitation", token=token)
    return render_template("partners/link.html", partner=partner, link=link, qr=qr_svg(link))


@bp.route("/inbjudan/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def invitation(token):
    """Become a coordinator: a new account, or the role added to an existing one."""
    db = get_db()
    invite = partners_invites.usable_invitation(db, token)
    if invite is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("partners/invitation.html", form=form, invite=invite), \
            422 if form.errors else 200
    member_id = partners_invites.accept_invitation(
        db, token, form.email.data, form.first_name.data, form.last_name.data,
        form.password.data)
    if member_id is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    # The same page whether or not the address had an account; its owner learns by mail.
    mail.coordinator_outcome(form.email.data, invite["partner_name"],
                             confirmed=member_id != partners_invites.NOT_CONFIRMED)
    return render_template("partners/invitation_done.html", invite=invite)


@bp.route("/mina", methods=["GET", "POST"])
@login_required
def memberships():
    """A member says which partner organisations they also belong to (optional)."""
    db = get_db()
    form = MembershipsForm()
    form.partners.choices = choices((p["id"], p["name"]) for p in db.table(
        "partner_organisations").rows_where(order_by="name"))
    if form.validate_on_submit():
        partners_data.set_memberships(db, current_user.member_id, form.partners.data or [])
        flash(_("Sparat."), "success")
        return redirect(url_for("auth.account"))
    if not form.is_submitted():
        form.partners.data = partners_data.memberships(db, current_user.member_id)
    return render_template("partners/memberships.html", form=form,
                           min_shown=partners_data.MIN_SHOWN)


@bp.route("/<id:partner_id>/samordnare")
@login_required
def coordinators(partner_id):
    """The national office's list of an organisation's coordinators, to switch one off."""
    if not may_use_office():
        abort(403)
    partner = require_partner(partner_id)
    return render_template("partners/coordinators.html", partner=partner,
                           coordinators=partners_data.coordinators(get_db(), partner_id))


@bp.route("/<id:partner_id>/samordnare/<id:member_id>/<any(inaktivera,aktivera):action>",
          methods=["POST"])
@login_required
def set_active(partner_id, member_id, action):
    """Switch a coordinator's account off (ending its sessions) or on again.

    Only an account whose roles are all this organisation's coordinator's: a
    party member's account is its association's to manage.
    """
    if not may_use_office():
        abort(403)
    require_partner(partner_id)
    db = get_db()
    roles = {(r["role"], r["unit_id"]) for r in accounts.member_roles(db, member_id)}
    if roles != {(partners_data.COORDINATOR, partner_id)}:
        abort(404)
    accounts.set_active(db, member_id, action == "aktivera")
    audit.record(db, "deactivate" if action == "inaktivera" else "reactivate",
                 current_user.member_id, "member", member_id)
    flash(_("Sparat."), "success")
    return redirect(url_for(".coordinators", partner_id=partner_id))
