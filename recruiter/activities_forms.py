"""The rules for an activity: what an organiser may plan, and in which words."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (DateTimeLocalField, IntegerField, SelectField, StringField,
                     TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from .shift_forms import KIND_NAMES, MAX_HOURS, names_a_household
from .text import name_error

STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The shift kinds one plans together; "digital" is done alone at home.
ACTIVITY_KINDS = ("door_knocking", "street", "workplace", "phone", "event")
AUDIENCES = ("association", "municipality", "campaign")
AUDIENCE_NAMES = {"association": _l("Föreningen"), "municipality": _l("Hela arbetarekommunen"),
                  "campaign": _l("Alla i kampanjen")}
MAX_CAPACITY = 500
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


def strip(value):
    return value.strip() if isinstance(value, str) else value


def check_place(form, field):
    """The shift's place rule: a street or an area, never a household or a person."""
    if field.data and (name_error(field.data) or names_a_household(field.data)):
        raise ValidationError(_l("Skriv bara gata, plats eller område – inga lägenheter, "
                                 "våningar eller namn."))


def local_field(label, missing):
    return DateTimeLocalField(label, format=LOCAL_FORMAT,
                              validators=[DataRequired(missing)],
                              render_kw={"step": 300})


def to_utc(local):
    """A wall-clock time in Stockholm (naive, from the form) as UTC."""
    return local.replace(tzinfo=STOCKHOLM).astimezone(timezone.utc)


def to_local(iso):
    """A stored UTC time as a naive Stockholm wall-clock time for the form."""
    return datetime.fromisoformat(iso).astimezone(STOCKHOLM).replace(tzinfo=None)


class MoveForm(FlaskForm):
    """When and where: all that moving an activity changes."""
    starts_at = local_field(_l("Börjar"), _l("Skriv när aktiviteten börjar."))
    ends_at = local_field(_l("Slutar"), _l("Skriv när aktiviteten slutar."))
    place = StringField(_l("Samlingsplats"), filters=[strip], validators=[
        DataRequired(_l("Skriv var ni samlas.")), Length(max=60, message=_l("Högst 60 tecken.")),
        check_place], render_kw={"autocomplete": "off", "maxlength": 60})

    def validate_starts_at(self, field):
        if field.data and to_utc(field.data) < datetime.now(timezone.utc):
            raise ValidationError(_l("Aktiviteten kan inte börja i det förflutna."))

    def validate_ends_at(self, field):
        start, end = self.starts_at.data, field.data
        if not (start and end):
            return
        if to_utc(end) <= to_utc(start):
            raise ValidationError(_l("Aktiviteten måste sluta efter att den börjar."))
        if to_utc(end) - to_utc(start) > timedelta(hours=MAX_HOURS):
            raise ValidationError(_l("En aktivitet kan vara högst %(hours)d timmar.",
                                     hours=MAX_HOURS))


class ActivityForm(MoveForm):
    """Plan an activity: what, when, where, how many, for whom."""
    kind = SelectField(_l("Vad gör ni?"), choices=[SelectChoice(k, KIND_NAMES[k]) for k in ACTIVITY_KINDS])
    capacity = IntegerField(_l("Hur många behövs?"), default=6, validators=[
        InputRequired(_l("Skriv hur många som behövs.")),
        NumberRange(1, MAX_CAPACITY, _l("Ett heltal från 1 till %(max)d.", max=MAX_CAPACITY))],
        render_kw={"inputmode": "numeric", "min": 1, "max": MAX_CAPACITY})
    audience = SelectField(_l("Vem ser aktiviteten?"),
                           choices=[SelectChoice(a, AUDIENCE_NAMES[a]) for a in AUDIENCES])
    campaign_id = SelectField(_l("Kampanj"), coerce=int, choices=[SelectChoice(0, _l("Ingen kampanj"))])
    description = TextAreaField(_l("Kort text (valfri)"), filters=[strip], validators=[
        Optional(), Length(max=500, message=_l("Högst 500 tecken."))],
        render_kw={"rows": 3, "maxlength": 500})

    def limit_choices(self, audiences, campaigns):
        """Only the audiences the organiser's level has and the running campaigns."""
        self.audience.choices = [SelectChoice(a, AUDIENCE_NAMES[a]) for a in audiences]
        self.campaign_id.choices = [SelectChoice(0, _l("Ingen kampanj"))] + [
            SelectChoice(c["id"], c["name"]) for c in campaigns]

    def validate_campaign_id(self, field):
        if self.audience.data == "campaign" and not field.data:
            raise ValidationError(_l("Välj kampanjen som ska se aktiviteten."))


class MessageForm(FlaskForm):
    """The organiser's short message to everyone signed up."""
    text = TextAreaField(_l("Meddelande"), filters=[strip], validators=[
        DataRequired(_l("Skriv ett meddelande.")),
        Length(max=1000, message=_l("Högst 1000 tecken."))],
        render_kw={"rows": 4, "maxlength": 1000})
