"""Recruiting shifts (pass): stored from the phone's outbox, listed, corrected."""
import json
from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from . import shift_quality
from .db import get_db, immediate, now
from .campaigns_data import open_campaigns
from .links_data import join_url, personal_link
from .scope import may_see_activity
from .shift_forms import (COUNT_NAMES, EDIT_WINDOW, KIND_NAMES, SHIFT_COUNTS, SHIFT_JSON_KEYS,
                          ShiftCountsForm, ShiftForm)

bp = Blueprint("shifts", __name__)

STRING_KEYS = ("client_uuid", "kind", "place", "started_at", "ended_at", "note")
PAYLOAD_FIELDS = ("kind", "place", "municipality_id", "campaign_id", "activity_id", "started_at",
                  "ended_at", "note", *SHIFT_COUNTS)


COMPANIONS_SQL = """
select id, first_name, last_name from members
where association_id = ? and is_active = 1 and id != ?
  and leaderboard_name not in ('hidden', 'none')
order by first_name, last_name, id"""


class Conflict(Exception):
    """The client_uuid is taken by a different shift."""


def store_shift(db, member_id, association_id, shift, companions):
    """Store a shift once per client_uuid; returns (id, created).

    A replay by the same member answers with the stored id, even when the
    shift was corrected on the server since; the uuid of another member's
    shift raises Conflict.
    """
    with immediate(db):
        rows = list(db.table("shifts").rows_where("client_uuid = ?", [shift["client_uuid"]]))
        if rows:
            # The member's own replay: the server has it, perhaps corrected since.
            if rows[0]["member_id"] != member_id:
                raise Conflict()
            return rows[0]["id"], False
        stamp = now()
        shift_id = db.table("shifts").insert({
            **shift, "member_id": member_id, "association_id": association_id,
            "quality_flag": shift_quality.flag_for(db, member_id, shift),
            "created_at": stamp, "updated_at": stamp}).last_pk
        db.table("shift_companions").insert_all(
            {"shift_id": shift_id, "member_id": m} for m in companions)
        return shift_id, True


def valid_companions(db, association_id, ids):
    """The ids, if all are active members of the association; else None."""
    if not isinstance(ids, list) or len(ids) > 20 or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return None
    if not ids:
        return []
    found = db.execute(
        """select count(*) from members where association_id = ? and is_active = 1
           and id in (select value from json_each(?))""",
        [association_id, json.dumps(ids)]).fetchone()[0]
    return sorted(set(ids)) if found == len(set(ids)) else None


def member_shifts(db, member_id, limit=50):
    """A member's shifts, newest first."""
    return list(db.table("shifts").rows_where(
        "member_id = ?", [member_id], order_by="started_at desc, id desc", limit=limit))


TOTALS_SQL = "select count(*) as shifts, {} from shifts where member_id = ?".format(
    ", ".join(f"coalesce(sum({name}), 0) as {name}" for name in SHIFT_COUNTS))


def member_totals(db, member_id):
    """A member's shifts counted and summed over all time."""
    return next(db.query(TOTALS_SQL, [member_id]))


def editable(shift):
    """True for seven days after a shift ended."""
    ended = datetime.fromisoformat(shift["ended_at"])
    return datetime.now(timezone.utc) - ended <= EDIT_WINDOW


def _shift_from(form):
    data = {name: getattr(form, name).data for name in PAYLOAD_FIELDS}
    data["client_uuid"] = form.client_uuid.data.lower()
    data["started_at"] = _utc(form.started_at.data)
    data["ended_at"] = _utc(form.ended_at.data)
    data["note"] = data["note"] or None
    return {k: (0 if k in SHIFT_COUNTS and v is None else v) for k, v in data.items()}


def _utc(moment):
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _json_errors(payload):
    """Type checks JSON needs beyond the form: an object, known keys, whole numbers."""
    if not isinstance(payload, dict):
        return {"_": [_("Skicka ett JSON-objekt.")]}
    unknown = set(payload) - SHIFT_JSON_KEYS
    if unknown:
        return {"_": [_("Okända fält: %(fields)s", fields=", ".join(sorted(unknown)))]}
    errors = {k: [_("Ett heltal.")] for k in (*SHIFT_COUNTS, "municipality_id", "campaign_id",
                                              "activity_id")
              if payload.get(k) is not None and not _small_int(payload[k])}
    errors.update({k: [_("En text.")] for k in STRING_KEYS
                   if payload.get(k) is not None and not isinstance(payload[k], str)})
    if not isinstance(payload.get("member_id"), int):
        errors["member_id"] = [_("Passet saknar medlem. Ladda om sidan när du har nät.")]
    return errors


def _small_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**53


