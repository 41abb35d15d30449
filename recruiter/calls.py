"""The welcome calls: the chair and the welcomers take one new member at a time.

Everything lives under /valkomna. A caller sees only the person they hold
(calls_data.next_target locks one); the list's owner sees counts and the
answers that need a decision, never the whole list's contact details.
"""
import uuid

import click
from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from . import audit, calls_data, calls_team, partners_callers
from .calls_forms import (OUTCOME_NAMES, QUESTIONS, SCRIPTS, TITLES, DecisionForm,
                          DueDaysForm, WelcomersForm, call_form, choices, contact_links)
from .db import get_db
from .limits import next_person_limit
from .scope import may_see_contacts, own_unit, require_unit
from .units import ASSOCIATION

# cli_group=None: `flask send-welcome-digest`, beside the commands in cli.py.
bp = Blueprint("calls", __name__, url_prefix="/valkomna", cli_group=None)


@bp.app_template_global()
def welcomed_in_time(level, unit_id):
    """For the overviews: {child unit id: (welcomed in time, due)} (calls_team)."""
    return calls_team.welcomed_in_time(get_db(), level, unit_id)


def caller_unit(association_id):
    """The association, if the current role may make its welcome calls (chair or welcomer)."""
    unit = require_unit("association", association_id, "member")
    if not may_call(get_db(), association_id):
        abort(403)
    return unit


def owns_list(association_id):
    """The list's owner: the association's chair, who may read its contact details."""
    return may_see_contacts(association_id)


def may_call(db, association_id):
    """The owner, or a member of the association the chair named a welcomer."""
    return owns_list(association_id) or (
        own_unit() == (ASSOCIATION, association_id)
        and calls_team.is_welcomer(db, association_id, current_user.member_id))


def held_target(association_id, target_id):
    """The person the current caller holds on this association's list; else 404/409."""
    row = calls_data.target(get_db(), target_id)
    if row is None or row["association_id"] != association_id or not row["standing"]:
        abort(404)
    return row


@bp.route("/<id:association_id>")
@login_required
def index(association_id):
    """The list's page: progress for its owner and administrators, the start button for callers."""
    unit = require_unit("association", association_id, "member")
    db = get_db()
    caller = may_call(db, association_id)
    if own_unit()[0] == ASSOCIATION and not caller:
        abort(403)  # a member who is no welcomer; administrators above see the counts
    calls_data.sync_welcome(db, association_id)
    calls_data.sync_unpaid(db, association_id)
    return render_template(
        "calls/index.html", unit=unit, may_call=caller, is_chair=owns_list(association_id),
        counts=calls_team.progress(db, association_id),
        unpaid=calls_team.progress(db, association_id, kind="unpaid"),
        unpaid_answers=calls_team.unpaid_answers(db, association_id),
        decisions=calls_team.decisions(db, association_id) if owns_list(association_id) else [],
        reached_today=calls_team.reached_today(db, current_user.member_id))


@bp.route("/<id:association_id>/nasta", methods=["POST"])
@login_required
@next_person_limit
def next_person(association_id):
    """Take the next person off a list (a lock for 15 minutes) and show them.

    The form's `kind` names the list (welcome by default, or unpaid).
    """
    caller_unit(association_id)
    kind = request.form.get("kind", "welcome")
    if kind not in calls_data.KINDS:
        abort(400)
    db = get_db()
    listed = calls_data.SYNC[kind](db, association_id)
    target_id = calls_data.next_target(db, listed["id"], current_user.member_id)
    if target_id is None:
        flash(_("Ingen väntar på ett samtal just nu. Bra jobbat!"), "success")
        return redirect(url_for(".index", association_id=association_id))
    return redirect(url_for(".call", association_id=association_id, target_id=target_id))


