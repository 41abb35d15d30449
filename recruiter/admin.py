"""Administrators' pages for the organisation tree within their scope."""
import sqlite3

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import campaigns_data, organisation
from .db import get_db
from .forms import CampaignForm, PartnerForm, UnitForm
from .scope import may_add_units, own_unit, require_administer
from .units import (DISTRICT, LEVELS, MUNICIPALITY, NATION, PARENT_LEVELS, PARTNER,
                    nation_from_url, nation_to_url, url_levels)

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
UNIT_URL = f"/<{url_levels(PARENT_LEVELS)}:level>/<id:unit_id>"
# level shown -> its children, the units an administrator there may add to
CHILDREN = {NATION: organisation.districts, DISTRICT: organisation.municipalities,
            MUNICIPALITY: organisation.associations}


@bp.route("/")
@login_required
def index():
    """Send an administrator to the top of their own part of the tree."""
    level, unit_id = own_unit()
    if not may_add_units(level, unit_id):
        abort(403)
    return redirect(url_for(".unit", level=level, unit_id=unit_id))


@bp.route(UNIT_URL)
@login_required
def unit(level, unit_id):
    """One unit of the tree with its children and a form to add one."""
    path = require_administer(level, unit_id)
    return _render_unit(level, unit_id, path, UnitForm(), PartnerForm(prefix="partner"))


@bp.route(UNIT_URL + "/ny", methods=["POST"])
@login_required
def add(level, unit_id):
    """Add a child unit (a district, municipal organisation or association)."""
    path = require_administer(level, unit_id)
    form = UnitForm()
    if form.validate_on_submit() and _try_add(LEVELS[level].child, form, unit_id):
        return redirect(url_for(".unit", level=level, unit_id=unit_id))
    return _render_unit(level, unit_id, path, form, PartnerForm(prefix="partner")), 422


@bp.route("/partner", methods=["POST"])
@login_required
def add_partner():
    """Add a partner organisation (national administrators only)."""
    path = require_administer(NATION, None)
    form = PartnerForm(prefix="partner")
    if form.validate_on_submit() and _try_add(PARTNER, form, None, form.kind.data):
        return redirect(url_for(".unit", level=NATION, unit_id=None))
    return _render_unit(NATION, None, path, UnitForm(), form), 422


@bp.route("/kampanj", methods=["POST"])
@login_required
def add_campaign():
    """Add a recruiting campaign that members can tie their links to."""
    path = require_administer(NATION, None)
    form = CampaignForm(prefix="campaign")
    if not form.validate_on_submit():
        return _render_unit(NATION, None, path, UnitForm(), PartnerForm(prefix="partner"),
                            form), 422
    campaigns_data.add_campaign(get_db(), {
        "name": form.name.data, "level": NATION, "unit_id": None,
        "starts_on": form.starts_on.data.isoformat(), "ends_on": form.ends_on.data.isoformat(),
        "goal": form.goal.data, "created_by": current_user.member_id},
        [("signups", form.goal.data)] if form.goal.data else [], [])
    flash(_("%(name)s är tillagd.", name=form.name.data), "success")
    return redirect(url_for(".unit", level=NATION, unit_id=None))


def _try_add(level, form, parent_id, kind=None):
    try:
        organisation.add_unit(get_db(), level, form.name.data, form.code.data,
                              parent_id, kind)
    except sqlite3.IntegrityError:
        form.code.errors.append(_("Koden används redan."))
        return False
    flash(_("%(name)s är tillagd.", name=form.name.data), "success")
    return True


def _render_unit(level, unit_id, path, form, partner_form, campaign_form=None):
    db = get_db()
    children = CHILDREN[level](db, unit_id)
    return render_template(
        "admin/unit.html", level=level, unit_id=unit_id, path=path,
        child_level=LEVELS[level].child, children=children, form=form,
        partner_form=partner_form,
        partners=organisation.partners(db) if level == NATION else None,
        campaigns=campaigns_data.unit_campaigns(db, NATION, None),
        campaign_form=campaign_form or CampaignForm(prefix="campaign"),
    )
