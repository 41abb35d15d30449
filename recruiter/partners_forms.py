"""The forms of the partner-organisation pages, and the link form's partner choice."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from . import partners_data
from .calls_forms import Checkboxes
from .forms import LinkForm
from .scope import own_partner


class MembershipsForm(FlaskForm):
    """Which partner organisations a member also belongs to (optional)."""
    partners = Checkboxes(_l("Jag är också med i"), coerce=int, validate_choice=True)


class PartnerLinkForm(LinkForm):
    """A link, credited to a partner organisation too when one is chosen."""
    partner_id = SelectField(_l("Tillsammans med"), coerce=int, default=0)


def own_partner_ids(db):
    """The partner organisations the current account may credit a link to: those
    it stated it belongs to, and the one its coordinator role is held over."""
    ids = set(partners_data.memberships(db, current_user.member_id))
    return ids | {own_partner()} - {None}


def partner_choices(db):
    """"No partner organisation" first, then the ones the account may credit."""
    own = own_partner_ids(db)
    return [SelectChoice(0, _("Ingen samarbetsorganisation"))] + [
        SelectChoice(p["id"], p["name"]) for p in db.table("partner_organisations").rows_where(
            order_by="name") if p["id"] in own]
