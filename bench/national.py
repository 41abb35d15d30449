"""Benchmark the leaderboard, the chair's team view and the national view on a
national-scale database, against a trivial route in the same run.

    .venv/bin/python bench/national.py [--db PATH] [--runs 30]

Builds (once, deterministically, into PATH; default /tmp/varva-bench.db) 26
districts, 290 municipal organisations, 2 500 associations, 110 000 members,
1 000 000 shifts and 200 000 sign-ups over two years, then times each page
through the Flask test client and prints medians. Target (issue 5): every
page's median under 5x the trivial route and under 50 ms.
"""
import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recruiter import accounts, cache, create_app  # noqa: E402
from recruiter.db import connect, init_db  # noqa: E402
from recruiter.sessions import start_session  # noqa: E402

SEED = 2026
DISTRICTS, MUNICIPALITIES, ASSOCIATIONS = 26, 290, 2500
MEMBERS, SHIFTS, SIGNUPS = 110_000, 1_000_000, 200_000
DAYS = 730
KINDS = ["door_knocking", "street", "phone", "workplace", "event", "digital"]


def stamp(moment):
    return moment.isoformat(timespec="seconds")


def build(db):
    """Fill an empty, migrated database; returns nothing, prints timings."""
    rng = random.Random(SEED)
    now = datetime.now(timezone.utc)
    created = stamp(now)
    started = time.perf_counter()
    with db.atomic():
        db.table("districts").insert_all(
            {"id": d, "name": f"Distrikt {d}", "code": f"D{d}", "created_at": created}
            for d in range(1, DISTRICTS + 1))
        db.table("municipalities").insert_all(
            {"id": m, "district_id": (m - 1) % DISTRICTS + 1, "name": f"Kommun {m}",
             "code": f"K{m}", "created_at": created} for m in range(1, MUNICIPALITIES + 1))
        db.table("associations").insert_all(
            {"id": a, "municipality_id": (a - 1) % MUNICIPALITIES + 1, "name": f"Förening {a}",
             "code": f"A{a}", "created_at": created} for a in range(1, ASSOCIATIONS + 1))
        password_hash = "$argon2id$v=19$m=1024,t=1,p=1$YmVuY2hzYWx0$9gL0Kfq6dVWn2Z6qvrXyLQ"
        db.table("members").insert_all((
            {"id": i, "email": f"m{i}@bench.example", "first_name": f"F{i}", "last_name": f"E{i}",
             "password_hash": password_hash, "association_id": (i - 1) % ASSOCIATIONS + 1,
             "is_active": 1, "created_at": created, "leaderboard_name": "initial"}
            for i in range(1, MEMBERS + 1)), batch_size=5000)
        db.table("roles").insert_all((
            {"member_id": i, "role": "member", "unit_id": (i - 1) % ASSOCIATIONS + 1,
             "created_at": created} for i in range(1, MEMBERS + 1)), batch_size=5000)
        assert db.table("consent_texts").count == 1  # the migration inserted version 1
        active = [i for i in range(1, MEMBERS + 1) if rng.random() < 0.2]
        db.table("shifts").insert_all(_shifts(rng, active, now), batch_size=10000)
        db.table("signups").insert_all(_signups(rng, active, now), batch_size=10000)
    db.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def _shifts(rng, active, now):
    for _ in range(SHIFTS):
        member = rng.choice(active)
        start = now - timedelta(minutes=rng.randrange(60, DAYS * 1440))
        knocked = rng.randrange(0, 60)
        yield {"client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
               "member_id": member, "association_id": (member - 1) % ASSOCIATIONS + 1,
               "kind": rng.choice(KINDS), "place": "Centrum",
               "municipality_id": ((member - 1) % ASSOCIATIONS) % MUNICIPALITIES + 1,
               "doors_knocked": knocked, "doors_opened": knocked // 2,
               "conversations": rng.randrange(0, 20), "paper_signups": rng.randrange(0, 2),
               "interested": rng.randrange(0, 3), "started_at": stamp(start),
               "ended_at": stamp(start + timedelta(minutes=90)), "created_at": stamp(start),
               "updated_at": stamp(start)}


