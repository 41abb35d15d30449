from datetime import datetime, timedelta, timezone

import pytest
from flask_login.utils import _create_identifier

from recruiter import accounts, create_app
from recruiter.db import close_thread_connections, connect, init_db
from recruiter.sessions import start_session
from tests.factories import (make_association, make_campaign, make_district, make_link, make_member,
                             make_municipality, make_shift, make_signup)

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


@pytest.fixture
def world(db):
    """The hand-made data set behind the scoring, leaderboard and dashboard tests (test_scoring.py
    says which period it is counted in)."""
    d1, d2 = make_district(db), make_district(db)
    m1, m2 = make_municipality(db, district=d1), make_municipality(db, district=d2)
    a, b, c = (make_association(db, municipality=m1), make_association(db, municipality=m1),
               make_association(db, municipality=m2))
    anna = make_member(db, association=a, first_name="Anna", last_name="Ek")
    bo = make_member(db, association=a, first_name="Bo", last_name="Al")
    cia = make_member(db, association=a, first_name="Cia", last_name="Dold")
    db.table("members").update(cia["id"], {"leaderboard_name": "hidden"})
    dan = make_member(db, association=a, first_name="Dan", last_name="Noll")
    eve = make_member(db, association=b, first_name="Eve", last_name="Annan")
    for at in ("2026-03-05T10:00:00+00:00", "2026-03-20T10:00:00+00:00"):
        make_signup(db, recruiter=anna, created_at=at)
    for at in ("2026-03-05T09:00:00+00:00", "2026-03-10T10:00:00+00:00"):
        make_signup(db, recruiter=bo, created_at=at, status="paid")
    make_signup(db, recruiter=cia, created_at="2026-04-30T21:59:59+00:00", birth_year=1960)
    make_signup(db, recruiter=anna, created_at="2026-04-30T22:00:00+00:00")  # next period
    make_signup(db, recruiter=anna, created_at="2026-02-28T22:59:59+00:00")  # last period
    make_signup(db, association=a, created_at="2026-03-15T10:00:00+00:00", status="invoiced")
    for at in ("2026-03-01T10:00:00+00:00", "2026-03-02T10:00:00+00:00",
               "2026-03-03T10:00:00+00:00"):
        make_signup(db, recruiter=eve, created_at=at)
    for at in ("2026-03-01T10:00:00+00:00", "2026-04-01T10:00:00+00:00"):
        make_signup(db, association=c, created_at=at)
    make_shift(db, anna, "2026-03-05T08:00:00+00:00", conversations=7, doors_knocked=30)
    make_shift(db, anna, "2026-05-05T08:00:00+00:00", conversations=100)  # next period
    make_shift(db, dan, "2026-03-06T08:00:00+00:00", conversations=4, doors_knocked=12)
    return {"d1": d1, "d2": d2, "m1": m1, "m2": m2, "a": a, "b": b, "c": c, "anna": anna,
            "bo": bo, "cia": cia, "dan": dan, "eve": eve}


@pytest.fixture
def actors(app, db, login_as):
    """A member and a national administrator, and the ids of a small data set."""
    member = make_member(db)
    chair = make_member(db, association=db.table("associations").get(member["association_id"]),
                        role="chair")
    national = make_member(db, association=None, role="national_admin")
    campaign = make_campaign(db)
    recent = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat(timespec="seconds")
    ids = {"association_id": member["association_id"], "member_id": member["id"],
           "link_id": make_link(db, member, campaign_id=campaign["id"])["id"],
           "shift_id": make_shift(db, member, recent)["id"],
           "signup_id": make_signup(db, recruiter=member)["id"],
           "session_id": 1, "invitation_id": 1,
           "unit_id": db.table("associations").get(member["association_id"])["municipality_id"]}
    clients = {"member": login_as(member), "chair": login_as(chair, role="chair"),
               "national admin": login_as(national)}
    return ids, clients
