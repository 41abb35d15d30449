import json
import threading
from datetime import datetime, timedelta, timezone

import pytest

from recruiter.db import connect
from tests.factories import login_with_token, make_campaign, make_member, post_shift, shift_body

NOW = datetime.now(timezone.utc)


def test_same_uuid_twice_is_stored_once(login_as, db):
    member = make_member(db)
    client = login_as(member)
    body = shift_body()
    first, second = post_shift(client, body), post_shift(client, body)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json["id"] == second.json["id"]
    assert db.table("shifts").count == 1
    row = next(db.table("shifts").rows_where())
    assert (row["member_id"], row["association_id"], row["doors_knocked"], row["doors_opened"]) == (
        member["id"], member["association_id"], 40, 18)


def test_replay_after_a_correction_is_answered_with_success(login_as, db):
    member = make_member(db)
    client = login_as(member)
    body = shift_body()
    shift_id = post_shift(client, body).json["id"]
    client.post(f"/pass/{shift_id}/andra", data={"doors_knocked": 45, "doors_opened": 18})
    replay = post_shift(client, body)
    assert replay.status_code == 200 and replay.json["id"] == shift_id
    assert db.table("shifts").get(shift_id)["doors_knocked"] == 45


def test_nulls_as_the_phone_sends_them_are_accepted(login_as, db):
    member = make_member(db)
    body = shift_body(member_id=member["id"], municipality_id=None, campaign_id=None, note=None)
    assert post_shift(login_as(member), body).status_code == 201
    row = next(db.table("shifts").rows_where())
    assert row["municipality_id"] is None and row["note"] is None


def test_uuid_of_another_members_shift_is_a_conflict(login_as, db):
    body = shift_body()
    post_shift(login_as(make_member(db)), body)
    assert post_shift(login_as(make_member(db)), body).status_code == 409
    assert db.table("shifts").count == 1


def test_record_made_by_another_member_on_this_phone_is_refused(login_as, db):
    member, other = make_member(db), make_member(db)
    response = post_shift(login_as(member), shift_body(member_id=other["id"]))
    assert response.status_code == 409 and db.table("shifts").count == 0


@pytest.mark.parametrize("overrides,field", [
    ({"doors_knocked": -1}, "doors_knocked"),
    ({"doors_knocked": 5001}, "doors_knocked"),
    ({"doors_knocked": 1.5}, "doors_knocked"),
    ({"doors_knocked": "12"}, "doors_knocked"),
    ({"doors_knocked": True}, "doors_knocked"),
    ({"doors_opened": 41}, "doors_opened"),
    ({"ended_at": (NOW - timedelta(hours=3)).isoformat()}, "ended_at"),
    ({"started_at": (NOW - timedelta(hours=20)).isoformat()}, "ended_at"),
    ({"started_at": (NOW + timedelta(hours=1)).isoformat(),
      "ended_at": (NOW + timedelta(hours=2)).isoformat()}, "started_at"),
    ({"started_at": "igår"}, "started_at"),
    ({"started_at": "2026-01-01T10:00:00"}, "started_at"),
    ({"place": ""}, "place"),
    ({"place": "x" * 61}, "place"),
    ({"place": "Storgatan 5, lgh 1102"}, "place"),
    ({"place": "Storgatan 5 3 tr"}, "place"),
    ({"kind": "smuggling"}, "kind"),
    ({"client_uuid": "not-a-uuid"}, "client_uuid"),
    ({"note": "x" * 501}, "note"),
    ({"municipality_id": 9999}, "municipality_id"),
    ({"companions": [9999]}, "companions"),
    ({"surprise": 1}, "_"),
    ({"place": 5}, "place"),
    ({"client_uuid": 12345}, "client_uuid"),
    ({"note": 5}, "note"),
    ({"municipality_id": 2**63}, "municipality_id"),
    ({"member_id": None}, "member_id"),
])
def test_invalid_shifts_get_field_errors_and_nothing_is_stored(login_as, db, overrides, field):
    response = post_shift(login_as(make_member(db)), shift_body(**overrides))
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert db.table("shifts").count == 0


def test_error_messages_are_swedish(login_as, db):
    response = post_shift(login_as(make_member(db)), shift_body(doors_opened=99))
    assert response.json["errors"]["doors_opened"] == ["Fler öppnade än knackade dörrar."]


def test_json_that_is_not_an_object_is_refused(login_as, db):
    client = login_as(make_member(db))
    response = client.post("/api/shifts", data="[1, 2]", content_type="application/json")
    assert response.status_code == 422 and db.table("shifts").count == 0


def test_companions_and_campaign_are_stored(login_as, db):
    member = make_member(db)
    association = db.table("associations").get(member["association_id"])
    friend = make_member(db, association=association)
    campaign = make_campaign(db)
    response = post_shift(login_as(member), shift_body(companions=[friend["id"]], campaign_id=campaign["id"]))
    assert response.status_code == 201
    assert [r["member_id"] for r in db.table("shift_companions").rows_where()] == [friend["id"]]
    assert next(db.table("shifts").rows_where())["campaign_id"] == campaign["id"]


