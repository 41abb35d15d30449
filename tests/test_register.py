"""The exchange with the member register: export, status and figure imports, indicators."""
import csv
import io
import json
import os
import re
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_login.utils import _create_identifier

from recruiter import accounts, register, register_import, rollups
from recruiter.db import connect
from recruiter.periods import period_for
from recruiter.sessions import start_session
from tests.factories import (make_association, make_member, make_municipality, make_signup,
                             post_register_file, register_apply, register_preview)

TODAY = date.today().isoformat()


def summary(db, import_id):
    return json.loads(db.table("register_imports").get(import_id)["summary"])


@pytest.fixture
def scene(db, login_as):
    a = make_association(db)
    recruiter = make_member(db, association=a)
    recruits = [make_signup(db, recruiter=recruiter) for _ in range(3)]
    own = make_signup(db, association=a)
    withdrawn = make_signup(db, recruiter=recruiter, status="cancelled", erased_at=TODAY)
    duplicate = make_signup(db, recruiter=recruiter, duplicate_of=recruits[0]["id"])
    office = login_as(make_member(db, association=None, role="national_admin"))
    return {"a": a, "recruiter": recruiter, "recruits": recruits, "own": own,
            "withdrawn": withdrawn, "duplicate": duplicate, "office": office}


def exported(scene):
    response = scene["office"].post("/register/export")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_round_trip_export_import_paid_and_indicators(app, db, scene, login_as):
    rows = exported(scene)
    refs = {r["reference"] for r in rows}
    expected = [*scene["recruits"], scene["own"]]
    assert refs == {db.table("signups").get(s["id"])["reference"] for s in expected}
    assert all(r["reference"].startswith(f"V-{TODAY[:4]}-") for r in rows)
    assert {r["association_code"] for r in rows} == {scene["a"]["code"]}
    # Exported once only: nothing is left for a second export.
    assert scene["office"].post("/register/export").status_code == 302
    assert db.table("export_batches").count == 1
    invoiced = "reference,status,date\n" + "".join(f"{r},invoiced,{TODAY}\n" for r in sorted(refs))
    import_id = register_preview(scene["office"], invoiced)
    assert summary(db, import_id)["changes"] == 4
    page = scene["office"].get(f"/register/import/{import_id}").get_data(as_text=True)
    units = page.split('data-testid="units"')[1].split("</ul>")[0]
    assert scene["a"]["name"] in units and "aviserad: 4" in units  # per unit, before applying
    assert db.table("signup_statuses").count == 0
    assert register_apply(scene["office"], db, import_id).status_code == 302
    recruit_refs = [db.table("signups").get(s["id"])["reference"] for s in scene["recruits"]]
    own_ref = db.table("signups").get(scene["own"]["id"])["reference"]
    register_file = (f"reference,status,date\n{recruit_refs[0]},paid,{TODAY}\n"
                     f"{recruit_refs[1]},paid,{TODAY}\n"
                     f"{recruit_refs[2]},unpaid_after_reminder,{TODAY}\n{own_ref},paid,{TODAY}\n")
    import_id = register_preview(scene["office"], register_file)
    register_apply(scene["office"], db, import_id)
    assert [db.table("signups").get(s["id"])["status"] for s in scene["recruits"]] == [
        "paid", "paid", "unpaid_after_reminder"]
    figures = (f"association_code,date,members,members_under_45,new_members\n"
               f"{scene['a']['code']},{TODAY},120,30,6\n")
    register_apply(scene["office"], db, register_preview(scene["office"], figures, kind="figures"))
    # Credit at payment: the leaderboard now ranks by paid recruits, and says so.
    board = login_as(scene["recruiter"]).get("/topplista/?period=year").get_data(as_text=True)
    assert "betalat medlemsavgiften" in board
    assert "<td>2</td>" in board.split('data-testid="board"')[1].split("</tr>")[1]
    # The member sees two paying recruits and one still pending.
    page = login_as(scene["recruiter"]).get("/varva").get_data(as_text=True)
    assert page.count('data-testid="paid"') == 2
    assert page.count('data-testid="pending"') == 1
    with app.test_request_context():
        period = period_for("year", db)
    level, unit = "association", scene["a"]["id"]
    share = rollups.recruited_share_of_new(db, level, unit, period.since, period.until)
    assert (share["recruited_paid"], share["new_members"]) == (2, 6)  # own initiative not counted
    assert share["share"] == pytest.approx(2 / 6)
    months = rollups.signups_and_invoices(db, level, unit, period.since, period.until)["months"]
    # 6 sign-ups this month counted by the app (duplicate left out: 5), 4 invoices sent.
    assert months == [{"month": TODAY[:7], "signups": 5, "invoices": 4}]
    members = rollups.register_members(db, level, unit, period.since, period.until)
    assert (members["members"], members["share_under_45"], members["as_of"]) == (120, 0.25, TODAY)
    overview = scene["office"].get(
        f"/oversikt/municipality/{scene['a']['municipality_id']}?period=year").get_data(True)
    assert 'data-testid="members">120' in overview
    assert 'data-testid="recruited-share-of-new">33 %' in overview
    api = scene["office"].get(f"/api/indicators/association/{unit}?period=year").get_json()
    assert api["register"]["new_members"]["recruited_paid"] == 2


