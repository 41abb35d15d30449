"""A small in-process cache for the roll-up numbers of the overviews.

Measured on a national-scale database (bench/national.py), the national
view's year took hundreds of milliseconds to count; its numbers change only
when a sign-up is recorded or changes status. So they are kept for a few
minutes, but never past a write: each worker process keeps its own copy, and
the database holds a generation counter that triggers bump in the same
transaction as every write to what the roll-ups count (migration
m015_cache_generation). A cached value is used only while the database is
still at the generation it was computed at, so a sign-up taken by one
process shows in every other on its next request. Checking costs one tiny
SELECT per request that reads the cache.
"""
import threading
import time

from flask import g

MAX_ENTRIES = 5000
GENERATION_SQL = "select generation from cache_generation where id = 1"
_lock = threading.Lock()
_entries = {}
_generation = [0]


def invalidate():
    """Forget every number cached in this process; call it after the commit.

    The database's generation already tells every process, this one included,
    from its next request on. This covers the rest of the writing request,
    which read the generation (db_generation) before it wrote."""
    with _lock:
        _generation[0] += 1
        _entries.clear()


def db_generation(db):
    """The database's cache generation, read once per request."""
    if "cache_generation" not in g:
        g.cache_generation = db.execute(GENERATION_SQL).fetchone()[0]
    return g.cache_generation


def remember(db, key, compute, seconds):
    """The cached value for key, or compute() kept for `seconds` (0: no cache)
    and while the database stays at the generation it was computed at."""
    if seconds <= 0:
        return compute()
    # Read before computing: a write that commits meanwhile bumps the
    # generation, so the value stored below is not used after it.
    generation = db_generation(db)
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit and hit[0] > now and hit[1] == generation:
            return hit[2]
        local = _generation[0]
    value = compute()
    with _lock:
        # A value computed while this process invalidated may be stale: not kept.
        if local == _generation[0]:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + seconds, generation, value)
    return value


class PageCache:
    """Pages that look the same to every visitor (the public join pages), rendered once and
    kept for a short while. Separate from the numbers above: a sign-up changes no public page,
    so it must not empty this store at a sign-up peak. What would change a page belongs in its
    key (the link's row, the consent text's id, the language)."""

    def __init__(self, seconds, max_entries=1000):
        self.seconds = seconds
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._pages = {}

    def get(self, key, render):
        now = time.monotonic()
        with self._lock:
            hit = self._pages.get(key)
            if hit and hit[0] > now:
                return hit[1]
        page = render()
        with self._lock:
            if len(self._pages) >= self.max_entries:
                self._pages.clear()
            self._pages[key] = (now + self.seconds, page)
        return page

    def clear(self):
        with self._lock:
            self._pages.clear()
