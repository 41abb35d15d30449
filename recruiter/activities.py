"""Recruiting activities (aktiviteter): planned by a chair or an administrator,
joined by members with one tap, followed up by the organiser."""
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from . import activities_data as data
from . import scoring
from .activities_forms import AUDIENCES, ActivityForm, MoveForm, to_local, to_utc
from .db import get_db
from .links_data import campaigns_running
from .periods import today
from .scope import may_plan_activities, may_run_activity, may_see_activity, own_unit
from .shift_forms import KIND_NAMES
from .units import ASSOCIATION

bp = Blueprint("activities", __name__)

# "Hur gick det?": the answers asked after an activity (activities_followup reads them).
HOW_IT_WENT = {"good": _l("Bra"), "ok": _l("Sådär"), "bad": _l("Dåligt")}
RECENT_DAYS = 30  # how long a past activity stays on the organiser's list
ASK_BEFORE = timedelta(hours=36)  # "kommer du fortfarande?" on the start page
CHECK_IN_EARLY = timedelta(minutes=30)  # members may say "I am here" this long before


def _iso(moment):
    return moment.isoformat(timespec="seconds")


def home_unit():
    """(association id, municipality id) of the member's own association, or (None, None)."""
    if not current_user.association_id:
        return None, None
    home = get_db().table("associations").get(current_user.association_id)
    return home["id"], home["municipality_id"]


def for_member(limit=20):
    """The upcoming activities the current member may join, nearest to them first."""
    association_id, municipality_id = home_unit()
    if association_id is None:
        return []
    return data.upcoming(get_db(), current_user.member_id, association_id, municipality_id,
                         limit)


def visible_activity(activity_id):
    """The activity if the current member may see it; 404 otherwise (its
    existence is nobody else's business)."""
    activity = data.get_activity(get_db(), activity_id)
    if activity is None or not may_see_activity(activity):
        abort(404)
    return activity


def run_activity(activity_id):
    """The activity if the current role runs it: 404 unknown or unseen, 403 seen only."""
    activity = visible_activity(activity_id)
    if not may_run_activity(activity):
        abort(403)
    return activity


@bp.route("/aktiviteter")
@login_required
def index():
    """Gör något: what the member may join, and the unit's own for those who plan."""
    planned = None
    if may_plan_activities():
        level, unit_id = own_unit()
        association_id = unit_id if level == ASSOCIATION else None
        municipality_id = None if association_id else unit_id
        since = _iso(datetime.now(timezone.utc) - timedelta(days=RECENT_DAYS))
        planned = data.of_unit(get_db(), association_id, municipality_id, since)
    return render_template("activities/index.html", activities=for_member(),
                           planned=planned, kind_names=KIND_NAMES)


def _audiences(level):
    return AUDIENCES if level == ASSOCIATION else AUDIENCES[1:]


@bp.route("/aktiviteter/ny", methods=["GET", "POST"])
@login_required
def new():
    """Plan an activity for the organiser's own association or municipality."""
    if not may_plan_activities():
        abort(403)
    db = get_db()
    level, unit_id = own_unit()
    form = ActivityForm()
    form.limit_choices(_audiences(level), campaigns_running(db))
    if form.validate_on_submit():
        if level == ASSOCIATION:
            place = {"association_id": unit_id, "municipality_id":
                     db.table("associations").get(unit_id)["municipality_id"]}
        else:
            place = {"association_id": None, "municipality_id": unit_id}
        activity_id = data.create(db, {
            **place, "kind": form.kind.data, "audience": form.audience.data,
            "campaign_id": form.campaign_id.data or None,
            "starts_at": _iso(to_utc(form.starts_at.data)),
            "ends_at": _iso(to_utc(form.ends_at.data)), "place": form.place.data,
            "capacity": form.capacity.data, "description": form.description.data or None,
            "organiser_id": current_user.member_id})
        flash(_("Aktiviteten är skapad. Medlemmarna ser den på sin startsida."), "success")
        return redirect(url_for(".show", activity_id=activity_id))
    return render_template("activities/new.html", form=form), 422 if form.errors else 200


@bp.route("/aktiviteter/<id:activity_id>")
@login_required
def show(activity_id):
    """One activity: when, where, who comes; sign up or cancel in one tap."""
    db = get_db()
    activity = visible_activity(activity_id)
    runs = may_run_activity(activity)
    people = data.participants(db, activity_id)
    mine = next((p for p in people if p["id"] == current_user.member_id), None)
    signed_up = mine is not None
    # Names go to those who run it and to the participants, no further.
    show_names = runs or signed_up
    return render_template(
        "activities/show.html", activity=activity, runs=runs, signed_up=signed_up,
        people=people if show_names else [], short_name=data.short_name,
        ended=data.has_ended(activity), kind_names=KIND_NAMES,
        checked_in=bool(mine and mine["attended"]),
        answered=mine["how_it_went"] if mine else None, how_it_went=HOW_IT_WENT,
        can_check_in=bool(mine and not mine["attended"] and not activity["cancelled_at"]
                          and check_in_open(activity)),
        start_shift=start_shift_url(activity, people) if signed_up or runs else None)


