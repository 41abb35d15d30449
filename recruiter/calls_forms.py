"""The call screen's form, built from the fixed questions of each list kind.

The questions are data (QUESTIONS), not code per list: a new list kind is a
new entry here, with its outcomes in OUTCOMES.
"""
from datetime import datetime, timezone
from typing import NamedTuple
from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, HiddenField, RadioField,
                     SelectField, SelectMultipleField, TextAreaField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .calls_data import NOTE_MAX
from .periods import TZ
from .register_csv import REASON_NAMES


class Question(NamedTuple):
    name: str
    kind: str  # choice (one of), multi (any of), yes (a tick)
    label: object
    choices: tuple = ()
    needs: str = ""  # asked only when the person's row has this (e.g. a recruiter)
    required: bool = False  # when the person was reached (and `only_if` holds)
    only_if: tuple = ()  # (question, answer): kept only after that answer


# The resignation reasons (the register's categories) a caller can hear on the phone.
LEAVE_REASONS = ("economy", "politics", "moved", "inactive", "other", "unknown")


QUESTIONS = {
    "welcome": (
        Question("recruiter", "choice", _l("Vem pratade du med när du anmälde dig?"), (
            ("yes", _l("Värvaren som står ovan")), ("other", _l("Någon annan")),
            ("no", _l("Ingen, jag anmälde mig själv"))), needs="recruiter_id"),
        Question("active", "multi", _l("Vill du vara med och …"), (
            ("doors", _l("knacka dörr")), ("stand", _l("stå i stånd")),
            ("phone", _l("ringa")), ("welcome", _l("välkomna nya")), ("other", _l("annat")))),
        Question("call_later", "yes", _l("Vill bli uppringd senare")),
    ),
    "unpaid": (
        Question("answer", "choice", _l("Vad sa personen?"), (
            ("will_pay", _l("Betalar avgiften")), ("wants_to_leave", _l("Vill gå ur"))),
            required=True),
        Question("reason", "choice", _l("Om personen vill gå ur: varför?"),
                 tuple((r, REASON_NAMES[r]) for r in LEAVE_REASONS), required=True,
                 only_if=("answer", "wants_to_leave")),
    ),
    # A partner organisation's list: the person is offered membership; whoever
    # joins does so through the caller's partner link (sent by sms or e-mail).
    "partner": (
        Question("answer", "choice", _l("Vad sa personen?"), (
            ("joins", _l("Vill bli medlem: fick länken")), ("thinks", _l("Vill fundera")),
            ("no", _l("Nej tack"))), required=True),
    ),
}
ANSWER_NAMES = {"will_pay": _l("betalar"), "wants_to_leave": _l("vill gå ur"),
                "joins": _l("vill bli medlem"), "thinks": _l("vill fundera"),
                "no": _l("nej tack")}
TITLES = {"welcome": _l("Välkomstsamtal"), "unpaid": _l("Obetald medlemsavgift"),
          "partner": _l("Samtal för samarbetsorganisationen")}
# What the caller says first (the welcome call needs no line: it is a welcome).
SCRIPTS = {"unpaid": _l(
    "Vi ringer för att medlemsavgiften inte är betald ännu. Vi vill gärna att du är kvar! "
    "Har avin kommit fram, och vill du fortsätta som medlem? Om du vill gå ur: fråga "
    "gärna varför, men övertala inte.")}
OUTCOMES = {
    "welcome": (("reached", _l("Nådde personen")), ("no_answer", _l("Inget svar")),
                ("call_back", _l("Ring upp senare")), ("wrong_number", _l("Fel nummer")),
                ("not_interested", _l("Inte intresserad")),
                ("handed_over", _l("Lämna till en annan förening"))),
    "unpaid": (("reached", _l("Nådde personen")), ("no_answer", _l("Inget svar")),
               ("call_back", _l("Ring upp senare")), ("wrong_number", _l("Fel nummer")),
               ("not_interested", _l("Inte intresserad"))),
}
OUTCOMES["partner"] = OUTCOMES["unpaid"]
OUTCOME_NAMES = {key: label for outcomes in OUTCOMES.values() for key, label in outcomes}


