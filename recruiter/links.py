"""A member's sign-up links: the "Värva" screen, QR codes and printable flyers."""
import hashlib
import io

from flask import (Blueprint, abort, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .campaigns_data import open_campaigns
from .db import get_db, now
from .forms import FlyerForm
from .links_data import create_link, join_url, member_links, personal_link
from .partners_forms import PartnerLinkForm, own_partner, partner_choices
from .qr import qr_png, qr_svg
from .signups import recruits_of

bp = Blueprint("links", __name__)

def own_link(db, link_id):
    """One of the current member's links, or 404 for anyone else's."""
    link = db.table("links").get(link_id)
    if link["member_id"] != current_user.member_id:
        abort(404)
    return link


@bp.route("/varva")
@login_required
def index():
    """The recruiting screen: the member's QR code, their links and recruits."""
    db = get_db()
    link = personal_link(db, current_user.member_id)
    form = link_form(db)
    recruits = recruits_of(db, current_user.member_id)
    return render_template(
        "links/index.html", link=link, url=join_url(link["code"]),
        qr=qr_svg(join_url(link["code"])), links=member_links(db, current_user.member_id),
        form=form, recruits=recruits)


def link_form(db):
    """The new-link form with the campaigns running and the account's partner
    organisations (a coordinator's own chosen from the start; a member picks one)."""
    form = PartnerLinkForm()
    form.campaign_id.choices = campaign_choices(db)
    form.partner_id.choices = partner_choices(db)
    if not form.is_submitted() and own_partner():
        form.partner_id.data = own_partner()
    return form


def campaign_choices(db):
    """The campaigns a link can belong to, with "none" first."""
    return [SelectChoice(0, _("Ingen kampanj"))] + [
        SelectChoice(c["id"], c["name"])
        for c in open_campaigns(db, current_user.association_id)]  # issue 13: own campaigns


@bp.route("/lankar", methods=["POST"])
@login_required
def create():
    """Make an extra link with a label and perhaps a campaign."""
    db = get_db()
    form = link_form(db)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(url_for(".index"))
    create_link(db, current_user.member_id, form.label.data, form.campaign_id.data or None,
                partner_id=form.partner_id.data or None)
    flash(_("Länken är skapad."), "success")
    return redirect(url_for(".index") + "#lankar")


@bp.route("/lankar/<id:link_id>/stang", methods=["POST"])
@login_required
def revoke(link_id):
    """Switch a link off; people who use it later join on their own initiative."""
    db = get_db()
    link = own_link(db, link_id)
    db.execute("update links set revoked_at = ? where id = ? and revoked_at is null",
               [now(), link["id"]])
    if link["is_personal"]:
        create_link(db, current_user.member_id, is_personal=True)
    flash(_("Länken är avstängd."), "success")
    return redirect(url_for(".index") + "#lankar")


def _image_response(data, mimetype, code):
    """A QR image, cacheable by the browser because a code never changes."""
    response = send_file(io.BytesIO(data), mimetype=mimetype, etag=False,
                         download_name=f"varva-{code}.{mimetype.split('/')[1][:3]}")
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    response.cache_control.private = True
    response.cache_control.max_age = 86400
    return response.make_conditional(request)


@bp.route("/lankar/<id:link_id>/qr.svg")
@login_required
def qr_svg_file(link_id):
    """The link's QR code as SVG."""
    link = own_link(get_db(), link_id)
    return _image_response(str(qr_svg(join_url(link["code"]))).encode(), "image/svg+xml",
                           link["code"])


@bp.route("/lankar/<id:link_id>/qr.png")
@login_required
def qr_png_file(link_id):
    """The link's QR code as a large PNG, for print shops."""
    link = own_link(get_db(), link_id)
    response = _image_response(qr_png(join_url(link["code"])), "image/png", link["code"])
    response.headers["Content-Disposition"] = f"attachment; filename=varva-{link['code']}.png"
    return response


@bp.route("/lankar/<id:link_id>/flygblad")
@login_required
def flyer(link_id):
    """A printable flyer (A4 and A6 on one page); the first name only if asked for."""
    link = own_link(get_db(), link_id)
    form = FlyerForm(request.args, meta={"csrf": False})
    show_name = form.validate() and form.show_name.data
    return render_template(
        "links/flyer.html", link=link, url=join_url(link["code"]),
        qr=qr_svg(join_url(link["code"])), form=form,
        first_name=current_user.first_name if show_name else None)
