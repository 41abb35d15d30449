"""Campaigns per level: who may create them, who sees them, goals and the frozen end."""
import re
from datetime import date, timedelta

import pytest
from flask_login.utils import _create_identifier

from recruiter import accounts, campaigns_data, campaigns_page, privacy, rollups
from recruiter.db import connect
from recruiter.migrations import migrations
from recruiter.periods import today
from recruiter.sessions import start_session
from tests.factories import (make_association, make_campaign, make_member, make_municipality,
                             make_shift, make_signup)


def admin_of(db, level, unit):
    role = {"municipality": "municipal_admin", "district": "district_admin",
            "nation": "national_admin"}[level]
    return make_member(db, association=None, role=role, unit=unit)


def form(**overrides):
    return {"name": "Höstkampanjen", "starts_on": "2026-09-01", "ends_on": "2026-10-31",
            "description": "Vi värvar i höst.", "parent_campaign_id": "0",
            "goal_signups": "40", **overrides}


@pytest.fixture
def town(db):
    """Municipality M with associations A and B; another municipality elsewhere."""
    m = make_municipality(db)
    a, b = make_association(db, municipality=m), make_association(db, municipality=m)
    other = make_municipality(db)
    return {"m": m, "a": a, "b": b, "other": other,
            "district": db.table("districts").get(m["district_id"])}


def test_municipal_admin_creates_a_campaign_with_a_goal(login_as, db, town):
    client = login_as(admin_of(db, "municipality", town["m"]))
    response = client.post(f"/kampanjer/ny/municipality/{town['m']['id']}",
                           data=form(associations=[str(town["a"]["id"])]))
    assert response.status_code == 302
    campaign = next(db.table("campaigns").rows_where())
    assert (campaign["level"], campaign["unit_id"], campaign["description"]) == (
        "municipality", town["m"]["id"], "Vi värvar i höst.")
    goal = next(db.table("goals").rows_where())
    assert (goal["measure"], goal["target"], goal["campaign_id"], goal["starts_on"]) == (
        "signups", 40, campaign["id"], "2026-09-01")
    assert campaigns_data.participants(db, campaign) == [town["a"]["id"]]


def test_without_picked_associations_all_below_take_part(login_as, db, town):
    client = login_as(admin_of(db, "municipality", town["m"]))
    client.post(f"/kampanjer/ny/municipality/{town['m']['id']}", data=form())
    campaign = next(db.table("campaigns").rows_where())
    assert campaigns_data.participants(db, campaign) == sorted([town["a"]["id"], town["b"]["id"]])


@pytest.mark.parametrize("target", ["nation", "other municipality", "district"])
def test_municipal_admin_cannot_create_a_campaign_outside_their_municipality(
        login_as, db, town, target):
    client = login_as(admin_of(db, "municipality", town["m"]))
    url = {"nation": "/kampanjer/ny/nation/0",
           "other municipality": f"/kampanjer/ny/municipality/{town['other']['id']}",
           "district": f"/kampanjer/ny/district/{town['district']['id']}"}[target]
    assert client.get(url).status_code == 403
    assert client.post(url, data=form()).status_code == 403
    assert db.table("campaigns").count == 0 and db.table("goals").count == 0


def test_a_member_cannot_create_campaigns(login_as, db, town):
    client = login_as(make_member(db, association=town["a"]))
    assert client.post(f"/kampanjer/ny/municipality/{town['m']['id']}",
                       data=form()).status_code == 403


def test_an_association_is_no_campaign_level(login_as, db, town):
    chair = make_member(db, association=town["a"], role="chair")
    response = login_as(chair, role="chair").post(
        f"/kampanjer/ny/association/{town['a']['id']}", data=form())
    assert response.status_code == 404


