"""Action plans per year: the municipal organisation's or district's own page,
and the level above's view of every plan below it."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from . import plans_data
from .campaigns_forms import MEASURE_NAMES, GoalsForm
from .db import get_db
from .periods import today
from .scope import (may_see_plans_below, may_write_plan, own_unit, require_administer,
                    require_overview)
from .text import nfc_trim
from .units import LEVELS, NATION, PLAN_LEVELS, nation_from_url, nation_to_url, url_levels

bp = Blueprint("plans", __name__, url_prefix="/handlingsplan")
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
bp.add_app_template_global(may_write_plan)
bp.add_app_template_global(may_see_plans_below)
ABOVE_PLANS = tuple(lv for lv in LEVELS if LEVELS[lv].child in PLAN_LEVELS)
YEARS = range(2020, 2100)


class PlanForm(GoalsForm):
    body = TextAreaField(_l("Så här arbetar vi (några rader)"), filters=[nfc_trim], validators=[
        DataRequired(_l("Skriv några rader om hur ni ska arbeta.")),
        Length(max=2000, message=_l("Högst 2 000 tecken."))])


def _year(year):
    if year not in YEARS:
        abort(404)
    return year


@bp.route("/")
@login_required
def index():
    """Send each administrator to their own plan, or to the plans below them."""
    level, unit_id = own_unit()
    if level in PLAN_LEVELS and may_write_plan(level, unit_id):
        return redirect(url_for(".plan", level=level, unit_id=unit_id, year=today().year))
    if level in ABOVE_PLANS and may_see_plans_below(level, unit_id):
        return redirect(url_for(".below", level=level, unit_id=unit_id, year=today().year))
    abort(403)


@bp.route(f"/<{url_levels(PLAN_LEVELS)}:level>/<id:unit_id>/<int:year>", methods=["GET", "POST"])
@login_required
def plan(level, unit_id, year):
    """A unit's plan for a year: its text and goals, with progress so far."""
    path = require_overview(level, unit_id)
    db = get_db()
    existing = plans_data.get_plan(db, level, unit_id, _year(year))
    form = PlanForm()
    if not form.is_submitted():
        form = PlanForm(data=_form_data(db, existing))
    else:
        require_administer(level, unit_id)
        if form.validate():
            plans_data.save_plan(db, level, unit_id, year, form.body.data, form.goals(),
                                 current_user.member_id)
            flash(_("Handlingsplanen är sparad."), "success")
            return redirect(url_for(".plan", level=level, unit_id=unit_id, year=year))
    goals = plans_data.goal_progress(db, existing["id"]) if existing else []
    return render_template("plans/plan.html", path=path, level=level, unit_id=unit_id,
                           year=year, plan=existing, goals=goals, form=form,
                           measure_names=MEASURE_NAMES), 422 if form.errors else 200


def _form_data(db, existing):
    if existing is None:
        return {}
    goals = {f"goal_{g['measure']}": int(g["target"])
             for g in plans_data.plan_goals(db, existing["id"])}
    return {"body": existing["body"], **goals}


@bp.route(f"/<{url_levels(ABOVE_PLANS)}:level>/<id:unit_id>/<int:year>/under")
@login_required
def below(level, unit_id, year):
    """Every plan one level down with its progress, and the units without a plan."""
    path = require_overview(level, unit_id)
    if not may_see_plans_below(level, unit_id):
        abort(403)
    rows = plans_data.plans_below(get_db(), level, unit_id, _year(year))
    return render_template("plans/below.html", path=path, level=level, unit_id=unit_id,
                           year=year, rows=rows, child_level=LEVELS[level].child,
                           missing=sum(r["plan"] is None for r in rows),
                           measure_names=MEASURE_NAMES, nation=NATION)
