"""The SQLite connection: one per worker thread, reused across requests."""
import os
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app, request
from flask.cli import with_appcontext
from sqlite_utils import Database

_local = threading.local()


def connect(path, synchronous="FULL"):
    """Open a connection with the pragmas every connection needs."""
    conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
    db = Database(conn, execute_plugins=False)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    # A PRAGMA takes no bound parameter; _synchronous() allows only the four levels.
    db.execute(f"PRAGMA synchronous = {_synchronous(synchronous)}")  # nosemgrep
    # Erased personal data is overwritten on disk, not just unlinked.
    db.execute("PRAGMA secure_delete = ON")
    return db


def _synchronous(value):
    """Only the known levels reach the PRAGMA, which cannot take a parameter."""
    value = str(value).upper()
    if value not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"bad SYNCHRONOUS setting: {value}")
    return value


def get_db():
    """Return this thread's connection to the app's database, opening it once."""
    path = current_app.config["DATABASE"]
    connections = getattr(_local, "connections", None)
    if connections is None:
        connections = _local.connections = {}
    db = connections.get(path)
    if db is None:
        db = connections[path] = connect(path, current_app.config["SYNCHRONOUS"])
    return db


def close_thread_connections():
    """Close this thread's connections (tests and CLI commands call this)."""
    for db in getattr(_local, "connections", {}).values():
        db.close()
    _local.connections = {}


@contextmanager
def immediate(db):
    """A write transaction that takes the write lock before its first read."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.commit()
    except BaseException:
        # COMMIT itself can fail (a deferred foreign key, a full disk, an I/O
        # error) and leaves the transaction open: end it, or the next write
        # on this thread's connection would join it.
        db.rollback()
        raise


def now():
    """The current UTC time as ISO-8601 text, as every *_at column holds it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def init_db():
    """Check the database file, then apply every pending migration."""
    from .migrations import migrations

    try:
        db = get_db()
        check = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        check = str(error)
    if check != "ok":
        raise click.ClickException(
            f"Databasen är skadad ({check}). Återställ den senaste kopian (se README: backup).")
    migrations.apply(db)


# What the migrations build, in a stable order; their own bookkeeping table
# (_sqlite_migrations, made by sqlite-utils) is left out.
SCHEMA_SQL = """
select sql from sqlite_master
where sql is not null and name not like '\\_sqlite%' escape '\\'
order by case type when 'table' then 0 when 'index' then 1 else 2 end, tbl_name, name"""


def schema_sql(db):
    """The schema as CREATE statements, the text recruiter/schema.sql holds."""
    statements = [row[0] + ";" for row in db.execute(SCHEMA_SQL).fetchall()]
    return ("-- Generated: flask --app recruiter schema > recruiter/schema.sql\n"
            "-- What every migration applied to an empty database builds. Never run it:\n"
            "-- init-db applies the migrations; tests/test_migrations.py compares.\n\n"
            + "\n\n".join(statements) + "\n")


@click.command("schema")
def schema_command():
    """Print the schema the migrations build on an empty database (recruiter/schema.sql)."""
    from .migrations import migrations

    with tempfile.TemporaryDirectory() as folder:
        db = connect(os.path.join(folder, "schema.db"), synchronous="OFF")
        try:
            migrations.apply(db)
            click.echo(schema_sql(db), nl=False)
        finally:
            db.close()


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Create the database or apply pending migrations; never drops data."""
    init_db()
    click.echo("Databasen är klar.")


def backup(source_path, target_path):
    """Copy the database consistently while the app runs (SQLite's online backup).

    Written to a temporary file, integrity-checked, then renamed, so a
    half-written copy is never taken for a good one. Returns the page count.
    """
    target = Path(target_path)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(source_path, timeout=5)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        pages = copy.execute("PRAGMA page_count").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if check != "ok":
        partial.unlink()
        raise RuntimeError(f"backup failed its integrity check: {check}")
    os.replace(partial, target)
    return pages


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(target):
    """Write a consistent, integrity-checked copy of the database to TARGET."""
    pages = backup(current_app.config["DATABASE"], target)
    click.echo(f"Kopian är klar: {target} ({pages} sidor, integritetskontroll ok).")


def end_open_transaction(error=None):
    """A request must not end inside a transaction: this thread's connection
    serves the next request too, whose writes would join it (and the write
    lock would stay taken). Roll it back and say so: it is a bug."""
    path = current_app.config["DATABASE"]
    connections = getattr(_local, "connections", {})
    db = connections.get(path)
    if db is None or not db.conn.in_transaction:
        return
    current_app.logger.error("request %s ended inside a transaction: rolled back",
                             request.endpoint)
    try:
        db.rollback()
    except sqlite3.Error:
        # Unusable: the next request opens a fresh connection.
        current_app.logger.exception("rollback at the end of a request failed")
        connections.pop(path).close()


def init_app(app):
    """Register the database CLI commands and the end-of-request guard."""
    app.teardown_request(end_open_transaction)
    app.cli.add_command(init_db_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(schema_command)
