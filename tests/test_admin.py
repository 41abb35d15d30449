from tests.factories import make_association, make_district, make_member, make_municipality


def national(db):
    return make_member(db, association=None, role="national_admin")


def test_national_admin_adds_a_district(login_as, db):
    client = login_as(national(db))
    response = client.post("/admin/nation/0/ny", data={"name": "Hallands partidistrikt",
                                                       "code": "d-hall"})
    assert response.status_code == 302
    row = next(db.table("districts").rows_where("code = 'D-HALL'"))
    assert row["name"] == "Hallands partidistrikt"
    assert "Hallands partidistrikt" in client.get("/admin/nation/0").get_data(as_text=True)


def test_district_admin_adds_municipality_only_in_own_district(login_as, db):
    district, other = make_district(db), make_district(db)
    client = login_as(make_member(db, association=None, role="district_admin", unit=district))
    ok = client.post(f"/admin/district/{district['id']}/ny", data={"name": "Varberg", "code": "K-VBG"})
    assert ok.status_code == 302
    refused = client.post(f"/admin/district/{other['id']}/ny", data={"name": "X", "code": "K-X"})
    assert refused.status_code == 403
    assert client.post("/admin/nation/0/ny", data={"name": "Y", "code": "D-Y"}).status_code == 403
    assert db.table("municipalities").count_where("district_id = ?", [district["id"]]) == 1
    assert db.table("municipalities").count_where("code in ('K-X', 'D-Y')") == 0


def test_municipal_admin_sees_and_adds_only_own_associations(login_as, db):
    municipality = make_municipality(db)
    mine = make_association(db, municipality=municipality, name="S-föreningen Min")
    theirs = make_association(db, name="S-föreningen Deras")
    client = login_as(make_member(db, association=None, role="municipal_admin", unit=municipality))
    index = client.get("/admin/")
    assert index.headers["Location"] == f"/admin/municipality/{municipality['id']}"
    page = client.get(index.headers["Location"]).get_data(as_text=True)
    assert "S-föreningen Min" in page and "S-föreningen Deras" not in page
    assert client.get(f"/admin/municipality/{theirs['municipality_id']}").status_code == 403
    assert client.get(f"/admin/district/{municipality['district_id']}").status_code == 403
    response = client.post(f"/admin/municipality/{municipality['id']}/ny",
                           data={"name": "S-föreningen Ny", "code": "A-NY"})
    assert response.status_code == 302
    assert next(db.table("associations").rows_where("code = 'A-NY'"))["municipality_id"] == municipality["id"]
    assert mine["id"]


def test_members_and_chairs_cannot_reach_admin(login_as, db):
    for role in ("member", "chair"):
        client = login_as(make_member(db, role=role), role=role)
        assert client.get("/admin/").status_code == 403
        assert client.get("/admin/nation/0").status_code == 403


def test_duplicate_code_keeps_input_and_explains(login_as, db):
    make_district(db, code="D-DUP")
    response = login_as(national(db)).post("/admin/nation/0/ny",
                                           data={"name": "Nytt namn", "code": "D-DUP"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Koden används redan." in body and "Nytt namn" in body


def test_empty_name_is_refused(login_as, db):
    response = login_as(national(db)).post("/admin/nation/0/ny", data={"name": " ", "code": "D1"})
    assert response.status_code == 422
    assert db.table("districts").count == 0


def test_national_admin_adds_partner_organisation(login_as, db):
    client = login_as(national(db))
    response = client.post("/admin/partner", data={"partner-name": "SSU", "partner-code": "SSU",
                                                   "partner-kind": "youth"})
    assert response.status_code == 302
    assert next(db.table("partner_organisations").rows_where())["kind"] == "youth"


def test_district_admin_cannot_add_partner(login_as, db):
    district = make_district(db)
    client = login_as(make_member(db, association=None, role="district_admin", unit=district))
    response = client.post("/admin/partner", data={"partner-name": "X", "partner-code": "X",
                                                   "partner-kind": "youth"})
    assert response.status_code == 403


def test_national_admin_adds_a_campaign(login_as, db):
    client = login_as(national(db))
    response = client.post("/admin/kampanj", data={
        "campaign-name": "Valrörelsen 2026", "campaign-starts_on": "2026-08-01",
        "campaign-ends_on": "2026-09-13", "campaign-goal": "1000"})
    assert response.status_code == 302
    row = next(db.table("campaigns").rows_where())
    assert (row["name"], row["starts_on"], row["ends_on"], row["goal"]) == (
        "Valrörelsen 2026", "2026-08-01", "2026-09-13", 1000)


def test_campaign_cannot_end_before_it_starts(login_as, db):
    response = login_as(national(db)).post("/admin/kampanj", data={
        "campaign-name": "Baklänges", "campaign-starts_on": "2026-09-01",
        "campaign-ends_on": "2026-08-01"})
    assert response.status_code == 422
    assert "sluta innan den börjar" in response.get_data(as_text=True)
    assert db.table("campaigns").count == 0


def test_only_national_admins_add_campaigns(login_as, db):
    district = make_district(db)
    client = login_as(make_member(db, association=None, role="district_admin", unit=district))
    response = client.post("/admin/kampanj", data={
        "campaign-name": "X", "campaign-starts_on": "2026-08-01", "campaign-ends_on": "2026-09-01"})
    assert response.status_code == 403
