"""Sending links and notices by e-mail, where an SMTP server is configured."""
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import gettext as _


def send_link(to, subject, link):
    """Mail a link to one address; False (nothing sent) when no SMTP is set."""
    return send_text(to, subject, _("Öppna länken för att fortsätta:") + f"\n\n{link}\n")


def send_text(to, subject, body):
    """Mail a short text to one address; False (nothing sent) when no SMTP is set."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config.get("MAIL_PORT", 587), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS", True):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    return True


def invitation_outcome(email, association_name, outcome):
    """One mail in either case, so a new and a known address take the same time."""
    if outcome == "existing":
        return send_text(email, _("Din e-postadress användes i Värva"), _(
            "Någon använde din e-postadress för att skapa ett konto i %(name)s i Värva. Du har "
            "redan ett konto: logga in med det. Var det inte du? Då behöver du inte göra något.",
            name=association_name))
    return send_text(email, _("Ditt konto i Värva väntar på godkännande"), _(
        "Tack! Ordföranden i %(name)s godkänner ditt konto. Sedan loggar du in med din "
        "e-postadress och ditt lösenord.", name=association_name))


def reset_used(email, resetter):
    """Tell the owner that their password was reset through a link, and whose."""
    return send_text(email, _("Ditt lösenord i Värva har bytts"), _(
        "Ditt lösenord i Värva återställdes med en länk från %(name)s. Var det inte du som bad "
        "om det? Byt lösenord och kontakta din förening eller kansliet.",
        name=f"{resetter['first_name']} {resetter['last_name']}"))


def coordinator_outcome(email, partner_name, confirmed):
    """After a coordinator invitation was filled in with this address: one mail either way."""
    if confirmed:
        return send_text(email, _("Du är samordnare i Värva"), _(
            "Du är nu samordnare för %(name)s i Värva. Logga in med din e-postadress och ditt "
            "lösenord. Var det inte du? Kontakta kansliet.", name=partner_name))
    return send_text(email, _("Din e-postadress användes i Värva"), _(
        "Någon försökte göra ditt konto i Värva till samordnare för %(name)s. Var det du? Öppna "
        "inbjudningslänken igen och skriv lösenordet till ditt konto. Annars behöver du inte "
        "göra något.", name=partner_name))
