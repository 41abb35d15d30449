"""Benchmark the member register's status import against a plain executemany.

    .venv/bin/python bench/register_import.py [--rows 200000] [--big-mb 50]

Builds a fresh database in a temporary folder with ROWS sign-ups, writes a
status file (one `invoiced` row per sign-up, semicolons, as Excel writes it)
and times, in the same run:
  1. the import's preview (parse, stage, check; rolled back),
  2. the import applied (the same again, then history and current status written),
  3. a plain `executemany` of the same rows into signup_statuses, on a copy of
     the same database, in one transaction: the floor for writing them at all.
Then it previews a file of BIG_MB megabytes (the same references repeated, so
every row is staged and checked, the repeats reported as duplicates) and
reports the peak of Python's allocations (tracemalloc) during it. SQLite's own
page cache is outside tracemalloc; it is bounded by its cache_size (2 MB by
default). Target (issue 11): 200 000 rows in under a minute.
"""
import argparse
import csv
import os
import shutil
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recruiter import create_app, register_import  # noqa: E402
from recruiter.db import close_thread_connections, get_db, init_db  # noqa: E402


def build(db, rows):
    created = (datetime.now(timezone.utc) - timedelta(days=60)).isoformat(timespec="seconds")
    db.table("districts").insert({"id": 1, "name": "D", "code": "D1", "created_at": created})
    db.table("municipalities").insert({"id": 1, "district_id": 1, "name": "K", "code": "K1",
                                       "created_at": created})
    db.table("associations").insert_all(
        {"id": a, "municipality_id": 1, "name": f"F{a}", "code": f"A{a}", "created_at": created}
        for a in range(1, 101))
    db.table("members").insert({"id": 1, "email": "kansli@bench.example", "first_name": "K",
                                "last_name": "K", "password_hash": "x", "is_active": 1,
                                "created_at": created})
    db.table("signups").insert_all((
        {"submission_id": f"s{n}", "source": "link" if n % 2 else "own_initiative",
         "association_id": n % 100 + 1, "municipality_id": 1, "first_name": "A",
         "last_name": "B", "email": f"p{n}@bench.example", "birth_year": 1980,
         "postcode": "211 45", "consent_id": 1, "consent_at": created, "status": "registered",
         "status_at": created, "created_at": created} for n in range(rows)), batch_size=5000)


def write_status_file(db, path, day, target_bytes=None):
    refs = [r["reference"] for r in db.query("select reference from signups order by id")]
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["reference", "status", "date"])
        while True:
            writer.writerows([ref, "invoiced", day] for ref in refs)
            if target_bytes is None or f.tell() >= target_bytes:
                break
    return len(refs)


def plain_executemany(db_path, rows, day):
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    with conn:
        conn.executemany(
            "insert into signup_statuses (signup_id, status, on_date) values (?, ?, ?)",
            [(n, "invoiced", day) for n in range(1, rows + 1)])
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def report(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--big-mb", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="varva-register-bench-")
    db_path = os.path.join(folder, "bench.db")
    app = create_app({"TESTING": True, "DATABASE": db_path, "SECRET_KEY": "bench",
                      "SYNCHRONOUS": "FULL"})
    day = (date.today() - timedelta(days=1)).isoformat()
    try:
        with app.test_request_context():  # the messages of bad rows are translated
            init_db()
            db = get_db()
            started = time.perf_counter()
            build(db, args.rows)
            sys.stderr.write(f"built in {time.perf_counter() - started:.1f} s\n")
            status_file = os.path.join(folder, "statuses.csv")
            write_status_file(db, status_file, day)
            copy = os.path.join(folder, "copy.db")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(db_path, copy)
            scope = {"level": "nation", "unit_id": None}
            started = time.perf_counter()
            result = register_import.preview(db, "statuses", status_file, scope, date.today())
            preview_s = time.perf_counter() - started
            assert result.changes == args.rows and not result.error_count, result.as_dict()
            report(f"status rows:                      {args.rows:>10,}")
            report(f"preview (parse, stage, check):    {preview_s:>10.2f} s")
            started = time.perf_counter()
            _, applied = register_import.import_file(db, "statuses", status_file, 1, date.today())
            import_s = time.perf_counter() - started
            assert applied.changes == args.rows and not applied.error_count
            report(f"import (preview + apply, one go): {import_s:>10.2f} s")
            plain_s = plain_executemany(copy, args.rows, day)
            report(f"plain executemany, same rows:     {plain_s:>10.2f} s")
            report(f"ratio import / executemany:       {import_s / plain_s:>10.1f} x")
            big_file = os.path.join(folder, "big.csv")
            write_status_file(db, big_file, day, args.big_mb * 1024 * 1024)
            big_bytes = os.path.getsize(big_file)
            started = time.perf_counter()
            big = register_import.preview(db, "statuses", big_file, scope, date.today())
            report(f"big file: {big_bytes / 2**20:.1f} MB, {big.rows:,} rows "
                   f"({big.error_count:,} repeats reported), preview "
                   f"{time.perf_counter() - started:.2f} s")
            tracemalloc.start()  # a second pass: tracing slows Python down several times
            register_import.preview(db, "statuses", big_file, scope, date.today())
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            report(f"peak Python memory during that preview: {peak / 2**20:.1f} MB")
            close_thread_connections()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
