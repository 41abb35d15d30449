"""Starting a shift from an activity, and what the organiser sees afterwards."""
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from recruiter import activities_data
from tests.factories import (activity_shift_body, make_activity, make_association, make_campaign,
                             make_member, make_shift, make_signup, utc_in)


def test_start_shift_prefills_kind_place_campaign_and_companions(db, login_as):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    chair = make_member(db, association=a, role="chair")
    me, friend = make_member(db, association=a), make_member(db, association=a)
    neighbour = make_member(db, association=make_association(db, municipality=municipality))
    campaign = make_campaign(db)
    activity = make_activity(db, chair, a, audience="municipality", kind="street",
                             campaign_id=campaign["id"], place="Triangeln")
    for person in (me, friend, neighbour):
        activities_data.sign_up(db, activity["id"], person["id"])
    page = login_as(me).get(f"/aktiviteter/{activity['id']}").get_data(as_text=True)
    href = unescape(re.search(r'href="([^"]+)" data-testid="start-shift"', page).group(1))
    url = urlsplit(href)
    assert url.path == "/pass"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query == {"aktivitet": str(activity["id"]), "slag": "street", "plats": "Triangeln",
                     "kampanj": str(campaign["id"]), "kommun": str(municipality["id"]),
                     "med": str(friend["id"])}  # the neighbour is in another association
    # Not signed up: no button (sign up first).
    other = make_member(db, association=a)
    assert "start-shift" not in login_as(other).get(
        f"/aktiviteter/{activity['id']}").get_data(as_text=True)


def test_a_shift_from_the_outbox_is_linked_to_the_activity(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a)
    activity = make_activity(db, chair, a, starts_at=utc_in(-3), ends_at=utc_in(-1))
    stranger_activity = make_activity(db, chair, make_association(db))
    client = login_as(member)
    response = client.post("/api/shifts", json=activity_shift_body(member, activity["id"]))
    assert response.status_code == 201
    assert db.table("shifts").get(response.json["id"])["activity_id"] == activity["id"]
    for bad in (stranger_activity["id"], 999999):
        refused = client.post("/api/shifts", json=activity_shift_body(member, bad))
        assert refused.status_code == 422 and "activity_id" in refused.json["errors"]
    assert client.post("/api/shifts", json=activity_shift_body(member, "7")).status_code == 422
    unlinked = client.post("/api/shifts", json=activity_shift_body(member, None))
    assert db.table("shifts").get(unlinked.json["id"])["activity_id"] is None


