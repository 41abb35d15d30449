"""Värva: a recruiting app for a Swedish folkrörelse party."""
import os
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

DEV_SECRET = "dev"


def create_app(test_config=None):
    """Build the Flask app: config, extensions, blueprints and filters."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.from_mapping(
        SECRET_KEY=DEV_SECRET,
        DATABASE=os.path.join(app.instance_path, "recruiter.db"),
        PUBLIC_BASE_URL="http://127.0.0.1:5000",
        SYNCHRONOUS="FULL",
        MAX_CONTENT_LENGTH=64 * 1024,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_DURATION=timedelta(days=30),
        SESSION_LIFETIME_REMEMBER=timedelta(days=30),
        SESSION_LIFETIME=timedelta(hours=12),
        SESSION_IDLE_PRIVILEGED=timedelta(hours=2),
        INVITATION_LIFETIME=timedelta(hours=72),
        RESET_LIFETIME=timedelta(hours=24),
        ARGON2_PARAMS={},
        BABEL_DEFAULT_LOCALE="sv",
        BABEL_DEFAULT_TIMEZONE="Europe/Stockholm",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        LANGUAGES=["sv", "en"],
        MAIL_SERVER=None,
        MIN_JOIN_AGE=13,
        PROXIES=0,
        ROLLUP_CACHE_SECONDS=300,
        SIGNUP_RETENTION_DAYS=180,
        REGISTER_IMPORT_FOR_UNITS=False,  # district/municipal administrators exchange files too
        SECOND_FACTOR_REQUIRED=True,
        CONTROLLER="Partiet (partistyrelsen), se instance/config.py",
        DPO_CONTACT="dataskyddsombud@parti.example",
        LOG_FORMAT="text",  # "json": one JSON object per line (recruiter/logs.py)
        PARTY_NAME="Partiet", PARTY_LOGO=None,  # the logo: a path under static/, e.g. "party/logo.svg"
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env()
    else:
        # Tests see only what they set: never a developer's instance/config.py or FLASK_*.
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _refuse_insecure_config(app)
    if app.config["PROXIES"]:
        # Trust X-Forwarded-For/-Proto only from the known number of proxies.
        hops = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    _init_extensions(app)
    _register_blueprints(app)
    return app


def _refuse_insecure_config(app):
    """Production must never run on the development secret."""
    if app.debug or app.testing:
        return
    if app.config["SECRET_KEY"] in (None, "", DEV_SECRET):
        raise RuntimeError(
            "SECRET_KEY is the development key: set it in instance/config.py "
            "or FLASK_SECRET_KEY before serving (see README)."
        )
    if app.config["PUBLIC_BASE_URL"].startswith("https://"):
        # __Host-: the browser keeps them only if Secure, Path=/ and without Domain,
        # so no sibling subdomain can set or shadow them (ASVS 5.0 3.3.1).
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          SESSION_COOKIE_NAME="__Host-session", SESSION_COOKIE_PATH="/",
                          SESSION_COOKIE_DOMAIN=None, REMEMBER_COOKIE_NAME="__Host-remember",
                          REMEMBER_COOKIE_PATH="/", REMEMBER_COOKIE_DOMAIN=None)
    if not app.config.get("TRUSTED_HOSTS"):
        # Answer only to the public host name: a forged Host header gets 400.
        host = urlsplit(app.config["PUBLIC_BASE_URL"]).hostname
        app.config["TRUSTED_HOSTS"] = [host, "localhost"] if host == "127.0.0.1" else [host]


def _init_extensions(app):
    from . import assets, cli, db, i18n, limits, logs, responses, scope, sessions
    from .forms import csrf

    logs.init_app(app)
    assets.init_app(app)
    db.init_app(app)
    scope.init_app(app)
    csrf.init_app(app)
    limits.init_app(app)
    i18n.init_app(app)
    sessions.init_app(app)
    cli.init_app(app)
    responses.init_app(app)


def _register_blueprints(app):
    from . import (admin, association, auth, dashboard, home, join, leaderboard, links, mfa,
                   office, pwa, register, shifts)

    for module in (auth, mfa, home, association, admin, links, join, shifts, pwa, leaderboard,
                   dashboard, office, register):
        app.register_blueprint(module.bp)
    from . import calls  # the welcome calls (issue 12)
    app.register_blueprint(calls.bp)
    from . import partners, partners_calls  # partner organisations (issues 13, 12)
    app.register_blueprint(partners.bp)
    app.register_blueprint(partners_calls.bp)
    from . import activities  # recruiting activities (issue 14)
    app.register_blueprint(activities.bp)
    from . import activities_calendar
    app.register_blueprint(activities_calendar.bp)
    from . import activities_followup
    app.register_blueprint(activities_followup.bp)
    from . import activities_reminders
    app.register_blueprint(activities_reminders.bp)
    from . import activities_interests
    app.register_blueprint(activities_interests.bp)
    from . import shift_quality
    app.register_blueprint(shift_quality.bp)
    from . import activities_coverage
    app.register_blueprint(activities_coverage.bp)
    from . import activities_guests
    app.register_blueprint(activities_guests.bp)
    from . import campaigns  # campaigns per level, goals (issue 13)
    app.register_blueprint(campaigns.bp)
    from . import plans  # action plans (issue 13)
    app.register_blueprint(plans.bp)
    from . import best  # learning from the ten best (issue 13)
    app.register_blueprint(best.bp)
    from . import surveys  # the satisfaction pulse and yearly evaluation (issue 15)
    app.register_blueprint(surveys.bp)
    from . import reports  # the two-month report (issue 15)
    app.register_blueprint(reports.bp)
