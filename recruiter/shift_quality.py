"""Shifts that look implausible: flagged when stored, kept off the leaderboard
until a chair confirms them, and explained kindly to the member.

A flag is a question, not an accusation: a typo on a phone (100 doors instead
of 10) is the usual cause. The member can correct the counts for seven days;
a correction is judged again.
"""
from datetime import datetime
from statistics import median

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .db import get_db, now
from .scope import may_review_shifts, require_administer
from .shift_forms import KIND_NAMES
from .units import ASSOCIATION

bp = Blueprint("quality", __name__)

MAX_DOORS_PER_MINUTE = 3  # a door takes 20 s at the very least, even unanswered
FAST_MIN_DOORS = 20
CONTACT_RATE = 0.95  # almost every door opened, over many doors
CONTACT_MIN_DOORS = 50
USUAL_SHIFTS = 20  # the member's last shifts that say what is usual for them
USUAL_MIN_SHIFTS = 5
USUAL_FACTOR = 5
USUAL_FLOOR = 100  # never flagged as unusual below this many doors

REASONS = {
    "speed": _l("Många dörrar på kort tid."),
    "contact_rate": _l("Nästan alla dörrar öppnades, över många dörrar."),
    "unusual": _l("Mycket mer än du brukar."),
}

USUAL_SQL = """select doors_knocked from shifts where member_id = ? and id != ?
order by started_at desc limit ?"""

WAITING_SQL = """select s.*, m.first_name, m.last_name from shifts s
join members m on m.id = s.member_id
where s.association_id = ? and s.quality_flag is not null and s.quality_confirmed_at is null
order by s.started_at desc limit 100"""


def flag_for(db, member_id, shift, shift_id=0):
    """The reason a shift looks implausible, or None."""
    doors = shift.get("doors_knocked") or 0
    minutes = max(1.0, (datetime.fromisoformat(shift["ended_at"])
                        - datetime.fromisoformat(shift["started_at"])).total_seconds() / 60)
    if doors >= FAST_MIN_DOORS and doors / minutes > MAX_DOORS_PER_MINUTE:
        return "speed"
    if doors >= CONTACT_MIN_DOORS and (shift.get("doors_opened") or 0) >= CONTACT_RATE * doors:
        return "contact_rate"
    earlier = [r[0] for r in db.execute(USUAL_SQL, [member_id, shift_id, USUAL_SHIFTS])]
    if len(earlier) >= USUAL_MIN_SHIFTS and doors > max(USUAL_FLOOR,
                                                        USUAL_FACTOR * median(earlier)):
        return "unusual"
    return None


def judge_again(db, shift_id):
    """After a correction: flag anew (a confirmation was of the old counts)."""
    shift = db.table("shifts").get(shift_id)
    flag = flag_for(db, shift["member_id"], shift, shift_id)
    db.execute("""update shifts set quality_flag = ?, quality_confirmed_at = null,
                  quality_confirmed_by = null where id = ?""", [flag, shift_id])


def waiting(db, association_id):
    """Flagged shifts of the association no chair has confirmed yet."""
    return list(db.query(WAITING_SQL, [association_id]))


@bp.route("/forening/<id:association_id>/pass-att-granska")
@login_required
def review(association_id):
    """The chair's list: shifts that look implausible, with the reason."""
    unit = require_administer(ASSOCIATION, association_id)
    if not may_review_shifts(association_id):
        abort(403)
    return render_template("shifts/review.html", unit=unit,
                           shifts=waiting(get_db(), association_id), reasons=REASONS,
                           kind_names=KIND_NAMES)


@bp.route("/forening/<id:association_id>/pass/<id:shift_id>/godkann", methods=["POST"])
@login_required
def confirm(association_id, shift_id):
    """The chair confirms a flagged shift: it counts on the leaderboard from now."""
    require_administer(ASSOCIATION, association_id)
    if not may_review_shifts(association_id):
        abort(403)
    db = get_db()
    shift = db.table("shifts").get(shift_id)
    if shift["association_id"] != association_id:
        abort(404)
    db.execute("""update shifts set quality_confirmed_at = ?, quality_confirmed_by = ?
                  where id = ? and quality_flag is not null""",
               [now(), current_user.member_id, shift_id])
    flash(_("Passet är godkänt och räknas i topplistan."), "success")
    return redirect(url_for(".review", association_id=association_id))
