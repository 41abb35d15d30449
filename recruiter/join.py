"""Joining the party: behind a member's QR code, on the plain join page, or
signed up on the spot on a member's phone. No login needed but for the last."""
import hashlib
import hmac
import json
import smtplib
import sqlite3
import time
import uuid

from flask import (Blueprint, copy_current_request_context, current_app, flash, make_response,
                   redirect, render_template, request, session, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms.fields.choices import SelectChoice

from . import audit, links_data, mail, privacy
from .cache import PageCache
from .db import get_db
from .forms import GiveBackForm, JoinForm, csrf
from .limits import limiter
from .origin import same_origin
from .passwords import verify_password
from .sessions import new_token, revoke_session, token_hash
from .signups import current_consent, normalise_phone, normalise_postcode, record_signup

bp = Blueprint("join", __name__)

PUBLIC_LIMIT = "20 per minute; 200 per hour"
# One budget per address across every join page, as the README promises:
# not 20 on /bli-medlem plus 20 on each /j/<code>.
join_limit = limiter.shared_limit(PUBLIC_LIMIT, scope="join", methods=["POST"])


@bp.route("/j/<code>", methods=["GET", "POST"])
@csrf.exempt
@join_limit
def via_link(code):
    """The page a member's QR code opens; a dead link still takes the sign-up."""
    link = links_data.active_link(get_db(), code)
    return _join(link, "link" if link else "own_initiative")


@bp.route("/bli-medlem", methods=["GET", "POST"])
@csrf.exempt
@join_limit
def plain():
    """The plain join page: own initiative, unless a recruiter code is typed."""
    return _join(None, "own_initiative")


# Handed-over mode: while the member's phone is in a stranger's hands, only
# these open; the rest leads back to the form until the member gives their
# password. The outbox and what the browser fetches by itself keep working.
HANDED_OVER = "handed_over"
GIVE_BACK_FAILURES = "give_back_failures"
MAX_GIVE_BACK_FAILURES = 5
HANDED_OVER_ENDPOINTS = {
    "join.on_the_spot", "join.thanks", "join.give_back", "join.privacy_notice",
    "home.language", "static", "pwa.service_worker", "pwa.manifest", "pwa.offline",
    "pwa.csrf_token", "pwa.health", "shifts.api_create"}


@bp.before_app_request
def keep_handed_over():
    """While the phone is handed over, every member page leads back to the form."""
    if HANDED_OVER not in session or request.endpoint in HANDED_OVER_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        session.pop(HANDED_OVER)  # logged out: nothing left to guard
        return None
    if request.path.startswith("/api/"):
        return {"error": _("Telefonen är utlånad för en anmälan.")}, 423
    return redirect(url_for("join.on_the_spot"))


@bp.app_context_processor
def handed_over_flag():
    """Pages a stranger may see while holding the phone drop the member's header and menu."""
    return {"handed_over": HANDED_OVER in session and current_user.is_authenticated}


@bp.route("/varva/pa-plats", methods=["GET", "POST"])
@csrf.exempt
@login_required
@limiter.limit("30 per minute", methods=["POST"], key_func=lambda: f"m{current_user.member_id}")
def on_the_spot():
    """A member signs up the person in front of them on their own phone, which
    shows nothing of the member's until they take it back (give_back)."""
    session[HANDED_OVER] = current_user.member_id
    db = get_db()
    link = links_data.personal_link(db, current_user.member_id)
    return _join(links_data.active_link(db, link["code"]), "on_the_spot")


@bp.route("/tack")
def thanks():
    """The same page for everyone, so it tells nobody who is a member already.

    The withdrawal token comes from the session, once, never from the URL
    (where proxy logs and the browser history would keep it).
    """
    receipt = str(session.pop("receipt", ""))[:64]
    if not receipt.replace("-", "").replace("_", "").isalnum():
        receipt = None
    return render_template("join/thanks.html", receipt=receipt)


@bp.route("/varva/pa-plats/tillbaka", methods=["GET", "POST"])
@login_required
@limiter.limit("5 per minute", methods=["POST"], key_func=lambda: f"back{current_user.member_id}")
def give_back():
    """The member takes the phone back with their password; five wrong ones log it out."""
    form = GiveBackForm()
    if form.validate_on_submit():
        db = get_db()
        member = db.table("members").get(current_user.member_id)
        if verify_password(member["password_hash"], form.password.data):
            session.pop(HANDED_OVER, None)
            session.pop(GIVE_BACK_FAILURES, None)
            flash(_("Telefonen är din igen."), "success")
            return redirect(url_for("links.index"))
        session[GIVE_BACK_FAILURES] = session.get(GIVE_BACK_FAILURES, 0) + 1
        if session[GIVE_BACK_FAILURES] >= MAX_GIVE_BACK_FAILURES:
            audit.record(db, "logout", current_user.member_id, outcome="handover_failures")
            revoke_session(db, current_user.session_id)
            logout_user()
            session.clear()
            flash(_("Fel lösenord för många gånger: telefonen är utloggad."), "error")
            return redirect(url_for("auth.login"))
        form.password.errors.append(_("Fel lösenord. Räck telefonen till den som värvade dig."))
    return render_template("join/give_back.html", form=form)


def _thank(token):
    """Redirect to the thank-you page, which shows the token's withdrawal link once."""
    session["receipt"] = token
    return redirect(url_for(".thanks"))


@bp.route("/angra/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def withdraw(token):
    """Withdraw one's sign-up: its details are erased, an anonymous row stays. Other sign-ups
    with the same e-mail are withdrawn only through a link mailed to that address."""
    if request.method == "POST":
        _ids, shared = privacy.withdraw(get_db(), token_hash(token[:64]))
        # The same answer, as fast, whether or not the link matched a sign-up and whether or
        # not other sign-ups carry the address: the mail goes after the answer has been sent.
        response = make_response(render_template("join/withdrawn.html"))
        if shared:
            response.call_on_close(_confirmation_mailer(*shared))
        return response
    return render_template("join/withdraw.html", token=token)


ADDRESS_LINK_DAYS = 7


@bp.route("/angra/adress/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def withdraw_address(token):
    """The owner of an address, through the link mailed to it, withdraws every sign-up that
    carries it (also one that someone else made in their name)."""
    try:
        ids = _address_signer().loads(token[:2048], max_age=ADDRESS_LINK_DAYS * 86400)
    except BadData:
        return render_template("join/withdraw_address.html", expired=True), 404
    if request.method == "POST":
        privacy.withdraw_confirmed(get_db(), ids)
        return render_template("join/withdrawn.html")
    return render_template("join/withdraw_address.html", count=len(ids))


def _confirmation_mailer(email, others):
    """Mail the owner of an address a link that withdraws the other sign-ups carrying it. The
    link names rows by id, so the address never appears in a URL or a log."""
    link = (current_app.config["PUBLIC_BASE_URL"].rstrip("/")
            + url_for(".withdraw_address", token=_address_signer().dumps(others)))

    @copy_current_request_context
    def send():
        try:
            mail.send_link(email, _("Återkalla alla anmälningar med din e-postadress"), link)
        except (OSError, smtplib.SMTPException):
            current_app.logger.warning("withdrawal confirmation not mailed")
    return send


def _address_signer():
    return URLSafeTimedSerializer(current_app.secret_key, salt="withdraw-address")


def _join(link, source):
    db = get_db()
    form = _join_form(source)
    _offer_associations(db, form, link)
    if request.method == "GET":
        if source == "on_the_spot":
            form.submission_id.data = uuid.uuid4().hex
            return _render(form, link, source)
        return _public_page(db, link, lambda: _render(form, link, source))
    if source != "on_the_spot" and not same_origin():
        return _render(form, link, source, status=403)
    if not form.validate_on_submit():
        return _render(form, link, source, csrf_expired="csrf_token" in form.errors)
    if form.website.data:
        current_app.logger.info("join honeypot filled; nothing stored")
        return _thank(new_token())
    attribution = _attribution(db, form, link, source)
    if attribution is None:
        form.recruiter_code.errors.append(_("Vi hittar ingen värvare med den koden. "
                                            "Kontrollera den eller lämna fältet tomt."))
        return _render(form, link, source)
    token = new_token()
    try:
        record_signup(db, {**_person(db, form, attribution),
                           "withdraw_token_hash": token_hash(token)}, attribution)
    except sqlite3.OperationalError:
        # Disk full, read-only, or locked past the busy timeout: nothing was
        # stored (the transaction rolled back); the person keeps what they typed.
        current_app.logger.exception("sign-up not stored")
        return _render(form, link, source, status=503)
    if source == "on_the_spot":
        return redirect(url_for(".thanks", igen=1))
    # Every sign-up is stored (a repeat one as a possible duplicate), each
    # with its own token: the page looks the same either way.
    return _thank(token)


def _join_form(source):
    """The join form. Only the member's phone (on the spot) carries a CSRF token: the public
    pages are the same for everyone and are checked by origin instead (origin.py)."""
    return JoinForm() if source == "on_the_spot" else JoinForm(meta={"csrf": False})


def _offer_associations(db, form, link):
    """Let the person pick an association of the recruiter's municipality."""
    if link is None or link["municipality_id"] is None:
        del form.association_id
        return
    rows = db.table("associations").rows_where(
        "municipality_id = ?", [link["municipality_id"]], order_by="name")
    form.association_id.choices = [SelectChoice(r["id"], r["name"]) for r in rows]
    if request.method == "GET":
        form.association_id.data = link["association_id"]


def _attribution(db, form, link, source):
    """Who gets the credit; None when a typed recruiter code matches no link."""
    if link is None and form.recruiter_code.data:
        link = links_data.active_link(db, form.recruiter_code.data)
        if link is None:
            return None
        source = "link"
    if link is None:
        return {"source": "own_initiative", "link_id": None, "recruiter_id": None,
                "campaign_id": None, "association_id": None, "partner_id": None}
    chosen = form.association_id.data if "association_id" in form else None
    valid = {choice.value for choice in form.association_id.choices} if chosen else set()
    return {"source": source, "link_id": link["id"], "recruiter_id": link["member_id"],
            "campaign_id": link["campaign_id"], "partner_id": link["partner_id"],
            "association_id": chosen if chosen in valid else link["association_id"]}


def _person(db, form, attribution):
    """The fields stored about the person: the minimum the party needs."""
    person = {
        "first_name": form.first_name.data, "last_name": form.last_name.data,
        "email": form.email.data.lower() if form.email.data else None,
        "phone": normalise_phone(form.phone.data) if form.phone.data else None,
        "birth_year": int(form.birth_year.data),
        "postcode": normalise_postcode(form.postcode.data),
        "consent_id": current_consent(db)["id"],
    }
    return {**person, "submission_id": _submission_id(db, form, person, attribution)}


def _submission_id(db, form, person, attribution):
    """A member's phone sends its own key, kept apart per member; a public page's key is
    derived on the server, never taken from the browser (whoever could send someone else's
    key would take over that sign-up's withdrawal link)."""
    if attribution["source"] == "on_the_spot" and form.submission_id.data:
        return f"m{attribution['recruiter_id']}-{form.submission_id.data}"
    return derived_submission_id(db, person, attribution)


RESEND_WINDOW_SECONDS = 600
LIVE_SUBMISSION_SQL = "select erased_at from signups where submission_id = ?"


def derived_submission_id(db, person, attribution, at=None):
    """The idempotency key of a sign-up from a page rendered once for everybody: the same
    details through the same link within ten to twenty minutes are one submission, so a double
    tap or a resend after a lost answer is stored once. After a withdrawal the same details
    are a new sign-up."""
    bucket = int((at or time.time()) // RESEND_WINDOW_SECONDS)
    fields = [person[k] for k in ("first_name", "last_name", "email", "phone", "birth_year",
                                  "postcode")] + [attribution.get("link_id"),
                                                  attribution.get("association_id")]
    keys = [f"d-{_digest(fields + [b])}" for b in (bucket, bucket - 1)]
    for key in keys:
        row = next(db.query(LIVE_SUBMISSION_SQL, [key]), None)
        if row is not None:
            return key if row["erased_at"] is None else uuid.uuid4().hex
    return keys[0]


def _digest(fields):
    """Keyed with the app's secret: nobody can work out a sign-up's key from its details."""
    message = json.dumps(fields, default=str).encode()
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) \
        else current_app.secret_key
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]


def _render(form, link, source, csrf_expired=False, status=None):
    """The join form; errors are shown beside their fields with a 200, as
    browsers and screen readers expect of a form page."""
    return render_template(
        "join/form.html", form=form, link=link, source=source,
        consent=current_consent(get_db()), csrf_expired=csrf_expired,
        cross_site=status == 403, rate_limited=status == 429,
        unavailable=status == 503), status or 200


PUBLIC_PAGE_SECONDS = 60


def _public_page(db, link, render):
    """The public join page as a newcomer first sees it, rendered once per address, language,
    link and consent text and kept a minute: at a TV peak most requests are this page."""
    # A query string (rare: a QR code carries none) is shown back in the language switch's
    # "next", so such a page is rendered for its visitor alone.
    if current_user.is_authenticated or session.get("_flashes") or request.query_string:
        return render()
    pages = current_app.extensions.setdefault("public_pages", PageCache(PUBLIC_PAGE_SECONDS))
    key = (request.path, str(get_locale()), current_consent(db)["id"],
           tuple(sorted(link.items())) if link else None)
    return pages.get(key, render)


@bp.errorhandler(429)
def too_many(error):
    """Keep what the person typed and ask them to send again in a minute."""
    if request.endpoint == "join.give_back":
        form = GiveBackForm()
        form.password.errors.append(_("Vänta en minut och försök igen."))
        return render_template("join/give_back.html", form=form), 429
    link, source = None, "own_initiative"
    if request.view_args and "code" in request.view_args:
        link = links_data.active_link(get_db(), request.view_args["code"])
        source = "link" if link else source
    elif request.endpoint == "join.on_the_spot":
        own = links_data.personal_link(get_db(), current_user.member_id)
        link, source = links_data.active_link(get_db(), own["code"]), "on_the_spot"
    form = _join_form(source)
    _offer_associations(get_db(), form, link)
    return _render(form, link, source, status=429)



@bp.route("/integritet")
def privacy_notice():
    """Who handles the sign-up, why, for how long, and the person's rights (GDPR art. 13)."""
    config = current_app.config
    return render_template("join/privacy.html", controller=config["CONTROLLER"],
                           dpo=config["DPO_CONTACT"], days=config["SIGNUP_RETENTION_DAYS"])
