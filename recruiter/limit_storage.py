"""A rate-limit storage for the `limits` package in a small SQLite file, so
that every gunicorn worker process counts against the same limits
(`memory://` counts per process). URI: sqlite:///path/to/ratelimits.db

Keys are stored as an HMAC keyed with the app's secret (RATELIMIT_STORAGE_OPTIONS
{"secret": …}), so the file holds no IP address or e-mail that a list of
candidates could recover; expired rows are deleted at every hit.
"""
import hashlib
import hmac
import sqlite3
import threading
import time

from limits.storage import Storage


class SQLiteStorage(Storage):
    """Fixed-window counters in SQLite, incremented atomically."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri, wrap_exceptions=False, **options):
        super().__init__(uri, wrap_exceptions, **options)
        self.path = uri.split("://", 1)[1][1:]
        self.secret = str(options.get("secret", "")).encode()
        self._local = threading.local()
        self._connection().execute(
            """create table if not exists rate_limits (
                 key text primary key, count integer not null, expires_at real not null)""")
        self._connection().execute(
            "create index if not exists rate_limits_expiry on rate_limits (expires_at)")

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _connection(self):
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=5, isolation_level=None,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # counters need no fsync
            self._local.connection = connection
        return connection

    def _key(self, key):
        return hmac.new(self.secret, key.encode(), hashlib.sha256).hexdigest()

    def incr(self, key, expiry, amount=1):
        now = time.time()
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("delete from rate_limits where expires_at <= ?", (now,))
            count = connection.execute(
                """insert into rate_limits (key, count, expires_at) values (?, ?, ?)
                   on conflict (key) do update set count = count + excluded.count
                   returning count""", (self._key(key), amount, now + expiry)).fetchone()[0]
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return count

    def get(self, key):
        row = self._connection().execute(
            "select count from rate_limits where key = ? and expires_at > ?",
            (self._key(key), time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key):
        row = self._connection().execute(
            "select expires_at from rate_limits where key = ? and expires_at > ?",
            (self._key(key), time.time())).fetchone()
        return row[0] if row else time.time()

    def check(self):
        return self._connection().execute("select 1").fetchone() == (1,)

    def reset(self):
        return self._connection().execute("delete from rate_limits").rowcount

    def clear(self, key):
        self._connection().execute("delete from rate_limits where key = ?", (self._key(key),))
