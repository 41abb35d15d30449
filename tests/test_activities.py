"""Activities: planning, who sees them, signing up within capacity, cancel and move."""
import re
import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from recruiter import accounts, activities_data, demo
from recruiter.db import connect, now
from tests.factories import (make_activity, make_association, make_campaign, make_member,
                             make_shift, make_signup, utc_in)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(days=1, hour=17, minute=0):
    """A form's datetime-local value `days` from today in Stockholm."""
    day = datetime.now(STOCKHOLM) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute).strftime("%Y-%m-%dT%H:%M")


def form(**overrides):
    return {"kind": "door_knocking", "starts_at": local(2, 17), "ends_at": local(2, 19),
            "place": "Möllevångstorget", "capacity": "6", "audience": "association",
            "campaign_id": "0", "description": "Vi knackar i området.", **overrides}


@pytest.fixture
def team(db):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Lisa", last_name="Larsson")
    return a, chair, member


def test_chair_plans_an_activity_stored_in_utc(db, login_as, team):
    a, chair, _ = team
    response = login_as(chair, role="chair").post("/aktiviteter/ny", data=form())
    assert response.status_code == 302
    activity = next(db.table("activities").rows_where())
    assert activity["association_id"] == a["id"]
    assert activity["municipality_id"] == a["municipality_id"]
    assert activity["organiser_id"] == chair["id"]
    start = datetime.fromisoformat(activity["starts_at"])
    assert start.utcoffset() == timedelta(0)
    assert start.astimezone(STOCKHOLM).strftime("%Y-%m-%dT%H:%M") == local(2, 17)


@pytest.mark.parametrize("overrides, message", [
    ({"starts_at": local(-1, 17), "ends_at": local(-1, 19)}, "det förflutna"),
    ({"ends_at": local(2, 16)}, "sluta efter att den börjar"),
    ({"ends_at": local(3, 12)}, "högst 16 timmar"),
    ({"place": "Storgatan 5 lgh 1102"}, "inga lägenheter"),
    ({"place": "Storgatan 5, Anna Svensson"}, "inga lägenheter"),
    ({"capacity": "0"}, "Ett heltal från 1"),
    ({"audience": "campaign"}, "Välj kampanjen"),
])
def test_bad_activities_get_a_clear_message_and_keep_the_input(db, login_as, team, overrides,
                                                                 message):
    _, chair, _ = team
    response = login_as(chair, role="chair").post("/aktiviteter/ny", data=form(**overrides))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "Vi knackar i området." in page  # what was typed stays
    assert db.table("activities").count == 0


def test_members_and_national_admins_cannot_plan(db, login_as, team):
    _, _, member = team
    national = make_member(db, association=None, role="national_admin")
    for client in (login_as(member), login_as(national)):
        assert client.post("/aktiviteter/ny", data=form()).status_code == 403
    assert db.table("activities").count == 0


def test_municipal_admin_plans_for_the_municipality_only(db, login_as, team):
    a, _, member = team
    municipality = db.table("municipalities").get(a["municipality_id"])
    admin = make_member(db, association=None, role="municipal_admin", unit=municipality)
    client = login_as(admin)
    assert client.post("/aktiviteter/ny", data=form()).status_code == 422  # no 'association'
    assert client.post("/aktiviteter/ny", data=form(audience="municipality")).status_code == 302
    activity = next(db.table("activities").rows_where())
    assert activity["association_id"] is None
    assert activity["municipality_id"] == municipality["id"]
    assert "Möllevångstorget" in login_as(member).get("/").get_data(as_text=True)


def test_visibility_by_audience_across_associations_and_municipalities(db, login_as, team):
    a, chair, member = team
    municipality = db.table("municipalities").get(a["municipality_id"])
    neighbour = make_member(db, association=make_association(db, municipality=municipality))
    stranger = make_member(db)  # another municipality
    campaign = make_campaign(db)
    own = make_activity(db, chair, a, place="Föreningsgatan")
    shared = make_activity(db, chair, a, audience="municipality", place="Kommuntorget")
    national = make_activity(db, chair, a, audience="campaign", campaign_id=campaign["id"],
                             place="Kampanjtorget")
    expected = {member["id"]: {own["id"], shared["id"], national["id"]},
                neighbour["id"]: {shared["id"], national["id"]}, stranger["id"]: {national["id"]}}
    for person in (member, neighbour, stranger):
        client = login_as(person)
        listing = client.get("/aktiviteter").get_data(as_text=True)
        for activity in (own, shared, national):
            seen = activity["id"] in expected[person["id"]]
            assert (activity["place"] in listing) == seen, (person["id"], activity["place"])
            status = client.get(f"/aktiviteter/{activity['id']}").status_code
            assert status == (200 if seen else 404)
            signed = client.post(f"/aktiviteter/{activity['id']}/anmal").status_code
            assert signed == (302 if seen else 404)
    # Own association first, then the municipality, then the campaign.
    listing = login_as(member).get("/aktiviteter").get_data(as_text=True)
    assert listing.index("Föreningsgatan") < listing.index("Kommuntorget") < \
        listing.index("Kampanjtorget")


