"""Administrators' pages for the organisation tree within their scope."""
import sqlite3

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import organisation
from .db import get_db
from .db import now
from .forms import CampaignForm, PartnerForm, UnitForm
from .scope import ROLE_LEVEL, require_rank, require_unit

bp = Blueprint("admin", __name__, url_prefix="/admin")

# level shown -> (the level of its children, the rank needed to add them)
CHILD = {
    "nation": ("district", "national_admin"),
    "district": ("municipality", "district_admin"),
    "municipality": ("association", "municipal_admin"),
}


@bp.route("/")
@login_required
def index():
    """Send an administrator to the top of their own part of the tree."""
    role = current_user.role
    level = ROLE_LEVEL[role["role"]]
    if level == "nation":
        return redirect(url_for(".unit", level="nation", unit_id=0))
    if level == "association":
        abort(403)
    return redirect(url_for(".unit", level=level, unit_id=role["unit_id"]))


@bp.route("/<any(nation,district,municipality):level>/<id:unit_id>")
@login_required
def unit(level, unit_id):
    """One unit of the tree with its children and a form to add one."""
    path = _require(level, unit_id)
    return _render_unit(level, unit_id, path, UnitForm(), PartnerForm(prefix="partner"))


@bp.route("/<any(nation,district,municipality):level>/<id:unit_id>/ny", methods=["POST"])
@login_required
def add(level, unit_id):
    """Add a child unit (a district, municipal organisation or association)."""
    path = _require(level, unit_id)
    form = UnitForm()
    if form.validate_on_submit() and _try_add(CHILD[level][0], form, unit_id or None):
        return redirect(url_for(".unit", level=level, unit_id=unit_id))
    return _render_unit(level, unit_id, path, form, PartnerForm(prefix="partner")), 422


@bp.route("/partner", methods=["POST"])
@login_required
def add_partner():
    """Add a partner organisation (national administrators only)."""
    path = _require("nation", 0)
    form = PartnerForm(prefix="partner")
    if form.validate_on_submit() and _try_add("partner", form, None, form.kind.data):
        return redirect(url_for(".unit", level="nation", unit_id=0))
    return _render_unit("nation", 0, path, UnitForm(), form), 422


@bp.route("/kampanj", methods=["POST"])
@login_required
def add_campaign():
    """Add a recruiting campaign that members can tie their links to."""
    path = _require("nation", 0)
    form = CampaignForm(prefix="campaign")
    if not form.validate_on_submit():
        return _render_unit("nation", 0, path, UnitForm(), PartnerForm(prefix="partner"),
                            form), 422
    get_db().table("campaigns").insert({
        "name": form.name.data, "starts_on": form.starts_on.data.isoformat(),
        "ends_on": form.ends_on.data.isoformat(), "goal": form.goal.data,
        "created_at": now()})
    flash(_("%(name)s är tillagd.", name=form.name.data), "success")
    return redirect(url_for(".unit", level="nation", unit_id=0))


def _require(level, unit_id):
    """The unit's path, if the viewer may administer units under it."""
    needed = CHILD[level][1]
    if level == "nation":
        require_rank(needed)
        return {"level": "nation"}
    return require_unit(level, unit_id, needed)


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
    children = {
        "nation": lambda: organisation.districts(db),
        "district": lambda: organisation.municipalities(db, unit_id),
        "municipality": lambda: organisation.associations(db, unit_id),
    }[level]()
    return render_template(
        "admin/unit.html", level=level, unit_id=unit_id, path=path,
        child_level=CHILD[level][0], children=children, form=form,
        partner_form=partner_form,
        partners=organisation.partners(db) if level == "nation" else None,
        campaigns=list(db.table("campaigns").rows_where(order_by="starts_on desc")),
        campaign_form=campaign_form or CampaignForm(prefix="campaign"),
    )
