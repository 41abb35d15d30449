"""A small in-process cache for the roll-up numbers of the overviews.

Measured on a national-scale database (bench/national.py), the national
view's year took hundreds of milliseconds to count; its numbers change only
when a sign-up is recorded or changes status. So they are kept for a few
minutes and dropped by `invalidate()`, which the functions that write
sign-ups call. Each worker process keeps its own: a sign-up recorded in
another process shows there within ROLLUP_CACHE_SECONDS.
"""
import threading
import time

MAX_ENTRIES = 5000
_lock = threading.Lock()
_entries = {}
_generation = [0]


def invalidate():
    """Forget every cached number (a sign-up was recorded or changed)."""
    with _lock:
        _generation[0] += 1
        _entries.clear()


def remember(key, compute, seconds):
    """The cached value for key, or compute() kept for `seconds` (0: no cache)."""
    if seconds <= 0:
        return compute()
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit and hit[0] > now:
            return hit[1]
        generation = _generation[0]
    value = compute()
    with _lock:
        # A value computed while an invalidation happened may be stale: not kept.
        if generation == _generation[0]:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (now + seconds, value)
    return value
