"""The two-month report (issue 15): per unit and two-month period, every indicator
with the period before and the goal, the funnel, welcome in time, satisfaction,
and the analysis written in the app. Closing the period freezes it for good
(reports_store.close); a closed report is shown only from its snapshot.

Under /rapporter; scope.may_read_report and may_write_report decide who sees
and who writes. A district sees its own reports and the national one.
"""
import json
from datetime import datetime

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from . import audit, organisation, reports_data, reports_pdf, reports_store
from .db import get_db
from .scope import may_read_report, may_write_report, own_unit, unit_path
from .text import nfc_trim
from .units import (DISTRICT, LEVELS, NATION, PARENT_LEVELS, nation_from_url, nation_to_url,
                    url_levels)

bp = Blueprint("reports", __name__, url_prefix="/rapporter")
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
UNIT = f"<{url_levels(PARENT_LEVELS)}:level>/<id:unit_id>"


class ReportForm(FlaskForm):
    analysis = TextAreaField(_l("Analys och slutsatser"), filters=[nfc_trim], validators=[
        Length(max=reports_data.ANALYSIS_MAX,
               message=_l("Högst %(max)d tecken.", max=reports_data.ANALYSIS_MAX))])
    save = SubmitField(_l("Spara texten"))
    close = SubmitField(_l("Stäng perioden och frys rapporten"))


def readable(level, unit_id):
    """The unit's path if the current role may read its reports; else 404/403."""
    path = unit_path(get_db(), level, unit_id)
    if path is None:
        abort(404)
    if not may_read_report(level, unit_id):
        current_app.logger.warning("access refused: member=%s route=%s %s=%s",
                                   current_user.member_id, request.endpoint, level, unit_id)
        abort(403)
    return path


@bp.route("/")
@login_required
def home():
    """Each role's own reports (a chair has none)."""
    level, unit_id = own_unit()
    if level not in PARENT_LEVELS or not may_read_report(level, unit_id):
        abort(403)
    return redirect(url_for(".index", level=level, unit_id=unit_id))


@bp.route(f"/{UNIT}")
@login_required
def index(level, unit_id):
    """The unit's recent two-month periods, closed or open."""
    path = readable(level, unit_id)
    db = get_db()
    closed = reports_store.closed_keys(db, level, unit_id)
    return render_template("reports/index.html", path=path, level=level, unit_id=unit_id,
                           periods=reports_data.listed_periods(closed), closed=closed,
                           national=level != NATION and may_read_report(NATION, None),
                           child_level=LEVELS[level].child, children=_children(db, level, unit_id))


def _children(db, level, unit_id):
    """The units one level down that have reports of their own."""
    if level == NATION:
        return organisation.districts(db)
    return organisation.municipalities(db, unit_id) if level == DISTRICT else []


def _period(key):
    period = reports_data.period_from_key(key)
    if period is None:
        abort(404)
    return period


def _body(level, unit_id, path, key):
    """(the report's data, whether it is a closed snapshot)."""
    db = get_db()
    row = reports_store.snapshot(db, level, unit_id, key)
    if row is not None:
        return json.loads(row["body"]), True
    period = _period(key)
    return reports_data.build(db, level, unit_id, path["name"], period,
                              reports_data.previous_period(period)), False


@bp.route(f"/{UNIT}/<key>", methods=["GET", "POST"])
@login_required
def report(level, unit_id, key):
    """The report page: live until closed, then the snapshot only."""
    path = readable(level, unit_id)
    period = _period(key)
    db = get_db()
    closed = reports_store.snapshot(db, level, unit_id, key) is not None
    form = ReportForm(data={"analysis": reports_store.draft(db, level, unit_id, key)}
                      if request.method == "GET" else None)
    if request.method == "POST":
        if closed or not may_write_report(level, unit_id):
            abort(403)
        if form.validate_on_submit():
            done = _save_or_close(form, level, unit_id, path, key, period)
            if done:
                return done
    body, closed = _body(level, unit_id, path, key)
    return render_template("reports/report.html", body=body, closed=closed, form=form,
                           level=level, unit_id=unit_id, key=key,
                           ended=reports_data.has_ended(period))


def _save_or_close(form, level, unit_id, path, key, period):
    """Save the draft, or close the period; a redirect, or None to show the form's error."""
    db = get_db()
    analysis = form.analysis.data or ""
    if not form.close.data:
        reports_store.save_draft(db, level, unit_id, key, analysis, current_user.member_id)
        flash(_("Texten är sparad."), "success")
        return redirect(url_for(".report", level=level, unit_id=unit_id, key=key))
    if not reports_data.has_ended(period):
        form.close.errors = [_("Perioden pågår fortfarande. Stäng den när den är slut.")]
        return None
    if not analysis:
        form.analysis.errors = [_("Skriv analysen och slutsatserna innan du stänger perioden.")]
        return None
    body = reports_data.build(db, level, unit_id, path["name"], period,
                              reports_data.previous_period(period))
    try:
        reports_store.close(db, level, unit_id, key, body, analysis, current_user.member_id)
    except reports_store.AlreadyClosed:
        flash(_("Perioden var redan stängd."), "info")
    else:
        audit.record(db, "report_closed", current_user.member_id, level, unit_id, key)
        flash(_("Perioden är stängd. Rapporten är fryst."), "success")
    return redirect(url_for(".report", level=level, unit_id=unit_id, key=key))


@bp.route(f"/{UNIT}/<key>/rapport.pdf")
@login_required
def pdf(level, unit_id, key):
    """The report as PDF, from the same data as the page."""
    path = readable(level, unit_id)
    body, closed = _body(level, unit_id, path, key)
    moment = datetime.fromisoformat(body["closed_at"]) if closed else None
    data = reports_pdf.render(body, moment)
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=rapport-{level}-{unit_id or 0}-{key}.pdf"})
