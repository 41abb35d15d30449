import re
import time
from datetime import datetime, timedelta, timezone

import pyotp
import pytest

from recruiter import totp
from recruiter.limits import limiter
from recruiter.sessions import recently_confirmed
from tests.factories import PASSWORD, make_member, make_signup


@pytest.fixture
def required(app):
    app.config["SECOND_FACTOR_REQUIRED"] = True


def password_step(client, member):
    return client.post("/logga-in", data={"email": member["email"], "password": PASSWORD})


def enrol(client, member):
    """Log in for the first time and connect an app; returns the secret and codes."""
    password_step(client, member)
    page = client.get("/logga-in/kod").get_data(as_text=True)
    secret = re.search(r'data-testid="secret">([A-Z2-7]+)<', page).group(1)
    done = client.post("/logga-in/kod", data={"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.get_data(as_text=True))
    return secret, codes


def next_step_code(secret):
    """A valid code for the next time step (the current one may be used already)."""
    return pyotp.TOTP(secret).at(time.time() + totp.STEP)


def test_chair_must_connect_an_app_before_getting_in(app, client, db, required):
    chair = make_member(db, role="chair")
    response = password_step(client, chair)
    assert response.headers["Location"] == "/logga-in/kod"
    assert client.get(f"/forening/{chair['association_id']}/medlemmar").status_code == 302
    assert db.table("sessions").count == 0
    secret, codes = enrol(client, chair)
    assert len(codes) == 10 and db.table("sessions").count == 1
    assert db.table("members").get(chair["id"])["totp_secret"] == secret
    assert client.get(f"/forening/{chair['association_id']}/medlemmar").status_code == 200


def test_wrong_code_at_enrolment_stores_nothing(client, db, required):
    chair = make_member(db, role="chair")
    password_step(client, chair)
    client.get("/logga-in/kod")
    assert client.post("/logga-in/kod", data={"code": "000000"}).status_code == 422
    assert db.table("members").get(chair["id"])["totp_secret"] is None
    assert db.table("sessions").count == 0


def test_code_is_asked_at_every_later_login_and_works_once(app, db, required):
    chair = make_member(db, role="chair")
    secret, _ = enrol(app.test_client(), chair)
    client = app.test_client()
    assert password_step(client, chair).headers["Location"] == "/logga-in/kod"
    assert client.post("/logga-in/kod", data={"code": "123456"}).status_code == 401
    code = next_step_code(secret)
    assert client.post("/logga-in/kod", data={"code": code}).status_code == 302
    replay = app.test_client()
    password_step(replay, chair)
    assert replay.post("/logga-in/kod", data={"code": code}).status_code == 401


def test_recovery_code_works_once(app, db, required):
    chair = make_member(db, role="chair")
    _, codes = enrol(app.test_client(), chair)
    for expected in (302, 401):
        client = app.test_client()
        password_step(client, chair)
        assert client.post("/logga-in/kod", data={"code": codes[0]}).status_code == expected


def test_members_log_in_with_a_password_alone(client, db, required):
    member = make_member(db)
    assert password_step(client, member).headers["Location"] == "/"


def test_the_code_step_expires(client, db, required, monkeypatch):
    chair = make_member(db, role="chair")
    password_step(client, chair)
    later = time.time() + 301
    monkeypatch.setattr("recruiter.mfa.time.time", lambda: later)
    assert client.get("/logga-in/kod").headers["Location"] == "/logga-in"


def test_export_asks_again_when_the_login_is_not_fresh(app, login_as, db):
    signup = make_signup(db)
    admin = make_member(db, association=None, role="national_admin")
    client = login_as(admin)
    with client.session_transaction() as session:
        session["_fresh"] = False  # restored from the remember cookie
    response = client.get(f"/kansli/personer/{signup['id']}/export")
    assert response.status_code == 302 and response.headers["Location"].startswith("/konto/bekrafta")
    assert client.post(response.headers["Location"], data={"password": "fel"}).status_code == 200
    confirmed = client.post(response.headers["Location"], data={"password": PASSWORD})
    assert confirmed.headers["Location"] == f"/kansli/personer/{signup['id']}/export"
    assert client.get(confirmed.headers["Location"]).status_code == 200


def test_member_turns_on_the_second_step(app, login_as, db):
    member = make_member(db)
    client = login_as(member)
    page = client.get("/konto/tvastegs").get_data(as_text=True)
    secret = re.search(r'data-testid="secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/konto/tvastegs", data={"code": "000000"}).status_code == 422
    done = client.post("/konto/tvastegs", data={"code": pyotp.TOTP(secret).now()})
    assert len(re.findall(r"<li><code>", done.get_data(as_text=True))) == 10
    assert db.table("members").get(member["id"])["totp_secret"] == secret
    fresh = app.test_client()
    assert password_step(fresh, member).headers["Location"] == "/logga-in/kod"
    assert "är på" in client.get("/konto/tvastegs").get_data(as_text=True)


def test_turning_it_on_needs_a_fresh_login(login_as, db):
    client = login_as(make_member(db))
    with client.session_transaction() as session:
        session["_fresh"] = False
    assert client.get("/konto/tvastegs").headers["Location"].startswith("/konto/bekrafta")


def test_a_half_done_setup_does_not_pass_to_the_next_person(app, db):
    first, second = make_member(db), make_member(db)
    client = app.test_client()
    password_step(client, first)
    page = client.get("/konto/tvastegs").get_data(as_text=True)
    first_secret = re.search(r'data-testid="secret">([A-Z2-7]+)<', page).group(1)
    client.post("/logga-ut")
    password_step(client, second)
    page = client.get("/konto/tvastegs").get_data(as_text=True)
    assert re.search(r'data-testid="secret">([A-Z2-7]+)<', page).group(1) != first_secret


def test_enable_refuses_an_account_that_has_an_app(db):
    member = make_member(db)
    assert totp.enable(db, member["id"], totp.new_secret(), 1) is not None
    assert totp.enable(db, member["id"], totp.new_secret(), 2) is None


def test_confirming_it_is_you_is_rate_limited(app, login_as, db):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    client = login_as(make_member(db))
    statuses = [client.post("/konto/bekrafta", data={"password": "fel-gissning"}).status_code
                for _ in range(11)]
    limiter.reset()
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def _confirmed_minutes_ago(db, member, minutes):
    moment = datetime.now(timezone.utc) - timedelta(minutes=minutes)
    db.execute("update sessions set confirmed_at = ? where member_id = ?",
               [moment.isoformat(timespec="seconds"), member["id"]])


@pytest.mark.parametrize("minutes,fresh", [(14, True), (16, False), (11 * 60, False)])
def test_fresh_means_the_password_was_typed_in_the_last_15_minutes(login_as, db, minutes, fresh):
    signup = make_signup(db)
    admin = make_member(db, association=None, role="national_admin")
    client = login_as(admin)  # flask_login's fresh flag is set, as after a login form
    _confirmed_minutes_ago(db, admin, minutes)
    response = client.get(f"/kansli/personer/{signup['id']}/export")
    if fresh:
        assert response.status_code == 200
        return
    assert response.headers["Location"].startswith("/konto/bekrafta")
    confirmed = client.post(response.headers["Location"], data={"password": PASSWORD})
    assert client.get(confirmed.headers["Location"]).status_code == 200
    row = next(db.table("sessions").rows_where("member_id = ?", [admin["id"]]))
    assert recently_confirmed(row["confirmed_at"])


def test_an_old_login_asks_again_before_erasing_or_turning_on_the_second_step(login_as, db):
    signup = make_signup(db)
    admin = make_member(db, association=None, role="national_admin")
    client = login_as(admin)
    _confirmed_minutes_ago(db, admin, 60)
    erase = client.post(f"/kansli/personer/{signup['id']}/radera")
    assert erase.headers["Location"].startswith("/konto/bekrafta")
    assert db.table("signups").get(signup["id"])["erased_at"] is None
    assert client.get("/konto/tvastegs").headers["Location"].startswith("/konto/bekrafta")


def test_a_login_through_the_form_counts_as_fresh(app, db):
    signup = make_signup(db)
    admin = make_member(db, association=None, role="national_admin")
    client = app.test_client()
    password_step(client, admin)
    assert client.get(f"/kansli/personer/{signup['id']}/export").status_code == 200


def test_a_reset_leaves_the_second_factor_in_place(app, login_as, db, required):
    chair = make_member(db, role="chair")
    secret, _ = enrol(app.test_client(), chair)
    national = make_member(db, association=None, role="national_admin")
    db.execute("update members set totp_secret = ? where id = ?", [totp.new_secret(), national["id"]])
    page = login_as(national).post(
        f"/forening/{chair['association_id']}/medlem/{chair['id']}/aterstallning")
    token = re.search(r'/aterstall/([A-Za-z0-9_-]+)"', page.get_data(as_text=True)).group(1)
    holder = app.test_client()
    holder.post(f"/aterstall/{token}", data={"password": "helt-ny-fras-77",
                                             "repeat": "helt-ny-fras-77"})
    assert db.table("members").get(chair["id"])["totp_secret"] == secret
    response = holder.post("/logga-in", data={"email": chair["email"],
                                              "password": "helt-ny-fras-77"})
    assert response.headers["Location"] == "/logga-in/kod"
    page = holder.get("/logga-in/kod").get_data(as_text=True)
    assert 'data-testid="secret"' not in page  # no new app can be connected
    assert holder.post("/logga-in/kod", data={"code": "123456"}).status_code == 401
    assert db.table("sessions").count_where("member_id = ?", [chair["id"]]) == 1  # enrol's only
    assert holder.post("/logga-in/kod", data={"code": next_step_code(secret)}).status_code == 302
