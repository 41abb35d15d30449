"""The forms of the partner-organisation pages, and the link form's partner choice."""
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from . import partners_data
from .calls_data import swedish_today
from .calls_forms import Checkboxes
from .forms import LinkForm
from .scope import own_partner
from .text import nfc_trim

SCRIPT_MAX = 1000
MAX_DAYS = 365  # a list is called within a year


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


class PartnerListForm(FlaskForm):
    """A partner organisation's list of people to call, with its purpose, end date and script."""
    purpose = StringField(_l("Vad är listan till?"), filters=[nfc_trim], validators=[
        DataRequired(_l("Skriv vad listan är till, t.ex. ”Förtroendevalda i avd. 12”.")),
        Length(max=200, message=_l("Högst 200 tecken."))])
    script = TextAreaField(_l("Vad ringaren säger (manus)"), filters=[nfc_trim], validators=[
        DataRequired(_l("Skriv ett kort manus.")),
        Length(max=SCRIPT_MAX, message=_l("Högst %(max)d tecken."))])
    closes_on = DateField(_l("Sista dag att ringa"), validators=[
        DataRequired(_l("Välj sista dag (ÅÅÅÅ-MM-DD)."))])
    file = FileField(_l("CSV-fil (högst 64 kB)"), validators=[
        FileRequired(_l("Välj en CSV-fil."))],
        render_kw={"accept": ".csv,text/csv", "class": "button secondary"})

    def validate_closes_on(self, field):
        today = date.fromisoformat(swedish_today())
        if field.data < today or field.data > today + timedelta(days=MAX_DAYS):
            raise ValidationError(_l("Välj en dag från i dag och högst ett år fram."))