@bp.route("/<id:association_id>/samtal/<id:target_id>", methods=["GET", "POST"])
@login_required
def call(association_id, target_id):
    """One person: how to reach them, and one tap for how the call went."""
    unit = caller_unit(association_id)
    row = held_target(association_id, target_id)
    return work_call(get_db(), row, unit, url_for(".index", association_id=association_id),
                     url_for(".pause", association_id=association_id, target_id=target_id))


def work_call(db, row, unit, back, pause_url, **extra):
    """The call screen for any list kind: show the person held, or store the outcome.

    `unit` is what the prepared texts name (contact_links); `back` where the
    caller returns; `extra` more for the template (a partner list's script).
    """
    form = _form(db, row)
    if form.is_submitted() and calls_team.already_recorded(db, form.client_uuid.data):
        return redirect(back)  # a double tap
    allowed = calls_data.may_record if form.is_submitted() else calls_data.holds
    if not allowed(row, current_user.member_id):
        flash(_("Personen är inte din längre (någon annan har tagit den, eller så gick "
                "15 minuter). Ta nästa."), "error")
        return redirect(back)
    if form.validate_on_submit():
        _record(db, row, form)
        flash(_("Sparat: %(outcome)s.", outcome=OUTCOME_NAMES[form.outcome.data]), "success")
        return redirect(back)
    if not form.is_submitted():
        form.client_uuid.data = str(uuid.uuid4())
    return render_template("calls/call.html", unit=unit, person=row, form=form,
                           questions=QUESTIONS[row["kind"]], links=contact_links(unit, row),
                           title=TITLES[row["kind"]],
                           script=row["script"] or SCRIPTS.get(row["kind"]),
                           overdue=row["due_on"] < calls_data.swedish_today(),
                           back_url=back, pause_url=pause_url, **extra)


def _is_id(value):
    """A row id as SQLite stores it: a whole number (not a bool) within 64 bits."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


@bp.route("/api/samtal", methods=["POST"])
@login_required
def api_call():
    """An outcome from the phone's outbox: 201 stored, 200 replay, 409 taken, 422 invalid."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        payload = None
    if not isinstance(payload, dict) or not _is_id(payload.get("target_id")) \
            or not isinstance(payload.get("client_uuid"), str):
        return {"errors": {"_": [_("Skicka ett JSON-objekt med target_id och client_uuid.")]}}, 422
    db = get_db()
    row = calls_data.target(db, payload["target_id"])
    if row is None or not row["standing"]:
        abort(404)
    if row["kind"] == "partner":
        if not partners_callers.may_call_for(db, row["partner_id"]):
            abort(403)
    else:
        caller_unit(row["association_id"])
    if calls_team.already_recorded(db, payload.get("client_uuid")):
        return {"created": False}, 200
    if not calls_data.may_record(row, current_user.member_id):
        return {"errors": {"_": [_("Någon annan har tagit personen sedan dess.")]}}, 409
    form = _form(db, row, formdata=_multidict(payload))
    if not form.validate():
        return {"errors": form.errors}, 422
    _record(db, row, form)
    return {"created": True}, 201


def _multidict(payload):
    """JSON values as form data: a list becomes repeated values, null is left out."""
    return MultiDict([(key, str(value)) for key, values in payload.items()
                      for value in (values if isinstance(values, list) else [values])
                      if value is not None and not isinstance(value, (dict, list))])


def _record(db, row, form):
    if form.outcome.data == "handed_over" and not owns_list(row["association_id"]):
        abort(403)
    calls_data.record_call(db, row, current_user.member_id, {
        "client_uuid": form.client_uuid.data, "outcome": form.outcome.data,
        "answers": form.answers(row["kind"]), "note": form.note.data,
        "call_back_at": form.call_back_utc(), "handover_to": form.handover_to.data})


def _form(db, row, formdata=None):
    handover = calls_team.other_associations(db, row["association_id"]) \
        if row["kind"] == "welcome" and owns_list(row["association_id"]) else []
    return call_form(row["kind"], handover,
                     _("Ja, %(name)s", name=row["recruiter_first_name"])
                     if row["recruiter_first_name"] else None, formdata)