def choices(pairs):
    """(value, label) pairs as the SelectChoice objects WTForms wants."""
    return [SelectChoice(value, label) for value, label in pairs]


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CallForm(FlaskForm):
    """One call's outcome; the list kind's questions are added by call_form()."""
    client_uuid = HiddenField(validators=[DataRequired(), Length(min=8, max=64)])
    outcome = RadioField(_l("Hur gick samtalet?"), validators=[
        DataRequired(_l("Välj hur samtalet gick."))])
    call_back_at = DateTimeLocalField(_l("Ring upp igen (dag och tid)"), validators=[Optional()],
                                      format="%Y-%m-%dT%H:%M")
    handover_to = SelectField(_l("Till vilken förening?"), coerce=int, validate_choice=False,
                              default=0)
    note = TextAreaField(_l("Anteckning (frivillig)"), validators=[
        Optional(), Length(max=NOTE_MAX, message=_l("Högst %(max)d tecken."))])

    def validate_call_back_at(self, field):
        if self.outcome.data != "call_back":
            return
        if field.data is None:
            raise ValidationError(_l("Välj när du ska ringa upp."))
        if field.data.replace(tzinfo=TZ) <= datetime.now(TZ):
            raise ValidationError(_l("Välj en tid som inte har varit."))

    def validate_handover_to(self, field):
        if self.outcome.data != "handed_over":
            return
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Välj en förening i listan."))

    def call_back_utc(self):
        """The chosen Swedish time as UTC ISO text, or None."""
        if self.outcome.data != "call_back" or self.call_back_at.data is None:
            return None
        moment = self.call_back_at.data.replace(tzinfo=TZ).astimezone(timezone.utc)
        return moment.isoformat(timespec="seconds")

    def validate(self, extra_validators=None):
        """The fields, then the kind's required answers when the person was reached."""
        valid = super().validate(extra_validators)
        if self.outcome.data != "reached":
            return valid
        for q in QUESTIONS[self.kind]:
            if q.required and self._asked(q) and self[q.name].data in (None, "", [], False):
                self[q.name].errors = [*self[q.name].errors, _("Svara på frågan: %(q)s",
                                                                q=q.label)]
                valid = False
        return valid

    def _asked(self, question):
        name, answer = question.only_if or (None, None)
        return name is None or self[name].data == answer

    def answers(self, kind):
        """The answers to the kind's questions, only when the person was reached."""
        if self.outcome.data != "reached":
            return {}
        return {q.name: self[q.name].data for q in QUESTIONS[kind]
                if self[q.name].data not in (None, "", [], False) and self._asked(q)}


def call_form(kind, handover_choices=(), recruiter_name=None, formdata=None):
    """The form for one list kind: its outcomes and its questions as fields.

    `formdata`: the outbox's JSON as a MultiDict; else the request's form.
    """
    fields = {}
    for q in QUESTIONS[kind]:
        if q.kind == "choice":
            fields[q.name] = RadioField(q.label, choices=choices(q.choices),
                                        validators=[Optional()])
        elif q.kind == "multi":
            fields[q.name] = Checkboxes(q.label, choices=choices(q.choices),
                                        validators=[Optional()])
        else:
            fields[q.name] = BooleanField(q.label)
    form_class = type(f"{kind.title()}CallForm", (CallForm,), {**fields, "kind": kind})
    form = form_class() if formdata is None else form_class(formdata=formdata)
    outcomes = OUTCOMES[kind]
    if not handover_choices:
        outcomes = tuple(o for o in outcomes if o[0] != "handed_over")
    form.outcome.choices = choices(outcomes)
    form.handover_to.choices = choices(handover_choices)
    if kind == "welcome" and recruiter_name:
        form.recruiter.choices[0] = SelectChoice("yes", recruiter_name)
    return form


class WelcomersForm(FlaskForm):
    """The members a chair names to make welcome calls."""
    members = Checkboxes(_l("Vilka får ringa välkomstsamtal?"), coerce=int, validate_choice=True)


class DueDaysForm(FlaskForm):
    """How many days a new member may wait for the welcome call."""
    days = SelectField(_l("Välkomstsamtal inom"), coerce=int, choices=choices(
        (d, _l("%(num)d dagar", num=d)) for d in (3, 5, 7, 10, 14, 21, 30)))


class DecisionForm(FlaskForm):
    """The chair's answer when a new member did not confirm their recruiter."""
    choice = RadioField(choices=choices((("keep", _l("Räknas")), ("clear", _l("Egen kraft")))),
                        validators=[DataRequired()])


def _message(kind, unit, row):
    """The prepared text (sms and e-mail) and the e-mail's subject for this kind of list."""
    names = {"name": row["first_name"], "party": current_app.config["PARTY_NAME"],
             "association": unit.get("association_name"), "me": current_user.first_name}
    if kind == "partner":
        names.update(partner=unit["partner_name"], link=unit["join_url"])
        return (_("Hej %(name)s! Tack för samtalet. Här är länken om du vill bli medlem i "
                  "%(party)s, tillsammans med %(partner)s: %(link)s Hälsningar %(me)s",
                  **names),
                _("Bli medlem i %(party)s", **names))
    if kind == "unpaid":
        return (_("Hej %(name)s! Jag heter %(me)s och ringer från %(association)s. Vi ser att "
                  "medlemsavgiften till %(party)s inte är betald ännu. Vi vill gärna att du är "
                  "kvar! Hör av dig om något har krånglat.", **names),
                _("Din medlemsavgift till %(party)s", **names))
    return (_("Hej %(name)s! Välkommen till %(party)s och %(association)s. Jag heter %(me)s och "
              "ringer från föreningen. Hör gärna av dig när det passar!", **names),
            _("Välkommen till %(party)s", **names))


def contact_links(unit, row):
    """tel:, sms: with a prepared Swedish text, and mailto: for the person held."""
    text, subject = _message(row["kind"], unit, row)
    links = {}
    if row["phone"]:
        links["tel"] = f"tel:{row['phone']}"
        links["sms"] = f"sms:{row['phone']}?body={quote(text)}"
    if row["email"]:
        links["mailto"] = (f"mailto:{quote(row['email'], safe='@')}"
                           f"?subject={quote(subject)}&body={quote(text)}")
    return links