def test_district_campaign_runs_inside_a_national_one(login_as, db, town):
    national = make_campaign(db, name="Riks", starts_on="2026-01-01", ends_on="2099-12-31")
    client = login_as(admin_of(db, "district", town["district"]))
    page = client.get(f"/kampanjer/ny/district/{town['district']['id']}").get_data(as_text=True)
    assert "Riks" in page
    response = client.post(f"/kampanjer/ny/district/{town['district']['id']}",
                           data=form(parent_campaign_id=str(national["id"])))
    assert response.status_code == 302
    row = next(db.table("campaigns").rows_where("level = 'district'"))
    assert (row["unit_id"], row["parent_campaign_id"]) == (town["district"]["id"], national["id"])


def test_a_campaign_cannot_sit_inside_another_municipalitys(login_as, db, town):
    theirs = make_campaign(db, level="municipality", unit_id=town["other"]["id"])
    client = login_as(admin_of(db, "municipality", town["m"]))
    response = client.post(f"/kampanjer/ny/municipality/{town['m']['id']}",
                           data=form(parent_campaign_id=str(theirs["id"])))
    assert response.status_code == 422
    assert db.table("campaigns").count == 1


@pytest.mark.parametrize("field, value, message", [
    ("ends_on", "2026-08-01", "sluta innan den börjar"),
    ("name", "", "Fyll i ett namn"),
    ("goal_recruited_share", "101", "från 1 till 100"),
    ("description", "x" * 501, "Högst 500 tecken"),
])
def test_bad_input_is_refused_and_kept(login_as, db, town, field, value, message):
    client = login_as(admin_of(db, "municipality", town["m"]))
    response = client.post(f"/kampanjer/ny/municipality/{town['m']['id']}",
                           data=form(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Höstkampanjen" in page or field == "name"
    assert db.table("campaigns").count == 0


def test_national_admin_page_still_adds_national_campaigns_with_their_goal(login_as, db):
    client = login_as(admin_of(db, "nation", None))
    client.post("/admin/kampanj", data={
        "campaign-name": "Valrörelsen", "campaign-starts_on": "2026-08-01",
        "campaign-ends_on": "2026-09-13", "campaign-goal": "1000"})
    campaign = next(db.table("campaigns").rows_where())
    assert (campaign["level"], campaign["unit_id"]) == ("nation", None)
    assert [(g["measure"], g["target"]) for g in campaigns_data.campaign_goals(
        db, campaign["id"])] == [("signups", 1000)]


def test_existing_campaigns_become_national_with_their_goal(tmp_path):
    db = connect(str(tmp_path / "old.db"))
    migrations.apply(db, stop_before="m029_campaigns_goals_plans")
    db.table("campaigns").insert({"name": "Vår", "starts_on": "2026-03-01",
                                  "ends_on": "2026-05-31", "goal": 300, "created_at": "x"})
    migrations.apply(db)
    row = next(db.table("campaigns").rows_where())
    assert (row["level"], row["unit_id"]) == ("nation", None)
    goal = next(db.table("goals").rows_where())
    assert (goal["measure"], goal["target"], goal["campaign_id"], goal["ends_on"]) == (
        "signups", 300, row["id"], "2026-05-31")
    db.close()


def test_who_sees_a_municipal_campaign(login_as, db, town):
    campaign = make_campaign(db, level="municipality", unit_id=town["m"]["id"])
    db.table("campaign_associations").insert({"campaign_id": campaign["id"],
                                              "association_id": town["a"]["id"]})
    url = f"/kampanjer/{campaign['id']}"
    assert login_as(make_member(db, association=town["a"])).get(url).status_code == 200
    assert login_as(make_member(db, association=town["b"])).get(url).status_code == 403
    elsewhere = make_association(db, municipality=town["other"])
    assert login_as(make_member(db, association=elsewhere)).get(url).status_code == 403
    assert login_as(admin_of(db, "municipality", town["m"])).get(url).status_code == 200
    assert login_as(admin_of(db, "municipality", town["other"])).get(url).status_code == 403
    assert login_as(admin_of(db, "district", town["district"])).get(url).status_code == 200
    assert login_as(make_member(db, association=town["a"])).get(
        "/kampanjer/999999").status_code == 404


def test_campaign_list_shows_only_ones_taking_part(login_as, db, town):
    ours = make_campaign(db, name="Vår kommun", level="municipality", unit_id=town["m"]["id"],
                         starts_on="2026-01-01")
    make_campaign(db, name="Deras kommun", level="municipality", unit_id=town["other"]["id"])
    page = login_as(make_member(db, association=town["a"])).get("/kampanjer/").get_data(
        as_text=True)
    assert ours["name"] in page and "Deras kommun" not in page


# Measures: a small data set counted by hand. Period: 2026-09-01 .. 2026-09-30.
SINCE, UNTIL = "2026-08-31T22:00:00+00:00", "2026-09-30T22:00:00+00:00"


@pytest.fixture
def counted(db, town):
    a, b = town["a"], town["b"]
    recruiter_a = make_member(db, association=a)
    recruiter_b = make_member(db, association=b)
    inside = "2026-09-10T10:00:00+00:00"
    for _ in range(3):
        make_signup(db, recruiter=recruiter_a, created_at=inside)  # A: 3 recruited
    make_signup(db, association=a, created_at=inside)  # A: 1 own initiative
    make_signup(db, recruiter=recruiter_b, created_at=inside)  # B: 1 recruited
    make_signup(db, recruiter=recruiter_a, created_at="2026-10-05T10:00:00+00:00")  # after
    first = make_signup(db, association=b, created_at=inside)
    make_signup(db, association=b, created_at=inside, duplicate_of=first["id"])  # never counts
    make_shift(db, recruiter_a, "2026-09-02T10:00:00+00:00", doors_knocked=20)
    make_shift(db, recruiter_a, "2026-09-03T10:00:00+00:00", doors_knocked=5)
    make_shift(db, recruiter_b, "2026-09-04T10:00:00+00:00", doors_knocked=7)
    make_shift(db, recruiter_b, "2026-08-04T10:00:00+00:00", doors_knocked=100)  # before
    for association, on, new in ((a, "2026-09-15", 4), (b, "2026-09-20", 2), (a, "2026-10-02", 9)):
        db.table("register_figures").insert({"association_id": association["id"], "on_date": on,
                                             "members": 100, "members_under_45": 10,
                                             "new_members": new})
    return {"recruiter_a": recruiter_a}


@pytest.mark.parametrize("name, whole, only_a", [
    ("signups", 6, 4),  # A 4 + B 2 (the duplicate left out); only A: 4
    ("recruited_share", 100 * 4 / 6, 100 * 3 / 4),
    ("shifts", 3, 2),
    ("doors", 32, 25),
    ("paid_new_members", 6, 4),
])
def test_measures_equal_hand_counts(db, town, counted, name, whole, only_a):
    m = town["m"]["id"]
    assert rollups.measure(db, name, "municipality", m, SINCE, UNTIL) == pytest.approx(whole)
    assert rollups.measure(db, name, "municipality", m, SINCE, UNTIL,
                           associations=[town["a"]["id"]]) == pytest.approx(only_a)


def test_paid_new_members_is_none_without_register_figures(db, town):
    assert rollups.measure(db, "paid_new_members", "municipality", town["m"]["id"],
                           SINCE, UNTIL) is None


def test_shifts_tied_to_the_campaign_count_toward_it(db, town, counted):
    campaign = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                             starts_on="2026-09-01", ends_on="2026-09-30")
    elsewhere = make_member(db, association=make_association(db, municipality=town["other"]))
    make_shift(db, elsewhere, "2026-09-05T10:00:00+00:00", campaign_id=campaign["id"])
    goal_id = campaigns_data.add_goal(db, "shifts", 10, "municipality", town["m"]["id"],
                                      "2026-09-01", "2026-09-30", campaign_id=campaign["id"])
    goal = db.table("goals").get(goal_id)
    assert campaigns_data.campaign_value(db, campaign, goal) == 4


def test_welcome_in_time_measure(db, town):
    list_id = db.table("call_lists").insert({"kind": "welcome", "association_id": town["a"]["id"],
                                             "created_at": "2026-09-01T00:00:00+00:00"}).last_pk
    cases = [("2026-09-10", "reached", "2026-09-10"), ("2026-09-10", "reached", "2026-09-11"),
             ("2026-09-12", "could_not_reach", "2026-09-12"), ("2026-09-14", "waiting", None),
             ("2026-10-14", "reached", "2026-10-01")]  # due after the period: not counted
    for due_on, state, done_on in cases:
        signup = make_signup(db, association=town["a"], created_at="2026-09-02T10:00:00+00:00")
        db.table("call_targets").insert({"list_id": list_id, "signup_id": signup["id"],
                                         "due_on": due_on, "state": state, "done_on": done_on,
                                         "created_at": "2026-09-02T10:00:00+00:00"})
    value = rollups.measure(db, "welcome_in_time", "municipality", town["m"]["id"], SINCE, UNTIL)
    assert value == pytest.approx(100 * 1 / 4)


def test_campaign_goal_progress_over_time(db, town, counted):
    campaign = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                             starts_on="2026-09-01", ends_on="2026-09-30")
    campaigns_data.add_goal(db, "signups", 12, "municipality", town["m"]["id"],
                            "2026-09-01", "2026-09-30", campaign_id=campaign["id"])
    rows = campaigns_page.goal_rows(db, campaign, date(2026, 9, 30))
    assert rows[0]["value"] == 6 and rows[0]["progress"] == pytest.approx(0.5)
    series = {p["day"]: p["value"] for p in rows[0]["series"]}
    assert series["2026-09-04"] == 0 and series["2026-09-30"] == 6
    assert len(series) <= campaigns_page.MAX_POINTS