@bp.route("/api/shifts", methods=["POST"])
@login_required
def api_create():
    """Store a shift from the outbox: 201 new, 200 replay, 409 clash, 422 invalid."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        # json nests one Python call per bracket: '[' * 50000 fits in the size limit.
        return {"errors": {"_": [_("Skicka ett JSON-objekt.")]}}, 400
    errors = _json_errors(payload)
    if errors:
        return {"errors": errors}, 422
    # JSON nulls mean "not given"; the form sees only the values that were.
    form = ShiftForm(formdata=MultiDict(
        {k: v for k, v in payload.items() if v is not None and k != "companions"}))
    if not form.validate():
        return {"errors": form.errors}, 422
    if payload["member_id"] != current_user.member_id:
        return {"errors": {"member_id": [_("Passet loggades av någon annan på den här "
                                           "telefonen. Logga in som den personen.")]}}, 409
    db = get_db()
    companions = valid_companions(db, current_user.association_id, payload.get("companions", []))
    reference_errors = _reference_errors(db, form, companions)
    if reference_errors:
        return {"errors": reference_errors}, 422
    try:
        shift_id, created = store_shift(db, current_user.member_id, current_user.association_id,
                                        _shift_from(form), companions)
    except Conflict:
        return {"errors": {"client_uuid": [_("Samma id användes för ett annat pass.")]}}, 409
    return {"id": shift_id, "created": created}, 201 if created else 200


def _reference_errors(db, form, companions):
    errors = {}
    if companions is None:
        errors["companions"] = [_("Välj bara medlemmar i din förening.")]
    for name, table in (("municipality_id", "municipalities"), ("campaign_id", "campaigns")):
        value = getattr(form, name).data
        if value and not db.table(table).count_where("id = ?", [value]):
            errors[name] = [_("Finns inte.")]
    if form.activity_id.data and not activity_reachable(db, form.activity_id.data):
        errors["activity_id"] = [_("Aktiviteten finns inte eller är inte din.")]
    return errors


def activity_reachable(db, activity_id):
    """True when the member may link a shift to the activity: they see it."""
    rows = list(db.table("activities").rows_where("id = ?", [activity_id]))
    return bool(rows) and may_see_activity(rows[0])


@bp.route("/pass/historik")
@login_required
def history():
    """The member's own shifts and totals."""
    db = get_db()
    shifts = member_shifts(db, current_user.member_id)
    return render_template("shifts/history.html", shifts=shifts, editable=editable,
                           reasons=shift_quality.REASONS,
                           totals=member_totals(db, current_user.member_id),
                           kind_names=KIND_NAMES, count_names=COUNT_NAMES)


@bp.route("/pass/<id:shift_id>/andra", methods=["GET", "POST"])
@login_required
def edit(shift_id):
    """Correct the counts of one's own shift, for seven days after it ended."""
    db = get_db()
    shift = db.table("shifts").get(shift_id)
    if shift["member_id"] != current_user.member_id:
        abort(403)
    if not editable(shift):
        flash(_("Pass kan bara rättas i sju dagar."), "error")
        return redirect(url_for(".history"))
    form = ShiftCountsForm(data=shift)
    if form.validate_on_submit():
        values = {name: getattr(form, name).data or 0 for name in SHIFT_COUNTS}
        with db.atomic():
            db.table("shifts").update(shift_id, {**values, "note": form.note.data or None,
                                                 "updated_at": now()})
            shift_quality.judge_again(db, shift_id)
        flash(_("Passet är rättat."), "success")
        return redirect(url_for(".history"))
    status = 422 if form.errors else 200
    return render_template("shifts/edit.html", form=form, shift=shift,
                           kind_names=KIND_NAMES), status



@bp.route("/pass")
def shell():
    """The shift screen. It holds nothing personal, so the service worker can
    keep it for offline use; the phone fills it in from /api/me and IndexedDB."""
    return render_template("shifts/shell.html", shell=True, kind_names=KIND_NAMES,
                           count_names=COUNT_NAMES)


@bp.route("/api/me")
@login_required
def me():
    """What the shift screen needs about the member, kept on their own phone."""
    db = get_db()
    link = personal_link(db, current_user.member_id)
    home = db.table("associations").get(current_user.association_id) \
        if current_user.association_id else None
    return {
        "member_id": current_user.member_id,
        "qr_url": url_for("links.qr_svg_file", link_id=link["id"]),
        "short_url": join_url(link["code"]).split("://")[1],
        "municipality_id": home["municipality_id"] if home else None,
        "municipalities": [{"id": r["id"], "name": r["name"]} for r in
                           db.table("municipalities").rows_where(order_by="name")],
        "campaigns": [{"id": c["id"], "name": c["name"]}
                      for c in open_campaigns(db, current_user.association_id)],
    }


@bp.route("/api/companions")
@login_required
def companions():
    """The association's other active members, to pick who one goes with.

    Only what the picker needs: first name and initial ("Anna A."), as on the
    leaderboard; members who chose to be hidden there are left out. Not kept
    on the phone: the shift stores only their ids.
    """
    rows = get_db().query(COMPANIONS_SQL,
                          [current_user.association_id, current_user.member_id])
    return {"members": [{"id": r["id"], "name": f"{r['first_name']} {r['last_name'][:1]}."}
                        for r in rows]}