def test_a_campaign_activity_is_seen_only_where_the_campaign_runs(db, login_as, team):
    a, chair, member = team
    campaign = make_campaign(db, level="municipality", unit_id=a["municipality_id"])
    activity = make_activity(db, chair, a, audience="campaign", campaign_id=campaign["id"])
    neighbour = make_member(db, association=make_association(
        db, municipality=db.table("municipalities").get(a["municipality_id"])))
    stranger = make_member(db)  # an association in another municipality
    for person, status in ((member, 200), (neighbour, 200), (stranger, 404)):
        assert login_as(person).get(f"/aktiviteter/{activity['id']}").status_code == status


def test_an_ended_campaign_hides_its_activities(db, login_as, team):
    a, chair, _ = team
    stranger = make_member(db)
    ended = make_campaign(db, starts_on="2020-01-01", ends_on="2020-12-31")
    activity = make_activity(db, chair, a, audience="campaign", campaign_id=ended["id"])
    assert login_as(stranger).get(f"/aktiviteter/{activity['id']}").status_code == 404


def test_sign_up_and_cancel_with_one_tap_each(db, login_as, team):
    a, chair, member = team
    activity = make_activity(db, chair, a)
    client = login_as(member)
    client.post(f"/aktiviteter/{activity['id']}/anmal")
    client.post(f"/aktiviteter/{activity['id']}/anmal")  # twice: still one place
    assert db.table("activity_signups").count == 1
    page = client.get(f"/aktiviteter/{activity['id']}").get_data(as_text=True)
    assert "Du är anmäld." in page and ">1/5<" in page
    client.post(f"/aktiviteter/{activity['id']}/avanmal")
    assert db.table("activity_signups").count == 0


def test_a_full_activity_says_so_and_takes_nobody_more(db, login_as, team):
    a, chair, member = team
    activity = make_activity(db, chair, a, capacity=1)
    login_as(chair).post(f"/aktiviteter/{activity['id']}/anmal")
    client = login_as(member)
    page = client.post(f"/aktiviteter/{activity['id']}/anmal",
                       follow_redirects=True).get_data(as_text=True)
    assert "aktiviteten är full" in page
    assert not activities_data.is_signed_up(db, activity["id"], member["id"])


def test_no_sign_up_after_the_end_or_when_cancelled(db, login_as, team):
    a, chair, member = team
    past = make_activity(db, chair, a, starts_at=utc_in(-3), ends_at=utc_in(-1))
    off = make_activity(db, chair, a, cancelled_at=now())
    for activity in (past, off):
        login_as(member).post(f"/aktiviteter/{activity['id']}/anmal")
    assert db.table("activity_signups").count == 0