def test_the_results_equal_the_shifts_and_sign_ups_made(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    anna, bo, cilla, dan = (make_member(db, association=a, first_name=n, last_name="Test")
                            for n in ("Anna", "Bo", "Cilla", "Dan"))
    outsider = make_member(db, association=a)
    activity = make_activity(db, chair, a, starts_at=utc_in(-3), ends_at=utc_in(-1))
    for person in (anna, bo, cilla, dan):
        db.table("activity_signups").insert({"activity_id": activity["id"],
                                             "member_id": person["id"], "created_at": utc_in(-24)})
    login_as(anna).post("/api/shifts", json=activity_shift_body(anna, activity["id"],
                                                         companions=[bo["id"]]))
    login_as(bo).post("/api/shifts", json=activity_shift_body(
        bo, activity["id"], doors_knocked=10, doors_opened=4, conversations=3, paper_signups=0,
        interested=1))
    login_as(outsider).post("/api/shifts", json=activity_shift_body(outsider, None))  # not linked
    during, before = utc_in(-2), utc_in(-5)
    make_signup(db, recruiter=anna, created_at=during)
    make_signup(db, recruiter=dan, created_at=during)  # signed up for the activity
    make_signup(db, recruiter=anna, created_at=before)  # before it began
    make_signup(db, recruiter=outsider, created_at=during)  # not a participant
    make_signup(db, recruiter=bo, created_at=during, erased_at=utc_in(-1))  # erased
    organiser = login_as(chair, role="chair")
    organiser.post(f"/aktiviteter/{activity['id']}/narvaro", data={"came": [str(dan["id"])]})
    page = organiser.get(f"/aktiviteter/{activity['id']}/resultat").get_data(as_text=True)

    def figure(name):
        return int(re.search(rf'data-testid="result-{name}">(\d+)<', page).group(1))

    assert figure("shifts") == 2
    assert figure("doors_knocked") == 50 and figure("doors_opened") == 24
    assert figure("conversations") == 12 and figure("paper_signups") == 1
    assert figure("interested") == 3
    assert figure("signups") == 2
    no_shows = re.search(r'data-testid="no-shows">(.*?)</ul>', page, re.S).group(1)
    # Anna and Bo logged shifts, Dan was ticked: only Cilla did not come.
    assert "Cilla Test" in no_shows
    assert not any(n in no_shows for n in ("Anna", "Bo ", "Dan"))


def test_only_the_organiser_sees_results_and_ticks_attendance(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a)
    activity = make_activity(db, chair, a, starts_at=utc_in(-3), ends_at=utc_in(-1))
    db.table("activity_signups").insert({"activity_id": activity["id"],
                                         "member_id": member["id"], "created_at": utc_in(-24)})
    client = login_as(member)
    assert client.get(f"/aktiviteter/{activity['id']}/resultat").status_code == 403
    assert client.post(f"/aktiviteter/{activity['id']}/narvaro",
                       data={"came": [str(member["id"])]}).status_code == 403
    assert db.table("activity_signups").get((activity["id"], member["id"]))["attended"] is None
    organiser = login_as(chair, role="chair")
    organiser.post(f"/aktiviteter/{activity['id']}/narvaro",
                   data={"came": [str(member["id"]), str(chair["id"]), "²", "x"]})
    assert db.table("activity_signups").get((activity["id"], member["id"]))["attended"] == 1
    assert db.table("activity_signups").count == 1  # the chair was not signed up: not added
    organiser.post(f"/aktiviteter/{activity['id']}/narvaro", data={})
    assert db.table("activity_signups").get((activity["id"], member["id"]))["attended"] == 0


def test_no_shows_wait_until_the_activity_is_over(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Vera")
    activity = make_activity(db, chair, a, starts_at=utc_in(1), ends_at=utc_in(3))
    activities_data.sign_up(db, activity["id"], member["id"])
    page = login_as(chair, role="chair").get(
        f"/aktiviteter/{activity['id']}/resultat").get_data(as_text=True)
    assert 'data-testid="no-shows"' not in page and 'name="came"' in page


def test_members_check_in_on_their_phone_at_the_activity(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member, stranger = make_member(db, association=a), make_member(db, association=a)
    now_on = make_activity(db, chair, a, starts_at=utc_in(0.25), ends_at=utc_in(2))
    tomorrow = make_activity(db, chair, a)
    for activity in (now_on, tomorrow):
        activities_data.sign_up(db, activity["id"], member["id"])
    client = login_as(member)
    page = client.get(f"/aktiviteter/{now_on['id']}").get_data(as_text=True)
    assert "Jag är här" in page
    assert "Jag är här" not in client.get(f"/aktiviteter/{tomorrow['id']}").get_data(
        as_text=True)
    client.post(f"/aktiviteter/{now_on['id']}/har")
    client.post(f"/aktiviteter/{tomorrow['id']}/har")  # too early: refused
    attended = {r["activity_id"]: r["attended"] for r in db.table("activity_signups").rows}
    assert attended == {now_on["id"]: 1, tomorrow["id"]: None}
    assert "Du är incheckad." in client.get(f"/aktiviteter/{now_on['id']}").get_data(
        as_text=True)
    assert login_as(stranger).post(f"/aktiviteter/{now_on['id']}/har").status_code == 404


def test_the_organiser_messages_everyone_signed_up(db, login_as, outbox):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    people = [make_member(db, association=a) for _ in range(2)]
    activity = make_activity(db, chair, a)
    for person in people:
        activities_data.sign_up(db, activity["id"], person["id"])
    url = f"/aktiviteter/{activity['id']}/meddela"
    assert login_as(people[0]).post(url, data={"text": "Hej"}).status_code == 403
    organiser = login_as(chair, role="chair")
    assert organiser.post(url, data={"text": "  "}).status_code == 422
    assert outbox == []
    organiser.post(url, data={"text": "Ta med bekväma skor!"})
    assert sorted(to for to, _, _ in outbox) == sorted(p["email"] for p in people)
    assert all("Ta med bekväma skor!" in body and f"/aktiviteter/{activity['id']}" in body
               for _, _, body in outbox)


def test_without_mail_the_message_page_says_so(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    activity = make_activity(db, chair, a)
    page = login_as(chair, role="chair").post(f"/aktiviteter/{activity['id']}/meddela",
                                              data={"text": "Hej"})
    assert 'data-testid="no-mail"' in page.get_data(as_text=True)


def test_coverage_lists_where_the_municipalitys_teams_knocked_lately(db, login_as):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    neighbour = make_member(db, association=make_association(db, municipality=municipality))
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a)
    elsewhere = make_member(db)
    make_shift(db, member, utc_in(-48), place="Södra Förstaden", doors_knocked=30)
    make_shift(db, neighbour, utc_in(-24), place="södra förstaden ", doors_knocked=20)
    make_shift(db, member, utc_in(-72), place="Rörsjöstaden", doors_knocked=15)
    make_shift(db, member, utc_in(-24 * 200), place="Gamla stan")  # too long ago
    make_shift(db, member, utc_in(-5), place="Stortorget", kind="street")  # not door-knocking
    make_shift(db, elsewhere, utc_in(-5), place="Annan kommun")
    page = login_as(chair, role="chair").get("/aktiviteter/tackning").get_data(as_text=True)
    listed = re.findall(r"<strong>([^<]+)</strong>", page.split('data-testid="coverage"')[1])
    assert [p.strip().lower() for p in listed] == ["södra förstaden", "rörsjöstaden"]
    assert "2 pass" in page and "50 dörrar" in page
    assert login_as(member).get("/aktiviteter/tackning").status_code == 403


def test_hur_gick_det_after_the_activity_one_tap_and_the_organiser_sees_the_count(db,
                                                                                  login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    anna, bo = make_member(db, association=a), make_member(db, association=a)
    past = make_activity(db, chair, a, starts_at=utc_in(-3), ends_at=utc_in(-1))
    coming = make_activity(db, chair, a)
    for person in (anna, bo):
        db.table("activity_signups").insert({"activity_id": past["id"],
                                             "member_id": person["id"], "created_at": utc_in(-24)})
    activities_data.sign_up(db, coming["id"], anna["id"])
    client = login_as(anna)
    assert 'name="svar" value="good"' in client.get(
        f"/aktiviteter/{past['id']}").get_data(as_text=True)
    assert 'name="svar"' not in client.get(f"/aktiviteter/{coming['id']}").get_data(
        as_text=True)
    assert client.post(f"/aktiviteter/{coming['id']}/hur-gick-det",
                       data={"svar": "good"}).status_code == 400  # not over yet
    assert client.post(f"/aktiviteter/{past['id']}/hur-gick-det",
                       data={"svar": "super"}).status_code == 400
    client.post(f"/aktiviteter/{past['id']}/hur-gick-det", data={"svar": "good"})
    login_as(bo).post(f"/aktiviteter/{past['id']}/hur-gick-det", data={"svar": "ok"})
    page = client.get(f"/aktiviteter/{past['id']}").get_data(as_text=True)
    assert 'data-testid="how-it-went"' in page and "Bra" in page
    outsider = make_member(db, association=a)
    assert login_as(outsider).post(f"/aktiviteter/{past['id']}/hur-gick-det",
                                   data={"svar": "bad"}).status_code == 404
    results = login_as(chair, role="chair").get(
        f"/aktiviteter/{past['id']}/resultat").get_data(as_text=True)
    assert 'data-testid="feedback-good">1<' in results
    assert 'data-testid="feedback-ok">1<' in results
    assert 'data-testid="feedback-bad">0<' in results
