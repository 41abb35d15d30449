"""Rate limits on the public forms (Flask-Limiter).

Counters live in process memory, which every thread of the one gunicorn
process shares (see README: `-w 1 --threads 8`).
"""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, storage_uri="memory://",
                  default_limits=[], headers_enabled=False)


def init_app(app):
    """Bind the limiter; tests switch it on only where they test it."""
    limiter.init_app(app)