def test_export_batch_can_be_downloaded_again_and_is_audited(db, scene):
    rows = exported(scene)
    batch = next(db.table("export_batches").rows_where())
    again = scene["office"].get(f"/register/export/{batch['id']}.csv").get_data(as_text=True)
    assert [r["reference"] for r in csv.DictReader(io.StringIO(again.lstrip("\ufeff")))] == [
        r["reference"] for r in rows]
    actions = [e["action"] for e in db.table("audit_log").rows_where()]
    assert "register_export" in actions and "register_export_again" in actions


def test_export_neutralises_formula_cells(db, scene):
    make_signup(db, association=scene["a"], first_name="=HYPERLINK(1)")
    text = scene["office"].post("/register/export").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_same_file_twice_changes_nothing(db, scene):
    ref = db.table("signups").get(scene["own"]["id"])["reference"]
    text = f"reference,status,date\n{ref},invoiced,{TODAY}\n"
    register_apply(scene["office"], db, register_preview(scene["office"], text))
    second = register_preview(scene["office"], text)
    assert summary(db, second)["changes"] == 0
    register_apply(scene["office"], db, second)
    assert db.table("signup_statuses").count == 1


def test_one_bad_row_applies_nothing(db, scene):
    refs = [db.table("signups").get(s["id"])["reference"] for s in scene["recruits"]]
    text = (f"reference,status,date\n{refs[0]},invoiced,{TODAY}\n{refs[1]},invoiced,{TODAY}\n"
            f"V-1999-999999,invoiced,{TODAY}\n")
    import_id = register_preview(scene["office"], text)
    assert summary(db, import_id)["errors"] == [[4, "Okänd referens: V-1999-999999."]]
    page = scene["office"].get(f"/register/import/{import_id}").get_data(as_text=True)
    assert 'data-testid="apply"' not in page and "Rad 4" in page
    register_apply(scene["office"], db, import_id)
    assert db.table("signup_statuses").count == 0
    assert db.table("signups").get(scene["recruits"][0]["id"])["status"] == "registered"


def test_statuses_only_move_forward_and_bad_rows_are_named(db, scene):
    refs = [db.table("signups").get(s["id"])["reference"] for s in scene["recruits"]]
    register_apply(scene["office"], db, register_preview(scene["office"],
                                       f"reference,status,date\n{refs[0]},paid,{TODAY}\n"))
    future = (date.today() + timedelta(days=3)).isoformat()
    text = (f"reference,status,date\n{refs[0]},invoiced,{TODAY}\n{refs[1]},paid,{future}\n"
            f"{refs[2]},invoiced,{TODAY}\n{refs[2]},paid,{TODAY}\n{refs[1]},resigned,{TODAY}\n")
    errors = dict(summary(db, register_preview(scene["office"], text))["errors"])
    assert "bakåt" in errors[2] and "framtiden" in errors[3]
    assert "rad 4" in errors[5] and "orsak" in errors[6]


def test_wrong_column_is_reported(db, scene):
    import_id = register_preview(scene["office"], "referens,status,date\nx,paid,2026-01-01\n")
    assert "Okänd kolumn: referens" in summary(db, import_id)["errors"][0][1]


def test_semicolon_bom_and_swedish_dates(db, scene):
    ref = db.table("signups").get(scene["own"]["id"])["reference"]
    swedish = date.today().strftime("%d.%m.%Y")
    text = f"\ufeffreference;status;date\n{ref};invoiced;{swedish}\n"
    import_id = register_preview(scene["office"], text)
    assert summary(db, import_id)["errors"] == []
    register_apply(scene["office"], db, import_id)
    history = next(db.table("signup_statuses").rows_where())
    assert (history["status"], history["on_date"]) == ("invoiced", TODAY)


