import ast
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlite_utils.migrations import Migrations

import recruiter.migrations
import recruiter.shift_forms  # noqa: F401  (its SHIFT_COUNTS is patched below)
from recruiter.db import connect, schema_sql
from recruiter.migrations import migrations
from tests.factories import make_member, make_signup

SNAPSHOT = Path(__file__).parent.parent / "recruiter" / "schema.sql"


def test_migrations_from_empty_build_exactly_the_committed_schema(tmp_path):
    db = connect(str(tmp_path / "empty.db"))
    migrations.apply(db)
    assert schema_sql(db) == SNAPSHOT.read_text(), (
        "the schema changed: regenerate it with `make schema` and commit recruiter/schema.sql")
    db.close()


def test_schema_command_prints_the_snapshot(runner):
    result = runner.invoke(args=["schema"])
    assert result.exit_code == 0, result.output
    assert result.output == SNAPSHOT.read_text()


def _module_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ImportFrom):  # `from .units import ROLES`; modules are fine
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def test_migrations_read_no_module_constants():
    """A migration holds its values as literals: a constant it read could change later
    and make fresh installs differ from upgraded ones."""
    tree = ast.parse(Path(recruiter.migrations.__file__).read_text())
    constants = _module_names(tree) - {"migrations"}
    migration_functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)
                           and node.name.startswith("m0")]
    assert len(migration_functions) == len(migrations._migrations)
    for function in migration_functions:
        used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
        assert not used & constants, f"{function.name} reads {used & constants}"


def test_a_shift_count_added_later_is_its_own_migration(tmp_path, monkeypatch):
    """Adding a count to the live constant, plus the migration that adds its column,
    works on a fresh database: m006 still creates only the first five."""
    for name, module in list(sys.modules.items()):
        if name.startswith("recruiter") and hasattr(module, "SHIFT_COUNTS"):
            monkeypatch.setattr(module, "SHIFT_COUNTS", (*module.SHIFT_COUNTS, "leaflets"))
    later = Migrations("recruiter-later")

    @later()
    def m099_count_leaflets(db):
        db.table("shifts").add_column("leaflets", int, not_null_default=0)

    db = connect(str(tmp_path / "fresh.db"))
    migrations.apply(db, stop_before="m007_leaderboard_and_indicator_indexes")
    assert "leaflets" not in db.table("shifts").columns_dict
    migrations.apply(db)
    later.apply(db)
    columns = [c.name for c in db.table("shifts").columns]
    assert columns.count("leaflets") == 1
    assert {"doors_knocked", "doors_opened", "conversations", "paper_signups",
            "interested"} <= set(columns)
    db.close()


@pytest.mark.parametrize("table, column, bad", [
    ("signups", "source", "qr"), ("signups", "status", "paid_twice"),
    ("members", "leaderboard_name", "everyone")])
def test_enumerated_columns_refuse_unknown_values(db, table, column, bad):
    row = make_signup(db) if table == "signups" else make_member(db)
    with pytest.raises(sqlite3.IntegrityError, match=f"unknown {table}.{column}"):
        db.table(table).update(row["id"], {column: bad})
    assert db.table(table).get(row["id"])[column] == row[column]
    if table == "signups":
        with pytest.raises(sqlite3.IntegrityError, match=f"unknown {table}.{column}"):
            make_signup(db, **{column: bad})


def test_enforcing_values_keeps_rows_stored_before(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m016_enforce_enumerated_values")
    old = make_signup(db, source="imported")
    migrations.apply(db)
    assert db.table("signups").get(old["id"])["source"] == "imported"
    # Other columns of such a row still change (erasure, status).
    db.table("signups").update(old["id"], {"status": "cancelled", "first_name": ""})
    db.close()
