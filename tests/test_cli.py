from pathlib import Path

import pytest

from recruiter import create_app, demo
from recruiter.db import close_thread_connections
from tests.conftest import FAST_ARGON2
from tests.factories import make_member


def test_init_db_is_idempotent(runner, db):
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert runner.invoke(args=["init-db"]).exit_code == 0
    assert "members" in db.table_names()


def test_seed_demo_makes_a_party_and_prints_logins(runner, db):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    for local in demo.LOGINS:
        assert demo.demo_email(local) in result.output
    assert demo.DEMO_PASSWORD in result.output
    assert db.table("districts").count == 3
    assert db.table("associations").count >= 10
    assert db.table("members").count > 50
    roles = {r["role"] for r in db.table("roles").rows_where()}
    assert roles == {"member", "chair", "municipal_admin", "district_admin", "national_admin",
                     "partner_coordinator"}
    sources = {r["source"]: r["n"] for r in db.query(
        "select source, count(*) as n from signups group by source")}
    assert set(sources) == {"link", "on_the_spot", "own_initiative"}
    recruited = sources["link"] + sources["on_the_spot"]
    assert 0.3 < recruited / sum(sources.values()) < 0.6
    # three national campaigns and one municipal one with goals (issue 13)
    assert db.table("campaigns").count == 4 and db.table("postcode_areas").count > 20
    assert db.table("goals").count_where("campaign_id is not null") >= 2
    assert db.table("shifts").count == 1500
    assert db.table("shifts").count_where("doors_opened > doors_knocked") == 0


def test_seed_demo_is_deterministic(tmp_path):
    names = []
    for n in range(2):
        app = create_app({"TESTING": True, "DATABASE": str(tmp_path / f"{n}.db"),
                          "ARGON2_PARAMS": FAST_ARGON2})
        app.test_cli_runner().invoke(args=["seed-demo"])
        with app.app_context():
            from recruiter.db import get_db
            names.append([(r["first_name"], r["last_name"], r["association_id"])
                          for r in get_db().table("members").rows_where(order_by="id")])
        close_thread_connections()
    assert names[0] == names[1]


def test_seed_demo_refuses_a_database_with_accounts(runner, db):
    make_member(db, email="real@example.org")
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "--force" in result.output
    assert db.table("members").count == 1
    assert runner.invoke(args=["seed-demo", "--if-empty"]).exit_code == 0
    assert db.table("members").count == 1
    assert runner.invoke(args=["seed-demo", "--force"]).exit_code == 0
    assert db.table("members").count > 1


def test_seed_demo_refuses_production_config(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "prod.db"), "SECRET_KEY": "x" * 64, "DEMO": False})
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    close_thread_connections()
    assert result.exit_code != 0 and "DEMO" in result.output


def test_app_refuses_development_secret_in_production(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"DATABASE": str(tmp_path / "x.db"), "SECRET_KEY": "dev"})


def test_https_base_url_makes_cookies_secure(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "x.db"), "SECRET_KEY": "x" * 64,
                      "PUBLIC_BASE_URL": "https://varva.example"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_import_org_command(runner, db, tmp_path):
    good = tmp_path / "org.csv"
    good.write_text("level,code,name,parent_code,kind\ndistrict,D-1,Ett,,\n"
                    "municipality,K-1,Kommun,D-1,\n", encoding="utf-8")
    result = runner.invoke(args=["import-org", str(good)])
    assert result.exit_code == 0 and "2 rader" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("level,code,name,parent_code,kind\ndistrict,D-2,Två,,\n"
                   "association,A-1,F,K-404,\n", encoding="utf-8")
    result = runner.invoke(args=["import-org", str(bad)])
    assert result.exit_code != 0
    assert "rad 3" in result.output and "K-404" in result.output
    assert db.table("districts").count == 1


def test_create_user_command(runner, db):
    result = runner.invoke(args=["create-user", "Boss@Example.org", "--first-name", "Bo",
                                 "--last-name", "Ss", "--role", "national_admin",
                                 "--password", "ett-starkt-lösen-1"])
    assert result.exit_code == 0, result.output
    member = next(db.table("members").rows_where())
    assert member["email"] == "boss@example.org" and member["association_id"] is None
    assert [r["role"] for r in db.table("roles").rows_where()] == ["national_admin"]


def test_create_user_refuses_weak_password(runner, db):
    result = runner.invoke(args=["create-user", "a@example.org", "--first-name", "A",
                                 "--last-name", "B", "--role", "national_admin",
                                 "--password", "password123"])
    assert result.exit_code != 0
    assert db.table("members").count == 0


def test_every_cli_command_has_help_and_is_in_the_readme(app):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    ours = {"init-db", "seed-demo", "import-org", "create-user", "purge-expired", "backup"}
    assert ours <= set(app.cli.list_commands(None))
    for name in ours:
        assert app.cli.get_command(None, name).help
        assert name in readme


def test_production_answers_only_to_its_public_host(tmp_path):
    app = create_app({"DATABASE": str(tmp_path / "h.db"), "SECRET_KEY": "x" * 64,
                      "PUBLIC_BASE_URL": "https://varva.example.se"})
    client = app.test_client()
    assert client.get("/healthz", base_url="https://varva.example.se").status_code == 200
    assert client.get("/healthz", base_url="https://evil.example").status_code == 400
    close_thread_connections()