def test_points_spread_over_the_period():
    assert campaigns_page.points("2026-09-01", "2026-09-03", date(2026, 12, 1)) == [
        date(2026, 9, 1), date(2026, 9, 2), date(2026, 9, 3)]
    marks = campaigns_page.points("2026-01-01", "2026-12-31", date(2026, 3, 1))
    assert marks[-1] == date(2026, 3, 1) and len(marks) <= campaigns_page.MAX_POINTS


def main(page):
    """The page's own content (the layout around it carries a fresh CSRF token)."""
    return page[page.index("<main"):page.index("</main>")]


def test_ended_campaign_page_is_frozen(login_as, db, town, counted):
    campaign = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                             starts_on="2026-09-01", ends_on="2026-09-30")
    campaigns_data.add_goal(db, "signups", 12, "municipality", town["m"]["id"],
                            "2026-09-01", "2026-09-30", campaign_id=campaign["id"])
    campaigns_data.add_goal(db, "paid_new_members", 10, "municipality", town["m"]["id"],
                            "2026-09-01", "2026-09-30", campaign_id=campaign["id"])
    assert campaign["ends_on"] < today().isoformat()
    client = login_as(counted["recruiter_a"])
    before = client.get(f"/kampanjer/{campaign['id']}").get_data(as_text=True)
    assert "6 av 12" in before and "6 av 10" in before and "frozen" in before
    late = make_signup(db, recruiter=counted["recruiter_a"], created_at="2026-09-20T10:00:00+00:00")
    erased = next(db.table("signups").rows_where("recruiter_id = ?", [counted["recruiter_a"]["id"]]))
    with client.application.app_context():
        privacy.erase_signup(db, erased["id"])
    db.table("signups").update(late["id"], {"source": "own_initiative"})
    db.table("register_figures").insert({"association_id": town["a"]["id"],
                                         "on_date": "2026-09-25", "members": 100,
                                         "members_under_45": 10, "new_members": 5})
    recomputed = campaigns_page.compute(db, campaign, date(2026, 9, 30))["goals"]
    assert [g["value"] for g in recomputed] == [7, 11]
    after = client.get(f"/kampanjer/{campaign['id']}").get_data(as_text=True)
    assert main(after) == main(before)


