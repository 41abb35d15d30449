"""Partner organisations' call lists: the coordinator's upload and progress,
caller links, and the caller's one-person-at-a-time screen (calls.work_call).

The coordinator (or the national office on its behalf) sees counts only; a
caller sees the one person they hold; nobody sees the whole list's details.
"""
import tempfile

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from . import (audit, calls, calls_data, calls_team, partners_callers, partners_data,
               partners_lists)
from .association import public_url
from .db import get_db
from .limits import next_person_limit
from .links_data import join_url
from .partners_forms import PartnerListForm
from .qr import qr_svg
from .scope import own_unit, require_partner
from .units import ASSOCIATION

bp = Blueprint("partner_calls", __name__, url_prefix="/samarbete")
CALL_LINK_LABEL = "Samtal"


@bp.app_template_global()
def calling_for():
    """For the start page: the organisations the current role calls for, with how
    many wait on their open lists."""
    if not current_user.is_authenticated:
        return []
    return partners_callers.calling_for(get_db(), current_user.member_id) \
        if own_unit()[0] == ASSOCIATION else []


def _lists_page(partner, form, errors=(), status=200):
    db = get_db()
    return render_template(
        "partners/lists.html", partner=partner, form=form, errors=errors,
        lists=partners_lists.partner_lists(db, partner["id"]),
        callers=partners_callers.caller_count(db, partner["id"]),
        min_shown=partners_data.MIN_SHOWN, max_rows=partners_lists.MAX_ROWS), status


@bp.route("/<id:partner_id>/listor")
@login_required
def lists(partner_id):
    """The organisation's call lists with their progress (counts) and the upload form."""
    return _lists_page(require_partner(partner_id), PartnerListForm())


@bp.route("/<id:partner_id>/listor", methods=["POST"])
@login_required
def upload(partner_id):
    """Store an uploaded list, all or nothing; bad rows are named by line."""
    partner = require_partner(partner_id)
    try:
        form = PartnerListForm()
        valid = form.validate_on_submit()
    except RequestEntityTooLarge:
        form = PartnerListForm(formdata=None)
        form.file.errors = [_("Filen är för stor (högst 64 kB). Dela upp listan.")]
        return _lists_page(partner, form, status=413)
    if not valid:
        return _lists_page(partner, form, status=422)
    db = get_db()
    with tempfile.NamedTemporaryFile(suffix=".csv") as copy:
        form.file.data.save(copy)
        copy.flush()
        people, errors = partners_lists.read_upload(db, copy.name)
    if errors:
        return _lists_page(partner, form, errors, status=422)
    list_id = partners_lists.create_list(db, partner_id, current_user.member_id,
                                         form.purpose.data, form.script.data,
                                         form.closes_on.data, people)
    audit.record(db, "partner_list_uploaded", current_user.member_id, "call_list", list_id,
                 outcome=str(len(people)))
    flash(_("Listan är sparad: %(n)d personer.", n=len(people)), "success")
    return redirect(url_for(".lists", partner_id=partner_id))


@bp.route("/<id:partner_id>/listor/<id:list_id>/stang", methods=["POST"])
@login_required
def close(partner_id, list_id):
    """Close a list: nobody is called any more; the details go 30 days later."""
    require_partner(partner_id)
    db = get_db()
    listed = _partner_list(db, partner_id, list_id)
    partners_lists.close_list(db, listed["id"])
    audit.record(db, "partner_list_closed", current_user.member_id, "call_list", list_id)
    flash(_("Listan är stängd. Uppgifterna raderas om 30 dagar."), "success")
    return redirect(url_for(".lists", partner_id=partner_id))


def _partner_list(db, partner_id, list_id):
    listed = db.table("call_lists").get(list_id)
    if listed["kind"] != "partner" or listed["partner_id"] != partner_id:
        abort(404)
    return listed


