"""Storage faults: a full disk, a read-only database, a lock held too long."""
import multiprocessing
import sqlite3
import uuid

import pytest

from recruiter.db import connect, get_db
from recruiter.responses import storage_unavailable
from recruiter.signups import record_signup
from tests.factories import make_member, person, post_shift, shift_body, signups


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
        response = post_shift(client, shift_body())
    finally:
        request_connection(app).execute("PRAGMA query_only = OFF")
    assert response.status_code == 503 and db.table("shifts").count == 0


def _sign_up_many(path, worker, count, queue):
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


@pytest.fixture
def failing_app(app):
    """The test app with a view that raises the OperationalError a test names."""
    def fail():
        from flask import request
        error = sqlite3.OperationalError(request.args["message"])
        raise error

    app.add_url_rule("/test/fail", view_func=fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production
    return app


@pytest.mark.parametrize("message, status", [
    ("no such column: nmae", 500),
    ('near "selct": syntax error', 500),
    ("database is locked", 503),
    ("database or disk is full", 503),
    ("attempt to write a readonly database", 503),
    ("disk I/O error", 503),
])
def test_only_storage_faults_are_a_503(failing_app, caplog, message, status):
    response = failing_app.test_client().get("/test/fail", query_string={"message": message})
    assert response.status_code == status
    if status == 500:
        # Logged as the bug it is, with its traceback.
        assert "Exception on /test/fail" in caplog.text and message in caplog.text


def test_a_real_sqlite_error_is_judged_by_its_code(app, db):
    with pytest.raises(sqlite3.OperationalError) as bug:
        db.execute("select nmae from members")
    assert bug.value.sqlite_errorname == "SQLITE_ERROR"
    assert not storage_unavailable(bug.value)
    db.execute("PRAGMA query_only = ON")
    with pytest.raises(sqlite3.OperationalError) as read_only:
        db.execute("insert into districts (name, code, created_at) values ('a', 'b', 'c')")
    assert storage_unavailable(read_only.value)


@pytest.mark.parametrize("value, status", [(2**63 - 1, 404), (2**63, 404), (10**30, 404)])
def test_ids_past_64_bits_are_a_404_before_any_view(login_as, db, value, status):
    client = login_as(make_member(db))
    assert client.get(f"/pass/{value}/andra").status_code == status


def test_an_overflow_inside_a_view_is_a_bug_not_a_404(app):
    def overflow():
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    app.add_url_rule("/test/overflow", view_func=overflow)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/test/overflow").status_code == 500