def test_email_or_mobile_instead_of_reference(db, scene):
    text = f"email;mobile;status;date\n{scene['own']['email'].upper()};;invoiced;{TODAY} 10:00\n"
    register_apply(scene["office"], db, register_preview(scene["office"], text))
    assert db.table("signups").get(scene["own"]["id"])["status"] == "invoiced"


def test_not_utf8_is_a_clear_message(db, scene):
    import_id = register_preview(scene["office"], "reference,status,date\nÅ,paid,2026-01-01\n",
                        encoding="latin-1")
    assert "UTF-8" in summary(db, import_id)["errors"][0][1]


def test_figures_unknown_association_code(db, scene):
    text = ("association_code;date;members;members_under_45;new_members;resigned_economy\n"
            f"NOPE;{TODAY};10;2;1;0\n{scene['a']['code']};{TODAY};10;2;1;3\n")
    import_id = register_preview(scene["office"], text, kind="figures")
    assert summary(db, import_id)["errors"] == [[2, "Okänd föreningskod: NOPE."]]


def test_resignations_per_half_year_and_reason(app, db, scene):
    text = ("association_code,date,members,members_under_45,new_members,resigned_economy,"
            f"resigned_moved\n{scene['a']['code']},{TODAY},10,2,1,3,1\n")
    register_apply(scene["office"], db, register_preview(scene["office"], text, kind="figures"))
    with app.test_request_context():
        period = period_for("year", db)
    result = rollups.resignations_by_half(db, "nation", None, period.since, period.until)
    assert result["halves"][-1]["total"] == 4
    assert result["halves"][-1]["reasons"] == {"economy": 3, "moved": 1}


def test_a_second_apply_after_another_import_must_preview_again(db, scene):
    refs = [db.table("signups").get(s["id"])["reference"] for s in scene["recruits"]]
    first = register_preview(scene["office"], f"reference,status,date\n{refs[0]},invoiced,{TODAY}\n")
    with scene["office"].session_transaction() as session:
        first_token = session["register_tokens"][str(first)]
    second = register_preview(scene["office"], f"reference,status,date\n{refs[1]},invoiced,{TODAY}\n")
    register_apply(scene["office"], db, first)
    response = register_apply(scene["office"], db, second)
    assert response.status_code == 302
    assert db.table("register_imports").get(second)["applied_at"] is None
    assert db.table("signups").get(scene["recruits"][1]["id"])["status"] == "registered"
    # Applying the same preview twice: the second is refused too.
    register_apply(scene["office"], db, first, first_token)
    assert db.table("signup_statuses").count == 1


def test_large_upload_only_on_this_route(app, db, scene):
    big = "reference,status,date\n" + "x" * (100 * 1024) + ",paid,2026-01-01\n"
    import_id = register_preview(scene["office"], big)  # over the app-wide 64 KiB, accepted here
    assert summary(db, import_id)["error_count"] == 1
    response = scene["office"].post("/kansli/personer", data={"q": "x" * (100 * 1024)})
    assert response.status_code == 413


def test_scope_units_only_when_allowed(app, db, scene, login_as):
    municipality = {"id": scene["a"]["municipality_id"]}
    admin = make_member(db, association=None, role="municipal_admin", unit=municipality)
    client = login_as(admin)
    assert client.get("/register/").status_code == 403
    app.config["REGISTER_IMPORT_FOR_UNITS"] = True
    other = make_association(db)
    elsewhere = make_signup(db, association=other)
    ref = db.table("signups").get(elsewhere["id"])["reference"]
    import_id = register_preview(client, f"reference,status,date\n{ref},invoiced,{TODAY}\n")
    assert "Okänd referens" in summary(db, import_id)["errors"][0][1]
    office_preview = register_preview(scene["office"], f"reference,status,date\n{ref},invoiced,{TODAY}\n")
    assert client.get(f"/register/import/{office_preview}").status_code == 404
    other_admin = login_as(make_member(db, association=None, role="municipal_admin",
                                       unit={"id": other["municipality_id"]}))
    assert other_admin.get(f"/register/import/{import_id}").status_code == 404
    rows = list(csv.DictReader(io.StringIO(
        client.post("/register/export").get_data(as_text=True).lstrip("\ufeff"))))
    assert ref not in {r["reference"] for r in rows} and len(rows) == 4


def test_members_and_chairs_cannot_exchange(db, scene, login_as):
    for role in ("member", "chair"):
        client = login_as(make_member(db, association=scene["a"], role=role), role=role)
        assert client.get("/register/").status_code == 403
        assert client.post("/register/export").status_code == 403


