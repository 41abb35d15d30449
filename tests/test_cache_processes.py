"""The roll-up cache across worker processes (issue 9, item 15): right after a
sign-up commits in one process, every other shows the new numbers on its
next request, though each keeps its own cache for ROLLUP_CACHE_SECONDS."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from recruiter import accounts, create_app, privacy
from recruiter.db import close_thread_connections, connect
from recruiter.sessions import start_session
from tests.factories import make_association, make_member, make_signup
from tests.servers import ROOT, free_port, migrated, sign_up

INDICATORS = "/api/indicators/nation/0"


def start_server(database, port):
    """One gunicorn worker process of its own, with the roll-up cache on (300 s)."""
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_DATABASE": database, "FLASK_SECRET_KEY": "cache-test-key",
           "FLASK_PUBLIC_BASE_URL": base, "FLASK_RATELIMIT_ENABLED": "false",
           "FLASK_RATELIMIT_STORAGE_URI": '"memory://"', "FLASK_ROLLUP_CACHE_SECONDS": "300",
           "FLASK_SECOND_FACTOR_REQUIRED": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}",
         "recruiter:create_app()"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=5):
                return server, base
        except OSError:  # not listening yet, or slow to answer on a busy machine
            time.sleep(0.2)
    server.terminate()
    server.wait(timeout=10)
    raise RuntimeError("gunicorn did not start")


def admin_cookie(database):
    """A session cookie of a national administrator, signed with the servers' key."""
    app = create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "cache-test-key"})
    db = connect(database)
    admin = make_member(db, association=None, role="national_admin")
    role_id = accounts.member_roles(db, admin["id"])[0]["id"]
    with app.test_request_context():
        token = start_session(db, admin["id"], role_id, True)
        cookie = app.session_interface.get_signing_serializer(app).dumps(
            {"_user_id": token, "_fresh": True})
    db.close()
    close_thread_connections()
    return f"{app.config['SESSION_COOKIE_NAME']}={cookie}"


def signups_seen(base, cookie):
    request = urllib.request.Request(base + INDICATORS, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())["indicators"]["signups"]


@pytest.fixture
def two_workers(tmp_path):
    database = str(tmp_path / "cache.db")
    migrated(database)
    db = connect(database)
    association = make_association(db)
    for _ in range(3):
        make_signup(db, association=association)
    db.close()
    cookie = admin_cookie(database)
    servers = []
    try:
        for _ in range(2):
            servers.append(start_server(database, free_port()))
        yield [base for _, base in servers], cookie, database
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=10)


def test_a_signup_in_one_process_shows_in_the_other_at_once(two_workers):
    (first, second), cookie, _ = two_workers
    assert signups_seen(first, cookie) == signups_seen(second, cookie) == 3  # both cached
    assert signups_seen(second, cookie) == 3
    assert sign_up(first, 1)
    assert signups_seen(second, cookie) == 4
    assert signups_seen(first, cookie) == 4
    assert sign_up(second, 2)
    assert [signups_seen(base, cookie) for base in (first, second, first)] == [5, 5, 5]


def test_a_write_from_outside_the_servers_shows_too(two_workers):
    """The CLI (purge, import-org) and the office's erasure write in other processes."""
    (first, second), cookie, database = two_workers
    assert signups_seen(first, cookie) == signups_seen(second, cookie) == 3
    db = connect(database)
    make_signup(db)
    db.close()
    assert signups_seen(first, cookie) == signups_seen(second, cookie) == 4


def generation(db):
    return db.execute("select generation from cache_generation").fetchone()[0]


def test_every_write_to_the_counted_tables_bumps_the_generation_in_its_transaction(app, db):
    before = generation(db)
    signup = make_signup(db)
    stored = generation(db)
    assert stored > before  # the insert, and the reference trigger's update
    with app.app_context():
        privacy.erase_signup(db, signup["id"])
    assert generation(db) > stored
    now = generation(db)
    db.execute("BEGIN")
    db.execute("insert into districts (name, code, created_at) values ('X', 'X1', '2026')")
    assert generation(db) == now + 1
    db.rollback()
    assert generation(db) == now  # rolled back with the write
