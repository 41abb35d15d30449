"""Benchmark the campaign pages and the ten best on the national-scale database
of bench/national.py, against a trivial route in the same run.

    .venv/bin/python bench/campaigns.py [--db PATH] [--runs 10]

Uses (or builds) PATH (default /tmp/varva-bench-campaigns.db; copy
/tmp/varva-bench.db there to skip the build), adds a national campaign over
the last 60 days with three goals and a municipal one, then times: the
running national campaign page, the same campaign's frozen page once ended,
a member's start page with its campaign cards, and the ten best for the
nation and one district (a year).
"""
import argparse
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.national import build, logged_in_client, median_ms  # noqa: E402
from recruiter import campaigns_data, create_app  # noqa: E402
from recruiter.db import connect, init_db  # noqa: E402


def add_campaigns(db):
    """A running national campaign with goals, a municipal one, an ended copy."""
    day = date.today()
    ids = {}
    for key, end in (("running", day + timedelta(days=10)), ("ended", day - timedelta(days=1))):
        ids[key] = campaigns_data.add_campaign(db, {
            "name": f"Bench {key} {time.time()}", "level": "nation", "unit_id": None,
            "starts_on": (day - timedelta(days=60)).isoformat(), "ends_on": end.isoformat()},
            [("signups", 20_000), ("shifts", 50_000), ("recruited_share", 50)], [])
    campaigns_data.add_campaign(db, {
        "name": f"Bench municipal {time.time()}", "level": "municipality", "unit_id": 1,
        "starts_on": (day - timedelta(days=30)).isoformat(),
        "ends_on": (day + timedelta(days=30)).isoformat()}, [("signups", 100)], [])
    return ids


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/varva-bench-campaigns.db")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    app = create_app({"TESTING": True, "DATABASE": args.db, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        init_db()
    db = connect(args.db)
    if db.table("members").count == 0:
        build(db)
    ids = add_campaigns(db)
    member = next(db.query("""select m.id from members m join associations a
                              on a.id = m.association_id where a.municipality_id = 1
                              limit 1"""))["id"]
    national = logged_in_client(app, db, 1, "national_admin")
    district = logged_in_client(app, db, 2, "district_admin", 1)
    first = time.perf_counter()
    assert national.get(f"/kampanjer/{ids['ended']}").status_code == 200
    snapshot_ms = (time.perf_counter() - first) * 1000
    # cold: the roll-up cache emptied before each run, as after any sign-up
    pages = [
        ("trivial route /healthz", app.test_client(), "/healthz", False),
        ("campaign page, running", national, f"/kampanjer/{ids['running']}", False),
        ("campaign page, running, cold", national, f"/kampanjer/{ids['running']}", True),
        ("campaign page, frozen", national, f"/kampanjer/{ids['ended']}", True),
        ("member's start page", logged_in_client(app, db, member), "/", True),
        ("ten best, nation, year", national, "/tio-basta/nation/0?period=year", False),
        ("ten best, nation, cold", national, "/tio-basta/nation/0?period=year", True),
        ("ten best, district, cold", district, "/tio-basta/district/1?period=year", True),
    ]
    print(f"{db.table('signups').count} sign-ups, {db.table('shifts').count} shifts, "
          f"{db.table('members').count} members; {args.runs} runs each")
    print(f"{'first look at the ended campaign (writes its snapshot)':28} {snapshot_ms:9.1f} ms")
    for name, client, url, cold in pages:
        print(f"{name:28} median {median_ms(client, url, args.runs, cold):9.1f} ms")
    db.close()


if __name__ == "__main__":
    main()
