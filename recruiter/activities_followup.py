"""After (and at) an activity: the organiser's check-in and what the activity brought.

Only for those who run the activity: who did not come is never shown to
anyone else, and never on a leaderboard.
"""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import activities_data as data
from . import activities_guests, mail
from .activities import HOW_IT_WENT, check_in_open, run_activity, visible_activity
from .activities_forms import MessageForm
from .db import get_db, immediate
from .shift_forms import COUNT_NAMES, KIND_NAMES, SHIFT_COUNTS

bp = Blueprint("followup", __name__)

FEEDBACK_SQL = """select how_it_went, count(*) as n from activity_signups
where activity_id = ? and how_it_went is not null group by how_it_went"""

SHIFTS_SQL = """select s.*, m.first_name, m.last_name from shifts s
join members m on m.id = s.member_id where s.activity_id = ? order by s.started_at, s.id"""

TOTALS_SQL = "select count(*) as shifts, {} from shifts where activity_id = ?".format(
    ", ".join(f"coalesce(sum({name}), 0) as {name}" for name in SHIFT_COUNTS))

# Who took part: those signed up, those who logged a shift for it, and their
# companions. Their links' sign-ups between the activity's start and end
# count for it (withdrawn, erased and duplicate sign-ups left out).
PARTICIPANTS_CTE = """with people(member_id) as (
  select member_id from activity_signups where activity_id = :id
  union select member_id from shifts where activity_id = :id
  union select c.member_id from shift_companions c join shifts s on s.id = c.shift_id
        where s.activity_id = :id)"""

SIGNUPS_SQL = PARTICIPANTS_CTE + """
select count(*) as n from signups g, activities a
where a.id = :id and g.recruiter_id in (select member_id from people)
  and g.created_at >= a.starts_at and g.created_at <= a.ends_at
  and g.erased_at is null and g.duplicate_of is null"""

# Signed up, not ticked as present, and in no shift logged for the activity.
NO_SHOWS_SQL = """select m.id, m.first_name, m.last_name from activity_signups s
join members m on m.id = s.member_id
where s.activity_id = :id and coalesce(s.attended, 0) = 0
  and not exists (select 1 from shifts h where h.activity_id = :id and h.member_id = s.member_id)
  and not exists (select 1 from shift_companions c join shifts h on h.id = c.shift_id
                  where h.activity_id = :id and c.member_id = s.member_id)
order by m.first_name, m.last_name, m.id"""


def results(db, activity_id):
    """The activity's shifts, their sums, and the sign-ups through its people's links."""
    return {"shifts": list(db.query(SHIFTS_SQL, [activity_id])),
            "totals": next(db.query(TOTALS_SQL, [activity_id])),
            "signups": next(db.query(SIGNUPS_SQL, {"id": activity_id}))["n"]}


def no_shows(db, activity_id):
    return list(db.query(NO_SHOWS_SQL, {"id": activity_id}))


def check_in(db, activity_id, present_ids):
    """Tick who came; everyone else signed up is marked as not (yet) here."""
    with immediate(db):
        db.execute("update activity_signups set attended = 0 where activity_id = ?",
                   [activity_id])
        for member_id in present_ids:
            db.execute("""update activity_signups set attended = 1
                          where activity_id = ? and member_id = ?""", [activity_id, member_id])


@bp.route("/aktiviteter/<id:activity_id>/resultat")
@login_required
def show(activity_id):
    """What the activity brought, and who signed up but did not come."""
    db = get_db()
    activity = run_activity(activity_id)
    ended = data.has_ended(activity)
    return render_template(
        "activities/results.html", activity=activity, ended=ended,
        people=data.participants(db, activity_id), kind_names=KIND_NAMES,
        count_names=COUNT_NAMES, no_shows=no_shows(db, activity_id) if ended else None,
        feedback={r["how_it_went"]: r["n"] for r in db.query(FEEDBACK_SQL, [activity_id])},
        how_it_went=HOW_IT_WENT, guests=activities_guests.guests(db, activity_id),
        **results(db, activity_id))


@bp.route("/aktiviteter/<id:activity_id>/narvaro", methods=["POST"])
@login_required
def attendance(activity_id):
    """The organiser's ticks: who came."""
    run_activity(activity_id)
    db = get_db()
    signed = {p["id"] for p in data.participants(db, activity_id)}
    ticked = {int(v) for v in request.form.getlist("came") if v.isascii() and v.isdigit() and len(v) < 12}
    check_in(db, activity_id, sorted(ticked & signed))
    flash(_("Närvaron är sparad."), "success")
    return redirect(url_for(".show", activity_id=activity_id))


@bp.route("/aktiviteter/<id:activity_id>/har", methods=["POST"])
@login_required
def here(activity_id):
    """A member signed up checks in on their phone at the activity."""
    activity = visible_activity(activity_id)
    db = get_db()
    if not data.is_signed_up(db, activity_id, current_user.member_id):
        abort(404)
    if activity["cancelled_at"] or not check_in_open(activity):
        flash(_("Du kan checka in från en halvtimme före start tills aktiviteten slutar."),
              "error")
    else:
        db.execute("""update activity_signups set attended = 1
                      where activity_id = ? and member_id = ?""",
                   [activity_id, current_user.member_id])
        flash(_("Du är incheckad. Lycka till!"), "success")
    return redirect(url_for("activities.show", activity_id=activity_id))


@bp.route("/aktiviteter/<id:activity_id>/meddela", methods=["GET", "POST"])
@login_required
def message(activity_id):
    """Mail a short message to everyone signed up (where mail is configured)."""
    activity = run_activity(activity_id)
    form = MessageForm()
    configured = bool(current_app.config.get("MAIL_SERVER"))
    if configured and form.validate_on_submit():
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        link = base + url_for("activities.show", activity_id=activity_id)
        subject = _("Om %(what)s", what=data.describe(activity))
        sent = sum(bool(mail.send_text(p["email"], subject, f"{form.text.data}\n\n{link}\n"))
                   for p in data.participants(get_db(), activity_id))
        flash(_("Meddelandet gick till %(n)d anmälda.", n=sent), "success")
        return redirect(url_for("activities.show", activity_id=activity_id))
    return render_template("activities/message.html", form=form, activity=activity,
                           configured=configured, kind_names=KIND_NAMES), \
        422 if form.errors else 200


@bp.route("/aktiviteter/<id:activity_id>/hur-gick-det", methods=["POST"])
@login_required
def feedback(activity_id):
    """One question after the activity, for those who signed up: how did it go?"""
    activity = visible_activity(activity_id)
    db = get_db()
    if not data.is_signed_up(db, activity_id, current_user.member_id):
        abort(404)
    answer = request.form.get("svar", "")
    if not data.has_ended(activity) or answer not in HOW_IT_WENT:
        abort(400)
    db.execute("""update activity_signups set how_it_went = ?
                  where activity_id = ? and member_id = ?""",
               [answer, activity_id, current_user.member_id])
    flash(_("Tack för svaret!"), "success")
    return redirect(url_for("activities.show", activity_id=activity_id))