def _signups(rng, active, now):
    for n in range(SIGNUPS):
        at = stamp(now - timedelta(minutes=rng.randrange(1, DAYS * 1440)))
        recruiter = rng.choice(active) if rng.random() < 0.45 else None
        association = (recruiter - 1) % ASSOCIATIONS + 1 if recruiter else (
            rng.randrange(1, ASSOCIATIONS + 1) if rng.random() < 0.5 else None)
        municipality = ((association - 1) % MUNICIPALITIES + 1) if association else \
            rng.randrange(1, MUNICIPALITIES + 1)
        yield {"submission_id": f"b{n}", "source": rng.choice(["link", "on_the_spot"])
               if recruiter else "own_initiative", "recruiter_id": recruiter,
               "association_id": association, "municipality_id": municipality,
               "first_name": "N", "last_name": "N", "email": f"s{n}@bench.example",
               "birth_year": rng.randrange(1940, 2010), "postcode": "111 11",
               "consent_id": 1, "consent_at": at,
               "status": rng.choice(["registered", "invoiced", "paid", "paid", "cancelled"]),
               "status_at": at, "created_at": at}


def logged_in_client(app, db, member_id, role="member", unit_id=None):
    """A test client with a real session row for the member in the given role."""
    if role != "member":
        accounts.add_role(db, member_id, role, unit_id)
    role_id = next(r["id"] for r in accounts.member_roles(db, member_id) if r["role"] == role)
    with app.test_request_context():
        token = start_session(db, member_id, role_id, True)
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
    return client


def median_ms(client, url, runs, cold=False):
    """The median time of `runs` GETs, after two to warm up; `cold` empties the
    roll-up cache before each one, as the first look after a sign-up finds it."""
    for _ in range(2):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        if cold:
            cache.invalidate()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="/tmp/varva-bench.db")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    app = create_app({"TESTING": True, "DATABASE": args.db, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        init_db()
    db = connect(args.db)
    if db.table("members").count == 0:
        build(db)
    busiest = next(db.query("""select association_id, count(*) as n from signups
                               where recruiter_id is not null group by association_id
                               order by n desc limit 1"""))["association_id"]
    member = next(db.query("select id from members where association_id = ? limit 1", [busiest]))["id"]
    national = logged_in_client(app, db, 1, "national_admin")
    pages = [
        ("trivial route /healthz", app.test_client(), "/healthz", False),
        ("logged-in page /konto", logged_in_client(app, db, member), "/konto", False),
        ("leaderboard, 2 months", logged_in_client(app, db, member), "/topplista/", False),
        ("leaderboard, year", logged_in_client(app, db, member), "/topplista/?period=year",
         False),
        ("chair's team view", logged_in_client(app, db, member, "chair", busiest),
         f"/forening/{busiest}/team", False),
        ("national view, 2 months", national, "/oversikt/nation/0", False),
        ("national view, year", national, "/oversikt/nation/0?period=year", False),
        ("national, 2 months, cold", national, "/oversikt/nation/0", True),
        ("national, year, cold", national, "/oversikt/nation/0?period=year", True),
    ]
    print(f"{db.table('signups').count} sign-ups, {db.table('shifts').count} shifts, "
          f"{db.table('members').count} members; {args.runs} runs each; "
          f"SYNCHRONOUS={app.config['SYNCHRONOUS']}; pid {os.getpid()}")
    print("target: under 50 ms and under 5x the trivial route ('cold': roll-up cache emptied)")
    results = {}
    for name, client, url, cold in pages:
        results[name] = ms = median_ms(client, url, args.runs, cold)
        trivial, page = results["trivial route /healthz"], results.get("logged-in page /konto")
        versus_page = f"{ms / page:5.1f}x /konto" if page else ""
        verdict = "" if name.startswith(("trivial", "logged-in")) else (
            "  ok" if ms < 50 and ms < 5 * trivial else
            "  under 50 ms" if ms < 50 else "  OVER 50 ms")
        print(f"{name:28} median {ms:7.2f} ms {ms / trivial:7.1f}x trivial {versus_page}{verdict}")
    db.close()


if __name__ == "__main__":
    main()
