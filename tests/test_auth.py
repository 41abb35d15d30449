import threading
import time as clock
from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from recruiter import audit, auth, create_app
from recruiter.db import close_thread_connections, connect, init_db
from recruiter.limits import limiter
from recruiter.redirects import safe_next
from tests.conftest import FAST_ARGON2
from tests.factories import PASSWORD, make_association, make_member

# Django's bad URLs for url_has_allowed_host_and_scheme, plus the bypasses of
# a bare netloc check (SECURITY.md §3.7).
BAD_NEXT = [
    "http://example.com", "http:///example.com", "https://example.com",
    "ftp://example.com", r"\\example.com", r"\\\example.com", r"/\\/example.com",
    r"\\\\example.com", r"\\//example.com", r"/\/example.com", r"\/example.com",
    r"/\example.com", "http:///example.com", r"http:/\//example.com",
    r"http:\/example.com", r"http:/\example.com", 'javascript:alert("XSS")',
    "\njavascript:alert(x)", "java\nscript:alert(x)", "\x08//example.com",
    r"http://otherserver\@example.com", r"http:\\testserver\@example.com",
    r"http://testserver\me:pass@example.com", r"http://testserver\@example.com",
    r"http:\\testserver\confirm\me@example.com", "http:999999999",
    "ftp:9999999999", "\n", "http://[2001:cdba:0000:0000:0000:0000:3257:9652/",
    "http://2001:cdba:0000:0000:0000:0000:3257:9652]/", "//evil.example",
    "https:evil.example", "/\\evil.example", "///evil.example", "/\tevil",
    "evil.example/path", "",
]
GOOD_NEXT = ["/", "/konto", "/forening/3/medlemmar?x=1", "/sök/å"]


@pytest.mark.parametrize("value", BAD_NEXT)
def test_safe_next_refuses_foreign_targets(value):
    assert safe_next(value) is None


@pytest.mark.parametrize("value", GOOD_NEXT)
def test_safe_next_keeps_local_paths(value):
    assert safe_next(value) == value


def post_login(client, email, password, environ_base=None, **extra):
    return client.post("/logga-in", data={"email": email, "password": password, **extra},
                       **({"environ_base": environ_base} if environ_base else {}))


