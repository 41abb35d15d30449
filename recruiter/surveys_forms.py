"""The survey forms: the office's new survey and codes, and the answer form built
from a survey's own questions."""
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from .surveys_data import EVALUATION, FREE_TEXT_MAX, MAX_CODES, PULSE, SCALE
from .text import code_text, name_error, nfc_trim

SCALE_LABELS = {1: _l("1 – Inte alls"), 2: "2", 3: "3", 4: "4", 5: _l("5 – Mycket")}


class SurveyForm(FlaskForm):
    kind = SelectField(_l("Slag"), choices=[
        SelectChoice(PULSE, _l("Medlemmarnas nöjdhet (halvår)")),
        SelectChoice(EVALUATION, _l("Årlig utvärdering (ordförande och administratörer)"))])
    title = StringField(_l("Namn"), filters=[nfc_trim], validators=[
        DataRequired(_l("Ge enkäten ett namn.")), Length(max=100)])
    opens_on = DateField(_l("Öppnar"), validators=[
        InputRequired(_l("Fyll i ett datum (åååå-mm-dd)."))])
    closes_on = DateField(_l("Stänger"), validators=[
        InputRequired(_l("Fyll i ett datum (åååå-mm-dd)."))])

    def validate_title(self, field):
        error = name_error(field.data)
        if error:
            raise ValidationError(error)

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("Enkäten kan inte stänga före den öppnar."))


class CodesForm(FlaskForm):
    municipality = SelectField(_l("Arbetarekommun"), coerce=int, validate_choice=True)
    count = IntegerField(_l("Antal koder"), validators=[
        InputRequired(_l("Fyll i hur många koder.")),
        NumberRange(1, MAX_CODES, _l("Mellan 1 och %(max)d koder.", max=MAX_CODES))],
        render_kw={"inputmode": "numeric"})


def language():
    return "en" if str(get_locale()) == "en" else "sv"


def answer_form(questions, with_code=False, **kwargs):
    """A form with one 1–5 question per scale question and the optional free text,
    labelled in the visitor's language."""
    lang = language()

    class AnswerForm(FlaskForm):
        pass

    if with_code:
        AnswerForm.code = StringField(_l("Din kod"), filters=[code_text], validators=[
            DataRequired(_l("Fyll i koden från brevet.")), Length(max=64)],
            render_kw={"autocomplete": "off", "autocapitalize": "characters"})
    for q in questions["scale"]:
        setattr(AnswerForm, f"q_{q['key']}", RadioField(
            q[lang], choices=[SelectChoice(str(n), SCALE_LABELS[n]) for n in SCALE],
            validators=[InputRequired(_l("Välj ett svar från 1 till 5."))]))
    AnswerForm.free_text = TextAreaField(
        questions["free_text"][lang], filters=[nfc_trim],
        validators=[Optional(), Length(max=FREE_TEXT_MAX, message=_l(
            "Högst %(max)d tecken.", max=FREE_TEXT_MAX))])
    return AnswerForm(**kwargs)


def scores(form, questions):
    """{question key: 1–5} from a validated answer form."""
    return {q["key"]: int(form[f"q_{q['key']}"].data) for q in questions["scale"]}
