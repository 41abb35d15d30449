"""Action plans: who writes them, their goals' progress, the level above's view."""
import pytest

from recruiter import plans_data
from tests.factories import make_association, make_member, make_municipality, make_signup


@pytest.fixture
def district(db):
    m1 = make_municipality(db, name="Aby arbetarekommun")
    district = db.table("districts").get(m1["district_id"])
    m2 = make_municipality(db, district=district, name="Bby arbetarekommun")
    return {"district": district, "m1": m1, "m2": m2, "other": make_municipality(db)}


def admin(db, role, unit):
    return make_member(db, association=None, role=role, unit=unit)


def test_municipal_admin_writes_the_plan_with_goals(login_as, db, district):
    client = login_as(admin(db, "municipal_admin", district["m1"]))
    url = f"/handlingsplan/municipality/{district['m1']['id']}/2026"
    response = client.post(url, data={"body": "Dörrknack varje lördag.", "goal_signups": "30",
                                      "goal_welcome_in_time": "90"})
    assert response.status_code == 302
    plan = plans_data.get_plan(db, "municipality", district["m1"]["id"], 2026)
    assert plan["body"] == "Dörrknack varje lördag."
    goals = {(g["measure"], g["target"], g["starts_on"], g["ends_on"])
             for g in plans_data.plan_goals(db, plan["id"])}
    assert goals == {("signups", 30, "2026-01-01", "2026-12-31"),
                     ("welcome_in_time", 90, "2026-01-01", "2026-12-31")}
    client.post(url, data={"body": "Nytt.", "goal_shifts": "12"})
    assert [g["measure"] for g in plans_data.plan_goals(db, plan["id"])] == ["shifts"]
    assert db.table("plans").count == 1


def test_plan_progress_counts_the_units_year(login_as, db, district):
    a = make_association(db, municipality=district["m1"])
    for stamp in ("2026-02-01T10:00:00+00:00", "2026-06-01T10:00:00+00:00",
                  "2025-12-31T10:00:00+00:00"):
        make_signup(db, association=a, created_at=stamp)
    plans_data.save_plan(db, "municipality", district["m1"]["id"], 2026, "Text", [("signups", 8)],
                         None)
    page = login_as(admin(db, "municipal_admin", district["m1"])).get(
        f"/handlingsplan/municipality/{district['m1']['id']}/2026").get_data(as_text=True)
    assert "<strong>2</strong> av 8" in page


@pytest.mark.parametrize("url", ["/handlingsplan/municipality/{other}/2026",
                                 "/handlingsplan/district/{district}/2026"])
def test_municipal_admin_cannot_write_another_units_plan(login_as, db, district, url):
    client = login_as(admin(db, "municipal_admin", district["m1"]))
    url = url.format(other=district["other"]["id"], district=district["district"]["id"])
    assert client.post(url, data={"body": "x", "goal_signups": "5"}).status_code == 403
    assert db.table("plans").count == 0 and db.table("goals").count == 0


def test_a_chair_cannot_read_or_write_plans(login_as, db, district):
    a = make_association(db, municipality=district["m1"])
    chair = login_as(make_member(db, association=a, role="chair"), role="chair")
    url = f"/handlingsplan/municipality/{district['m1']['id']}/2026"
    assert chair.get(url).status_code == 403
    assert chair.post(url, data={"body": "x"}).status_code == 403


def test_plan_needs_text_and_keeps_what_was_typed(login_as, db, district):
    client = login_as(admin(db, "municipal_admin", district["m1"]))
    response = client.post(f"/handlingsplan/municipality/{district['m1']['id']}/2026",
                           data={"body": "", "goal_signups": "77"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Skriv några rader" in page and 'value="77"' in page
    assert db.table("plans").count == 0


def test_district_sees_every_plan_below_and_who_has_none(login_as, db, district):
    plans_data.save_plan(db, "municipality", district["m1"]["id"], 2026, "Text",
                         [("signups", 8)], None)
    client = login_as(admin(db, "district_admin", district["district"]))
    response = client.get(f"/handlingsplan/district/{district['district']['id']}/2026/under")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 enhet har ingen plan än." in page
    assert page.index("Bby") < page.index("Aby")  # those without a plan first
    assert "av 8" in page
    municipal = login_as(admin(db, "municipal_admin", district["m1"]))
    assert municipal.get(
        f"/handlingsplan/district/{district['district']['id']}/2026/under").status_code == 403


def test_the_nation_sees_the_districts_plans(login_as, db, district):
    client = login_as(admin(db, "national_admin", None))
    response = client.get("/handlingsplan/nation/0/2026/under")
    assert response.status_code == 200
    assert district["district"]["name"] in response.get_data(as_text=True)
    assert client.get("/handlingsplan/").status_code == 302
    assert client.get("/handlingsplan/municipality/1/1900").status_code == 404
