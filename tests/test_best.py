"""Learning from the ten best: the ranking on a small constructed data set equals
the order counted by hand (best_data's docstring: the measure and the ties)."""
import csv
import io

import pytest

from recruiter import best_data
from tests.factories import (make_association, make_campaign, make_member, make_municipality,
                             make_shift, make_signup)

SINCE, UNTIL = "2025-12-31T23:00:00+00:00", "2026-12-31T23:00:00+00:00"  # the year 2026
INSIDE = "2026-05-05T10:00:00+00:00"


def figures(db, association, on_date, members, new):
    db.table("register_figures").insert({"association_id": association["id"], "on_date": on_date,
                                         "members": members, "members_under_45": 0,
                                         "new_members": new})


@pytest.fixture
def world(db):
    """District D: A (10 new of 200: 50 per 1 000), B (5 of 100: 50, fewer new), C (4 of
    40, no figure before the year so its first one is the base: 100), D (no register:
    1 sign-up per 2 accounts: 500, from the app so after every register row), E (nothing).
    X in another district: 5 of 10 (500)."""
    units = {}
    for name in "ABCDE":
        units[name] = make_municipality(db, name=f"{name}-kommun", district=units.get(
            "A", {"district_id": None}) and db.table("districts").get(units["A"]["district_id"])
            if "A" in units else None)
    units["X"] = make_municipality(db, name="X-kommun")
    a = {k: make_association(db, municipality=m) for k, m in units.items()}
    figures(db, a["A"], "2025-12-31", 200, 0)
    figures(db, a["A"], "2026-06-30", 210, 10)
    figures(db, a["B"], "2025-12-15", 100, 0)
    figures(db, a["B"], "2026-03-31", 104, 5)
    figures(db, a["C"], "2026-02-01", 40, 4)
    figures(db, a["X"], "2025-11-30", 10, 0)
    figures(db, a["X"], "2026-10-31", 15, 5)
    figures(db, a["A"], "2027-01-31", 999, 99)  # after the period
    recruiter = make_member(db, association=a["A"])
    make_member(db, association=a["A"])
    make_signup(db, recruiter=recruiter, created_at=INSIDE)
    make_shift(db, recruiter, INSIDE)
    make_shift(db, recruiter, "2026-05-06T10:00:00+00:00")
    d_recruiter = make_member(db, association=a["D"])
    make_member(db, association=a["D"])
    make_signup(db, recruiter=d_recruiter, created_at=INSIDE)
    make_campaign(db, starts_on="2026-04-01", ends_on="2026-04-30")  # national: everyone
    make_campaign(db, level="municipality", unit_id=units["A"]["id"],
                  starts_on="2025-01-01", ends_on="2025-12-30")  # before the year
    return units


def test_ranking_equals_the_hand_computed_order(db, world):
    rows = best_data.ranking(db, world["A"]["district_id"], SINCE, UNTIL)
    assert [(r["name"][0], r["place"], r["rate"], r["source"]) for r in rows] == [
        ("C", 1, pytest.approx(100), "register"),
        ("A", 2, pytest.approx(50), "register"),  # ties with B: more new members first
        ("B", 2, pytest.approx(50), "register"),
        ("D", 4, pytest.approx(500), "app"),
        ("E", 5, None, "app"),
    ]


def test_the_nation_ranks_every_municipal_organisation(db, world):
    rows = best_data.ranking(db, None, SINCE, UNTIL)
    assert [r["name"][0] for r in rows] == ["X", "C", "A", "B", "D", "E"]
    assert [r["name"][0] for r in best_data.ten_best(db, None, SINCE, UNTIL)] == [
        "X", "C", "A", "B", "D"]


def test_working_profile_equals_hand_counts(db, world):
    row = next(r for r in best_data.ranking(db, world["A"]["district_id"], SINCE, UNTIL)
               if r["name"] == "A-kommun")
    assert (row["new"], row["members"], row["active"], row["shifts"]) == (10, 200, 2, 2)
    assert row["shifts_per_active"] == 1.0 and row["recruiter_share"] == 0.5
    assert (row["link"], row["on_the_spot"], row["own_initiative"]) == (1.0, 0.0, 0.0)
    assert row["campaigns"] == 1 and row["welcome_in_time"] is None


def admin(db, role, unit):
    return make_member(db, association=None, role=role, unit=unit)


def test_district_admin_sees_the_table_sorted_and_as_csv(login_as, db, world):
    district = {"id": world["A"]["district_id"]}
    client = login_as(admin(db, "district_admin", district))
    url = f"/tio-basta/district/{district['id']}"
    page = client.get(url + "?period=all&sort=name").get_data(as_text=True)
    table = page[page.index('data-testid="all-units"'):]
    assert [table.index(f"{n}-kommun") for n in "ABCDE"] == sorted(
        table.index(f"{n}-kommun") for n in "ABCDE")
    assert "X-kommun" not in page
    response = client.get(url + "/csv?period=all")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    expected = best_data.ranking(db, district["id"], "0000", "9999")  # all time
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        (str(r["place"]), r["name"], str(r["new"])) for r in expected]
    assert rows[1][1] == "A-kommun"  # all time: A's report of 99 new in 2027 counts


@pytest.mark.parametrize("who", ["municipal", "other district", "chair"])
def test_only_the_nation_and_the_own_district_see_it(login_as, db, world, who):
    district_id = world["A"]["district_id"]
    a = make_association(db, municipality=world["A"])
    client = {
        "municipal": lambda: login_as(admin(db, "municipal_admin", world["A"])),
        "other district": lambda: login_as(admin(db, "district_admin",
                                                 {"id": world["X"]["district_id"]})),
        "chair": lambda: login_as(make_member(db, association=a, role="chair"), role="chair"),
    }[who]()
    for url in (f"/tio-basta/district/{district_id}", f"/tio-basta/district/{district_id}/csv",
                "/tio-basta/nation/0"):
        assert client.get(url).status_code == 403, url
    assert client.get("/tio-basta/").status_code == (302 if who == "other district" else 403)


def test_national_office_sees_the_nation(login_as, db, world):
    client = login_as(admin(db, "national_admin", None))
    page = client.get("/tio-basta/nation/0?period=all").get_data(as_text=True)
    assert "X-kommun" in page and "C-kommun" in page
    assert client.get("/tio-basta/").status_code == 302
