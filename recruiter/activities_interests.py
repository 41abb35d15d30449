"""Interests: what a member would like to do and when they usually can, so the
chair knows whom to ask when planning an activity. Only the member and their
own association's chair see them; new members' answers from the welcome call
are listed beside them."""
import json
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from .db import get_db, now
from .scope import may_see_interests, require_administer
from .units import ASSOCIATION

bp = Blueprint("interests", __name__)

# The same words as the welcome call's "Vill du vara med och …" (calls_forms).
KINDS = {"doors": _l("Knacka dörr"), "stand": _l("Stå i stånd eller på torg"),
         "phone": _l("Ringa"), "welcome": _l("Välkomna nya medlemmar"), "other": _l("Annat")}
TIMES = {"weekday_daytime": _l("Vardagar dagtid"), "weekday_evenings": _l("Vardagskvällar"),
         "weekends": _l("Helger")}
WELCOME_DAYS = 365  # how far back the welcome calls' answers are listed

MEMBERS_SQL = """select m.id, m.first_name, m.last_name, i.kinds, i.times, i.updated_at
from member_interests i join members m on m.id = i.member_id
where m.association_id = ? and m.is_active = 1 order by m.first_name, m.last_name, m.id"""

# The latest reached welcome call of each new member of the association who is
# still there (not erased), with what they said they would like to do.
WELCOME_SQL = """select s.first_name, s.last_name, c.answers, c.created_at
from call_lists l join call_targets t on t.list_id = l.id
join signups s on s.id = t.signup_id
join calls c on c.target_id = t.id and c.outcome = 'reached'
where l.association_id = ? and l.kind = 'welcome' and s.erased_at is null and c.created_at >= ?
order by c.created_at desc limit 200"""


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InterestForm(FlaskForm):
    kinds = Checkboxes(_l("Vad vill du helst göra?"),
                       choices=[SelectChoice(k, v) for k, v in KINDS.items()])
    times = Checkboxes(_l("När kan du oftast?"),
                       choices=[SelectChoice(k, v) for k, v in TIMES.items()])


def own_interests(db, member_id):
    rows = list(db.table("member_interests").rows_where("member_id = ?", [member_id]))
    if not rows:
        return {"kinds": [], "times": []}
    return {"kinds": json.loads(rows[0]["kinds"]), "times": json.loads(rows[0]["times"])}


def save(db, member_id, kinds, times):
    """Store the member's answers; nothing ticked removes them."""
    if not kinds and not times:
        db.execute("delete from member_interests where member_id = ?", [member_id])
        return
    db.table("member_interests").upsert(
        {"member_id": member_id, "kinds": json.dumps(kinds), "times": json.dumps(times),
         "updated_at": now()}, pk="member_id")


def by_kind(db, association_id):
    """{kind: [(name, times, source)]}: the members' answers and the welcome calls'."""
    grouped = {kind: [] for kind in KINDS}
    for row in db.query(MEMBERS_SQL, [association_id]):
        for kind in json.loads(row["kinds"]):
            grouped[kind].append({"name": f"{row['first_name']} {row['last_name']}",
                                  "times": json.loads(row["times"]), "welcome": False})
    since = (datetime.now(timezone.utc) - timedelta(days=WELCOME_DAYS)).isoformat(
        timespec="seconds")
    seen = set()
    for row in db.query(WELCOME_SQL, [association_id, since]):
        name = f"{row['first_name']} {row['last_name']}"
        if name in seen:
            continue
        seen.add(name)
        for kind in json.loads(row["answers"]).get("active") or []:
            if kind in grouped:
                grouped[kind].append({"name": name, "times": [], "welcome": True})
    return grouped


@bp.route("/intressen", methods=["GET", "POST"])
@login_required
def mine():
    """The member says what they would like to do; only their chair sees it."""
    db = get_db()
    # An empty POST (all unticked) means "nothing": never the stored answers.
    form = InterestForm(data=None if request.method == "POST" else
                        own_interests(db, current_user.member_id))
    if form.validate_on_submit():
        save(db, current_user.member_id, form.kinds.data, form.times.data)
        flash(_("Tack! Din ordförande ser det när hen planerar aktiviteter."), "success")
        return redirect(url_for("activities.index"))
    return render_template("activities/interests.html", form=form), 422 if form.errors else 200


@bp.route("/forening/<id:association_id>/intressen")
@login_required
def association(association_id):
    """Whom to ask: the association's members and new members by what they would do."""
    unit = require_administer(ASSOCIATION, association_id)
    if not may_see_interests(association_id):
        abort(403)
    return render_template("activities/association_interests.html", unit=unit,
                           grouped=by_kind(get_db(), association_id), kinds=KINDS,
                           times=TIMES)
