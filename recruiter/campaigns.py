"""Campaigns per level: administrators create them for their own unit, everyone
taking part follows them on the campaign page and on their start page."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from . import campaigns_data, campaigns_page
from .campaigns_forms import MEASURE_NAMES, CampaignForm
from .db import get_db
from .leaderboard import shown_name
from .periods import today
from .scope import (may_run_campaigns, may_see_campaign, own_unit, require_administer,
                    unit_path)
from .units import ASSOCIATION, CAMPAIGN_LEVELS, LEVELS, nation_from_url, nation_to_url, url_levels

bp = Blueprint("campaigns", __name__, url_prefix="/kampanjer")
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
bp.add_app_template_global(may_run_campaigns)
bp.add_app_template_global(may_see_campaign)
TOP_ASSOCIATIONS = 20


@bp.route("/")
@login_required
def index():
    """The campaigns the viewer takes part in or runs."""
    db = get_db()
    level, unit_id = own_unit()
    path = unit_path(db, level, unit_id)
    if level == ASSOCIATION:
        shown = campaigns_data.running_for_association(db, unit_id, today()) + \
            campaigns_data.ended_for_association(db, unit_id, today())
    else:
        shown = campaigns_data.enclosing_campaigns(db, path, today()) + (
            campaigns_data.unit_campaigns(db, level, unit_id) if level in CAMPAIGN_LEVELS else [])
    below = campaigns_data.campaigns_below(db, level, unit_id) \
        if may_run_campaigns(level, unit_id) else []
    return render_template("campaigns/index.html", campaigns=shown, below=below, level=level,
                           unit_id=unit_id, today=today().isoformat())


@bp.route(f"/ny/<{url_levels(CAMPAIGN_LEVELS)}:level>/<id:unit_id>", methods=["GET", "POST"])
@login_required
def new(level, unit_id):
    """Create a campaign for a unit the viewer administers."""
    path = require_administer(level, unit_id)
    db = get_db()
    form = _choices(db, CampaignForm(), path, level, unit_id)
    if form.validate_on_submit():
        campaign_id = campaigns_data.add_campaign(db, {
            **_fields(form), "level": level, "unit_id": unit_id,
            "created_by": current_user.member_id}, form.goals(), form.associations.data or [])
        flash(_("%(name)s är tillagd.", name=form.name.data), "success")
        return redirect(url_for(".show", campaign_id=campaign_id))
    status = 422 if form.is_submitted() else 200
    return render_template("campaigns/new.html", form=form, path=path, level=level,
                           unit_id=unit_id, campaign=None,
                           pick_associations=bool(form.associations.choices)), status


@bp.route("/<id:campaign_id>/andra", methods=["GET", "POST"])
@login_required
def edit(campaign_id):
    """Change a campaign that has not ended (an ended one is frozen)."""
    db = get_db()
    campaign = campaigns_data.get_campaign(db, campaign_id)
    level, unit_id = campaign["level"], campaign["unit_id"]
    path = require_administer(level, unit_id)
    if campaigns_page.has_ended(campaign):
        abort(403)
    form = CampaignForm() if request.method == "POST" else CampaignForm(
        data=_form_data(db, campaign))
    _choices(db, form, path, level, unit_id, campaign_id)
    if form.validate_on_submit():
        campaigns_data.update_campaign(db, campaign, _fields(form), form.goals(),
                                       form.associations.data or [])
        flash(_("%(name)s är ändrad.", name=form.name.data), "success")
        return redirect(url_for(".show", campaign_id=campaign_id))
    status = 422 if form.is_submitted() else 200
    return render_template("campaigns/new.html", form=form, path=path, level=level,
                           unit_id=unit_id, campaign=campaign,
                           pick_associations=bool(form.associations.choices)), status


def _choices(db, form, path, level, unit_id, campaign_id=None):
    """The form's parent campaigns (those above, not yet ended) and associations."""
    form.parent_campaign_id.choices = [SelectChoice(0, _("Ingen"))] + [
        SelectChoice(c["id"], c["name"])
        for c in campaigns_data.enclosing_campaigns(db, path, today()) if c["id"] != campaign_id]
    form.associations.choices = _association_choices(db, level, unit_id)
    return form


def _fields(form):
    return {"name": form.name.data, "starts_on": form.starts_on.data.isoformat(),
            "ends_on": form.ends_on.data.isoformat(),
            "description": form.description.data or None,
            "parent_campaign_id": form.parent_campaign_id.data or None}


def _form_data(db, campaign):
    goals = {f"goal_{g['measure']}": int(g["target"])
             for g in campaigns_data.campaign_goals(db, campaign["id"])}
    return {"name": campaign["name"], "starts_on": date.fromisoformat(campaign["starts_on"]),
            "ends_on": date.fromisoformat(campaign["ends_on"]),
            "description": campaign["description"] or "",
            "parent_campaign_id": campaign["parent_campaign_id"] or 0,
            "associations": campaigns_data.chosen_associations(db, campaign["id"]), **goals}


def _association_choices(db, level, unit_id):
    """A municipal campaign may pick its associations; higher ones take all below."""
    if LEVELS[level].child != ASSOCIATION:
        return []
    return [SelectChoice(a["id"], a["name"]) for a in db.table("associations").rows_where(
        "municipality_id = ?", [unit_id], order_by="name")]


@bp.route("/<id:campaign_id>")
@login_required
def show(campaign_id):
    """The campaign page: goals over time, associations, recruiters, channels."""
    db = get_db()
    campaign = campaigns_data.get_campaign(db, campaign_id)
    if not may_see_campaign(campaign):
        abort(403)
    data = campaigns_page.page_data(db, campaign)
    own = current_user.association_id
    board = [{**r, "name": _member_name(db, r["member_id"])}
             for r in data["recruiters"].get(str(own), [])]
    return render_template(
        "campaigns/show.html", campaign=campaign, data=data, measure_names=MEASURE_NAMES,
        top=data["associations"][:TOP_ASSOCIATIONS], own_row=next(
            (a for a in data["associations"] if a["id"] == own), None),
        board=board, unit=unit_path(db, campaign["level"], campaign["unit_id"]))


def _member_name(db, member_id):
    """A recruiter as they choose to appear now (a snapshot keeps ids, not names)."""
    member = db.table("members").get(member_id)
    return shown_name(member, current_user.member_id)


def home_cards(db):
    """The start page's campaign cards for the viewer ([] outside an association)."""
    if current_user.association_id is None:
        return []
    cards = campaigns_data.member_cards(db, current_user.member_id,
                                        current_user.association_id, today())
    return [{**c, "goal_name": MEASURE_NAMES[c["goal"]["measure"]] if c["goal"] else None}
            for c in cards]
