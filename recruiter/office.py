"""The national office's pages: a person's data exported or erased, the audit log,
two-person resets."""
import json
from datetime import datetime, timezone

from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import audit, privacy, resets
from .association import issue_reset
from .db import get_db
from .forms import PersonSearchForm
from .scope import may_use_office, unit_path
from .sessions import recent_login_required

bp = Blueprint("office", __name__, url_prefix="/kansli")


@bp.before_request
@login_required
def national_office_only():
    """Every page here is for national administrators (scope.may_use_office)."""
    if not may_use_office():
        abort(403)


@bp.route("/personer", methods=["GET", "POST"])
def people():
    """Find a person's sign-ups by their exact e-mail address or mobile number.

    A POST with CSRF: the address is personal data and must not end up in a
    URL (history, proxy and server logs). The results are on the POST's answer.
    """
    form = PersonSearchForm()
    if not form.validate_on_submit():
        return render_template("office/people.html", form=form, found=None)
    found = privacy.find_signups(get_db(), form.q.data)
    return render_template("office/people.html", form=form, found=found)


@bp.route("/personer/<id:signup_id>/export")
@recent_login_required
def export(signup_id):
    """Everything stored about the person, as a JSON file (logged)."""
    db = get_db()
    data = privacy.export_signup(db, signup_id)
    audit.record(db, "export", current_user.member_id, "signup", signup_id)
    return Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f"attachment; filename=person-{signup_id}.json"})


@bp.route("/personer/<id:signup_id>/radera", methods=["POST"])
@recent_login_required
def erase(signup_id):
    """Erase the person's details, keeping the anonymous row for the indicators."""
    db = get_db()
    db.table("signups").get(signup_id)
    erased = privacy.erase_signup(db, signup_id)
    audit.record(db, "erase", current_user.member_id, "signup", signup_id,
                 "ok" if erased else "already")
    flash(_("Uppgifterna är raderade.") if erased else _("Uppgifterna var redan raderade."),
          "success")
    return redirect(url_for(".people"))


@bp.route("/logg")
def log():
    """The audit log, newest first."""
    return render_template("office/log.html", events=audit.recent(get_db()))


def _requests_since():
    """Requests older than a reset link's lifetime have lapsed."""
    moment = datetime.now(timezone.utc) - current_app.config["RESET_LIFETIME"]
    return moment.isoformat(timespec="seconds")


@bp.route("/aterstallningar")
def reset_requests():
    """Reset links a colleague asked for, waiting for a second national administrator."""
    return render_template("office/resets.html",
                           requests=resets.pending(get_db(), _requests_since()))


@bp.route("/aterstallningar/<id:request_id>", methods=["POST"])
@recent_login_required
def approve_reset(request_id):
    """The second person issues the link (never the one who asked)."""
    db = get_db()
    if db.table("reset_requests").get(request_id)["requested_by"] == current_user.member_id:
        abort(403)
    request_row = resets.approve(db, request_id, current_user.member_id, _requests_since())
    if request_row is None:
        abort(404)
    audit.record(db, "reset_approved", current_user.member_id, "member", request_row["member_id"])
    member = db.table("members").get(request_row["member_id"])
    return issue_reset(db, unit_path(db, "association", member["association_id"]), member)
