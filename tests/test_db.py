import sqlite3

import pytest

from recruiter.db import connect
from recruiter.migrations import migrations

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
    import threading

    from recruiter.db import connect
    from tests.factories import make_district

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
    from recruiter import create_app
    from recruiter.db import close_thread_connections, connect

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