def test_the_last_place_goes_to_exactly_one_of_two_at_once(app, db, team):
    a, chair, member = team
    other = make_member(db, association=a)
    activity = make_activity(db, chair, a, capacity=2)
    activities_data.sign_up(db, activity["id"], chair["id"])
    results, barrier = {}, threading.Barrier(2)

    def take(person):
        connection = connect(app.config["DATABASE"])
        barrier.wait()
        results[person["id"]] = activities_data.sign_up(connection, activity["id"], person["id"])
        connection.close()

    for _ in range(20):  # the race, many times over
        db.execute("delete from activity_signups where member_id != ?", [chair["id"]])
        threads = [threading.Thread(target=take, args=(p,)) for p in (member, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results.values()) == ["full", "ok"]
        assert db.table("activity_signups").count_where("activity_id = ?", [activity["id"]]) == 2


def test_names_beyond_the_organiser_are_first_name_and_initial(db, login_as, team):
    a, chair, member = team
    other = make_member(db, association=a)
    activity = make_activity(db, chair, a)
    activities_data.sign_up(db, activity["id"], member["id"])
    url = f"/aktiviteter/{activity['id']}"
    assert "Lisa Larsson" in login_as(chair, role="chair").get(url).get_data(as_text=True)
    login_as(other).post(f"{url}/anmal")
    page = login_as(other).get(url).get_data(as_text=True)
    assert "Lisa L." in page and "Larsson" not in page
    login_as(other).post(f"{url}/avanmal")
    assert "Lisa" not in login_as(other).get(url).get_data(as_text=True)  # not signed up


def test_cancel_tells_everyone_signed_up(db, login_as, team, outbox):
    a, chair, member = team
    activity = make_activity(db, chair, a)
    other = make_member(db, association=a)
    for person in (member, other):
        activities_data.sign_up(db, activity["id"], person["id"])
    login_as(member).post(f"/aktiviteter/{activity['id']}/stall-in")  # not theirs: refused
    assert outbox == []
    login_as(chair, role="chair").post(f"/aktiviteter/{activity['id']}/stall-in")
    assert sorted(to for to, _, _ in outbox) == sorted([member["email"], other["email"]])
    assert all(subject.startswith("Inställd") and "Möllevångstorget" in body
               for _, subject, body in outbox)
    assert db.table("activities").get(activity["id"])["cancelled_at"]
    page = login_as(member).get("/").get_data(as_text=True)
    assert 'data-testid="next-activity"' not in page and "still-coming" not in page


def test_move_tells_everyone_the_new_time_and_place(db, login_as, team, outbox):
    a, chair, member = team
    activity = make_activity(db, chair, a)
    activities_data.sign_up(db, activity["id"], member["id"])
    url = f"/aktiviteter/{activity['id']}/flytta"
    client = login_as(chair, role="chair")
    assert client.get(url).status_code == 200
    bad = client.post(url, data={"starts_at": local(3, 18), "ends_at": local(3, 17),
                                 "place": "Folkets park"})
    assert bad.status_code == 422 and outbox == []
    response = client.post(url, data={"starts_at": local(3, 18), "ends_at": local(3, 20),
                                      "place": "Folkets park"})
    assert response.status_code == 302
    moved = db.table("activities").get(activity["id"])
    assert moved["place"] == "Folkets park"
    assert datetime.fromisoformat(moved["starts_at"]).astimezone(STOCKHOLM).hour == 18
    assert [to for to, _, _ in outbox] == [member["email"]]
    assert "Folkets park" in outbox[0][2] and "18:00" in outbox[0][2]
    assert login_as(member).get(url).status_code == 403


def test_start_page_shows_next_activity_then_things_to_do(db, login_as, team):
    a, chair, member = team
    joined = make_activity(db, chair, a, place="Anmält torg", starts_at=utc_in(50),
                           ends_at=utc_in(51))
    make_activity(db, chair, a, place="Ledigt torg")
    activities_data.sign_up(db, joined["id"], member["id"])
    page = login_as(member).get("/").get_data(as_text=True)
    next_card = re.search(r'data-testid="next-activity".*?</a>', page, re.S).group(0)
    assert "Anmält torg" in next_card
    todo = re.search(r'data-testid="do-something".*?</a>', page, re.S).group(0)
    assert "Ledigt torg" in todo and "Anmält torg" not in todo
    assert page.index("next-activity") < page.index("do-something") < page.index("qr-card")


def test_the_demo_member_has_something_to_do(runner, db, login_as):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    member = accounts.find_member_by_email(db, demo.demo_email("medlem"))
    page = login_as(member).get("/").get_data(as_text=True)
    assert 'data-testid="next-activity"' in page and "Triangeln" in page
    assert "Möllevångstorget" in page
    chair = accounts.find_member_by_email(db, demo.demo_email("ordforande"))
    page = login_as(chair, role="chair").get("/").get_data(as_text=True)
    assert "1 pass att granska" in page


def test_start_page_shows_the_streak_and_recent_recruits_after_the_qr_link(db, login_as, team):
    _, _, member = team
    client = login_as(member)
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="streak"' not in page and "recent-recruits" not in page
    for weeks_back in (0, 1, 2):
        make_shift(db, member, utc_in(-24 * 7 * weeks_back - 1))
    make_signup(db, recruiter=member, first_name="Nyfiken")
    page = client.get("/").get_data(as_text=True)
    streak = re.search(r'data-testid="streak".*?</a>', page, re.S).group(0)
    assert "3 veckor i rad" in streak  # three shifts, seven days apart
    assert "Nyfiken" in page
    assert page.index("qr-card") < page.index('data-testid="streak"') < \
        page.index("recent-recruits")
