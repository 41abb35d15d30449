"""Learning from the ten best (best_data.py): the ranking with each municipal
organisation's working profile, sortable and as CSV, for the nation and districts."""
import csv
import io

from flask import (Blueprint, Response, abort, current_app, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import login_required

from . import best_data, cache
from .dashboard import csv_cell
from .db import get_db
from .periods import period_for, today
from .scope import may_see_ten_best, own_unit, require_overview
from .units import TEN_BEST_LEVELS, nation_from_url, nation_to_url, url_levels

bp = Blueprint("best", __name__, url_prefix="/tio-basta")
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
bp.add_app_template_global(may_see_ten_best)
UNIT_URL = f"/<{url_levels(TEN_BEST_LEVELS)}:level>/<id:unit_id>"
# The columns a table may be sorted by.
COLUMNS = ("place", "name", "rate", "new", "members", "shifts_per_active", "recruiter_share",
           "link", "on_the_spot", "own_initiative", "welcome_in_time", "campaigns")


def _rows(level, unit_id):
    require_overview(level, unit_id)
    if not may_see_ten_best(level, unit_id):
        abort(403)
    db = get_db()
    period = period_for(request.args.get("period") or "year", db)
    key = (current_app.config["DATABASE"], "best", unit_id, period, today())
    rows = cache.remember(db, key, lambda: best_data.ranking(db, unit_id, period.since,
                                                            period.until),
                          current_app.config["ROLLUP_CACHE_SECONDS"])
    return period, [dict(r) for r in rows]


def sorted_rows(rows, sort):
    """Rows by a column: the place and the name ascending, the rest highest first."""
    if sort in ("place", "name"):
        return sorted(rows, key=lambda r: (r[sort], r["name"]))
    return sorted(rows, key=lambda r: (r[sort] is None, -(r[sort] or 0), r["place"]))


@bp.route("/")
@login_required
def index():
    """Send the national office and district administrators to their own table."""
    level, unit_id = own_unit()
    if not may_see_ten_best(level, unit_id):
        abort(403)
    return redirect(url_for(".table", level=level, unit_id=unit_id))


@bp.route(UNIT_URL)
@login_required
def table(level, unit_id):
    """The ten best above, every municipal organisation in the table below."""
    period, rows = _rows(level, unit_id)
    sort = request.args.get("sort") if request.args.get("sort") in COLUMNS else "place"
    return render_template(
        "best/table.html", level=level, unit_id=unit_id, period=period, campaigns=[],
        best=[r for r in rows if r["rate"] is not None][:best_data.TOP],
        rows=sorted_rows(rows, sort), sort=sort)


@bp.route(UNIT_URL + "/csv")
@login_required
def table_csv(level, unit_id):
    """The whole table as CSV: figures per municipal organisation, no personal data."""
    period, rows = _rows(level, unit_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Plats"), _("Arbetarekommun"), _("Nya per 1 000 medlemmar"),
                     _("Nya medlemmar"), _("Medlemmar"), _("Källa"), _("Pass per aktiv"),
                     _("Andel som värvat"), _("Via länk"), _("På plats"), _("Egen kraft"),
                     _("Välkomnade i tid"), _("Kampanjer")])
    for r in rows:
        writer.writerow([csv_cell(v) for v in (
            r["place"], r["name"], _round(r["rate"], 1), r["new"], r["members"], r["source"],
            _round(r["shifts_per_active"], 2), _round(r["recruiter_share"], 3),
            _round(r["link"], 3), _round(r["on_the_spot"], 3), _round(r["own_initiative"], 3),
            _round(r["welcome_in_time"], 3), r["campaigns"])])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=tio-basta-{level}-{unit_id or 0}-"
                               f"{period.key}.csv"})


def _round(value, digits):
    return None if value is None else round(value, digits)
