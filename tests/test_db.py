import sqlite3
import threading

import pytest

from recruiter import audit, cache, create_app, privacy
from recruiter.db import close_thread_connections, connect, get_db, immediate
from recruiter.migrations import migrations
from recruiter.signups import record_signup
from tests.factories import make_district, make_signup

EXPECTED_TABLES = {
    "districts", "municipalities", "associations", "partner_organisations",
    "members", "roles", "sessions", "invitations", "password_resets",
}


def test_migrations_build_schema_from_empty(tmp_path):
    db = connect(str(tmp_path / "empty.db"))
    migrations.apply(db)
    assert EXPECTED_TABLES <= set(db.table_names())
    assert db.table("members").columns_dict["email"] is str
    assert any(i.unique and i.columns == ["email"] for i in db.table("members").indexes)
    assert any(i.unique and i.columns == ["token_hash"] for i in db.table("sessions").indexes)
    assert {fk.other_table for fk in db.table("associations").foreign_keys} == {"municipalities"}
    assert db.journal_mode == "wal"
    db.close()


def test_migrations_reapply_as_noop(tmp_path):
    path = str(tmp_path / "again.db")
    db = connect(path)
    migrations.apply(db)
    schema = db.schema
    applied = len(migrations.applied(db))
    migrations.apply(db)
    assert db.schema == schema
    assert len(migrations.applied(db)) == applied
    db.close()


def test_every_connection_has_foreign_keys_and_full_sync(tmp_path):
    db = connect(str(tmp_path / "fk.db"))
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    # Debian's SQLite is built with SECURE_DELETE on; other builds need the pragma.
    assert db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    db.close()


def test_foreign_keys_are_enforced(db):


    with pytest.raises(sqlite3.IntegrityError):
        db.table("associations").insert(
            {"name": "X", "code": "X", "municipality_id": 999, "created_at": "now"})


def test_backup_while_writing_is_consistent_and_complete(app, db, runner, tmp_path):


    for _ in range(50):
        make_district(db)
    stop = threading.Event()

    def write():
        writer = connect(app.config["DATABASE"])
        while not stop.is_set():
            make_district(writer)
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        result = runner.invoke(args=["backup", str(tmp_path / "copy.db")])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "integritetskontroll ok" in result.output
    copy = connect(str(tmp_path / "copy.db"))
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.table("districts").count >= 50
    assert not (tmp_path / "copy.db.partial").exists()
    copy.close()


def test_init_db_refuses_a_corrupt_database(tmp_path):
    path = tmp_path / "broken.db"
    db = connect(str(path))
    migrations.apply(db)
    db.table("districts").insert_all(
        {"name": f"D{n}" * 50, "code": f"C{n}", "created_at": "x"} for n in range(500))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    data = bytearray(path.read_bytes())
    for offset in range(8192, len(data) - 4096, 4096):  # scramble every page but the first two
        data[offset + 100:offset + 400] = bytes(range(256)) + bytes(44)
    path.write_bytes(bytes(data))
    app = create_app({"TESTING": True, "DATABASE": str(path)})
    result = app.test_cli_runner().invoke(args=["init-db"])
    close_thread_connections()
    assert result.exit_code != 0 and "skadad" in result.output


def test_consent_texts_cannot_be_changed_or_deleted(db):
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("update consent_texts set body = 'något annat'")
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        db.execute("delete from consent_texts")
    assert "samtycker" in next(db.table("consent_texts").rows_where())["body"]


# Transaction edges (issue 10 item 4).

def test_immediate_rolls_back_when_commit_itself_fails(db):
    with pytest.raises(sqlite3.IntegrityError):
        with immediate(db):
            # A deferred foreign key is checked only at COMMIT, which then fails.
            db.execute("PRAGMA defer_foreign_keys = ON")
            db.execute("insert into associations (name, code, municipality_id, created_at) "
                       "values ('X', 'X', 999, 'now')")
    assert not db.conn.in_transaction
    assert db.table("associations").count == 0
    # The connection takes the next write on its own.
    make_district(db)
    assert db.table("districts").count == 1


@pytest.fixture
def leaky_app(app):
    """The test app with two views that end their request inside a transaction."""

    def leave_open():
        get_db().execute("BEGIN IMMEDIATE")
        get_db().execute("insert into districts (name, code, created_at) values ('L', 'L', 'x')")
        return "done"

    def leave_open_and_fail():
        leave_open()
        raise RuntimeError("a bug")

    app.add_url_rule("/test/leave-open", view_func=leave_open)
    app.add_url_rule("/test/leave-open-and-fail", view_func=leave_open_and_fail)
    return app


@pytest.mark.parametrize("path", ["/test/leave-open", "/test/leave-open-and-fail"])
def test_a_request_left_inside_a_transaction_is_rolled_back_and_logged(
        leaky_app, db, caplog, path):
    leaky_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = leaky_app.test_client()
    response = client.get(path)
    assert response.status_code in (200, 500)
    assert "ended inside a transaction" in caplog.text
    assert db.table("districts").count == 0
    with leaky_app.app_context():
        assert not get_db().conn.in_transaction
    # The write lock is free: another connection writes at once.
    db.execute("insert into districts (name, code, created_at) values ('M', 'M', 'x')")


def test_withdrawal_is_one_transaction(app, db, monkeypatch):
    """A failure half-way (here: the audit of the second row) leaves every row as it was."""

    first = make_signup(db, email="same@example.org")
    second = make_signup(db, email="same@example.org")
    calls = []
    real_record = audit.record

    def failing_record(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with app.app_context(), pytest.raises(sqlite3.OperationalError):
        privacy.withdraw_confirmed(db, [first["id"], second["id"]])
    for row in (first, second):
        stored = db.table("signups").get(row["id"])
        assert (stored["erased_at"], stored["status"], stored["email"]) == \
            (None, "registered", "same@example.org")
    assert not db.conn.in_transaction
    monkeypatch.setattr(audit, "record", real_record)
    with app.app_context():
        assert privacy.withdraw_confirmed(db, [first["id"], second["id"]]) == [
            first["id"], second["id"]]
    assert {r["action"] for r in audit.recent(db)} == {"withdraw"}


def test_a_signup_clears_the_cache_only_once_it_is_committed(app, db, monkeypatch):
    """Cleared before the commit, another thread could cache the old numbers again."""

    seen = []

    def invalidate():
        other = connect(app.config["DATABASE"])
        seen.append((db.conn.in_transaction, other.table("signups").count))
        other.close()

    monkeypatch.setattr(cache, "invalidate", invalidate)
    person = {"submission_id": "s1", "first_name": "A", "last_name": "B",
              "email": "a@example.org", "phone": None, "birth_year": 1990,
              "postcode": "211 45", "consent_id": 1}
    attribution = {"source": "own_initiative", "link_id": None, "recruiter_id": None,
                   "campaign_id": None, "association_id": None}
    record_signup(db, person, attribution)
    assert seen == [(False, 1)]
