"""The national office's personal-data pages: search, register extract, erasure, the audit log."""
import json
import re
from pathlib import Path

from recruiter import audit, rollups
from recruiter.db import connect
from tests.factories import PASSWORD, make_member, make_signup, person, personal_link


def search(client, query):
    return client.post("/kansli/personer", data={"q": query}).get_data(as_text=True)


def national(db):
    return make_member(db, association=None, role="national_admin")


def test_export_holds_everything_about_the_person_and_nobody_else(client, login_as, db):
    recruiter = make_member(db, first_name="Rut", last_name="Rekryterare")
    client.post(f"/j/{personal_link(db, recruiter)['code']}",
                data=person(first_name="Märta", phone="0701234567"))
    client.post("/bli-medlem", data=person(first_name="Annan", email="annan@example.org"))
    signup = next(db.table("signups").rows_where("first_name = 'Märta'"))
    response = login_as(national(db)).get(f"/kansli/personer/{signup['id']}/export")
    data = json.loads(response.get_data(as_text=True))
    for column in ("first_name", "last_name", "email", "phone", "birth_year", "postcode",
                   "consent_at", "source", "status"):
        assert data["signup"][column] == signup[column]
    assert data["consent"]["version"] == "2026-1" and "samtycker" in data["consent"]["body"]
    assert data["recruited_by"] == "Rut R."
    assert "annan@example.org" not in response.get_data(as_text=True)


def test_export_and_erasure_are_logged_without_personal_data(login_as, db):
    signup = make_signup(db, first_name="Loggfri", email="loggfri@example.org")
    client = login_as(national(db))
    client.get(f"/kansli/personer/{signup['id']}/export")
    client.post(f"/kansli/personer/{signup['id']}/radera")
    events = [(e["action"], e["object_id"]) for e in audit.recent(db)]
    assert ("export", signup["id"]) in events and ("erase", signup["id"]) in events
    assert "Loggfri" not in str(audit.recent(db)) and "loggfri@" not in str(audit.recent(db))


def test_erasure_keeps_the_indicators_and_removes_the_person(app, login_as, db):
    member = make_member(db)
    signup = make_signup(db, recruiter=member, first_name="Raderasson",
                         email="raderas@example.org", phone="+46701112233")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the name is in the main file now
    before = rollups.indicators(db, "nation", None, "0000", "9999")
    login_as(national(db)).post(f"/kansli/personer/{signup['id']}/radera")
    row = db.table("signups").get(signup["id"])
    assert (row["first_name"], row["email"], row["phone"], row["postcode"]) == ("", None, None, "")
    assert row["erased_at"] and row["recruiter_id"] == member["id"]
    assert rollups.indicators(db, "nation", None, "0000", "9999") == before
    path = Path(app.config["DATABASE"])
    for file in (path, Path(f"{path}-wal")):
        if file.exists():
            content = file.read_bytes()
            assert b"Raderasson" not in content and b"raderas@example.org" not in content


def test_search_finds_by_exact_contact_only(login_as, db):
    make_signup(db, first_name="Sökbar", email="sokbar@example.org", phone="+46709998877")
    client = login_as(national(db))
    assert "Sökbar" in search(client, "sokbar@example.org")
    assert "Sökbar" in search(client, "070-999 88 77")
    assert "Sökbar" not in search(client, "sokbar")
    assert "Ingen träff." in search(client, "sokbar")


def test_search_typed_with_other_digits_finds_the_stored_number(login_as, db):
    make_signup(db, first_name="Sökbar", email="sokbar@example.org", phone="+46709998877")
    client = login_as(national(db))
    assert "Sökbar" in search(client, "\u0660\u0667\u0660\u0669\u0669\u0669\u0668\u0668\u0667\u0667")
    assert "Sökbar" in search(client, "ｓｏｋｂａｒ@example.org")


def test_search_is_a_post_so_the_address_stays_out_of_urls(login_as, db):
    make_signup(db, first_name="Sökbar", email="sokbar@example.org")
    client = login_as(national(db))
    page = client.get("/kansli/personer?q=sokbar@example.org").get_data(as_text=True)
    assert "Sökbar" not in page and 'data-testid="found"' not in page
    assert '<form method="post" action="/kansli/personer"' in page
    assert "sokbar@example.org" in search(client, "sokbar@example.org")  # kept in the form
    assert "Fyll i en e-postadress" in search(client, "   ")


def test_search_needs_a_csrf_token(csrf_app):


    csrf_app.config["SECOND_FACTOR_REQUIRED"] = False
    db = connect(csrf_app.config["DATABASE"])
    make_signup(db, first_name="Sökbar", email="sokbar@example.org")
    admin = national(db)
    db.close()
    client = csrf_app.test_client()

    def token(path):
        page = client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    client.post("/logga-in", data={"email": admin["email"], "password": PASSWORD,
                                   "csrf_token": token("/logga-in")})
    query = {"q": "sokbar@example.org"}
    assert client.post("/kansli/personer", data=query).status_code == 400
    answer = client.post("/kansli/personer", data={**query, "csrf_token": token("/kansli/personer")})
    assert answer.status_code == 200 and "Sökbar" in answer.get_data(as_text=True)


def test_only_the_national_office_reaches_personal_data_pages(login_as, db):
    signup = make_signup(db)
    chair = make_member(db, role="chair")
    district = make_member(db, association=None, role="district_admin",
                           unit={"id": db.table("municipalities").get(
                               db.table("associations").get(chair["association_id"])["municipality_id"])["district_id"]})
    for client in (login_as(chair, role="chair"), login_as(district)):
        assert client.get("/kansli/personer").status_code == 403
        assert client.post("/kansli/personer", data={"q": signup["email"]}).status_code == 403
        assert client.get(f"/kansli/personer/{signup['id']}/export").status_code == 403
        assert client.post(f"/kansli/personer/{signup['id']}/radera").status_code == 403
        assert client.get("/kansli/logg").status_code == 403
        assert client.get("/kansli/aterstallningar").status_code == 403
    assert db.table("signups").get(signup["id"])["erased_at"] is None
