"""What every response carries: error pages, security headers, filters."""
import sqlite3
from datetime import datetime

from flask import current_app, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlite_utils.db import NotFoundError
from werkzeug.exceptions import HTTPException, SecurityError

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def error_page(error):
    """One Swedish page for every HTTP error, with the right status."""
    code = error.code if isinstance(error, HTTPException) else 500
    if request.accept_mimetypes.best == "application/json":
        return {"error": code}, code
    return render_template("errors/error.html", code=code), code


def not_found(error):
    """A missing row, or an id past SQLite's 64 bits (say /pass/99999999999999999999),
    is a 404, not a crash."""
    return render_template("errors/error.html", code=404), 404


def database_unavailable(error):
    """The database refused a write (full, read-only, locked): 503, try again."""
    current_app.logger.exception("database unavailable")
    if request.accept_mimetypes.best == "application/json":
        return {"error": 503}, 503
    return render_template("errors/error.html", code=503), 503


def untrusted_host(error):
    """A Host header outside TRUSTED_HOSTS: no page, since no URL can be built."""
    return "400 Bad Request", 400, {"Content-Type": "text/plain"}


def csrf_error(error):
    """An expired form: the login form comes back filled in; others explain."""
    if request.endpoint == "auth.login":
        from .forms import LoginForm

        form = LoginForm()
        form.password.errors = [_("Sidan hade varit öppen länge. Skriv lösenordet igen.")]
        return render_template("auth/login.html", form=form), 400
    return render_template("errors/error.html", code=400, csrf=True), 400


def security_headers(response):
    """Headers for every response. Pages are never stored by caches unless a
    view chose otherwise (static files, QR images, the service worker)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def local_time(value, format="short"):
    """ISO-8601 UTC text shown in Swedish time."""
    if not value:
        return ""
    return format_datetime(datetime.fromisoformat(value), format)


def init_app(app):
    """Register the handlers, the header hook and the filters."""
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(500, error_page)
    app.register_error_handler(NotFoundError, not_found)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(OverflowError, not_found)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(sqlite3.OperationalError, database_unavailable)
    app.after_request(security_headers)
    app.add_template_filter(local_time)
