"""The association's leaderboard: every member, on a phone, own association only."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from . import rollups, scoring
from .db import get_db
from .forms import VisibilityForm
from .campaigns_data import open_campaigns
from .periods import all_time, period_for, today
from .units import MUNICIPALITY

bp = Blueprint("leaderboard", __name__, url_prefix="/topplista")


def shown_name(row, viewer_id):
    """How a member appears: as they chose, and always recognisable to themselves."""
    if row["id"] == viewer_id:
        return _("Du")
    if row["leaderboard_name"] == "hidden":
        return _("En medlem")
    if row["leaderboard_name"] == "full":
        return f"{row['first_name']} {row['last_name']}"
    return f"{row['first_name']} {row['last_name'][:1]}."


def board_rows(db, association_id, period, viewer_id):
    """Standings with display names and recognition, no names of hidden members."""
    campaign = int(period.key[9:]) if period.key.startswith("campaign-") else None
    standings = scoring.paid_standings if scoring.ranks_by_paid(db) else scoring.recruiter_standings
    rows = shown_rows(standings(db, association_id, period.since, period.until, campaign),
                      viewer_id)
    firsts = scoring.first_recruits(db, association_id)
    streaks = scoring.streaks(db, association_id, today())
    return [{
        "place": r["place"], "name": shown_name(r, viewer_id), "is_me": r["id"] == viewer_id,
        "recruited": r["recruited"], "conversations": r["conversations"], "doors": r["doors"],
        "first_recruit": period.since <= firsts.get(r["id"], "~") < period.until,
        "streak": streaks.get(r["id"], 0),
    } for r in rows]


def shown_rows(rows, viewer_id):
    """Members who left the board entirely are not on it, and the places close up
    (equal counts share one); one who left sees only their own row, unranked."""
    if any(r["id"] == viewer_id and r["leaderboard_name"] == "none" for r in rows):
        return [{**r, "place": None} for r in rows if r["id"] == viewer_id]
    shown = [r for r in rows if r["leaderboard_name"] != "none"]
    return [{**r, "place": 1 + sum(o["recruited"] > r["recruited"] for o in shown)}
            for r in shown]


@bp.route("/")
@login_required
def index():
    """The leaderboard of the viewer's own association."""
    db = get_db()
    association_id = current_user.association_id
    if association_id is None:
        return render_template("leaderboard/none.html")
    period = period_for(request.args.get("period"), db)
    association = db.table("associations").get(association_id)
    return render_template(
        "leaderboard/index.html", period=period,
        campaigns=open_campaigns(db, association_id),
        association=association,
        neighbours=rollups.children(db, MUNICIPALITY, association["municipality_id"],
                                    period.since, period.until),
        rows=board_rows(db, association_id, period, current_user.member_id),
        totals=scoring.association_totals(db, association_id, period.since, period.until),
        goal=scoring.GOAL_RECRUITED_SHARE, all_time=all_time(), by_paid=scoring.ranks_by_paid(db))


@bp.route("/synlighet", methods=["GET", "POST"])
@login_required
def visibility():
    """Choose how one appears on the leaderboard."""
    db = get_db()
    member = db.table("members").get(current_user.member_id)
    form = VisibilityForm(leaderboard_name=member["leaderboard_name"])
    if form.validate_on_submit():
        db.table("members").update(member["id"], {"leaderboard_name": form.leaderboard_name.data})
        flash(_("Ditt val är sparat."), "success")
        return redirect(url_for(".index"))
    return render_template("leaderboard/visibility.html", form=form, member=member)

