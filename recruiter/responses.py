"""What every response carries: error pages, security headers, filters."""
import sqlite3
from datetime import datetime

from flask import current_app, render_template, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlite_utils.db import NotFoundError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import IntegerConverter

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def error_page(error):
    """One Swedish page for every HTTP error, with the right status."""
    code = error.code if isinstance(error, HTTPException) else 500
    if request.accept_mimetypes.best == "application/json":
        return {"error": code}, code
    return render_template("errors/error.html", code=code), code


def not_found(error):
    """A missing row is a 404, not a crash. (An id past SQLite's 64 bits, say
    /pass/99999999999999999999, never reaches a view: the id converter refuses it.)"""
    return render_template("errors/error.html", code=404), 404


class IdConverter(IntegerConverter):
    """`<id:name>`: a row id, a whole number SQLite can hold (64 bits); larger is a 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


# What the storage says when it is busy, full, read-only or failing: worth a
# "try again" (503). Any other OperationalError (no such column, a syntax
# error) is a bug and stays a 500. Errors raised by SQLite carry the name;
# the messages are SQLite's own for the same codes (sqlite3_errstr).
UNAVAILABLE_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_FULL", "SQLITE_READONLY",
                     "SQLITE_IOERR", "SQLITE_CANTOPEN")
UNAVAILABLE_MESSAGES = ("database is locked", "database table is locked",
                        "database or disk is full", "attempt to write a readonly database",
                        "disk I/O error", "unable to open database file")


def storage_unavailable(error):
    """True when an sqlite3.OperationalError means the storage, not the code, failed."""
    name = getattr(error, "sqlite_errorname", None)
    if name:
        # Extended codes keep their family's prefix: SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED.
        return name.startswith(UNAVAILABLE_NAMES)
    return str(error).startswith(UNAVAILABLE_MESSAGES)


def database_unavailable(error):
    """The database refused a write (full, read-only, locked): 503, try again.
    Any other OperationalError is re-raised: a bug must not look like an outage."""
    if not storage_unavailable(error):
        raise error
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
    """Register the handlers, the id converter, the header hook and the filters."""
    app.url_map.converters["id"] = IdConverter
    app.register_error_handler(HTTPException, error_page)
    app.register_error_handler(500, error_page)
    app.register_error_handler(NotFoundError, not_found)
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(SecurityError, untrusted_host)
    app.register_error_handler(sqlite3.OperationalError, database_unavailable)
    app.after_request(security_headers)
    app.add_template_filter(local_time)
