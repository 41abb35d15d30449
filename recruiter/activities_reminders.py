"""The day-before reminder: "kommer du fortfarande?", answered in one tap.

`flask --app recruiter remind-activities` (cron, once a day, e.g. 10:00)
mails everyone signed up for an activity that starts tomorrow, Swedish time.
The mail's two links carry a signed answer, so no login is needed to answer
it; the start page asks the same question of a logged-in member.
"""
from datetime import datetime, time, timedelta, timezone

import click
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer

from . import activities_data as data
from . import mail
from .activities import visible_activity
from .activities_forms import STOCKHOLM
from .db import get_db, now
from .shift_forms import KIND_NAMES

# cli_group=None: `flask remind-activities`, beside the commands in cli.py.
bp = Blueprint("reminders", __name__, cli_group=None)

DUE_SQL = """select s.activity_id, s.member_id, m.email, m.first_name from activity_signups s
join activities a on a.id = s.activity_id join members m on m.id = s.member_id
where a.starts_at >= ? and a.starts_at < ? and a.cancelled_at is null
  and s.reminded_at is null and m.is_active = 1
order by a.starts_at, s.activity_id, s.member_id"""


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="activity-answer")


def answer_token(activity, member_id, coming):
    """A signed answer for one member and one version of the activity."""
    return _serializer().dumps([activity["id"], member_id, activity["sequence"], int(coming)])


def tomorrow(at=None):
    """The UTC bounds of tomorrow in Stockholm."""
    today = (at or datetime.now(timezone.utc)).astimezone(STOCKHOLM).date()
    start = datetime.combine(today + timedelta(days=1), time(), STOCKHOLM)
    end = datetime.combine(today + timedelta(days=2), time(), STOCKHOLM)
    return (start.astimezone(timezone.utc).isoformat(timespec="seconds"),
            end.astimezone(timezone.utc).isoformat(timespec="seconds"))


def send_reminders(db, at=None):
    """Mail each member signed up for tomorrow once; returns how many were sent."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    sent = 0
    for row in list(db.query(DUE_SQL, list(tomorrow(at)))):
        activity = data.get_activity(db, row["activity_id"])
        with current_app.test_request_context(base_url=base):
            yes, no = (base + url_for("reminders.answer",
                                      token=answer_token(activity, row["member_id"], coming))
                       for coming in (True, False))
            body = _("Hej %(name)s! I morgon: %(what)s. Kommer du fortfarande?",
                     name=row["first_name"], what=data.describe(activity)) + \
                "\n\n" + _("Ja, jag kommer:") + f"\n{yes}\n\n" + \
                _("Nej, avanmäl mig:") + f"\n{no}\n"
            subject = _("Kommer du fortfarande? %(what)s", what=KIND_NAMES[activity["kind"]])
        if mail.send_text(row["email"], subject, body):
            db.execute("""update activity_signups set reminded_at = ?
                          where activity_id = ? and member_id = ?""",
                       [now(), row["activity_id"], row["member_id"]])
            sent += 1
    return sent


@bp.cli.command("remind-activities")
def remind_activities_command():
    """Mail "kommer du fortfarande?" to everyone signed up for tomorrow (cron, daily)."""
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("Ingen e-postserver (MAIL_SERVER) är inställd: inget skickat.")
    click.echo(f"{send_reminders(get_db())} påminnelser skickade.")


def _read(token):
    """(activity, member id, coming) from a token, or abort: 404 forged, 410 out of date."""
    try:
        activity_id, member_id, sequence, coming = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        abort(404)
    db = get_db()
    activity = data.get_activity(db, activity_id) if isinstance(activity_id, int) else None
    if activity is None or not data.is_signed_up(db, activity_id, member_id):
        abort(410)
    if activity["cancelled_at"] or data.has_ended(activity) or activity["sequence"] != sequence:
        abort(410)
    return activity, member_id, bool(coming)


@bp.route("/aktiviteter/svar/<token>", methods=["GET", "POST"])
def answer(token):
    """The mail's link: one button to confirm the answer it carries (a GET alone
    changes nothing, since mail scanners open links)."""
    activity, member_id, coming = _read(token)
    if request.method == "POST":
        _apply(get_db(), activity["id"], member_id, coming)
        return render_template("activities/answered.html", activity=activity, coming=coming,
                               kind_names=KIND_NAMES)
    return render_template("activities/answer.html", activity=activity, coming=coming,
                           kind_names=KIND_NAMES)


def _apply(db, activity_id, member_id, coming):
    if coming:
        db.execute("""update activity_signups set confirmed_at = ?
                      where activity_id = ? and member_id = ?""", [now(), activity_id, member_id])
    else:
        data.cancel_signup(db, activity_id, member_id)


@bp.route("/aktiviteter/<id:activity_id>/kommer", methods=["POST"])
@login_required
def confirm(activity_id):
    """The start page's answer: yes, I am still coming."""
    visible_activity(activity_id)
    db = get_db()
    if not data.is_signed_up(db, activity_id, current_user.member_id):
        abort(404)
    _apply(db, activity_id, current_user.member_id, True)
    flash(_("Tack! Vi ses."), "success")
    return redirect(url_for("home.index"))
