"""The one table of levels and roles (recruiter/units.py): everything else agrees with it."""
import re
from pathlib import Path

from werkzeug.routing import AnyConverter

from recruiter import admin, cli, organisation, rollups, scope, units
from recruiter.units import LEVELS, NATION, OUTSIDE_TREE, PARENT_LEVELS, ROLES, UNIT_TABLES
from tests.factories import make_association, make_member

ROOT = Path(__file__).resolve().parent.parent


def check_values(sql, column):
    """The values a CHECK (column in (...)) in a CREATE TABLE allows, or None."""
    match = re.search(rf"check\s*\(\s*[\[\"`]?{column}[\]\"`]?\s+in\s*\(([^)]*)\)", sql, re.I)
    return set(re.findall(r"'([^']*)'", match.group(1))) if match else None


def trigger_values(sql, column):
    """The values a trigger's `when new.column not in (...)` lets through, or None."""
    match = re.search(rf"new\.{column}\s+not\s+in\s*\(([^)]*)\)", sql, re.I)
    return set(re.findall(r"'([^']*)'", match.group(1))) if match else None


def allowed_values(db, table, column):
    """What the database lets a column hold: by a CHECK or by triggers; None if anything."""
    found = [check_values(db.table(table).schema, column)] + [
        trigger_values(t.sql, column) for t in db.table(table).triggers]
    found = [values for values in found if values is not None]
    return set.intersection(*found) if found else None


def test_the_roles_table_allows_exactly_the_roles_in_units(db):
    allowed = allowed_values(db, "roles", "role")
    assert allowed == set(ROLES)


def test_allowed_values_reads_a_check_or_a_trigger(db):
    db.execute("create table t (a text check (a in ('x', 'y')), b text)")
    db.execute("""create trigger t_b before insert on t when new.b not in ('p', 'q')
                  begin select raise(abort, 'no'); end""")
    assert allowed_values(db, "t", "a") == {"x", "y"}
    assert allowed_values(db, "t", "b") == {"p", "q"}
    assert allowed_values(db, "roles", "member_id") is None


def test_every_level_has_its_table_and_parent_column_in_a_fresh_database(db):
    for level in LEVELS.values():
        if level.table is None:
            assert level.name == NATION and level.parent is None
            continue
        assert db.table(level.table).exists(), level.name
        if level.parent_column:
            fk = {f.column: f.other_table for f in db.table(level.table).foreign_keys}
            assert fk[level.parent_column] == LEVELS[level.parent].table
    for table in units.OUTSIDE_TREE.values():
        assert db.table(table).exists()


def test_the_tree_runs_from_the_nation_to_the_association_one_way():
    chain, level = [], NATION
    while level:
        chain.append(level)
        assert LEVELS[level].child is None or LEVELS[LEVELS[level].child].parent == level
        level = LEVELS[level].child
    assert chain == list(LEVELS) == [NATION, "district", "municipality", "association"]
    assert PARENT_LEVELS == tuple(chain[:-1])


def test_every_role_has_a_level_a_rank_and_a_label(app):
    tree = [r for r in ROLES.values() if r.level in LEVELS]
    assert [r.rank for r in tree] == list(range(len(tree)))  # listed lowest first
    # A role outside the tree (a partner organisation's coordinator) administers
    # nothing in it: it ranks lowest, beside the member, and sees no personal data.
    outside = [r for r in ROLES.values() if r.level not in LEVELS]
    assert all(r.level in OUTSIDE_TREE and r.rank == 0 and not r.sees_personal_data
               for r in outside)
    with app.test_request_context():
        for role in ROLES.values():
            assert role.level in LEVELS or role.level in OUTSIDE_TREE
            assert str(role.label).strip(), role.name
        for level in LEVELS.values():
            assert level.admin_role in ROLES and level.overview_role in ROLES
            assert str(level.label).strip()
            assert level.add_label is None if level.parent is None else str(level.add_label)


def test_whoever_sees_personal_data_outranks_whoever_does_not():
    """mfa.privileged reads the highest role only; that is enough while this holds."""
    seeing = [r.rank for r in ROLES.values() if r.sees_personal_data]
    blind = [r.rank for r in ROLES.values() if not r.sees_personal_data]
    assert min(seeing) > max(blind)
    assert all(r.sees_personal_data for r in ROLES.values() if r.reads_contacts)