def test_snapshot_command_writes_each_ended_campaign_once(app, db, town, counted):
    ended = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                          starts_on="2026-09-01", ends_on="2026-09-30")
    make_campaign(db, starts_on="2026-01-01", ends_on="2099-12-31")  # still running
    runner = app.test_cli_runner()
    result = runner.invoke(args=["snapshot-campaigns"])
    assert result.exit_code == 0 and "1" in result.output
    first = db.table("campaign_snapshots").get(ended["id"])
    make_signup(db, association=town["a"], created_at="2026-09-12T10:00:00+00:00")
    assert runner.invoke(args=["snapshot-campaigns"]).exit_code == 0
    assert db.table("campaign_snapshots").count == 1
    assert db.table("campaign_snapshots").get(ended["id"]) == first
    with pytest.raises(Exception, match="written once"):
        db.execute("update campaign_snapshots set body = '{}'")


def test_campaign_page_names_only_as_members_chose(login_as, db, town, counted):
    campaign = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                             starts_on="2026-09-01", ends_on="2026-09-30")
    hidden = make_member(db, association=town["a"], first_name="Gömd", last_name="Person")
    db.table("members").update(hidden["id"], {"leaderboard_name": "hidden"})
    make_signup(db, recruiter=hidden, created_at="2026-09-11T10:00:00+00:00")
    shown = counted["recruiter_a"]
    page = login_as(make_member(db, association=town["a"])).get(
        f"/kampanjer/{campaign['id']}").get_data(as_text=True)
    assert "Gömd" not in page and "En medlem" in page
    assert f"{shown['first_name']} {shown['last_name'][0]}." in page


