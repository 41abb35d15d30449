"""Every form of the app, with Swedish labels and server-side rules."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import (BooleanField, EmailField, HiddenField, IntegerField,
                     PasswordField, SelectField, StringField)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (DataRequired, Email, EqualTo, Length, NumberRange,
                                ValidationError)

from .migrations import PARTNER_KINDS
from .passwords import MAX_LENGTH, MIN_LENGTH, is_too_common

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
        DataRequired(_l("Fyll i din e-postadress.")), Length(max=254)], render_kw=EMAIL_KW)
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


def name_field(label, missing):
    return StringField(label, filters=[strip], validators=[
        DataRequired(missing), Length(max=100, message=_l("Högst 100 tecken."))])


class RegisterForm(FlaskForm):
    first_name = name_field(_l("Förnamn"), _l("Fyll i ditt förnamn."))
    last_name = name_field(_l("Efternamn"), _l("Fyll i ditt efternamn."))
    email = EmailField(_l("E-post"), validators=[
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
    return StringField(_l("Kod"), filters=[lambda v: v.strip().upper() if v else v],
                       validators=[DataRequired(_l("Fyll i en kod.")), Length(max=20)])


class UnitForm(FlaskForm):
    """A district, municipal organisation or association: name and code."""
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    code = code_field()


PARTNER_KIND_NAMES = {
    "youth": _l("Ungdomsförbund"), "students": _l("Studentförbund"),
    "women": _l("Kvinnoförbund"), "union": _l("Fackförbund"), "faith": _l("Tro och solidaritet"),
    "lgbt": _l("HBTQ"), "other": _l("Annan"),
}


class PartnerForm(FlaskForm):
    name = name_field(_l("Namn"), _l("Fyll i ett namn."))
    code = code_field()
    kind = SelectField(_l("Slag"), choices=[SelectChoice(k, PARTNER_KIND_NAMES[k]) for k in PARTNER_KINDS])
