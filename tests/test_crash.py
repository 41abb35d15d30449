"""kill -9 of gunicorn workers under a sign-up load: every acknowledged sign-up
is stored and the database stays intact (SECURITY.md §7 F)."""
import http.client
import http.cookiejar
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from recruiter.db import connect
from recruiter.migrations import migrations
from tests.factories import make_district
from tests.servers import ROOT, free_port, migrated, sign_up


def workers_of(master):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True).stdout
    return [int(pid) for pid in out.split()]


def test_killed_workers_lose_no_acknowledged_signup(tmp_path):
    database = str(tmp_path / "crash.db")
    migrated(database)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_DATABASE": database, "FLASK_SECRET_KEY": "crash-test-key",
           "FLASK_PUBLIC_BASE_URL": base, "FLASK_RATELIMIT_ENABLED": "false",
           "FLASK_RATELIMIT_STORAGE_URI": '"memory://"'}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "1", "recruiter:create_app()"],
        cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    acknowledged, attempts, stop = [], [0], threading.Event()

    def load(worker):
        n = worker * 100_000
        while not stop.is_set():
            n += 1
            attempts[0] += 1
            try:
                if sign_up(base, n):
                    acknowledged.append(f"crash{n}@example.org")
            except (OSError, http.client.HTTPException, AttributeError):
                time.sleep(0.05)  # a killed worker: this one was not acknowledged

    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except OSError:  # refused, reset or timed out while the workers start
                time.sleep(0.2)
        clients = [threading.Thread(target=load, args=(w,)) for w in range(4)]
        for client in clients:
            client.start()
        rng, kills = random.Random(7), 0
        for _ in range(10):
            time.sleep(0.6)
            pids = workers_of(server.pid)
            if pids:
                os.kill(rng.choice(pids), signal.SIGKILL)
                kills += 1
        time.sleep(1.5)
        stop.set()
        for client in clients:
            client.join(timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)
    db = connect(database)
    # The public page's submission key is the server's, so a sign-up is known by its e-mail.
    stored = {r["email"] for r in db.query("select email from signups")}
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    print(f"{kills} kills, {attempts[0]} attempts, {len(acknowledged)} acknowledged, "
          f"{len(stored)} stored")
    assert kills >= 8 and len(acknowledged) > 20
    assert set(acknowledged) <= stored
    assert integrity == "ok"


WRITER = """
import sys, uuid
sys.path.insert(0, {root!r})
from recruiter.db import connect
from recruiter.signups import record_signup
db = connect({path!r})
n = 0
while True:
    n += 1
    key = f"{tag}-{{n}}"
    record_signup(db, {{"submission_id": key, "first_name": "W", "last_name": "K",
                       "email": key + "@example.org", "phone": None, "birth_year": 1990,
                       "postcode": "111 11", "consent_id": 1}},
                  {{"source": "own_initiative", "link_id": None, "recruiter_id": None,
                    "campaign_id": None, "association_id": None}})
    print(key, flush=True)
"""


def test_writer_killed_25_times_loses_no_acknowledged_commit(tmp_path):
    database = str(tmp_path / "writer.db")
    migrated(database)
    rng, acknowledged = random.Random(25), []
    for kill in range(25):
        script = WRITER.format(root=ROOT, path=database, tag=f"k{kill}")
        writer = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        time.sleep(0.3 + rng.random() * 0.3)
        os.kill(writer.pid, signal.SIGKILL)
        out, _ = writer.communicate()
        acknowledged += out.split()
    db = connect(database)
    stored = {r["submission_id"] for r in db.query("select submission_id from signups")}
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert len(acknowledged) > 100 and set(acknowledged) <= stored


def expected_schema(tmp_path):
    db = connect(str(tmp_path / "reference.db"))
    migrations.apply(db)
    schema = db.schema
    db.close()
    return schema


def test_init_db_killed_midway_can_be_run_again(tmp_path):
    reference = expected_schema(tmp_path)
    rng = random.Random(10)
    env = {**os.environ, "FLASK_SECRET_KEY": "kill-test", "FLASK_TESTING": "true"}
    for kill in range(10):
        database = str(tmp_path / f"init{kill}.db")
        command = [sys.executable, "-m", "flask", "--app", "recruiter", "init-db"]
        env["FLASK_DATABASE"] = database
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(rng.random() * 0.6)
        first.kill()
        first.wait()
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        assert again.returncode == 0, again.stderr
        db = connect(database)
        assert db.schema == reference
        db.close()


def test_backup_killed_midway_never_leaves_a_bad_copy(tmp_path):
    database = str(tmp_path / "source.db")
    migrated(database)
    db = connect(database)
    with db.atomic():
        for _ in range(3000):
            make_district(db, name="D" * 500)
    db.close()
    env = {**os.environ, "FLASK_SECRET_KEY": "kill-test", "FLASK_TESTING": "true",
           "FLASK_DATABASE": database}
    target = tmp_path / "copy.db"
    rng = random.Random(5)
    for _ in range(5):
        job = subprocess.Popen([sys.executable, "-m", "flask", "--app", "recruiter", "backup",
                                str(target)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.random() * 0.5)
        job.kill()
        job.wait()
        if target.exists():  # only ever a finished, checked copy
            copy = connect(str(target))
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.table("districts").count == 3000
            copy.close()
    source = connect(database)
    assert source.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    source.close()
