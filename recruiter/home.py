"""The start page ("what now") and the language switch."""
from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError

from . import accounts, activities, calls_data, calls_team, campaigns, shift_quality
from .db import get_db
from .forms import LanguageForm, csrf
from .i18n import LANG_COOKIE
from .origin import same_origin
from .redirects import safe_next
from .scope import may_review_shifts, may_see_contacts, own_unit
from .signups import recruits_of
from .units import ASSOCIATION

bp = Blueprint("home", __name__)

NEW_SIGNUP_DAYS = 14
NEW_SIGNUPS_SQL = """select count(*) as n from signups
                     where association_id = ? and created_at >= ? and erased_at is null"""


@bp.route("/")
@login_required
def index():
    """The member's start page: who they are and where they can go."""
    db = get_db()
    level, unit_id = own_unit()
    in_association = level == ASSOCIATION
    chair = in_association and may_see_contacts(unit_id)
    new_signups = count_new_signups(db, unit_id) if chair else None
    welcome = welcome_counts(db, unit_id) if in_association and (
        chair or calls_team.is_welcomer(db, unit_id, current_user.member_id)) else None
    recruits = recruits_of(db, current_user.member_id) if current_user.association_id else None
    flagged = len(shift_quality.waiting(db, unit_id)) if in_association and \
        may_review_shifts(unit_id) else 0
    return render_template("home/index.html", new_signups=new_signups, welcome=welcome,
                           activities=activities.home_card(), recruits=recruits, flagged=flagged,
                           new_signup_days=NEW_SIGNUP_DAYS, campaigns=campaigns.home_cards(db),
                           several_roles=len(accounts.member_roles(db, current_user.member_id)) > 1)


def count_new_signups(db, association_id, days=NEW_SIGNUP_DAYS):
    """Sign-ups that chose the association in the last `days` days, withdrawn ones left out."""
    since = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    return next(db.query(NEW_SIGNUPS_SQL, [association_id, since]))["n"]


def welcome_counts(db, association_id):
    """The chair's card: how many wait for their welcome call, how many of them are late,
    and (`unpaid`) how many wait for a call about an unpaid fee."""
    calls_data.sync_welcome(db, association_id)
    calls_data.sync_unpaid(db, association_id)
    unpaid = calls_team.progress(db, association_id, kind="unpaid")["waiting"]
    return {**calls_team.progress(db, association_id), "unpaid": unpaid}


@bp.route("/sprak", methods=["POST"])
@csrf.exempt
def language():
    """Remember the chosen language in a cookie for a year. The form carries no token (it is on
    every page, also the public ones rendered once for everybody): the origin check stands in."""
    if not same_origin():
        raise CSRFError(_("Formuläret skickades från en annan webbplats."))
    form = LanguageForm(meta={"csrf": False})
    back = safe_next(form.next.data) or url_for("home.index")
    response = redirect(back)
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, form.lang.data, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=request.is_secure, httponly=True)
    return response