def test_every_level_a_route_accepts_is_in_units(app):
    accepted = {}
    for rule in app.url_map.iter_rules():
        converter = rule._converters.get("level")
        if converter is None:
            continue
        assert isinstance(converter, AnyConverter), rule.rule
        items = set(re.findall(r"\w+", converter.regex))
        assert items <= set(LEVELS), (rule.rule, items)
        accepted[rule.endpoint] = items
    assert accepted["dashboard.overview"] == accepted["admin.unit"] == set(PARENT_LEVELS)
    assert accepted["dashboard.indicators_json"] == set(LEVELS)


def _sources():
    for path in [*ROOT.glob("recruiter/*.py"), *ROOT.glob("templates/**/*.html")]:
        yield path.relative_to(ROOT), path.read_text(encoding="utf-8")


def test_every_role_named_in_code_or_templates_is_in_units():
    named = set()
    for path, text in _sources():
        found = set(re.findall(r"""['"](\w+_admin|chair)['"]""", text))
        assert found <= set(ROLES), (path, found - set(ROLES))
        named |= found
    assert named  # the scan reads something (demo.py's logins at least)


def test_no_view_or_template_compares_role_names():
    """Rules by name (scope.py) instead of `role == 'chair'` here and there."""
    compare = re.compile(r"""(\.role\.role|\[["']role["']\]|role)\s*(==|!=|\bin\b)\s*[\('"]""")
    for path, text in _sources():
        if path.name in ("units.py", "scope.py", "migrations.py"):
            continue
        assert not compare.search(text), (path, compare.search(text).group(0))


def test_level_names_compared_in_templates_are_levels():
    for path, text in _sources():
        if path.suffix == ".html":
            for name in re.findall(r"level\s*[!=]=\s*'(\w+)'", text):
                assert name in LEVELS, (path, name)


def test_the_other_modules_mappings_come_from_units():
    assert rollups.UNIT_FILTER == {name: lv.signup_filter for name, lv in LEVELS.items()}
    assert set(rollups.CHILDREN_SQL) == set(admin.CHILDREN) == set(PARENT_LEVELS)
    assert set(scope._PATH_SQL) == set(LEVELS) - {NATION}
    assert {kind: table for kind, (table, _) in organisation.LEVELS.items()} == units.UNIT_TABLES
    assert organisation.PARENT_COLUMN == {
        lv.name: lv.parent_column for lv in LEVELS.values() if lv.parent_column}
    role_option = next(p for p in cli.create_user_command.params if p.name == "role")
    assert list(role_option.type.choices) == list(ROLES)


def test_the_nation_is_none_inside_and_0_in_its_urls(app, db, login_as):
    national = make_member(db, association=None, role="national_admin")
    assert next(db.table("roles").rows_where("member_id = ?", [national["id"]]))["unit_id"] is None
    with app.test_request_context():
        from flask import url_for
        assert url_for("dashboard.overview", level=NATION, unit_id=None) == "/oversikt/nation/0"
        assert url_for("admin.unit", level=NATION, unit_id=None) == "/admin/nation/0"
    client = login_as(national)
    assert client.get("/oversikt").headers["Location"].endswith("/oversikt/nation/0")
    assert client.get("/admin/").headers["Location"].endswith("/admin/nation/0")
    assert client.get("/api/indicators/nation/0").get_json()["unit_id"] is None
    assert client.get("/oversikt/nation/7").status_code == 404
    assert client.get("/admin/nation/7").status_code == 404


def test_scope_label_names_the_unit_and_the_one_above_it_below_the_district(app, db):
    a = make_association(db, name="S-föreningen Väster")
    municipality = db.table("municipalities").get(a["municipality_id"])
    district = db.table("districts").get(municipality["district_id"])
    with app.test_request_context():
        assert scope.scope_label(db, "chair", a["id"]) == f"S-föreningen Väster, {municipality['name']}"
        assert scope.scope_label(db, "municipal_admin", municipality["id"]) == \
            f"{municipality['name']}, {district['name']}"
        assert scope.scope_label(db, "district_admin", district["id"]) == district["name"]
        assert scope.scope_label(db, "national_admin", None) == "Hela partiet"


def test_every_role_the_demo_gives_points_into_its_levels_table(app, db, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    rows = list(db.query("select role, unit_id from roles"))
    assert {r["role"] for r in rows} == set(ROLES)
    for row in rows:
        table = UNIT_TABLES.get(ROLES[row["role"]].level)
        if table is None:
            assert row["unit_id"] is None
        else:
            assert db.table(table).get(row["unit_id"]), row


def test_every_permission_rule_reaches_the_templates():
    """Merged branches each kept their own list once; one list, checked, keeps them all."""
    rules = {name for name, value in vars(scope).items()
             if name.startswith("may_") and callable(value)}
    assert rules == {rule.__name__ for rule in scope.RULES}
