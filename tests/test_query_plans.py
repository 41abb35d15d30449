"""No page reads the big tables (shifts, signups) without an index.

Every SQL statement the app runs while each role walks every GET route (the
URL map, as tests/test_route_fuzz.py walks it), signs up and logs a shift is
recorded through SQLite's trace hook, then explained. Without ANALYZE
statistics SQLite plans as if every table were large, which is what a national
database is: a plain `SCAN signups` here is a full read of 200 000 rows there.
"""
import json
import re
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone

from recruiter import db as db_module
from tests.route_support import get_urls

BIG = ("shifts", "signups")
SKIP = re.compile(r"^\s*(--|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|ANALYZE)", re.I)
ALIAS = re.compile(r"\b(?:from|join)\s+[\"\[`]?(shifts|signups)\b[\"\]`]?(?:\s+(?:as\s+)?(?!(?:where|join|left|"
                   r"inner|cross|on|group|order|limit|using|natural|union|set|values)\b)(\w+))?",
                   re.I)


def big_table_names(sql):
    """The names a statement gives shifts and signups: their own and any alias."""
    names = set(BIG)
    for _table, alias in ALIAS.findall(sql):
        if alias:
            names.add(alias)
    return names


def full_scans(connection, sql):
    """The plan lines that read shifts or signups row by row, without an index."""
    names = big_table_names(sql)
    plan = connection.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    return [row[3] for row in plan
            if (m := re.match(r"SCAN (\w+)", row[3])) and m.group(1) in names
            and "USING INDEX" not in row[3] and "USING COVERING INDEX" not in row[3]]


def record_statements(monkeypatch):
    """Every statement the app's connections run from now on."""
    statements = set()
    original = db_module.connect

    def traced(path, synchronous="FULL"):
        connection = original(path, synchronous)
        connection.conn.set_trace_callback(statements.add)
        return connection

    monkeypatch.setattr(db_module, "connect", traced)
    db_module.close_thread_connections()  # the next request opens a traced one
    return statements


def walk(app, ids, clients):
    urls = sorted(set(get_urls(app, ids)))
    for url in urls:
        for client in clients.values():
            for query in ({}, {"period": "year"}, {"period": "all"}):
                client.get(url, query_string=query).close()
    return urls


def sign_up_and_log_a_shift(app, clients, db):
    anonymous = app.test_client()
    link = next(db.table("links").rows_where(limit=1))
    person = {"first_name": "Ada", "last_name": "Anmäld", "email": "ada@example.org",
              "birth_year": "1990", "postcode": "211 15", "consent": "y",
              "submission_id": uuid.uuid4().hex}
    assert anonymous.post("/bli-medlem", data=person).status_code in (200, 302, 303)
    assert anonymous.post(f"/j/{link['code']}", data={
        **person, "submission_id": uuid.uuid4().hex}).status_code in (200, 302, 303)
    member = clients["member"]
    now = datetime.now(timezone.utc)
    shift = {"client_uuid": str(uuid.uuid4()), "kind": "door_knocking", "place": "Centrum",
             "started_at": (now - timedelta(hours=2)).isoformat(),
             "ended_at": (now - timedelta(minutes=5)).isoformat(), "doors_knocked": 10,
             "doors_opened": 5, "conversations": 3, "paper_signups": 0, "interested": 1,
             "note": None, "member_id": member.member_id}
    response = member.post("/api/shifts", data=json.dumps(shift),
                           content_type="application/json", headers={"Accept": "application/json"})
    assert response.status_code in (200, 201), response.get_data(as_text=True)


def test_no_route_reads_shifts_or_signups_without_an_index(app, db, actors, monkeypatch):  # noqa: F811
    ids, clients = actors
    statements = record_statements(monkeypatch)
    urls = walk(app, ids, clients)
    sign_up_and_log_a_shift(app, clients, db)
    assert len(urls) > 40
    big = [s for s in statements if not SKIP.match(s) and re.search(r"\b(shifts|signups)\b", s)]
    assert any(re.search(r"insert\s+(or \w+\s+)?into\s+\W?signups", s, re.I) for s in big)
    assert any(re.search(r"insert\s+(or \w+\s+)?into\s+\W?shifts", s, re.I) for s in big)
    assert any(re.search(r"from\s+\W?shifts", s, re.I) for s in big)
    explainer = sqlite3.connect(app.config["DATABASE"])
    scans = {sql: found for sql in sorted(big) if (found := full_scans(explainer, sql))}
    explainer.close()
    assert not scans, "\n\n".join(f"{lines}\n{sql}" for sql, lines in scans.items())


def test_the_check_sees_a_full_scan_and_an_alias(db):
    """The detector itself: a scan by alias counts, a search or an index scan does not."""
    connection = db.conn
    assert full_scans(connection, "select * from signups s where s.first_name = 'x'")
    assert full_scans(connection, "select count(*) from shifts where place = 'x'")
    assert not full_scans(connection, "select * from signups where id = 1")
    assert not full_scans(connection, "select count(*) from signups s")  # a covering index
    assert not full_scans(connection, "select * from members where first_name = 'x'")


# What ANALYZE wrote on the national-scale database of bench/national.py
# (200 000 sign-ups, every phone empty as most are in life).
NATIONAL_SIGNUP_STATS = {
    "idx_signups_created_at_source_status_birth_year_campaign_id_duplicate_of_municipality_id_"
    "association_id": "200000 1 1 1 1 1 1 1 1",
    "idx_signups_email_created_at": "200000 1 1",
    "idx_signups_phone_created_at": "200000 200000 1",
    "idx_signups_submission_id": "200000 1",
    "idx_signups_withdraw_token_hash": "200000 200000",
    "idx_signups_link_id": "200000 200000",
    "idx_signups_recruiter_id_created_at": "200000 10 1",
}


def test_a_sign_up_reads_no_range_of_everyones_sign_ups(app, db, monkeypatch):
    """With national statistics, the duplicate check once read every sign-up of
    the last months by created_at (50 ms a sign-up); each search must start
    from the person's own e-mail, number or submission."""
    statements = record_statements(monkeypatch)
    person = {"first_name": "Ada", "last_name": "Anmäld", "email": "ada@example.org",
              "phone": "070-123 45 67", "birth_year": "1990", "postcode": "211 15",
              "consent": "y", "submission_id": uuid.uuid4().hex}
    assert app.test_client().post("/bli-medlem", data=person).status_code in (302, 303)
    db.execute("ANALYZE")
    db.execute("delete from sqlite_stat1 where tbl = 'signups'")
    present = {r[0] for r in db.execute("select name from sqlite_master where type = 'index'")}
    for index, stat in NATIONAL_SIGNUP_STATS.items():
        if index in present:
            db.execute("insert into sqlite_stat1 values ('signups', ?, ?)", [index, stat])
    db.conn.commit()
    explainer = sqlite3.connect(app.config["DATABASE"])
    reads = [s for s in statements if re.match(r"\s*(select|with)\b", s, re.I)
             and re.search(r"\bsignups\b", s)]
    assert reads
    ranges = {sql: [row[3] for row in explainer.execute("EXPLAIN QUERY PLAN " + sql)
                    if re.search(r"\((created_at|started_at)[<>]", row[3])
                    or full_scans(explainer, sql)]
              for sql in reads}
    explainer.close()
    assert not {sql: lines for sql, lines in ranges.items() if lines}