def test_member_sees_running_campaign_with_their_part_and_makes_its_link(login_as, db, town):
    campaign = make_campaign(db, name="Vårt lyft", level="municipality", unit_id=town["m"]["id"],
                             starts_on="2026-01-01", ends_on="2099-12-31")
    campaigns_data.add_goal(db, "signups", 50, "municipality", town["m"]["id"], "2026-01-01",
                            "2099-12-31", campaign_id=campaign["id"])
    me = make_member(db, association=town["a"])
    other = make_member(db, association=town["a"])
    for recruiter in (me, me, me, other):
        make_signup(db, recruiter=recruiter)
    make_signup(db, association=town["b"])
    client = login_as(me)
    page = client.get("/").get_data(as_text=True)
    assert "Vårt lyft" in page and "Du: 3 av föreningens 4" in page and "5 av 50" in page
    response = client.post("/lankar", data={"label": "Vårt lyft", "campaign_id": campaign["id"]})
    assert response.status_code == 302
    link = next(db.table("links").rows_where("member_id = ? and is_personal = 0", [me["id"]]))
    assert link["campaign_id"] == campaign["id"]


def test_no_campaign_card_for_a_campaign_elsewhere_or_ended(login_as, db, town):
    make_campaign(db, name="Annanstans", level="municipality", unit_id=town["other"]["id"])
    make_campaign(db, name="Förbi", starts_on="2025-01-01", ends_on="2025-02-01")
    page = login_as(make_member(db, association=town["a"])).get("/").get_data(as_text=True)
    assert "Annanstans" not in page and "Förbi" not in page


