"""Coverage: which areas and streets the municipality's teams knocked lately, so a
team planning a round does not cover the same ground twice. Places only (the
shift's place rule keeps them to streets and areas), no names."""
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, render_template
from flask_login import login_required

from .db import get_db
from .scope import may_plan_activities, own_unit
from .units import ASSOCIATION

bp = Blueprint("coverage", __name__)

COVERAGE_DAYS = 90

# Door-knocking by the teams of the municipality's associations (through the
# association index), one row per place as typed, newest first.
COVERAGE_SQL = """select min(s.place) as place, count(*) as shifts,
  sum(s.doors_knocked) as doors, max(s.started_at) as last_at
from associations a join shifts s on s.association_id = a.id and s.started_at >= :since
where a.municipality_id = :municipality and s.kind = 'door_knocking'
group by lower(trim(s.place)) order by last_at desc limit 300"""


def coverage(db, municipality_id, days=COVERAGE_DAYS):
    since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    return list(db.query(COVERAGE_SQL, {"municipality": municipality_id, "since": since}))


@bp.route("/aktiviteter/tackning")
@login_required
def index():
    """Where the municipality's teams knocked in the last three months."""
    if not may_plan_activities():
        abort(403)
    db = get_db()
    level, unit_id = own_unit()
    municipality_id = (db.table("associations").get(unit_id)["municipality_id"]
                       if level == ASSOCIATION else unit_id)
    return render_template("activities/coverage.html", days=COVERAGE_DAYS,
                           municipality=db.table("municipalities").get(municipality_id),
                           places=coverage(db, municipality_id))
