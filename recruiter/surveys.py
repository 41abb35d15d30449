"""Surveys (issue 15): the members' satisfaction pulse and the yearly evaluation.

The national office creates a survey with its window; members (or, for the
evaluation, chairs and administrators) see it on the start page and answer
once. Members without an account answer once per one-time code on /enkat.
Results per unit and period live under /enkater/resultat, scoped like the
overviews; the free text only for the national office.
"""
import csv
import io

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from . import audit, surveys_data, surveys_results
from .dashboard import csv_cell
from .db import get_db
from .forms import csrf
from .join import PUBLIC_LIMIT
from .limits import limiter
from .periods import today
from .scope import may_use_office, own_unit, require_overview, unit_path
from .surveys_data import AlreadyAnswered
from .surveys_forms import CodesForm, SurveyForm, answer_form, scores
from .units import LEVELS, MUNICIPALITY, nation_from_url, nation_to_url, url_levels

bp = Blueprint("surveys", __name__)
bp.url_value_preprocessor(nation_from_url)
bp.url_defaults(nation_to_url)
KINDS = (surveys_data.PULSE, surveys_data.EVALUATION)
survey_limit = limiter.shared_limit(PUBLIC_LIMIT, scope="survey", methods=["POST"])


def require_office():
    if not may_use_office():
        abort(403)


@bp.app_template_global()
def surveys_to_answer():
    """For the start page: the open surveys the current member has not answered."""
    return surveys_data.open_for(get_db(), current_user.member_id, current_user.role["role"],
                                 current_user.association_id is not None, today())


@bp.route("/enkater/", methods=["GET", "POST"])
@login_required
def index():
    """The national office's surveys: create one, see each one's window."""
    require_office()
    form = SurveyForm()
    db = get_db()
    if form.validate_on_submit():
        surveys_data.create_survey(db, form.kind.data, form.title.data, form.opens_on.data,
                                   form.closes_on.data, current_user.member_id)
        flash(_("Enkäten är skapad."), "success")
        return redirect(url_for(".index"))
    return render_template("surveys/index.html", form=form, surveys=surveys_data.all_surveys(db),
                           today=today().isoformat(), answers=surveys_data.answer_counts(db))


@bp.route("/enkater/<id:survey_id>/stang", methods=["POST"])
@login_required
def close(survey_id):
    """Close an open survey now (its last day becomes yesterday)."""
    require_office()
    db = get_db()
    if surveys_data.is_open(surveys_data.survey(db, survey_id), today()):
        surveys_data.close_now(db, survey_id, today())
        flash(_("Enkäten är stängd."), "success")
    return redirect(url_for(".index"))


def _answerable(survey_id):
    """The survey, if open and addressed to the current member (else 404/403)."""
    db = get_db()
    row = surveys_data.survey(db, survey_id)
    audience = surveys_data.answer_audience(row, current_user.role["role"],
                                            current_user.association_id is not None)
    if audience is None:
        abort(403)
    if not surveys_data.is_open(row, today()):
        abort(404)
    if audience == "member":
        return row, unit_path(db, "association", current_user.association_id)
    return row, unit_path(db, *own_unit())


@bp.route("/enkater/<id:survey_id>/svara", methods=["GET", "POST"])
@login_required
def answer(survey_id):
    """Answer a survey once; the answer keeps only the unit, never the member."""
    row, unit = _answerable(survey_id)
    form = answer_form(row["questions"])
    if form.validate_on_submit():
        try:
            surveys_data.record_member_answer(get_db(), row, current_user.member_id, unit,
                                              scores(form, row["questions"]),
                                              form.free_text.data, today())
        except AlreadyAnswered:
            flash(_("Du har redan svarat på den här enkäten."), "info")
            return redirect(url_for("home.index"))
        flash(_("Tack för ditt svar!"), "success")
        return redirect(url_for("home.index"))
    return render_template("surveys/answer.html", survey=row, form=form, public=False)


def _open_pulse(db):
    """The newest open pulse: the one the public page asks (codes are per survey)."""
    rows = [r for r in surveys_data.all_surveys(db)
            if r["kind"] == surveys_data.PULSE and surveys_data.is_open(r, today())]
    return rows[0] if rows else None