def test_companion_from_another_association_is_refused(login_as, db):
    member, stranger = make_member(db), make_member(db)
    response = post_shift(login_as(member), shift_body(companions=[stranger["id"]]))
    assert response.status_code == 422 and db.table("shifts").count == 0


def test_api_needs_login_and_answers_401_json(client):
    response = client.post("/api/shifts", data=json.dumps(shift_body()),
                           content_type="application/json", headers={"Accept": "application/json"})
    assert response.status_code == 401


def test_api_needs_csrf_token(csrf_app):
    db = connect(csrf_app.config["DATABASE"])
    member = make_member(db)
    client = login_with_token(csrf_app, member)
    without = post_shift(client, shift_body())
    assert without.status_code == 400
    token = client.get("/api/csrf").json["token"]
    with_token = client.post("/api/shifts", data=json.dumps(shift_body(member_id=member["id"])),
                             content_type="application/json", headers={"X-CSRFToken": token})
    assert with_token.status_code == 201
    db.close()


def store(login_as, member, **overrides):
    return post_shift(login_as(member), shift_body(**overrides)).json["id"]


def test_member_corrects_own_shift_within_seven_days(login_as, db):
    member = make_member(db)
    shift_id = store(login_as, member)
    response = login_as(member).post(f"/pass/{shift_id}/andra", data={
        "doors_knocked": 45, "doors_opened": 20, "conversations": 12, "paper_signups": 2,
        "interested": 3})
    assert response.status_code == 302
    assert db.table("shifts").get(shift_id)["doors_knocked"] == 45


def test_correction_keeps_the_same_rules(login_as, db):
    member = make_member(db)
    shift_id = store(login_as, member)
    response = login_as(member).post(f"/pass/{shift_id}/andra", data={
        "doors_knocked": 5, "doors_opened": 6})
    assert response.status_code == 422
    assert "Fler öppnade än knackade dörrar." in response.get_data(as_text=True)
    assert 'value="6"' in response.get_data(as_text=True)
    assert db.table("shifts").get(shift_id)["doors_knocked"] == 40


def test_another_member_cannot_edit_your_shift(login_as, db):
    owner = make_member(db)
    association = db.table("associations").get(owner["association_id"])
    shift_id = store(login_as, owner)
    other = login_as(make_member(db, association=association))
    assert other.get(f"/pass/{shift_id}/andra").status_code == 403
    assert other.post(f"/pass/{shift_id}/andra", data={"doors_knocked": 1}).status_code == 403
    assert db.table("shifts").get(shift_id)["doors_knocked"] == 40


def test_edits_after_seven_days_are_refused(login_as, db):
    member = make_member(db)
    shift_id = store(login_as, member)
    old = (NOW - timedelta(days=7, minutes=1)).isoformat(timespec="seconds")
    db.execute("update shifts set ended_at = ? where id = ?", [old, shift_id])
    response = login_as(member).post(f"/pass/{shift_id}/andra", data={"doors_knocked": 99})
    assert response.status_code == 302
    assert db.table("shifts").get(shift_id)["doors_knocked"] == 40


def test_history_shows_own_shifts_and_totals(login_as, db):
    member, other = make_member(db), make_member(db)
    store(login_as, member, place="Möllan")
    store(login_as, member, place="Värnhem", doors_knocked=10, doors_opened=5)
    store(login_as, other, place="Hemligt ställe")
    page = login_as(member).get("/pass/historik").get_data(as_text=True)
    assert "Möllan" in page and "Värnhem" in page and "Hemligt ställe" not in page
    assert "<dd>50</dd>" in page  # doors knocked, 40 + 10


def test_shell_holds_nothing_personal(login_as, db):
    member = make_member(db, first_name="Unikt", last_name="Namnsson")
    page = login_as(member).get("/pass").get_data(as_text=True)
    assert "Unikt" not in page and "Namnsson" not in page and member["email"] not in page
    assert "csrf" not in page.lower().replace("x-csrftoken", "")
    assert "Du ser:" not in page


def test_me_gives_the_phone_its_link_and_choices(login_as, db):
    member = make_member(db)
    campaign = make_campaign(db, name="Höst")
    data = login_as(member).get("/api/me").json
    assert data["member_id"] == member["id"]
    assert data["qr_url"].endswith("/qr.svg") and "/j/" in data["short_url"]
    assert {"id": campaign["id"], "name": "Höst"} in data["campaigns"]


def test_companion_list_is_own_association_only(login_as, db):
    member = make_member(db)
    association = db.table("associations").get(member["association_id"])
    friend = make_member(db, association=association, first_name="Vän")
    stranger = make_member(db, first_name="Främling")
    names = [m["name"] for m in login_as(member).get("/api/companions").json["members"]]
    assert any(n.startswith("Vän") for n in names)
    assert not any(n.startswith("Främling") for n in names)
    assert member["first_name"] not in " ".join(names)
    assert friend and stranger


