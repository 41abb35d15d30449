"""Team views for chairs and roll-ups for municipal, district and national roles."""
import csv
import io

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import login_required

from . import cache, partners_data, rollups, scoring
from .db import get_db
from .links_data import campaigns_running
from .periods import last_bimonths, period_for, today, year
from .register_csv import REASON_NAMES
from .scope import may_see_overview, own_unit, require_overview
from .units import (ASSOCIATION, LEVELS, MUNICIPALITY, NATION, PARENT_LEVELS, nation_from_url,
                    nation_to_url, url_levels)

bp = Blueprint("dashboard", __name__)
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
SORTS = ("name", "signups", "recruited", "share", "invoiced")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def unit_numbers(db, level, unit_id, period):
    """Everything the overview and the JSON endpoint show for one unit.

    Above the association they are cached for ROLLUP_CACHE_SECONDS (cache.py).
    """
    seconds = 0 if level == ASSOCIATION else current_app.config["ROLLUP_CACHE_SECONDS"]
    key = (current_app.config["DATABASE"], "numbers", level, unit_id, period, today())
    return cache.remember(db, key, lambda: _count_numbers(db, level, unit_id, period), seconds)


def cached_children(db, level, unit_id, period):
    """The units one level down, cached like unit_numbers."""
    key = (current_app.config["DATABASE"], "children", level, unit_id, period)
    return cache.remember(
        db, key, lambda: rollups.children(db, level, unit_id, period.since, period.until),
        current_app.config["ROLLUP_CACHE_SECONDS"])


def _count_numbers(db, level, unit, period):
    return {
        "period": {"key": period.key, "label": period.label, "since": period.since,
                   "until": period.until},
        "indicators": rollups.indicators(db, level, unit, period.since, period.until),
        "by_source": rollups.by_source(db, level, unit, period.since, period.until),
        "by_campaign": rollups.by_campaign(db, level, unit, period.since, period.until),
        "per_month": rollups.per_month(db, level, unit, period.since, period.until),
        "trend": rollups.trend(db, level, unit, last_bimonths(6)),
        "register": rollups.register_indicators(db, level, unit, period.since, period.until),
        "new_registrations": rollups.new_registrations(db, level, unit, period.since,
                                                       period.until),
        "funnel": rollups.funnel(db, level, unit, period.since, period.until),
        "partners": partners_data.shares(db, level, unit, period.since, period.until),
    }


@bp.route("/forening/<id:association_id>/team")
@login_required
def team(association_id):
    """The chair's team view: per member, the trend, sources and campaigns."""
    unit = require_overview(ASSOCIATION, association_id)
    db = get_db()
    period = period_for(request.args.get("period"), db)
    return render_template(
        "dashboard/team.html", unit=unit, period=period, campaigns=campaigns_running(db),
        members=scoring.team_table(db, association_id, period.since, period.until),
        numbers=unit_numbers(db, ASSOCIATION, association_id, period),
        goal=scoring.GOAL_RECRUITED_SHARE)


def csv_cell(value):
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


@bp.route("/forening/<id:association_id>/team.csv")
@login_required
def team_csv(association_id):
    """The team table as CSV: names and counts, no contact details."""
    require_overview(ASSOCIATION, association_id)
    db = get_db()
    period = period_for(request.args.get("period"), db)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Förnamn"), _("Efternamn"), _("Pass"), _("Dörrar"), _("Samtal"),
                     _("Värvade"), _("Betalande")])
    for row in scoring.team_table(db, association_id, period.since, period.until):
        writer.writerow([csv_cell(row[k]) for k in ("first_name", "last_name", "shifts", "doors",
                                                     "conversations", "recruited", "paid")])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=team-{association_id}-{period.key}.csv"})


@bp.route("/oversikt")
@login_required
def overview_home():
    """Send each role to the top of what it may see."""
    level, unit_id = own_unit()
    if not may_see_overview(level, unit_id):
        abort(403)
    if level == ASSOCIATION:
        return redirect(url_for(".team", association_id=unit_id))
    return redirect(url_for(".overview", level=level, unit_id=unit_id))


@bp.route(f"/oversikt/<{url_levels(PARENT_LEVELS)}:level>/<id:unit_id>")
@login_required
def overview(level, unit_id):
    """Indicators for a unit, with the units below side by side."""
    path = require_overview(level, unit_id)
    db = get_db()
    period = period_for(request.args.get("period"), db)
    rows = [dict(r) for r in cached_children(db, level, unit_id, period)]
    sort = request.args.get("sort") if request.args.get("sort") in SORTS else "name"
    rows.sort(key=lambda r: (r[sort] is None, r[sort]) if sort == "name"
              else (r[sort] is None, -(r[sort] or 0)))
    return render_template(
        "dashboard/overview.html", level=level, unit_id=unit_id, path=path, period=period,
        campaigns=campaigns_running(db), rows=rows, sort=sort, child_level=LEVELS[level].child,
        numbers=unit_numbers(db, level, unit_id, period), goal=scoring.GOAL_RECRUITED_SHARE,
        national=cache.remember(db, (current_app.config["DATABASE"], "goals", today()),
                                lambda: _national_goals(db),
                                current_app.config["ROLLUP_CACHE_SECONDS"])
        if level == NATION else None,
        unplaced=rollups.unplaced(db, unit_id, period.since, period.until)
        if level == MUNICIPALITY else None, reason_names=REASON_NAMES)


def _national_goals(db):
    this_year = year(today())
    numbers = rollups.indicators(db, NATION, None, this_year.since, this_year.until)
    return {"year": this_year.label, "signups": numbers["signups"],
            "signups_goal": scoring.GOAL_SIGNUPS_PER_YEAR, "share": numbers["share"],
            **rollups.target_groups(db, today().year, this_year.since, this_year.until)}


@bp.route(f"/api/indicators/<{url_levels(LEVELS)}:level>/<id:unit_id>")
@login_required
def indicators_json(level, unit_id):
    """The same numbers as the pages, read-only, scoped like them."""
    require_overview(level, unit_id)
    db = get_db()
    period = period_for(request.args.get("period"), db)
    return {"level": level, "unit_id": unit_id,
            **unit_numbers(db, level, unit_id, period)}
