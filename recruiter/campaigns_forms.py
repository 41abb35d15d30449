"""The campaign form: name, period, text for members, where it runs, goals."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .forms import name_field
from .text import nfc_trim

# measure -> (label, upper bound): the goals a campaign or plan can set.
GOAL_FIELDS = {
    "signups": (_l("Anmälningar"), 1_000_000),
    "paid_new_members": (_l("Nya betalande medlemmar (registrets siffror)"), 1_000_000),
    "recruited_share": (_l("Andel värvade (procent)"), 100),
    "shifts": (_l("Pass"), 1_000_000),
    "doors": (_l("Dörrar"), 10_000_000),
    "welcome_in_time": (_l("Välkomnade i tid (procent)"), 100),
}
MEASURE_NAMES = {k: label for k, (label, _top) in GOAL_FIELDS.items()}


def goal_field(measure):
    label, top = GOAL_FIELDS[measure]
    return IntegerField(label, validators=[Optional(), NumberRange(
        1, top, _l("Ange ett heltal från 1 till %(top)s.", top=f"{top:,}".replace(",", " ")))],
        render_kw={"inputmode": "numeric"})


class GoalsForm(FlaskForm):
    """One optional target per measure; left empty: no goal on it."""
    goal_signups = goal_field("signups")
    goal_paid_new_members = goal_field("paid_new_members")
    goal_recruited_share = goal_field("recruited_share")
    goal_shifts = goal_field("shifts")
    goal_doors = goal_field("doors")
    goal_welcome_in_time = goal_field("welcome_in_time")

    def goals(self):
        """[(measure, target)] for the targets filled in."""
        return [(m, self[f"goal_{m}"].data) for m in GOAL_FIELDS
                if self[f"goal_{m}"].data is not None]

    def goal_fields(self):
        return [self[f"goal_{m}"] for m in GOAL_FIELDS]


class CampaignForm(GoalsForm):
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    starts_on = DateField(_l("Börjar"), validators=[DataRequired(_l("Ange ett datum."))])
    ends_on = DateField(_l("Slutar"), validators=[DataRequired(_l("Ange ett datum."))])
    description = TextAreaField(_l("Kort text som medlemmarna ser"), filters=[nfc_trim],
                                validators=[Length(max=500, message=_l("Högst 500 tecken."))])
    parent_campaign_id = SelectField(_l("Ingår i kampanjen"), coerce=int, default=0)
    associations = SelectMultipleField(
        _l("Föreningar som deltar (inga ikryssade: alla)"), coerce=int, default=[],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Kampanjen kan inte sluta innan den börjar."))
        if self.starts_on.data and field.data and (field.data - self.starts_on.data).days > 366:
            raise ValidationError(_l("En kampanj kan vara högst ett år."))
