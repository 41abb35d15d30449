"""kill -9 of gunicorn workers under a sign-up load: every acknowledged sign-up
is stored and the database stays intact (SECURITY.md §7 F)."""
import http.client
import http.cookiejar
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from recruiter import create_app
from recruiter.db import close_thread_connections, connect, init_db


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_up(base, n):
    """One person signs up through the form; True once the thank-you page came back."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    with opener.open(f"{base}/bli-medlem", timeout=5) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({
        "csrf_token": token, "submission_id": f"crash-{n}", "first_name": "K", "last_name": "L",
        "email": f"crash{n}@example.org", "birth_year": "1990", "postcode": "111 11",
        "consent": "y"}).encode()
    with opener.open(f"{base}/bli-medlem", data=data, timeout=5) as response:
        return response.geturl().endswith("/tack")


def workers_of(master):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True,
                         text=True).stdout
    return [int(pid) for pid in out.split()]


def test_killed_workers_lose_no_acknowledged_signup(tmp_path):
    database = str(tmp_path / "crash.db")
    app = create_app({"TESTING": True, "DATABASE": database})
    with app.app_context():
        init_db()
    close_thread_connections()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "FLASK_DATABASE": database, "FLASK_SECRET_KEY": "crash-test-key",
           "FLASK_PUBLIC_BASE_URL": base, "FLASK_RATELIMIT_ENABLED": "false",
           "FLASK_RATELIMIT_STORAGE_URI": '"memory://"'}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "--threads", "2", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "1", "recruiter:create_app()"],
        cwd=os.path.dirname(os.path.dirname(__file__)), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    acknowledged, attempts, stop = [], [0], threading.Event()

    def load(worker):
        n = worker * 100_000
        while not stop.is_set():
            n += 1
            attempts[0] += 1
            try:
                if sign_up(base, n):
                    acknowledged.append(f"crash-{n}")
            except (OSError, http.client.HTTPException, AttributeError):
                time.sleep(0.05)  # a killed worker: this one was not acknowledged

    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError):
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
    stored = {r["submission_id"] for r in db.query("select submission_id from signups")}
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    print(f"{kills} kills, {attempts[0]} attempts, {len(acknowledged)} acknowledged, "
          f"{len(stored)} stored")
    assert kills >= 8 and len(acknowledged) > 20
    assert set(acknowledged) <= stored
    assert integrity == "ok"
