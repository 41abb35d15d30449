"""The rules for a logged shift, shared by the phone's JSON and the edit form."""
import re
import unicodedata
from datetime import datetime, timedelta, timezone

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from .text import name_error

# A new kind or count also needs a migration (a count is a column of shifts).
SHIFT_KINDS = ("door_knocking", "street", "phone", "workplace", "event", "digital")
SHIFT_COUNTS = ("doors_knocked", "doors_opened", "conversations", "paper_signups", "interested")

MAX_COUNT = 5000
MAX_HOURS = 16
CLOCK_SKEW = timedelta(minutes=10)
EDIT_WINDOW = timedelta(days=7)
# How old a shift may be when it reaches the server: the correction window
# plus a week for a phone whose outbox could not send it (no network on a
# campaign trip). Older ones were not logged on the day; never a shift in 1900.
MAX_AGE = EDIT_WINDOW + timedelta(days=7)
UUID_RE = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
# Flat numbers and floors point at one household: never stored. Matched on the
# place lower-cased without periods, so "L.g.h." is "lgh" and "vån." is "vån".
HOUSEHOLD_RE = re.compile(
    r"\b(lgh|lägenhet(en|er)?|våning(en|ar)?|vån|bv|nb|ög|c/o|trapp(a|or)"
    r"|[0-9]+\s*(tr|plan)|plan\s*[0-9]+)(?![^\W\d_])"  # no letter next: "lgh1102" too
    # A four-digit flat number after the street number: "Storgatan 5 1102".
    r"|\b[0-9]+[a-z]?\s+[0-9]{4}\b")

KIND_NAMES = {
    "door_knocking": _l("Dörrknackning"), "street": _l("Gatuvärvning/torgmöte"),
    "phone": _l("Telefon"), "workplace": _l("Arbetsplats"), "event": _l("Evenemang"),
    "digital": _l("Digitalt"),
}
COUNT_NAMES = {
    "doors_knocked": _l("Knackade dörrar"), "doors_opened": _l("Öppnade dörrar"),
    "conversations": _l("Samtal"), "paper_signups": _l("Anmälningar på papper"),
    "interested": _l("Intresserade"),
}


def count_field(name):
    return IntegerField(COUNT_NAMES[name], default=0, validators=[
        Optional(), NumberRange(0, MAX_COUNT, _l("Ett heltal från 0 till %(max)d.", max=MAX_COUNT))],
        render_kw={"inputmode": "numeric", "min": 0, "max": MAX_COUNT})


class TimeField(Field):
    """An ISO-8601 time with a timezone, as the phone sends it (toISOString)."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            try:
                self.data = datetime.fromisoformat(str(valuelist[0]))
            except ValueError:
                raise ValueError(_l("Ogiltig tid.")) from None
            if self.data.tzinfo is None:
                self.data = None
                raise ValueError(_l("Tiden saknar tidszon."))
            try:  # year 1 at +01:00 is before the first UTC moment Python has
                self.data = self.data.astimezone(timezone.utc)
            except OverflowError:
                self.data = None
                raise ValueError(_l("Ogiltig tid.")) from None

    def _value(self):
        return self.data.isoformat() if self.data else ""


def names_a_household(place):
    """True when a place points at one household or person, not a street or area.

    Refused: a flat or a floor ("lgh 1102", "l.g.h. 1102", "lägenhet 3",
    "våning 4", "vån 2", "3 tr", "plan 2", "bv", "c/o"), a four-digit flat
    number after the street number ("Storgatan 5 1102"), and after a comma two
    or more words without a digit, which read as a person's name ("Storgatan
    5, Anna Svensson"). Fine: "Storgatan 5", "Storgatan 1–15",
    "Möllevångstorget", "Rosengård centrum", "Storgatan 5, Malmö".
    """
    text = unicodedata.normalize("NFKC", place).lower().replace(".", "")
    if HOUSEHOLD_RE.search(text):
        return True
    return any(len(part.split()) >= 2 and not any(ch.isdigit() for ch in part)
               for part in text.split(",")[1:])


class ShiftCountsForm(FlaskForm):
    """The counts of a shift: what a member may correct for seven days."""
    doors_knocked = count_field("doors_knocked")
    doors_opened = count_field("doors_opened")
    conversations = count_field("conversations")
    paper_signups = count_field("paper_signups")
    interested = count_field("interested")
    note = TextAreaField(_l("Anteckning"), validators=[
        Optional(), Length(max=500, message=_l("Högst 500 tecken."))])

    def validate_doors_opened(self, field):
        if (field.data or 0) > (self.doors_knocked.data or 0):
            raise ValidationError(_l("Fler öppnade än knackade dörrar."))


class ShiftForm(ShiftCountsForm):
    """A whole shift as the phone's outbox sends it."""
    client_uuid = StringField(validators=[DataRequired(), Regexp(UUID_RE)])
    kind = SelectField(_l("Slag av pass"),
                       choices=[SelectChoice(k, KIND_NAMES[k]) for k in SHIFT_KINDS])
    place = StringField(_l("Område eller gata"), filters=[lambda v: v.strip() if v else v],
                        validators=[DataRequired(_l("Skriv område eller gata.")),
                                    Length(max=60, message=_l("Högst 60 tecken."))])
    municipality_id = IntegerField(validators=[Optional()])
    campaign_id = IntegerField(validators=[Optional()])
    activity_id = IntegerField(validators=[Optional()])  # started from an activity
    started_at = TimeField(validators=[DataRequired(_l("Starttid saknas."))])
    ended_at = TimeField(validators=[DataRequired(_l("Sluttid saknas."))])

    def validate_place(self, field):
        if field.data and (name_error(field.data) or names_a_household(field.data)):
            raise ValidationError(_l("Skriv bara gata eller område – inga lägenheter, "
                                     "våningar eller namn."))

    def validate_started_at(self, field):
        if not field.data:
            return
        now = datetime.now(timezone.utc)
        if field.data > now + CLOCK_SKEW:
            raise ValidationError(_l("Passet kan inte börja i framtiden."))
        if field.data < now - MAX_AGE:
            raise ValidationError(_l("Passet är för gammalt: pass kan loggas upp till "
                                     "%(days)d dagar efteråt.", days=MAX_AGE.days))

    def validate_ended_at(self, field):
        start, end = self.started_at.data, field.data
        if not (start and end):
            return
        if end <= start:
            raise ValidationError(_l("Passet måste sluta efter att det börjat."))
        if end - start > timedelta(hours=MAX_HOURS):
            raise ValidationError(_l("Ett pass kan vara högst %(hours)d timmar.", hours=MAX_HOURS))
        if end > datetime.now(timezone.utc) + CLOCK_SKEW:
            raise ValidationError(_l("Passet kan inte sluta i framtiden."))


SHIFT_JSON_KEYS = {"client_uuid", "member_id", "kind", "place", "municipality_id", "campaign_id",
                   "started_at", "ended_at", "note", "companions", "activity_id",
                   *SHIFT_COUNTS}