def test_purge_erases_a_paid_sign_up_and_keeps_its_statuses(app, db, scene, runner):
    signup = scene["recruits"][0]
    ref = db.table("signups").get(signup["id"])["reference"]
    register_apply(scene["office"], db, register_preview(scene["office"], f"reference,status,date\n{ref},paid,{TODAY}\n"))
    db.execute("update signups set created_at = '2020-01-01T10:00:00+00:00' where id = ?",
               [signup["id"]])
    result = runner.invoke(args=["purge-expired", "--yes"])
    assert result.exit_code == 0
    row = db.table("signups").get(signup["id"])
    assert row["erased_at"] and row["email"] is None and row["first_name"] == ""
    assert (row["status"], row["reference"]) == ("paid", ref)
    assert [h["status"] for h in db.table("signup_statuses").rows_where(
        "signup_id = ?", [signup["id"]])] == ["paid"]


def test_seed_demo_applies_a_register_exchange_through_the_import(app, runner, db):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    imports = list(db.table("register_imports").rows_where(order_by="id"))
    assert [(r["kind"], r["error_count"]) for r in imports] == [
        ("statuses", 0), ("statuses", 0), ("statuses", 0), ("figures", 0)]
    assert all(r["applied_at"] for r in imports)
    paid = db.execute("select count(*) from signups where status = 'paid'").fetchone()[0]
    assert paid > 0 and db.execute(
        "select count(*) from signup_statuses where status = 'paid'").fetchone()[0] == paid
    with app.test_request_context():
        period = period_for("year", db)
    numbers = rollups.register_indicators(db, "nation", None, period.since, period.until)
    assert numbers["members"]["members"] > 0 and numbers["new_members"]["share"] > 0
    assert numbers["resignations"]["halves"] and numbers["invoices"]["source"] == "register"
    assert runner.invoke(args=["seed-demo", "--force"]).exit_code == 0
    unpaid = db.execute(
        "select count(*) from signups where status = 'unpaid_after_reminder'").fetchone()[0]
    assert unpaid > 0  # the demo's unpaid-fee lists have people to call
    assert db.table("register_imports").count == 4  # a second run changes nothing


@pytest.mark.parametrize("name, kind", [("statuses.csv", "statuses"), ("figures.csv", "figures")])
def test_documented_example_files_have_only_data_errors(app, db, name, kind):
    """The examples in docs/register/ pass the format checks: what they may still
    get wrong is data this test database does not have (references, codes)."""


    path = Path(__file__).resolve().parent.parent / "docs" / "register" / name
    with app.test_request_context():
        result = register_import.preview(db, kind, str(path), {"level": "nation", "unit_id": None},
                                         date(2026, 12, 31))
    messages = {message.split(":")[0] for _, message in result.errors}
    assert result.rows == len(path.read_text().splitlines()) - 1
    assert messages == {"Okänd referens" if kind == "statuses" else "Okänd föreningskod"}


def test_upload_and_apply_need_the_csrf_token(csrf_app):



    db = connect(csrf_app.config["DATABASE"])
    office = make_member(db, association=None, role="national_admin")
    role = accounts.member_roles(db, office["id"])[0]
    client = csrf_app.test_client()
    with csrf_app.test_request_context():
        session_token = start_session(db, office["id"], role["id"], False)
    with csrf_app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": session_token, "_fresh": True, "_id": identifier})
    text = "reference,status,date\nV-2026-000001,paid,2026-01-01\n"
    client.post("/register/import", content_type="multipart/form-data",
                data={"kind": "statuses", "file": (io.BytesIO(text.encode()), "a.csv")})
    assert db.table("register_imports").count == 0
    page = client.get("/register/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = client.post("/register/import", content_type="multipart/form-data",
                       data={"csrf_token": token, "kind": "statuses",
                             "file": (io.BytesIO(text.encode()), "a.csv")})
    assert done.status_code == 302 and db.table("register_imports").count == 1
    assert client.post("/register/export").status_code == 400
    db.close()


def test_purge_removes_uploads_never_applied(app, db, scene, runner):
    import_id = register_preview(scene["office"], "reference,status,date\nV-1,paid,2026-01-01\n")
    path = os.path.join(os.path.dirname(app.config["DATABASE"]), "register_uploads",
                        f"{import_id}.csv")
    assert os.path.exists(path)
    runner.invoke(args=["purge-expired", "--yes"])
    assert os.path.exists(path)  # a preview from today stays
    os.utime(path, (0, 0))
    runner.invoke(args=["purge-expired", "--yes"])
    assert not os.path.exists(path)


