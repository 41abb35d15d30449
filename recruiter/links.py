"""A member's sign-up links: the "Värva" screen, QR codes and printable flyers."""
import hashlib
import io
import secrets
import sqlite3

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from .campaigns_data import open_campaigns
from .db import get_db, now
from .forms import FlyerForm
from .qr import qr_png, qr_svg
from .signups import recruits_of

bp = Blueprint("links", __name__)

# No 0/O, 1/I/L: a code read aloud or typed from paper comes out right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code():
    """A short random link code: 31^8, about 8.5e11 possibilities."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw):
    """A code as printed: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def create_link(db, member_id, label=None, campaign_id=None, is_personal=False, partner_id=None):
    """Store a new link for a member (and perhaps a partner organisation, credited
    beside the member) and return its row; retries a taken code."""
    for _attempt in range(5):
        try:
            link_id = db.table("links").insert({
                "code": new_code(), "member_id": member_id, "label": label,
                "campaign_id": campaign_id, "is_personal": int(is_personal),
                "created_at": now(),
                # Only when given: links made before the column existed (m022) insert without it.
                **({"partner_id": partner_id} if partner_id else {}),
            }).last_pk
            return db.table("links").get(link_id)
        except sqlite3.IntegrityError:
            continue
    raise RuntimeError("could not find a free link code")


def active_link(db, code):
    """The link behind a code with its member's association, if it still works."""
    rows = list(db.query(
        """select l.*, m.first_name, m.association_id, a.name as association_name,
                  a.municipality_id
           from links l join members m on m.id = l.member_id
           left join associations a on a.id = m.association_id
           where l.code = ? and l.revoked_at is null and m.is_active = 1""",
        [normalise_code(code)]))
    return rows[0] if rows else None


def member_links(db, member_id):
    """A member's links, personal first, each with its number of sign-ups
    (withdrawn or erased ones and unsettled duplicates not counted)."""
    return list(db.query(
        """select l.*, c.name as campaign_name, p.name as partner_name,
                  (select count(*) from signups s where s.link_id = l.id
                   and s.erased_at is null and s.duplicate_of is null) as signups
           from links l left join campaigns c on c.id = l.campaign_id
           left join partner_organisations p on p.id = l.partner_id
           where l.member_id = ?
           order by l.is_personal desc, l.revoked_at is not null, l.created_at desc""",
        [member_id]))


def personal_link(db, member_id):
    """The member's personal link, made now if an older account has none."""
    rows = list(db.table("links").rows_where(
        "member_id = ? and is_personal = 1 and revoked_at is null", [member_id], limit=1))
    return rows[0] if rows else create_link(db, member_id, is_personal=True)


def campaigns_running(db):
    """Campaigns that have not ended, for the link form."""
    return list(db.table("campaigns").rows_where(
        "ends_on >= date('now')", order_by="starts_on"))


def own_link(db, link_id):
    """One of the current member's links, or 404 for anyone else's."""
    link = db.table("links").get(link_id)
    if link["member_id"] != current_user.member_id:
        abort(404)
    return link


def join_url(code):
    """The absolute printed address for a code, from PUBLIC_BASE_URL."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/j/{code}"


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
    # Imported here: partners_forms needs scope, which needs accounts, which needs this module.
    from .partners_forms import PartnerLinkForm, own_partner, partner_choices

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
