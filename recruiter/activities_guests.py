"""Ta med en vän: a member signed up for an activity invites a friend who is not
a member. The friend's sign-up to the activity is not a party sign-up: only a
first name and a mobile number are stored, with consent, and they are erased
once the activity is over (purge-expired, daily)."""
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length

from . import activities_data as data
from .activities import visible_activity
from .db import get_db, immediate, now
from .forms import name_field, phone_check
from .limits import limiter
from .shift_forms import KIND_NAMES
from .signups import normalise_phone
from .text import number_text

bp = Blueprint("guests", __name__)

MAX_GUESTS = 5  # per member and activity

GUESTS_SQL = """select g.id, g.first_name, g.phone, g.created_at, g.invited_by,
  m.first_name as inviter
from activity_guests g join members m on m.id = g.invited_by
where g.activity_id = ? order by g.created_at, g.id"""
ENDED_SQL = """select count(*) from activity_guests
where activity_id in (select id from activities where ends_at <= ?)"""
ERASE_SQL = """delete from activity_guests
where activity_id in (select id from activities where ends_at <= ?)"""


class FriendForm(FlaskForm):
    first_name = name_field(_l("Ditt förnamn"), _l("Fyll i ditt förnamn."))
    phone = StringField(_l("Mobilnummer"), filters=[number_text], validators=[
        DataRequired(_l("Fyll i ditt mobilnummer.")),
        Length(max=30, message=_l("Högst 30 tecken.")), phone_check],
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    consent = BooleanField(_l("Jag vill följa med, och Värva får spara mitt förnamn och "
                              "mobilnummer tills aktiviteten är över, så att den som ordnar "
                              "kan nå mig."),
                           validators=[DataRequired(_l("Kryssa i rutan för att följa med."))])
    website = StringField(_l("Lämna tomt"), validators=[Length(max=200)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="activity-friend")


def friend_token(activity_id, member_id):
    return _serializer().dumps([activity_id, member_id])


def guests(db, activity_id, invited_by=None):
    """The friends coming along (first name, phone, who invited them)."""
    rows = list(db.query(GUESTS_SQL, [activity_id]))
    return rows if invited_by is None else [r for r in rows if r["invited_by"] == invited_by]


def ended_count(db):
    return db.execute(ENDED_SQL, [now()]).fetchone()[0]


def erase_ended(db):
    """Erase every friend of an activity that is over; returns how many."""
    return db.execute(ERASE_SQL, [now()]).rowcount


def _open(token):
    """(activity, inviter id) for a friend's link, or abort 404 (forged) / 410 (over)."""
    try:
        activity_id, member_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        abort(404)
    db = get_db()
    activity = data.get_activity(db, activity_id) if isinstance(activity_id, int) else None
    if activity is None or not data.is_signed_up(db, activity_id, member_id):
        abort(410)
    if activity["cancelled_at"] or data.has_ended(activity):
        abort(410)
    return activity, member_id


@bp.route("/aktiviteter/<id:activity_id>/ta-med-en-van")
@login_required
def invite(activity_id):
    """The member's link for a friend, to share as they like."""
    activity = visible_activity(activity_id)
    db = get_db()
    if not data.is_signed_up(db, activity_id, current_user.member_id):
        abort(404)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    link = base + url_for(".join", token=friend_token(activity_id, current_user.member_id))
    return render_template("activities/invite.html", activity=activity, link=link,
                           friends=guests(db, activity_id, current_user.member_id),
                           kind_names=KIND_NAMES)


@bp.route("/aktiviteter/van/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def join(token):
    """The friend's page: what, when, where, and first name and mobile to come along."""
    activity, inviter_id = _open(token)
    db = get_db()
    inviter = db.table("members").get(inviter_id)["first_name"]
    form = FriendForm()
    if form.validate_on_submit():
        if form.website.data:
            current_app.logger.info("friend honeypot filled; nothing stored")
        elif not _add(db, activity["id"], inviter_id, form):
            flash(_("%(name)s har redan bjudit med så många vänner som får plats.",
                    name=inviter), "error")
            return redirect(request.path)
        return render_template("activities/friend_done.html", activity=activity,
                               inviter=inviter, kind_names=KIND_NAMES)
    return render_template("activities/friend.html", activity=activity, inviter=inviter,
                           form=form, kind_names=KIND_NAMES), 422 if form.errors else 200


def _add(db, activity_id, inviter_id, form):
    with immediate(db):
        if db.table("activity_guests").count_where(
                "activity_id = ? and invited_by = ?", [activity_id, inviter_id]) >= MAX_GUESTS:
            return False
        db.table("activity_guests").insert({
            "activity_id": activity_id, "invited_by": inviter_id,
            "first_name": form.first_name.data, "phone": normalise_phone(form.phone.data),
            "consent_at": now(), "created_at": now()})
    return True