def test_over_the_upload_limit_is_a_clear_message(db, scene, monkeypatch):
    monkeypatch.setattr(register, "MAX_UPLOAD", 1000)
    response = post_register_file(scene["office"], "reference,status,date\n" + "x" * 2000)
    assert response.status_code == 302 and db.table("register_imports").count == 0
    page = scene["office"].get("/register/").get_data(as_text=True)
    assert "Filen är större än" in page


def test_applied_figures_reach_every_process_cache(db, scene):
    before = db.execute("select generation from cache_generation").fetchone()[0]
    text = (f"association_code,date,members,members_under_45,new_members\n"
            f"{scene['a']['code']},{TODAY},10,2,1\n")
    register_apply(scene["office"], db, register_preview(scene["office"], text, kind="figures"))
    assert db.execute("select generation from cache_generation").fetchone()[0] > before


def test_two_administrators_applying_at_once_one_applies(db, scene, login_as):
    second_office = login_as(make_member(db, association=None, role="national_admin"))
    refs = [db.table("signups").get(s["id"])["reference"] for s in scene["recruits"]]
    clients = [scene["office"], second_office]
    previews = [register_preview(client, f"reference,status,date\n{ref},invoiced,{TODAY}\n")
                for client, ref in zip(clients, refs, strict=False)]
    forms = []
    for client, import_id in zip(clients, previews, strict=True):
        with client.session_transaction() as session:
            forms.append({"sha256": db.table("register_imports").get(import_id)["sha256"],
                          "token": session["register_tokens"][str(import_id)]})
    start = threading.Barrier(2)

    def confirm(client, import_id, form):
        start.wait()
        client.post(f"/register/import/{import_id}/apply", data=form)

    threads = [threading.Thread(target=confirm, args=args)
               for args in zip(clients, previews, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    applied = [db.table("register_imports").get(i)["applied_at"] is not None for i in previews]
    assert sorted(applied) == [False, True]
    assert db.table("signup_statuses").count == 1


def figures(db, association, on_date, new_members, members=100):
    db.table("register_figures").insert(
        {"association_id": association["id"], "on_date": on_date, "members": members,
         "members_under_45": 20, "new_members": new_members})


def test_new_registrations_from_the_register_beside_the_apps_sign_ups(db):
    m = make_municipality(db)
    a, b, elsewhere = make_association(db, m), make_association(db, m), make_association(db)
    since, until = "2025-12-31T23:00:00+00:00", "2026-02-28T23:00:00+00:00"  # Jan-Feb in Sweden
    figures(db, a, "2026-01-01", 4)
    figures(db, a, "2026-02-28", 3)
    figures(db, a, "2026-03-01", 50)  # after the period
    figures(db, a, "2025-12-31", 60)  # before it
    figures(db, b, "2026-02-01", 2)
    figures(db, elsewhere, "2026-01-15", 70)
    make_signup(db, association=a, created_at="2026-01-05T10:00:00+00:00", birth_year=1990)
    make_signup(db, association=b, created_at="2026-02-05T10:00:00+00:00", birth_year=1950)
    make_signup(db, association=elsewhere, created_at="2026-02-05T10:00:00+00:00")
    got = rollups.new_registrations(db, "municipality", m["id"], since, until)
    assert got == {"new_members": 4 + 3 + 2, "as_of": "2026-02-28", "source": "register",
                   "app_signups": 2, "app_under_45": 1}
    assert rollups.new_registrations(db, "association", b["id"], since, until)["new_members"] == 2
    assert rollups.new_registrations(db, "nation", None, since, until)["new_members"] == 79
    assert rollups.new_registrations(db, "association", a["id"], "2026-03-31T22:00:00+00:00",
                                     "2026-04-30T22:00:00+00:00") is None


def test_the_overview_shows_new_members_from_the_register(db, scene):
    municipality = scene["a"]["municipality_id"]
    before = scene["office"].get(f"/oversikt/municipality/{municipality}").get_data(True)
    assert 'data-testid="new-members"' not in before and "Nya anmälningar" in before
    figures(db, scene["a"], TODAY, 7)
    other = make_association(db)
    figures(db, other, TODAY, 40)
    page = scene["office"].get(f"/oversikt/municipality/{municipality}").get_data(True)
    assert f'data-testid="new-members">7 <span class="muted">registret, per {TODAY}' in page
    assert 'data-testid="app-signups">5 ' in page  # six sign-ups, the duplicate left out
    api = scene["office"].get(f"/api/indicators/municipality/{municipality}").get_json()
    assert api["new_registrations"]["new_members"] == 7
    assert api["new_registrations"]["app_signups"] == 5
