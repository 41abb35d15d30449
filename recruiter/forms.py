"""Every form of the app, with Swedish labels and server-side rules."""
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import (BooleanField, DateField, EmailField, HiddenField, IntegerField, RadioField,
                     PasswordField, SelectField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, Email, EqualTo, Length, NumberRange,
                                Optional, ValidationError)

from .passwords import MAX_LENGTH, MIN_LENGTH, is_too_common
from .signups import normalise_phone, normalise_postcode
from .text import ascii_code, code_text, name_error, nfc_trim, number_text, whole_number

csrf = CSRFProtect()

EMAIL_KW = {"autocomplete": "email", "inputmode": "email", "autocapitalize": "none"}
NEW_PASSWORD_KW = {"autocomplete": "new-password"}


def not_common(form, field):
    """Refuse the passwords every attacker tries first."""
    if field.data and is_too_common(field.data):
        raise ValidationError(_l("Lösenordet är för vanligt. Välj något svårare att gissa."))


def new_password_field(label):
    """A new-password field with the length rules and the common-password check."""
    return PasswordField(label, validators=[
        DataRequired(_l("Fyll i ett lösenord.")),
        Length(MIN_LENGTH, MAX_LENGTH,
               _l("Lösenordet ska vara %(min)d–%(max)d tecken.", min=MIN_LENGTH, max=MAX_LENGTH)),
        not_common,
    ], render_kw=NEW_PASSWORD_KW)


def repeat_field():
    return PasswordField(_l("Upprepa lösenordet"), validators=[
        DataRequired(_l("Upprepa lösenordet.")),
        EqualTo("password", _l("Lösenorden är inte lika.")),
    ], render_kw=NEW_PASSWORD_KW)