def test_links_and_shifts_offer_only_the_members_own_campaigns(login_as, db, town):
    ours = make_campaign(db, name="Vår", level="municipality", unit_id=town["m"]["id"])
    theirs = make_campaign(db, name="Deras", level="municipality", unit_id=town["other"]["id"])
    national = make_campaign(db, name="Riks")
    client = login_as(make_member(db, association=town["a"]))
    offered = {c["name"] for c in client.get("/api/me").json["campaigns"]}
    assert offered == {"Vår", "Riks"}
    page = client.get("/varva").get_data(as_text=True)
    assert "Deras" not in page and "Vår" in page
    response = client.post("/lankar", data={"label": "Fel", "campaign_id": theirs["id"]})
    assert db.table("links").count_where("campaign_id = ?", [theirs["id"]]) == 0
    assert response.status_code == 302
    for campaign in (ours, national):
        client.post("/lankar", data={"label": "Rätt", "campaign_id": campaign["id"]})
        assert db.table("links").count_where("campaign_id = ?", [campaign["id"]]) == 1


def test_ended_campaigns_stay_listed_for_those_who_took_part(login_as, db, town):
    make_campaign(db, name="Förra våren", level="municipality", unit_id=town["m"]["id"],
                  starts_on="2025-03-01", ends_on="2025-05-31")
    page = login_as(make_member(db, association=town["a"])).get("/kampanjer/").get_data(
        as_text=True)
    assert "Förra våren" in page and "slut" in page


def test_leaderboard_offers_only_the_associations_campaigns(login_as, db, town):
    make_campaign(db, name="Vår", level="municipality", unit_id=town["m"]["id"])
    make_campaign(db, name="Deras", level="municipality", unit_id=town["other"]["id"])
    page = login_as(make_member(db, association=town["a"])).get("/topplista/").get_data(
        as_text=True)
    assert "Kampanj: Vår" in page and "Deras" not in page


@pytest.mark.parametrize("name", sorted(rollups.MEASURES))
def test_a_series_equals_the_measure_at_each_end(db, town, counted, name):
    list_id = db.table("call_lists").insert({"kind": "welcome", "association_id": town["a"]["id"],
                                             "created_at": "2026-09-01T00:00:00+00:00"}).last_pk
    for due_on, state, done_on in (("2026-09-05", "reached", "2026-09-04"),
                                   ("2026-09-15", "reached", "2026-09-16"),
                                   ("2026-09-30", "reached", "2026-09-30")):
        signup = make_signup(db, association=town["a"], created_at="2026-09-02T10:00:00+00:00")
        db.table("call_targets").insert({"list_id": list_id, "signup_id": signup["id"],
                                         "due_on": due_on, "state": state, "done_on": done_on,
                                         "created_at": "2026-09-02T10:00:00+00:00"})
    # Local midnights in UTC (summer time): the ends of 2, 9, 15, 20 and 30 September.
    ends = ["2026-09-02T22:00:00+00:00", "2026-09-09T22:00:00+00:00",
            "2026-09-15T22:00:00+00:00", "2026-09-20T22:00:00+00:00", UNTIL]
    series = rollups.measure_series(db, name, "municipality", town["m"]["id"], SINCE, ends)
    assert series == [rollups.measure(db, name, "municipality", town["m"]["id"], SINCE, end)
                      for end in ends]
    assert len(set(map(str, series))) > 1  # the ends fall between events


def test_a_national_campaign_counts_only_its_period(login_as, db, town):
    recruiter = make_member(db, association=town["a"], first_name="Augusti", last_name="Person")
    make_signup(db, recruiter=recruiter, created_at="2026-08-15T10:00:00+00:00")
    make_shift(db, recruiter, "2026-08-15T10:00:00+00:00", kind="phone")
    campaign = make_campaign(db, starts_on="2026-09-01", ends_on="2026-09-30")
    data = campaigns_page.compute(db, campaign, date(2026, 9, 30))
    assert data["recruiters"] == {}
    assert data["channels"] == {"link": 0, "campaign_link": 0, "on_the_spot": 0,
                                "own_initiative": 0, "shifts": 0, "conversations": 0}
    assert all(a["signups"] == 0 for a in data["associations"])