@bp.route("/<id:partner_id>/ringlank", methods=["POST"])
@login_required
def caller_link(partner_id):
    """A link the coordinator shares inside the organisation: it names its callers."""
    partner = require_partner(partner_id)
    token = partners_callers.create_caller_link(get_db(), partner_id, current_user.member_id)
    link = public_url("partner_calls.become_caller", token=token)
    return render_template("partners/caller_link.html", partner=partner, link=link,
                           qr=qr_svg(link))


@bp.route("/ringare/<token>", methods=["GET", "POST"])
@login_required
def become_caller(token):
    """A party member opens the coordinator's link and agrees to call for the organisation."""
    db = get_db()
    link = partners_callers.usable_caller_link(db, token)
    if link is None:
        return render_template("auth/link_invalid.html", kind="invitation"), 410
    if not current_user.association_id:
        abort(403)  # callers are party members, with an association
    if request.method == "POST":
        partners_callers.become_caller(db, link["partner_id"], current_user.member_id)
        flash(_("Du ringer nu för %(name)s.", name=link["partner_name"]), "success")
        return redirect(url_for(".work", partner_id=link["partner_id"]))
    return render_template("partners/become_caller.html", link=link)


def require_caller(partner_id):
    """The organisation, if the current role calls for it; else 404/403."""
    partner = partners_data.partner(get_db(), partner_id)
    if partner is None:
        abort(404)
    if not partners_callers.may_call_for(get_db(), partner_id):
        abort(403)
    return partner


@bp.route("/<id:partner_id>/ring")
@login_required
def work(partner_id):
    """The caller's page: the organisation's open lists, one button each."""
    partner = require_caller(partner_id)
    db = get_db()
    return render_template("partners/work.html", partner=partner,
                           lists=partners_lists.open_lists(db, partner_id),
                           reached_today=calls_team.reached_today(db, current_user.member_id))


@bp.route("/<id:partner_id>/ring/<id:list_id>/nasta", methods=["POST"])
@login_required
@next_person_limit
def next_person(partner_id, list_id):
    """Take the next person off an open list (a lock for 15 minutes)."""
    require_caller(partner_id)
    db = get_db()
    listed = _partner_list(db, partner_id, list_id)
    target_id = None
    if partners_lists.is_open(listed):
        target_id = calls_data.next_target(db, list_id, current_user.member_id)
    if target_id is None:
        flash(_("Ingen väntar på ett samtal just nu. Bra jobbat!"), "success")
        return redirect(url_for(".work", partner_id=partner_id))
    return redirect(url_for(".call", partner_id=partner_id, target_id=target_id))


def _held(db, partner_id, target_id):
    row = calls_data.target(db, target_id)
    if row is None or row["kind"] != "partner" or row["partner_id"] != partner_id \
            or not row["standing"]:
        abort(404)
    return row


@bp.route("/<id:partner_id>/samtal/<id:target_id>", methods=["GET", "POST"])
@login_required
def call(partner_id, target_id):
    """One person: how to reach them, the caller's join link, one tap for the outcome."""
    partner = require_caller(partner_id)
    db = get_db()
    row = _held(db, partner_id, target_id)
    link = partners_callers.call_link(db, current_user.member_id, partner_id, CALL_LINK_LABEL)
    unit = {"partner_name": partner["name"], "join_url": join_url(link["code"])}
    return calls.work_call(db, row, unit, url_for(".work", partner_id=partner_id),
                           url_for(".pause", partner_id=partner_id, target_id=target_id))


@bp.route("/<id:partner_id>/samtal/<id:target_id>/paus", methods=["POST"])
@login_required
def pause(partner_id, target_id):
    """Give the person back to the list untouched."""
    require_caller(partner_id)
    _held(get_db(), partner_id, target_id)
    calls_data.release(get_db(), target_id, current_user.member_id)
    flash(_("Pausat. Personen finns kvar i listan."), "success")
    return redirect(url_for(".work", partner_id=partner_id))
