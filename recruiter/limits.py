"""Rate limits on the public forms and the login (Flask-Limiter).

Counters live in a small SQLite file beside the database (limit_storage.py),
shared by every worker process; RATELIMIT_STORAGE_URI may point elsewhere.
"""
import os

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user

from . import limit_storage  # noqa: F401  (registers the sqlite:// scheme)

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)


def _folder(app):
    """Beside the database; the instance folder when DATABASE is relative (or
    ":memory:"), never whatever directory the app was started from."""
    database = app.config["DATABASE"]
    return os.path.dirname(database) if os.path.isabs(database) else app.instance_path


def init_app(app):
    """Bind the limiter; tests switch it on only where they test it."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{_folder(app)}/ratelimits.db"
    if app.config["RATELIMIT_STORAGE_URI"].startswith("sqlite:"):
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"secret": app.config["SECRET_KEY"]})
    limiter.init_app(app)


# A caller takes one person at a time; marking "no answer" and taking the next is the only way
# on. Forty in ten minutes is more than anyone phones, and keeps a caller from paging through a
# list's names and numbers. One budget per member over every list (welcome, unpaid, partner).
NEXT_PERSON_LIMIT = "40 per 10 minutes"
next_person_limit = limiter.shared_limit(
    NEXT_PERSON_LIMIT, scope="next_person", methods=["POST"],
    key_func=lambda: f"caller{current_user.member_id}")