def test_login_and_reach_home(client, db):
    member = make_member(db, first_name="Aisha")
    response = post_login(client, member["email"], PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Hej Aisha!" in page
    assert db.table("sessions").count == 1
    assert db.table("sessions").get(1)["token_hash"] != client.get_cookie("session").value


def test_login_email_is_case_insensitive(client, db):
    make_member(db, email="Kim@Example.org")
    assert post_login(client, " KIM@example.org ", PASSWORD).status_code == 302


@pytest.mark.parametrize("case", ["wrong_password", "unknown_email", "inactive"])
def test_login_failures_give_one_message(client, db, case):
    member = make_member(db)
    email, password = member["email"], PASSWORD
    if case == "wrong_password":
        password = PASSWORD + "x"
    elif case == "unknown_email":
        email = "nobody@example.org"
    else:
        db.execute("update members set is_active = 0 where id = ?", [member["id"]])
    response = post_login(client, email, password)
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "Fel e-post eller lösenord." in body
    assert email in body  # what the member typed stays in the form
    assert db.table("sessions").count == 0


def test_unknown_email_costs_a_hash_verification(client, db, monkeypatch):
    calls = []
    monkeypatch.setattr(auth, "burn_time", lambda password: calls.append(password))
    post_login(client, "nobody@example.org", "whatever-password")
    assert calls == ["whatever-password"]


@pytest.mark.parametrize("target", ["//evil.example", "https:evil.example",
                                    "/\\evil.example", "http://evil.example/"])
def test_login_ignores_foreign_next(client, db, target):
    member = make_member(db)
    response = post_login(client, member["email"], PASSWORD, next=target)
    assert response.headers["Location"] == "/"


def test_login_follows_local_next(client, db):
    member = make_member(db)
    response = post_login(client, member["email"], PASSWORD, next="/konto")
    assert response.headers["Location"] == "/konto"


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/konto")
    assert response.status_code == 302
    assert response.headers["Location"] == "/logga-in?next=/konto"


def test_cookie_replayed_after_logout_gets_401(app, db):
    member = make_member(db)
    client = app.test_client()
    post_login(client, member["email"], PASSWORD, remember="y")
    stolen = {c.key: c.value for c in client._cookies.values()}
    assert client.post("/logga-ut").status_code == 302
    thief = app.test_client()
    for key, value in stolen.items():
        thief.set_cookie(key, value)
    assert thief.get("/konto").status_code == 401
    assert db.table("sessions").get(1)["revoked_at"] is not None


def test_remember_me_sets_a_30_day_cookie(client, db):
    member = make_member(db)
    response = post_login(client, member["email"], PASSWORD, remember="y")
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    session = db.table("sessions").get(1)
    assert session["expires_at"] > session["created_at"][:8]  # set

    length = datetime.fromisoformat(session["expires_at"]) - datetime.fromisoformat(session["created_at"])
    assert length.days == 30


def test_without_remember_the_session_lasts_12_hours(client, db):
    member = make_member(db)
    post_login(client, member["email"], PASSWORD)

    session = db.table("sessions").get(1)
    length = datetime.fromisoformat(session["expires_at"]) - datetime.fromisoformat(session["created_at"])
    assert length.total_seconds() == 12 * 3600


def test_expired_session_gets_401(login_as, db):
    member = make_member(db)
    client = login_as(member)
    db.execute("update sessions set expires_at = '2000-01-01T00:00:00+00:00'")
    assert client.get("/konto").status_code == 401


def test_password_change_needs_current_password(login_as, db):
    member = make_member(db)
    client = login_as(member)
    response = client.post("/konto/losenord", data={
        "current": "wrong-one-here", "password": "ny-fin-fras-2026",
        "repeat": "ny-fin-fras-2026"})
    assert response.status_code == 422
    assert "Det nuvarande lösenordet stämmer inte." in response.get_data(as_text=True)
    assert db.table("members").get(member["id"])["password_hash"] == member["password_hash"]


def test_password_change_logs_out_other_devices(app, login_as, db):
    member = make_member(db)
    phone, laptop = login_as(member), login_as(member)
    response = phone.post("/konto/losenord", data={
        "current": PASSWORD, "password": "ny-fin-fras-2026", "repeat": "ny-fin-fras-2026",
        "logout_others": "y"})
    assert response.status_code == 302
    assert phone.get("/konto").status_code == 200
    assert laptop.get("/konto").status_code == 401
    fresh = app.test_client()
    assert post_login(fresh, member["email"], "ny-fin-fras-2026").status_code == 302


@pytest.mark.parametrize("password,message", [
    ("kort", "8–128 tecken"),
    ("Socialdemokraterna2026", "för vanligt"),
    ("password123", "för vanligt"),
])
def test_weak_new_passwords_are_refused(login_as, db, password, message):
    client = login_as(make_member(db))
    response = client.post("/konto/losenord", data={
        "current": PASSWORD, "password": password, "repeat": password})
    assert message in response.get_data(as_text=True)


def test_passwords_are_argon2id_and_rehashed_when_parameters_change(app, client, db):
    member = make_member(db)
    assert member["password_hash"].startswith("$argon2id$")
    app.config["ARGON2_PARAMS"] = {"time_cost": 2, "memory_cost": 2048, "parallelism": 1}
    post_login(client, member["email"], PASSWORD)
    new_hash = db.table("members").get(member["id"])["password_hash"]
    assert new_hash != member["password_hash"] and "t=2" in new_hash


def test_role_switch_changes_scope_label(login_as, db):
    association = make_association(db, name="S-föreningen Väster")
    member = make_member(db, association=association, role="municipal_admin",
                         unit={"id": association["municipality_id"]})
    client = login_as(member, role="municipal_admin")
    page = client.get("/").get_data(as_text=True)
    assert "Väster" not in page.split("Du ser:")[1].split("</p>")[0]
    member_role = next(r for r in db.table("roles").rows_where("member_id = ? and role = 'member'",
                                                               [member["id"]]))
    client.post("/roll", data={"role_id": member_role["id"]})
    page = client.get("/").get_data(as_text=True)
    assert "S-föreningen Väster" in page.split("Du ser:")[1].split("</p>")[0]


def test_cannot_switch_to_someone_elses_role(login_as, db):
    member, other = make_member(db), make_member(db, role="chair")
    other_role = next(db.table("roles").rows_where("member_id = ? and role = 'chair'",
                                                   [other["id"]]))
    client = login_as(member)
    assert client.post("/roll", data={"role_id": other_role["id"]}).status_code == 400
    assert db.table("sessions").get(1)["role_id"] != other_role["id"]


@pytest.fixture
def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    yield limiter
    limiter.reset()


def test_eleventh_login_in_a_minute_from_one_address_is_refused(app, db, limited):
    client = app.test_client()
    statuses = [post_login(client, f"nobody{n}@example.org", "fel-lösenord").status_code
                for n in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert "För många inloggningsförsök" in post_login(client, "x@example.org", "y").get_data(as_text=True)


def test_failures_on_one_account_from_many_addresses_lock_it_softly(app, db, limited):
    member = make_member(db)
    for n in range(10):
        response = app.test_client().post(
            "/logga-in", data={"email": member["email"], "password": "fel-lösenord"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert response.status_code == 401
    locked = app.test_client().post("/logga-in", data={"email": member["email"], "password": PASSWORD},
                                    environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert locked.status_code == 429
    other = make_member(db)
    assert post_login(app.test_client(), other["email"], PASSWORD).status_code == 302
    limited.reset()  # the window has passed: the lock was never permanent
    assert post_login(app.test_client(), member["email"], PASSWORD).status_code == 302


def test_successful_logins_do_not_count_toward_the_account_lock(app, db, limited):
    member = make_member(db)
    for n in range(10):
        client = app.test_client()
        response = client.post("/logga-in", data={"email": member["email"], "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
        assert response.status_code == 302


def test_chair_sessions_last_12_hours_even_with_remember_me(client, db):
    chair = make_member(db, role="chair")
    post_login(client, chair["email"], PASSWORD, remember="y")

    session = db.table("sessions").get(1)
    length = datetime.fromisoformat(session["expires_at"]) - datetime.fromisoformat(session["created_at"])
    assert length.total_seconds() == 12 * 3600 and session["idle_seconds"] == 2 * 3600


def test_idle_chair_session_ends_but_a_members_does_not(app, db):
    chair, member = make_member(db, role="chair"), make_member(db)
    clients = {}
    for person in (chair, member):
        clients[person["id"]] = app.test_client()
        post_login(clients[person["id"]], person["email"], PASSWORD, remember="y")
    long_ago = (datetime.now(timezone.utc) - timedelta(hours=2, minutes=1)).isoformat(timespec="seconds")
    db.execute("update sessions set last_seen_at = ?", [long_ago])
    assert clients[chair["id"]].get("/konto").status_code == 401
    assert clients[member["id"]].get("/konto").status_code == 200
    touched = next(db.table("sessions").rows_where("member_id = ?", [member["id"]]))
    assert touched["last_seen_at"] > long_ago


def test_member_sees_and_logs_out_own_devices_only(login_as, db):
    member, other = make_member(db), make_member(db)
    phone, lost = login_as(member), login_as(member)
    stranger = login_as(other)
    page = phone.get("/konto/enheter").get_data(as_text=True)
    assert page.count("Logga ut") >= 2 and "den här enheten" in page
    lost_id = 2
    assert db.table("sessions").get(lost_id)["member_id"] == member["id"]
    assert stranger.post(f"/konto/enheter/{lost_id}/logga-ut").status_code == 404
    assert lost.get("/konto").status_code == 200
    phone.post(f"/konto/enheter/{lost_id}/logga-ut")
    assert lost.get("/konto").status_code == 401
    assert phone.get("/konto").status_code == 200


def test_log_out_all_other_devices(login_as, db):
    member = make_member(db)
    phone, tablet, laptop = login_as(member), login_as(member), login_as(member)
    phone.post("/konto/enheter/logga-ut-andra")
    assert [c.get("/konto").status_code for c in (phone, tablet, laptop)] == [200, 401, 401]


def test_over_https_every_cookie_is_host_prefixed(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "https.db"), "SECRET_KEY": "x" * 64,
                      "PUBLIC_BASE_URL": "https://varva.example.se", "WTF_CSRF_ENABLED": False,
                      "ARGON2_PARAMS": FAST_ARGON2, "SECOND_FACTOR_REQUIRED": False})
    with app.app_context():
        init_db()
    db = connect(app.config["DATABASE"])
    try:
        member = make_member(db)
        client = app.test_client()
        response = client.post("/logga-in", base_url="https://varva.example.se", data={
            "email": member["email"], "password": PASSWORD, "remember": "y"})
        assert response.status_code == 302
        cookies = response.headers.getlist("Set-Cookie")
        names = {cookie.split("=", 1)[0] for cookie in cookies}
        assert {"__Host-session", "__Host-remember"} <= names, cookies
        for cookie in cookies:
            attributes = [part.strip().lower() for part in cookie.split(";")]
            assert cookie.startswith("__Host-"), cookie
            assert "secure" in attributes and "path=/" in attributes, cookie
            assert not any(part.startswith("domain=") for part in attributes), cookie
        assert client.get("/konto", base_url="https://varva.example.se").status_code == 200
    finally:
        db.close()
        close_thread_connections()


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
def test_parallel_wrong_passwords_reach_argon2_at_most_ten_times(app, db, limited, monkeypatch,
                                                                 tmp_path, storage):
    """60 guesses at once from 60 addresses: the count is taken before the hash check."""


    if storage == "sqlite":  # what production uses (limit_storage.py)
        app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{tmp_path}/limits.db"
        limited.init_app(app)
    member = make_member(db)
    checks, lock = [], threading.Lock()
    real_verify = PasswordHasher.verify

    def counted_verify(self, hash, password):
        with lock:
            checks.append(password)
        clock.sleep(0.05)  # a slow hash: every request is inside it at once
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted_verify)
    statuses, start = [], threading.Barrier(60)

    def guess(n):
        client = app.test_client()
        start.wait()
        statuses.append(client.post("/logga-in", data={
            "email": member["email"], "password": f"gissning-{n}"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) <= 10
    assert sorted(statuses) == [401] * len(checks) + [429] * (60 - len(checks))


def test_the_owner_gets_past_the_lock_from_a_device_used_before(app, db, limited):
    member = make_member(db)
    phone = app.test_client()
    assert post_login(phone, member["email"], PASSWORD).status_code == 302
    phone.post("/logga-ut")
    for n in range(12):  # a stranger uses up the account's attempts
        app.test_client().post("/logga-in", data={"email": member["email"], "password": "fel"},
                               environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    stranger = app.test_client().post("/logga-in", data={"email": member["email"],
                                                         "password": PASSWORD},
                                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert stranger.status_code == 429
    assert 'value="' + member["email"] + '"' in stranger.get_data(as_text=True)
    assert post_login(phone, member["email"], PASSWORD).status_code == 302  # the owner's phone
    locked = [e for e in audit.recent(db) if e["action"] == "login_locked"]
    assert [(e["object_id"], e["outcome"]) for e in locked] == [(member["id"], "account")]


def test_a_device_cookie_of_another_account_or_forged_does_not_unlock(app, db, limited):
    owner, other = make_member(db), make_member(db)
    device = app.test_client()
    assert post_login(device, other["email"], PASSWORD).status_code == 302
    device.post("/logga-ut")
    for n in range(10):
        app.test_client().post("/logga-in", data={"email": owner["email"], "password": "fel"},
                               environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    assert post_login(device, owner["email"], PASSWORD).status_code == 429
    forged = app.test_client()
    forged.set_cookie("varva_device", "eyJtIjoxLCJkIjoieCJ9.forged")
    assert post_login(forged, owner["email"], PASSWORD).status_code == 429


def test_a_known_device_has_its_own_limit(app, db, limited):
    member = make_member(db)
    phone = app.test_client()
    post_login(phone, member["email"], PASSWORD)
    phone.post("/logga-ut")
    statuses = [post_login(phone, member["email"], "fel-lösenord",
                           environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}).status_code
                for n in range(10)]
    assert statuses == [401] * 10
    assert post_login(phone, member["email"], PASSWORD,
                      environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 429
