import pytest
from flask_login.utils import _create_identifier

from recruiter import accounts, create_app
from recruiter.db import close_thread_connections, connect, init_db
from recruiter.sessions import start_session

FAST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path / "test.db"),
        "SECRET_KEY": "test",
        "WTF_CSRF_ENABLED": False,
        "ARGON2_PARAMS": FAST_ARGON2,
        "RATELIMIT_ENABLED": False,
        "SYNCHRONOUS": "OFF",  # a throwaway file: no fsync (test_crash.py runs with FULL)
        "RATELIMIT_STORAGE_URI": "memory://",  # test_join's limit test uses the SQLite one
        "ROLLUP_CACHE_SECONDS": 0,  # tests change rows behind the app's back
        "SECOND_FACTOR_REQUIRED": False,  # tests/test_mfa.py switches it on
    })
    with app.app_context():
        init_db()
    yield app
    close_thread_connections()


@pytest.fixture
def db(app):
    """A connection of the test's own. No app context stays pushed, because
    requests would share its `g` and Flask-Login caches the user there."""
    connection = connect(app.config["DATABASE"])
    yield connection
    connection.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(app, db):
    """Return a test client logged in as a member, through a real session row."""

    def login(member, role=None, remember=False):
        roles = accounts.member_roles(db, member["id"])
        chosen = next(r for r in roles if role is None or r["role"] == role)
        with app.test_request_context():
            token = start_session(db, member["id"], chosen["id"], remember)
        client = app.test_client()
        with app.test_request_context(environ_base=client.environ_base):
            # What Flask-Login's session protection compares, as login_user sets it.
            identifier = _create_identifier()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
            session["_id"] = identifier
        client.member_id = member["id"]
        return client

    return login


@pytest.fixture
def csrf_app(tmp_path):
    """An app with CSRF protection on, as in production."""
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "csrf.db"),
                      "SECRET_KEY": "test", "ARGON2_PARAMS": FAST_ARGON2,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        init_db()
    yield app
    close_thread_connections()


@pytest.fixture
def outbox(app, monkeypatch):
    """Mails the app sends, as (to, subject, body), with SMTP configured."""
    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self):
            pass

        def send_message(self, message):
            sent.append((message["To"], message["Subject"], message.get_content()))

    monkeypatch.setattr("recruiter.mail.smtplib.SMTP", FakeSMTP)
    app.config.update(MAIL_SERVER="smtp.example.org", MAIL_FROM="varva@example.org")
    return sent
