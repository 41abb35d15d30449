import hashlib
import multiprocessing
import sqlite3
import time

from recruiter import create_app
from recruiter.limit_storage import SQLiteStorage


def _hit(uri, times):
    storage = SQLiteStorage(uri)
    for _ in range(times):
        storage.incr("login:1.2.3.4", 60)


def test_counts_are_shared_between_processes(tmp_path):
    uri = f"sqlite:///{tmp_path}/limits.db"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_hit, args=(uri, 25)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert SQLiteStorage(uri).get("login:1.2.3.4") == 100


def test_window_expires_and_keys_are_hashed(tmp_path, monkeypatch):
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/limits.db")
    assert storage.incr("ip:203.0.113.9", 60) == 1
    assert storage.incr("ip:203.0.113.9", 60) == 2
    for name in ("limits.db", "limits.db-wal"):
        if (tmp_path / name).exists():
            assert b"203.0.113.9" not in (tmp_path / name).read_bytes()
    later = time.time() + 61
    monkeypatch.setattr("recruiter.limit_storage.time.time", lambda: later)
    assert storage.get("ip:203.0.113.9") == 0
    assert storage.incr("ip:203.0.113.9", 60) == 1
    storage.clear("ip:203.0.113.9")
    assert storage.get("ip:203.0.113.9") == 0 and storage.check()


def test_expired_rows_go_and_keys_need_the_secret(tmp_path, monkeypatch):
    storage = SQLiteStorage(f"sqlite:///{tmp_path}/l.db", secret="s3cret")
    for n in range(50):
        storage.incr(f"ip:10.0.0.{n}", 1)
    later = time.time() + 2
    monkeypatch.setattr("recruiter.limit_storage.time.time", lambda: later)
    storage.incr("ip:192.0.2.1", 60)
    keys = [k for (k,) in sqlite3.connect(tmp_path / "l.db").execute("select key from rate_limits")]
    assert len(keys) == 1
    assert keys[0] != hashlib.sha256(b"ip:192.0.2.1").hexdigest()


def test_a_relative_database_keeps_the_counters_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app({"TESTING": True, "DATABASE": "relative.db", "SECRET_KEY": "test"})
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{app.instance_path}/ratelimits.db"
    assert not (tmp_path / "ratelimits.db").exists()