def check_in_open(activity):
    """True from half an hour before the start until the end (the phone's check-in)."""
    moment = datetime.now(timezone.utc)
    return (datetime.fromisoformat(activity["starts_at"]) - CHECK_IN_EARLY <= moment
            < datetime.fromisoformat(activity["ends_at"]))


def start_shift_url(activity, people):
    """The shift screen pre-filled from the activity: kind, place, campaign, and the
    others signed up from the member's own association as companions."""
    own = current_user.association_id
    companions = [str(p["id"]) for p in people
                  if p["id"] != current_user.member_id and own and p.get("association_id") == own]
    values = {"aktivitet": activity["id"], "slag": activity["kind"], "plats": activity["place"],
              "kommun": activity["municipality_id"]}
    if activity["campaign_id"]:
        values["kampanj"] = activity["campaign_id"]
    if companions:
        values["med"] = ",".join(companions)
    return url_for("shifts.shell", **values)


@bp.route("/aktiviteter/<id:activity_id>/anmal", methods=["POST"])
@login_required
def sign_up(activity_id):
    """Take a place, if one is left."""
    activity = visible_activity(activity_id)
    if data.has_ended(activity) or activity["cancelled_at"]:
        flash(_("Aktiviteten är redan över eller inställd."), "error")
        return redirect(url_for(".show", activity_id=activity_id))
    outcome = data.sign_up(get_db(), activity_id, current_user.member_id)
    if outcome == "full":
        flash(_("Tyvärr, aktiviteten är full."), "error")
    else:
        flash(_("Du är anmäld. Lägg in den i din kalender så du inte glömmer."), "success")
    return redirect(url_for(".show", activity_id=activity_id))


@bp.route("/aktiviteter/<id:activity_id>/avanmal", methods=["POST"])
@login_required
def cancel_signup(activity_id):
    """Give one's place back."""
    visible_activity(activity_id)
    if data.cancel_signup(get_db(), activity_id, current_user.member_id):
        flash(_("Du är avanmäld. Tack för att du sa till."), "success")
    return redirect(url_for(".show", activity_id=activity_id))


@bp.route("/aktiviteter/<id:activity_id>/stall-in", methods=["POST"])
@login_required
def cancel(activity_id):
    """Call the activity off; everyone signed up is told."""
    activity = run_activity(activity_id)
    if not activity["cancelled_at"]:
        sent = data.cancel(get_db(), activity)
        flash(_("Aktiviteten är inställd. %(n)d anmälda fick ett mejl.", n=sent), "success")
    return redirect(url_for(".show", activity_id=activity_id))


@bp.route("/aktiviteter/<id:activity_id>/flytta", methods=["GET", "POST"])
@login_required
def move(activity_id):
    """A new time or meeting place; everyone signed up is told."""
    db = get_db()
    activity = run_activity(activity_id)
    if activity["cancelled_at"] or data.has_ended(activity):
        abort(409)
    form = MoveForm(data={"place": activity["place"],
                          "starts_at": to_local(activity["starts_at"]),
                          "ends_at": to_local(activity["ends_at"])})
    if form.validate_on_submit():
        sent = data.move(db, activity, _iso(to_utc(form.starts_at.data)),
                         _iso(to_utc(form.ends_at.data)), form.place.data)
        flash(_("Aktiviteten är flyttad. %(n)d anmälda fick ett mejl.", n=sent), "success")
        return redirect(url_for(".show", activity_id=activity_id))
    return render_template("activities/move.html", form=form, activity=activity,
                           kind_names=KIND_NAMES), 422 if form.errors else 200


def home_card():
    """The start page's "what now": the member's next activity and a few to join."""
    if not current_user.association_id:
        return None
    options = [a for a in for_member(limit=6) if not a["signed_up"]][:3]
    upcoming = data.next_own(get_db(), current_user.member_id)
    # The day before (and on the day) the start page asks what the reminder mail asks.
    soon = _iso(datetime.now(timezone.utc) + ASK_BEFORE)
    ask = bool(upcoming and not upcoming["confirmed_at"] and upcoming["starts_at"] <= soon)
    streak = scoring.streaks(get_db(), current_user.association_id, today()).get(
        current_user.member_id, 0)
    return {"next": upcoming, "ask": ask, "options": options, "kind_names": KIND_NAMES,
            "streak": streak}
