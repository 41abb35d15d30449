"""Activities in the member's own calendar: one .ics file per activity and a
personal webcal feed behind a secret, revocable address."""
from datetime import datetime, timedelta, timezone

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from icalendar import Calendar, Event

from .activities import visible_activity
from .activities_forms import STOCKHOLM
from .db import get_db, now
from .limits import limiter
from .sessions import new_token, token_hash
from .shift_forms import KIND_NAMES

bp = Blueprint("calendar", __name__)

FEED_PAST_DAYS = 30  # a feed keeps a month of what one took part in

# Cancelled activities a member had signed up for stay in the feed as
# cancelled, so the calendar takes them away; a cancelled sign-up is a
# deleted row and leaves the feed.
FEED_SQL = """select a.*, coalesce(ass.name, mu.name) as unit_name from activities a
join activity_signups s on s.activity_id = a.id
left join associations ass on ass.id = a.association_id
left join municipalities mu on mu.id = a.municipality_id
where s.member_id = ? and a.ends_at > ? order by a.starts_at limit 200"""

FEED_MEMBER_SQL = """select f.member_id from calendar_feeds f
join members m on m.id = f.member_id where f.token_hash = ? and m.is_active = 1"""


def _host():
    return current_app.config["PUBLIC_BASE_URL"].split("://", 1)[-1].split("/")[0]


def event(activity):
    """One activity as a VEVENT in Stockholm time."""
    item = Event()
    item.add("uid", f"activity-{activity['id']}@{_host()}")
    item.add("dtstamp", datetime.now(timezone.utc))
    item.add("summary", f"{KIND_NAMES[activity['kind']]} – {activity['unit_name']}")
    item.add("dtstart", datetime.fromisoformat(activity["starts_at"]).astimezone(STOCKHOLM))
    item.add("dtend", datetime.fromisoformat(activity["ends_at"]).astimezone(STOCKHOLM))
    item.add("location", activity["place"])
    item.add("sequence", activity["sequence"])  # grows with each move, so calendars follow
    if activity.get("description"):
        item.add("description", activity["description"])
    item.add("url", current_app.config["PUBLIC_BASE_URL"].rstrip("/")
             + url_for("activities.show", activity_id=activity["id"]))
    if activity["cancelled_at"]:
        item.add("status", "CANCELLED")
    return item


def calendar(activities, name):
    """A VCALENDAR of the activities with the Stockholm VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", "-//Värva//Aktiviteter//SV")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for activity in activities:
        cal.add_component(event(activity))
    cal.add_missing_timezones()
    return cal.to_ical()


def ics_response(body, filename):
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/aktiviteter/<id:activity_id>/kalender.ics")
@login_required
def activity(activity_id):
    """One activity to add to any calendar."""
    item = visible_activity(activity_id)
    return ics_response(calendar([item], "Värva"), f"aktivitet-{activity_id}.ics")


@bp.route("/kalender/<token>.ics")
@limiter.limit("60 per hour")
def feed(token):
    """The member's own activities, for a calendar app that subscribes (no login:
    the address is the secret, and only the member's own activities are in it)."""
    db = get_db()
    rows = list(db.query(FEED_MEMBER_SQL, [token_hash(token)]))
    if not rows:
        abort(404)
    since = (datetime.now(timezone.utc) - timedelta(days=FEED_PAST_DAYS)).isoformat(
        timespec="seconds")
    activities = list(db.query(FEED_SQL, [rows[0]["member_id"], since]))
    return ics_response(calendar(activities, _("Mina aktiviteter")), "varva.ics")


@bp.route("/kalender")
@login_required
def settings():
    """Whether the member has a feed, and the buttons to make, renew or close it."""
    has_feed = get_db().table("calendar_feeds").count_where(
        "member_id = ?", [current_user.member_id]) > 0
    return render_template("activities/calendar.html", has_feed=has_feed, feed_url=None)


@bp.route("/kalender/ny", methods=["POST"])
@login_required
def renew():
    """A new secret address; the old one stops working. Shown this once."""
    token = new_token()
    get_db().table("calendar_feeds").upsert(
        {"member_id": current_user.member_id, "token_hash": token_hash(token),
         "created_at": now()}, pk="member_id")
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    address = base + url_for(".feed", token=token)
    webcal = "webcal://" + address.split("://", 1)[1]
    return render_template("activities/calendar.html", has_feed=True, feed_url=address,
                           webcal_url=webcal)


@bp.route("/kalender/stang", methods=["POST"])
@login_required
def close():
    """Stop the feed: its address answers 404 from now on."""
    get_db().execute("delete from calendar_feeds where member_id = ?", [current_user.member_id])
    flash(_("Kalenderlänken är avstängd."), "success")
    return redirect(url_for(".settings"))