def test_same_record_sent_20_times_at_once_is_stored_once(app, login_as, db):
    member = make_member(db)
    clients = [login_as(member) for _ in range(20)]
    body = shift_body(member_id=member["id"])
    answers = []
    barrier = threading.Barrier(20)

    def send(client):
        barrier.wait()
        response = post_shift(client, body)
        answers.append((response.status_code, response.json["id"]))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert db.table("shifts").count == 1
    assert sorted(code for code, _ in answers) == [200] * 19 + [201]
    assert len({shift_id for _, shift_id in answers}) == 1


def test_companion_list_shows_first_name_and_initial_and_leaves_out_the_hidden(login_as, db):
    member = make_member(db)
    association = db.table("associations").get(member["association_id"])
    make_member(db, association=association, first_name="Anna", last_name="Andersson")
    full = make_member(db, association=association, first_name="Bo", last_name="Berg")
    db.table("members").update(full["id"], {"leaderboard_name": "full"})  # still only "Bo B."
    hidden = make_member(db, association=association, first_name="Dold", last_name="Person")
    db.table("members").update(hidden["id"], {"leaderboard_name": "hidden"})
    gone = make_member(db, association=association, first_name="Slutat", last_name="Person")
    db.table("members").update(gone["id"], {"is_active": 0})
    make_member(db, first_name="Främling", last_name="Annanstans")
    response = login_as(member).get("/api/companions")
    assert response.json["members"] == [
        {"id": m["id"], "name": name} for m, name in sorted(
            ((m, f"{m['first_name']} {m['last_name'][0]}.") for m in db.table("members").rows_where(
                "first_name in ('Anna', 'Bo')")), key=lambda pair: pair[1])]
    body = response.get_data(as_text=True)
    for secret in ("Andersson", "Berg", "Dold", "Slutat", "Främling"):
        assert secret not in body


PLACES_REFUSED = ["l.g.h. 1102", "L.G.H. 1102, Anna Svensson", "lgh 1102", "Lgh1102",
                  "lägenhet 3", "våning 4", "vån 2", "Vån. 2", "3 tr", "3tr", "2 trappor",
                  "Storgatan 5, Anna Svensson", "Storgatan 5,Anna Maria Svensson",
                  "Storgatan 5 1102", "Storgatan 5B 1203", "Storgatan 5, plan 2", "c/o Berg",
                  "Storgatan 5 bv", "Storgatan\u202e 5", "Storgatan\x00 5"]
PLACES_ACCEPTED = ["Storgatan 5", "Möllevångstorget", "Storgatan 1–15", "Rosengård centrum",
                   "Storgatan 5, Malmö", "Trappuppgång Möllan", "Trädgårdsgatan 3–9",
                   "Södra Förstadsgatan 12", "Planteringen", "Västra hamnen, Turning Torso 5"]


@pytest.mark.parametrize("place", PLACES_REFUSED)
def test_place_naming_a_flat_a_floor_or_a_person_is_refused(login_as, db, place):
    response = post_shift(login_as(make_member(db)), shift_body(place=place))
    assert response.status_code == 422 and "place" in response.json["errors"]
    assert db.table("shifts").count == 0


@pytest.mark.parametrize("place", PLACES_ACCEPTED)
def test_place_naming_a_street_or_an_area_is_stored(login_as, db, place):
    response = post_shift(login_as(make_member(db)), shift_body(place=place))
    assert response.status_code == 201, response.json
    assert next(db.table("shifts").rows_where())["place"] == place


@pytest.mark.parametrize("started,ended,accepted", [
    (timedelta(days=13, hours=23), timedelta(days=13, hours=22), True),
    (timedelta(days=14, hours=1), timedelta(days=14), False),
    (timedelta(days=400), timedelta(days=399, hours=23), False),
    (timedelta(minutes=-5), timedelta(minutes=-9), True),  # the phone's clock runs fast
    (timedelta(minutes=-30), timedelta(minutes=-60), False),
])
def test_shift_times_within_the_correction_window_and_margin(login_as, db, started, ended,
                                                             accepted):
    body = shift_body(started_at=(datetime.now(timezone.utc) - started).isoformat(),
                 ended_at=(datetime.now(timezone.utc) - ended).isoformat())
    response = post_shift(login_as(make_member(db)), body)
    assert response.status_code == (201 if accepted else 422), response.json
    assert db.table("shifts").count == int(accepted)


@pytest.mark.parametrize("started,ended", [
    ("1900-01-01T10:00:00+00:00", "1900-01-01T11:00:00+00:00"),
    ("0001-01-01T00:10:00+01:00", "0001-01-01T00:20:00+01:00"),
    ("9999-12-31T22:00:00-12:00", "9999-12-31T23:00:00-12:00"),
])
def test_shifts_from_another_century_are_refused(login_as, db, started, ended):
    response = post_shift(login_as(make_member(db)), shift_body(started_at=started, ended_at=ended))
    assert response.status_code == 422 and "started_at" in response.json["errors"]
    assert db.table("shifts").count == 0
