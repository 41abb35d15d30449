"""Storage faults: a full disk, a read-only database, a lock held too long."""
import json
import multiprocessing
import sqlite3
import uuid

import pytest

from recruiter.db import get_db
from tests.factories import make_member
from tests.test_join import person, signups


def request_connection(app):
    """The connection the app's requests in this thread use."""
    with app.app_context():
        return get_db()


@pytest.mark.parametrize("fault", ["disk_full", "read_only", "locked"])
def test_join_survives_a_storage_fault_with_the_input_kept(app, client, db, fault, monkeypatch):
    connection = request_connection(app)
    holder = None
    if fault == "disk_full":
        # A real full disk cannot be forced reliably here (max_page_count leaves
        # room in half-empty pages); SQLite reports it as this OperationalError.
        from recruiter import join

        def full(*args):
            raise sqlite3.OperationalError("database or disk is full")
        monkeypatch.setattr(join, "record_signup", full)
    elif fault == "read_only":
        connection.execute("PRAGMA query_only = ON")
    else:
        connection.execute("PRAGMA busy_timeout = 100")
        holder = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post("/bli-medlem", data=person(first_name="Felfri"))
    finally:
        if holder:
            holder.execute("ROLLBACK")
            holder.close()
        connection.execute("PRAGMA query_only = OFF")
        connection.execute("PRAGMA max_page_count = 1073741823")
        connection.execute("PRAGMA busy_timeout = 5000")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Vi kunde inte spara just nu" in body and 'value="Felfri"' in body
    assert signups(db) == []
    monkeypatch.undo()
    assert client.post("/bli-medlem", data=person(first_name="Felfri")).status_code == 302
    assert len(signups(db)) == 1


def test_shift_api_answers_503_so_the_outbox_keeps_the_record(app, login_as, db):
    member = make_member(db)
    client = login_as(member)
    request_connection(app).execute("PRAGMA query_only = ON")
    try:
        from tests.test_shifts import post, shift
        response = post(client, shift())
    finally:
        request_connection(app).execute("PRAGMA query_only = OFF")
    assert response.status_code == 503 and db.table("shifts").count == 0


def _sign_up_many(path, worker, count, queue):
    from recruiter.db import connect
    from recruiter.signups import record_signup

    db = connect(path)
    errors = 0
    for n in range(count):
        person_row = {"submission_id": uuid.uuid4().hex, "first_name": "P", "last_name": "Q",
                      "email": f"w{worker}n{n}@example.org", "phone": None, "birth_year": 1990,
                      "postcode": "111 11", "consent_id": 1}
        try:
            record_signup(db, person_row, {"source": "own_initiative", "link_id": None,
                                           "recruiter_id": None, "campaign_id": None,
                                           "association_id": None})
        except sqlite3.OperationalError:
            errors += 1
    db.close()
    queue.put(errors)


def test_eight_processes_reading_then_writing_never_see_a_locked_database(app, db):
    """record_signup reads (duplicates) before it writes: BEGIN IMMEDIATE makes them queue."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_sign_up_many, args=(app.config["DATABASE"], w, 40, queue))
               for w in range(8)]
    for worker in workers:
        worker.start()
    errors = sum(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    assert errors == 0
    assert db.table("signups").count == 320
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
