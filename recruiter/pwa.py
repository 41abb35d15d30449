"""What makes the app installable and usable offline."""
import hashlib
import sqlite3
from pathlib import Path

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from .db import get_db

bp = Blueprint("pwa", __name__)


def shell_version():
    """A hash of the static files: a new cache name whenever any of them changes."""
    version = current_app.extensions.get("varva_shell_version")
    if version is None:
        digest = hashlib.sha256()
        for path in sorted(Path(current_app.static_folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
        version = current_app.extensions["varva_shell_version"] = digest.hexdigest()[:12]
    return version


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so its scope is the whole app."""
    source = Path(current_app.static_folder, "sw.js").read_text(encoding="utf-8")
    response = current_app.response_class(source.replace("__VERSION__", shell_version()),
                                          mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest."""
    response = send_from_directory(current_app.static_folder, "manifest.webmanifest",
                                   mimetype="application/manifest+json", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """Shown by the service worker when a page is needed and the network is gone."""
    return render_template("pwa/offline.html", shell=True)


@bp.route("/api/csrf")
@login_required
def csrf_token():
    """A fresh CSRF token for the outbox, which may replay long after a page loaded."""
    return {"token": generate_csrf()}


@bp.route("/healthz")
def health():
    """A trivial answer for load balancers (and the benchmarks' baseline)."""
    return "ok", 200, {"Content-Type": "text/plain"}


# Any table every migrated database has: a missing or empty file fails too.
READY_SQL = "select 1 from members limit 1"


@bp.route("/readyz")
def ready():
    """Ready to serve: the database answers (the process alone is /healthz)."""
    try:
        get_db().execute(READY_SQL).fetchall()
    except sqlite3.Error:
        current_app.logger.exception("readiness: the database does not answer")
        return "database unavailable", 503, {"Content-Type": "text/plain"}
    return "ok", 200, {"Content-Type": "text/plain"}