@bp.route("/enkat", methods=["GET", "POST"])
@csrf.exempt  # as the join pages: the form checks its token and explains an expired page
@survey_limit
def public():
    """The public pulse: someone without an account answers once per code."""
    db = get_db()
    row = _open_pulse(db)
    if row is None:
        return render_template("surveys/closed.html")
    form = answer_form(row["questions"], with_code=True)
    if form.validate_on_submit():
        found = surveys_data.code_survey(db, form.code.data)
        if found is None or found[0]["id"] != row["id"]:
            form.code.errors.append(_("Koden gäller inte, eller är redan använd."))
        else:
            try:
                surveys_data.record_code_answer(db, form.code.data,
                                                unit_path(db, MUNICIPALITY, found[1]),
                                                scores(form, row["questions"]),
                                                form.free_text.data, today())
            except AlreadyAnswered:
                form.code.errors.append(_("Koden gäller inte, eller är redan använd."))
            else:
                return redirect(url_for(".thanks"))
    return render_template("surveys/answer.html", survey=row, form=form, public=True)


@bp.route("/enkat/tack")
def thanks():
    """After a public answer (post/redirect/get: a reload sends nothing twice)."""
    return render_template("surveys/thanks.html")


@bp.route("/enkater/<id:survey_id>/koder", methods=["GET", "POST"])
@login_required
def codes(survey_id):
    """One-time codes for a municipal organisation's mailing, as CSV (audited)."""
    require_office()
    db = get_db()
    row = surveys_data.survey(db, survey_id)
    form = CodesForm()
    form.municipality.choices = [SelectChoice(r["id"], r["name"]) for r in db.query(
        "select id, name from municipalities order by name")]
    if row["kind"] != surveys_data.PULSE:
        abort(404)
    if form.validate_on_submit():
        made = surveys_data.new_codes(db, survey_id, form.municipality.data, form.count.data)
        audit.record(db, "survey_codes", current_user.member_id, "survey", survey_id,
                     str(len(made)))
        out = io.StringIO()
        csv.writer(out).writerows([[_("Kod")], *([c] for c in made)])
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=enkatkoder-{survey_id}.csv"})
    return render_template("surveys/codes.html", survey=row, form=form)


@bp.route("/enkater/fritext/<kind>/<period>")
@login_required
def free_text(kind, period):
    """The free-text answers of a period: the national office only, never with a unit."""
    require_office()
    if kind not in KINDS:
        abort(404)
    texts = surveys_results.free_texts(get_db(), kind, period[:16])
    return render_template("surveys/free_text.html", texts=texts, kind=kind,
                           label=_period_label(period))


def _period_label(period):
    try:
        return surveys_data.period_label(period)
    except ValueError:
        abort(404)


def _results(level, unit_id):
    """(path, kind, figures) for a results page, after the scope check."""
    path = require_overview(level, unit_id)
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else KINDS[0]
    db = get_db()
    periods = surveys_results.periods_run(db, kind)
    period = request.args.get("period") if request.args.get("period") in periods else (
        periods[0] if periods else None)
    figures = {"kind": kind, "period": period,
               "trend": surveys_results.trend(db, kind, level, unit_id),
               "children": surveys_results.children(db, kind, level, unit_id, period)
               if period else [],
               "by_level": surveys_results.by_level(db, kind, level, unit_id, period)
               if period and kind == surveys_data.EVALUATION else [],
               "min_answers": surveys_data.MIN_ANSWERS}
    return path, periods, figures


@bp.route(f"/enkater/resultat/<{url_levels(LEVELS)}:level>/<id:unit_id>")
@login_required
def results(level, unit_id):
    """A unit's results: the trend over periods and the units below, side by side."""
    path, periods, figures = _results(level, unit_id)
    return render_template("surveys/results.html", level=level, unit_id=unit_id, path=path,
                           periods=periods, figures=figures,
                           questions=surveys_data.QUESTIONS[figures["kind"]]["scale"],
                           child_level=LEVELS[level].child, label=surveys_data.period_label)


@bp.route(f"/api/enkater/<{url_levels(LEVELS)}:level>/<id:unit_id>")
@login_required
def results_json(level, unit_id):
    """The same results as JSON; a group below the threshold carries no figures."""
    _, _, figures = _results(level, unit_id)
    return {"level": level, "unit_id": unit_id, **figures}


@bp.route(f"/enkater/resultat/<{url_levels(LEVELS)}:level>/<id:unit_id>.csv")
@login_required
def results_csv(level, unit_id):
    """The trend and the units below as CSV; "för få svar" instead of figures."""
    path, _periods, figures = _results(level, unit_id)
    keys = surveys_results.question_keys(figures["kind"])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Enhet"), _("Period"), _("Svar"), *keys])
    for name, label, row in [(path["name"], r["label"], r) for r in figures["trend"]] + [
            (c["name"], surveys_data.period_label(figures["period"]), c)
            for c in figures["children"]]:
        writer.writerow([csv_cell(name), label, *_csv_figures(row)])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=enkat-{figures['kind']}-{level}.csv"})


def _csv_figures(row):
    if row["too_few"]:
        return [_("för få svar")]
    return [row["answers"], *(q["mean"] for q in row["questions"])]