def test_district_admin_lists_the_campaigns_below_in_their_district_only(login_as, db, town):
    make_campaign(db, name="Vår kommun", level="municipality", unit_id=town["m"]["id"])
    make_campaign(db, name="Annat distrikt", level="municipality", unit_id=town["other"]["id"])
    page = login_as(admin_of(db, "district", town["district"])).get("/kampanjer/").get_data(
        as_text=True)
    below = page[page.index('data-testid="campaigns-below"'):]
    assert "Vår kommun" in below and "Annat distrikt" not in page
    national = login_as(admin_of(db, "nation", None)).get("/kampanjer/").get_data(as_text=True)
    assert "Vår kommun" in national and "Annat distrikt" in national


def test_creating_a_campaign_and_saving_a_plan_need_the_csrf_token(csrf_app):



    db = connect(csrf_app.config["DATABASE"])
    m = make_municipality(db)
    member = admin_of(db, "municipality", m)
    role = accounts.member_roles(db, member["id"])[0]
    client = csrf_app.test_client()
    with csrf_app.test_request_context():
        session_token = start_session(db, member["id"], role["id"], False)
    with csrf_app.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": session_token, "_fresh": True, "_id": identifier})
    for url, data, table in ((f"/kampanjer/ny/municipality/{m['id']}", form(), "campaigns"),
                             (f"/handlingsplan/municipality/{m['id']}/2026",
                              {"body": "Text", "goal_signups": "5"}, "plans")):
        assert client.post(url, data=data).status_code == 400
        assert db.table(table).count == 0
        token = re.search(r'name="csrf_token" value="([^"]+)"',
                          client.get(url).get_data(as_text=True)).group(1)
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 302
        assert db.table(table).count == 1
    db.close()


def test_admin_changes_a_running_campaign_and_its_goals(login_as, db, town):
    client = login_as(admin_of(db, "municipality", town["m"]))
    start, end, later = (str(date.today() + timedelta(days=n)) for n in (-10, 100, 200))
    client.post(f"/kampanjer/ny/municipality/{town['m']['id']}",
                data=form(starts_on=start, ends_on=end, goal_signups="40"))
    campaign = next(db.table("campaigns").rows_where())
    url = f"/kampanjer/{campaign['id']}/andra"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Höstkampanjen"' in page and 'value="40"' in page
    response = client.post(url, data=form(name="Vinterkampanjen", starts_on=start, ends_on=later,
                                          goal_signups="", goal_shifts="9",
                                          associations=[str(town["b"]["id"])]))
    assert response.status_code == 302
    changed = db.table("campaigns").get(campaign["id"])
    assert (changed["name"], changed["ends_on"], changed["level"]) == (
        "Vinterkampanjen", later, "municipality")
    assert [(g["measure"], g["target"], g["ends_on"]) for g in campaigns_data.campaign_goals(
        db, campaign["id"])] == [("shifts", 9, later)]
    assert campaigns_data.participants(db, changed) == [town["b"]["id"]]


def test_who_may_change_a_campaign(login_as, db, town):
    running = make_campaign(db, level="municipality", unit_id=town["m"]["id"])
    ended = make_campaign(db, level="municipality", unit_id=town["m"]["id"],
                          starts_on="2025-01-01", ends_on="2025-02-01")
    own = login_as(admin_of(db, "municipality", town["m"]))
    assert own.get(f"/kampanjer/{running['id']}/andra").status_code == 200
    assert own.post(f"/kampanjer/{ended['id']}/andra", data=form(
        starts_on="2025-01-01", ends_on="2025-02-01")).status_code == 403
    for client in (login_as(admin_of(db, "municipality", town["other"])),
                   login_as(make_member(db, association=town["a"]))):
        assert client.post(f"/kampanjer/{running['id']}/andra",
                           data=form(name="Kapad")).status_code == 403
    assert db.table("campaigns").get(running["id"])["name"] == running["name"]
    assert db.table("campaigns").get(ended["id"])["name"] == ended["name"]
