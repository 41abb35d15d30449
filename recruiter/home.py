"""The start page, the language switch and what every page says about the viewer."""
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .db import get_db
from .forms import LanguageForm
from .i18n import LANG_COOKIE
from .redirects import safe_next
from .scope import ROLE_LEVEL, scope_label

bp = Blueprint("home", __name__)

ROLE_NAMES = {
    "member": _l("Medlem"),
    "chair": _l("Ordförande"),
    "municipal_admin": _l("Administratör, arbetarekommun"),
    "district_admin": _l("Administratör, partidistrikt"),
    "national_admin": _l("Administratör, partistyrelsens kansli"),
}


@bp.app_context_processor
def viewer():
    """Whose data the page shows: one query per page, whatever the page."""
    context = {"role_names": ROLE_NAMES}
    if current_user.is_authenticated:
        role = current_user.role
        context.update(viewing=scope_label(get_db(), role["role"], role["unit_id"]),
                       level=ROLE_LEVEL[role["role"]])
    return context


@bp.route("/")
@login_required
def index():
    """The member's start page: who they are and where they can go."""
    return render_template("home/index.html")


@bp.route("/sprak", methods=["POST"])
def language():
    """Remember the chosen language in a cookie for a year."""
    form = LanguageForm()
    back = safe_next(form.next.data) or url_for("home.index")
    response = redirect(back)
    if form.validate_on_submit() and form.lang.data in current_app.config["LANGUAGES"]:
        response.set_cookie(LANG_COOKIE, form.lang.data, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=request.is_secure, httponly=True)
    return response