@bp.route("/<id:association_id>/samtal/<id:target_id>/paus", methods=["POST"])
@login_required
def pause(association_id, target_id):
    """Give the person back to the list untouched."""
    caller_unit(association_id)
    held_target(association_id, target_id)
    calls_data.release(get_db(), target_id, current_user.member_id)
    flash(_("Pausat. Personen finns kvar i listan."), "success")
    return redirect(url_for(".index", association_id=association_id))


@bp.route("/<id:association_id>/beslut/<id:target_id>", methods=["POST"])
@login_required
def decide(association_id, target_id):
    """The chair settles a recruiter the new member did not confirm: keep or clear the credit."""
    _chair_unit(association_id)
    db = get_db()
    row = held_target(association_id, target_id)
    if not row["needs_decision"]:
        abort(404)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    keep = form.choice.data == "keep"
    calls_team.settle_credit(db, row, keep=keep)
    audit.record(db, "welcome_credit", current_user.member_id, "signup", row["signup_id"],
                 outcome="kept" if keep else "cleared")
    flash(_("Klart.") if keep else _("Anmälningen räknas nu som egen kraft."), "success")
    return redirect(url_for(".index", association_id=association_id))


def _chair_unit(association_id):
    unit = require_unit("association", association_id, "chair")
    if not owns_list(association_id):
        abort(403)
    return unit


@bp.route("/<id:association_id>/valkomnare", methods=["GET", "POST"])
@login_required
def welcomers(association_id):
    """The chair names the active members who may make welcome calls.

    Administrators above the chair may too: they already manage these accounts.
    """
    unit = require_unit("association", association_id, "chair")
    db = get_db()
    members = calls_team.active_members(db, association_id)
    form = WelcomersForm()
    form.members.choices = choices((m["id"], f"{m['first_name']} {m['last_name']}")
                                   for m in members)
    if form.validate_on_submit():
        chosen = form.members.data or []
        calls_team.set_welcomers(db, association_id, chosen)
        audit.record(db, "welcomers_set", current_user.member_id, "association", association_id,
                     outcome=str(len(chosen)))
        flash(_("Sparat."), "success")
        return redirect(url_for(".index", association_id=association_id))
    if not form.is_submitted():
        form.members.data = calls_team.welcomer_ids(db, association_id)
    return render_template("calls/welcomers.html", unit=unit, form=form)


@bp.route("/kommun/<id:municipality_id>", methods=["GET", "POST"])
@login_required
def due_days(municipality_id):
    """The municipal organisation sets how soon new members are welcomed."""
    unit = require_unit("municipality", municipality_id, "municipal_admin")
    db = get_db()
    form = DueDaysForm()
    if form.validate_on_submit():
        db.execute("update municipalities set welcome_due_days = ? where id = ?",
                   [form.days.data, municipality_id])
        audit.record(db, "welcome_due_days", current_user.member_id, "municipality",
                     municipality_id, outcome=str(form.days.data))
        flash(_("Sparat. Det gäller nya anmälningar från och med nu."), "success")
        return redirect(url_for(".due_days", municipality_id=municipality_id))
    if not form.is_submitted():
        form.days.data = calls_team.due_days(db, municipality_id)
    return render_template("calls/due_days.html", unit=unit, form=form)


@bp.cli.command("send-welcome-digest")
def send_welcome_digest_command():
    """Mail each chair how many new members wait for a welcome call (for cron, weekly).

    Counts and a link only: no names or contact details in the mail.
    """
    if not current_app.config.get("MAIL_SERVER"):
        raise click.ClickException("Ingen e-postserver (MAIL_SERVER) är inställd: inget skickat.")
    sent = calls_team.send_digest(get_db())
    click.echo(f"{sent} brev skickade till ordförande.")