class LoginForm(FlaskForm):
    email = EmailField(_l("E-post"), validators=[
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=254)], filters=[code_text],
        render_kw=EMAIL_KW)
    password = PasswordField(_l("Lösenord"), validators=[
        DataRequired(_l("Fyll i ditt lösenord.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Kom ihåg mig på den här telefonen"), default=True)
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Nuvarande lösenord"), validators=[
        DataRequired(_l("Fyll i ditt nuvarande lösenord.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"})
    password = new_password_field(_l("Nytt lösenord"))
    repeat = repeat_field()
    logout_others = BooleanField(_l("Logga ut mina andra enheter"), default=True)


class ResetForm(FlaskForm):
    password = new_password_field(_l("Nytt lösenord"))
    repeat = repeat_field()


def strip(value):
    return value.strip() if value else value


def name_rule(form, field):
    """The one rule for every name: people, units, campaigns, links (text.name_error)."""
    error = name_error(field.data)
    if error:
        raise ValidationError(error)


def name_field(label, missing):
    return StringField(label, filters=[nfc_trim], validators=[
        DataRequired(missing), Length(max=100, message=_l("Högst 100 tecken.")), name_rule])


class RegisterForm(FlaskForm):
    first_name = name_field(_l("Förnamn"), _l("Fyll i ditt förnamn."))
    last_name = name_field(_l("Efternamn"), _l("Fyll i ditt efternamn."))
    email = EmailField(_l("E-post"), filters=[code_text], validators=[
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=254),
        Email(_l("Det ser inte ut som en e-postadress."))], render_kw=EMAIL_KW)
    password = new_password_field(_l("Välj ett lösenord"))
    repeat = repeat_field()


class InvitationForm(FlaskForm):
    max_uses = IntegerField(_l("Hur många kan använda länken?"), default=1, validators=[
        DataRequired(_l("Ange ett antal.")),
        NumberRange(1, 100, _l("Ange ett antal från 1 till 100."))],
        render_kw={"inputmode": "numeric", "min": 1, "max": 100})


class RoleSwitchForm(FlaskForm):
    role_id = SelectField(_l("Byt roll"), coerce=int)


class LanguageForm(FlaskForm):
    lang = HiddenField(validators=[DataRequired()])
    next = HiddenField()


def code_field():
    return StringField(_l("Kod"), filters=[lambda v: code_text(v).upper() if v else v],
                       validators=[DataRequired(_l("Fyll i en kod.")), Length(max=20)])


class UnitForm(FlaskForm):
    """A district, municipal organisation or association: name and code."""
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    code = code_field()


PARTNER_KINDS = ("youth", "students", "women", "union", "faith", "lgbt", "other")
PARTNER_KIND_NAMES = {
    "youth": _l("Ungdomsförbund"), "students": _l("Studentförbund"),
    "women": _l("Kvinnoförbund"), "union": _l("Fackförbund"), "faith": _l("Tro och solidaritet"),
    "lgbt": _l("HBTQ"), "other": _l("Annan"),
}


class PartnerForm(FlaskForm):
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    code = code_field()
    kind = SelectField(_l("Slag"), choices=[SelectChoice(k, PARTNER_KIND_NAMES[k]) for k in PARTNER_KINDS])


class LinkForm(FlaskForm):
    label = StringField(_l("Vad är länken till?"), filters=[nfc_trim], validators=[
        DataRequired(_l("Ge länken ett namn, t.ex. ”Torgmöte Stortorget 12/5”.")),
        Length(max=60, message=_l("Högst 60 tecken.")), name_rule])
    campaign_id = SelectField(_l("Kampanj"), coerce=int, default=0)


class FlyerForm(FlaskForm):
    show_name = BooleanField(_l("Visa mitt förnamn på flygbladet"))


def birth_year_check(form, field):
    """A whole year from 1900 up to the year that gives the minimum age."""
    latest = date.today().year - current_app.config["MIN_JOIN_AGE"]
    year = whole_number(field.data, max_digits=4)
    if year is None or not 1900 <= year <= latest:
        raise ValidationError(_l("Skriv ditt födelseår med fyra siffror (1900–%(latest)d).",
                                 latest=latest))


def postcode_check(form, field):
    if normalise_postcode(field.data) is None:
        raise ValidationError(_l("Skriv postnumret med fem siffror, t.ex. 211 45."))


def phone_check(form, field):
    if field.data and normalise_phone(field.data) is None:
        raise ValidationError(_l("Skriv ett mobilnummer, t.ex. 070-123 45 67."))


class JoinForm(FlaskForm):
    """The public sign-up form behind the QR codes and the plain join page."""
    first_name = name_field(_l("Förnamn"), _l("Fyll i ditt förnamn."))
    last_name = name_field(_l("Efternamn"), _l("Fyll i ditt efternamn."))
    email = EmailField(_l("E-post"), filters=[code_text], validators=[
        Optional(), Length(max=254, message=_l("Högst 254 tecken.")),
        Email(_l("Det ser inte ut som en e-postadress."))], render_kw=EMAIL_KW)
    phone = StringField(_l("Mobilnummer"), filters=[number_text], validators=[
        Optional(), Length(max=30, message=_l("Högst 30 tecken.")), phone_check],
        render_kw={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})
    birth_year = StringField(_l("Födelseår"), filters=[number_text], validators=[
        Length(max=10), birth_year_check],
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year", "maxlength": 4})
    postcode = StringField(_l("Postnummer"), filters=[number_text], validators=[
        Length(max=10), postcode_check],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 6})
    association_id = SelectField(_l("Förening"), coerce=int, validate_choice=False, default=0)
    recruiter_code = StringField(_l("Värvarkod (om någon har gett dig en)"), filters=[code_text],
                                 validators=[Optional(), Length(max=20)],
                                 render_kw={"autocapitalize": "characters", "autocomplete": "off"})
    consent = BooleanField(validators=[
        DataRequired(_l("Kryssa i rutan för att bli medlem."))])
    website = StringField(_l("Lämna tomt"), validators=[Length(max=200)],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    submission_id = HiddenField(validators=[Length(max=64)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not self.email.data and not self.phone.data:
            self.email.errors = list(self.email.errors) + [
                _l("Fyll i e-post eller mobilnummer, så att vi kan nå dig.")]
            ok = False
        return ok


class CampaignForm(FlaskForm):
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    starts_on = DateField(_l("Börjar"), validators=[DataRequired(_l("Ange ett datum."))])
    ends_on = DateField(_l("Slutar"), validators=[DataRequired(_l("Ange ett datum."))])
    goal = IntegerField(_l("Mål (antal anmälningar)"), validators=[
        Optional(), NumberRange(1, 1_000_000, _l("Ange ett antal från 1 till 1 000 000."))],
        render_kw={"inputmode": "numeric"})

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Kampanjen kan inte sluta innan den börjar."))


class VisibilityForm(FlaskForm):
    leaderboard_name = RadioField(_l("Så här syns jag på topplistan"), choices=[
        SelectChoice("initial", _l("Förnamn och initial (t.ex. Anna A.)")),
        SelectChoice("full", _l("Hela namnet")),
        SelectChoice("hidden", _l("Dold: ”En medlem” (räknas ändå i summorna)")),
        SelectChoice("none", _l("Inte med alls: jag ser bara mina egna siffror och "
                                "föreningens (räknas ändå i summorna)")),
    ])


class CodeForm(FlaskForm):
    code = StringField(_l("Kod"), filters=[ascii_code], validators=[Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class ReauthForm(CodeForm):
    password = PasswordField(_l("Lösenord"), validators=[
        DataRequired(_l("Fyll i ditt lösenord.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"})


class DuplicateForm(FlaskForm):
    """The chair settles a possible duplicate; the template writes the radios
    by hand so that several pairs on one page keep unique ids."""
    details = RadioField(_l("Vilka uppgifter stämmer?"), choices=[
        SelectChoice("later", _l("De nya")), SelectChoice("earlier", _l("De tidigare"))])
    credit = RadioField(_l("Vem värvade?"), choices=[
        SelectChoice("earlier", _l("Som på den tidigare anmälan")),
        SelectChoice("later", _l("Som på den nya anmälan")),
        SelectChoice("none", _l("Ingen: egen kraft"))])


class GiveBackForm(FlaskForm):
    """The member's own password ends handed-over mode on their phone."""
    password = PasswordField(_l("Medlemmens lösenord"), validators=[
        DataRequired(_l("Medlemmen skriver sitt lösenord här.")), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "off"})


class PersonSearchForm(FlaskForm):
    """The office's search: posted, so the address never lands in a URL or a proxy log."""
    q = StringField(_l("E-post eller mobilnummer"), filters=[code_text], validators=[
        DataRequired(_l("Fyll i en e-postadress eller ett mobilnummer.")), Length(max=254)],
        render_kw={"autocomplete": "off", "maxlength": 254})
