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
