"""Partner organisations' call lists (issue 12): upload, callers, calls through
the shared engine, credit for whoever joins, erasure 30 days after closing."""
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from recruiter import partners_callers, partners_data, partners_lists
from tests.factories import (make_association, make_coordinator, make_member, make_partner, person,
                             take_next_at_once)

HEADER = "first_name,last_name,mobile,email,municipality_code,association_code\n"


def csv_file(text):
    return (io.BytesIO(text.encode()), "lista.csv")


def upload_data(text, **overrides):
    end = (date.today() + timedelta(days=20)).isoformat()
    return {"purpose": "Förtroendevalda avd. 12", "script": "Hej! Vi ringer från facket.",
            "closes_on": end, "file": csv_file(text), **overrides}


@pytest.fixture
def scene(db, login_as):
    lo, ssu = make_partner(db), make_partner(db, "SSU", "SSU", "youth")
    a = make_association(db, code="A-UNO")
    municipality = db.table("municipalities").get(a["municipality_id"])
    coordinator = make_coordinator(db, lo)
    callers = [make_member(db, association=a, first_name=f"Ringare{n}") for n in range(2)]
    for member in callers:
        partners_callers.become_caller(db, lo["id"], member["id"])
    rows = "".join(f"Person{n},Efternamn{n},070-12345{n:02d},,{municipality['code']},\n"
                   for n in range(3))
    return {"lo": lo, "ssu": ssu, "a": a, "municipality": municipality,
            "coordinator": login_as(coordinator), "callers": [login_as(c) for c in callers],
            "member": login_as(make_member(db, association=a)),
            "office": login_as(make_member(db, association=None, role="national_admin")),
            "good": HEADER + rows}


def upload(client, partner, text, **overrides):
    return client.post(f"/samarbete/{partner['id']}/listor", data=upload_data(text, **overrides),
                       content_type="multipart/form-data")


def the_list(db):
    return next(db.table("call_lists").rows_where("kind = 'partner'"))


# Upload

def test_the_coordinator_uploads_a_list_and_sees_only_counts(db, scene):
    response = upload(scene["coordinator"], scene["lo"], scene["good"])
    assert response.status_code == 302
    listed = the_list(db)
    assert (listed["partner_id"], listed["association_id"], listed["script"]) == \
        (scene["lo"]["id"], None, "Hej! Vi ringer från facket.")
    phones = [r["phone"] for r in db.query("select phone from partner_contacts order by line")]
    assert phones == ["+46701234500", "+46701234501", "+46701234502"]
    page = scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}/listor")
    body = page.get_data(as_text=True)
    assert "3 personer: 3 väntar" in body and "Person0" not in body and "070" not in body


def test_bad_rows_are_named_by_line_and_nothing_is_stored(db, scene):
    code = scene["municipality"]["code"]
    text = (HEADER + f"Anna,Ek,0701234567,,{code},\n"
            f"Bo,Al,12,,{code},\n"  # line 3: not a mobile number
            "Cia,Ek,0701234568,,K-NOPE,\n"  # line 4: unknown code
            f"Dan,Ek,0701234567,,{code},\n"  # line 5: the number of line 2 again
            f"Eva,Ek,0701234569,not-an-address,{code},\n")  # line 6
    response = upload(scene["coordinator"], scene["lo"], text)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    for line in (3, 4, 5, 6):
        assert f"Rad {line}:" in body
    assert "Rad 2:" not in body and "Inget är sparat" in body
    assert 'value="Förtroendevalda avd. 12"' in body  # what was typed stays
    assert db.table("call_lists").count_where("kind = 'partner'") == 0
    assert db.table("partner_contacts").count == 0


@pytest.mark.parametrize("text, expected", [
    ("name,mobile\nA,0701234567\n", "Okänd kolumn: name"),
    ("first_name,last_name,mobile\nA,B,0701234567\n", "municipality_code eller association_code"),
    (HEADER, "inga rader"),
])
def test_a_file_that_is_not_a_list_is_refused(db, scene, text, expected):
    response = upload(scene["coordinator"], scene["lo"], text)
    assert response.status_code == 422 and expected in response.get_data(as_text=True)
    assert db.table("call_lists").count_where("kind = 'partner'") == 0


def test_size_limits(db, scene, monkeypatch):
    monkeypatch.setattr(partners_lists, "MAX_ROWS", 2)
    response = upload(scene["coordinator"], scene["lo"], scene["good"])
    assert response.status_code == 422 and "Högst 2 personer" in response.get_data(as_text=True)
    big = HEADER + "x" * (70 * 1024)
    assert upload(scene["coordinator"], scene["lo"], big).status_code == 413
    long_script = upload(scene["coordinator"], scene["lo"], scene["good"], script="x" * 1001)
    assert long_script.status_code == 422
    past = upload(scene["coordinator"], scene["lo"], scene["good"], closes_on="2020-01-01")
    assert past.status_code == 422
    assert db.table("call_lists").count_where("kind = 'partner'") == 0


def test_only_the_coordinator_and_the_office_upload_and_close(db, scene, login_as):
    other = login_as(make_coordinator(db, scene["ssu"]))
    for client in (scene["member"], other, scene["callers"][0]):
        assert upload(client, scene["lo"], scene["good"]).status_code == 403
        assert client.get(f"/samarbete/{scene['lo']['id']}/listor").status_code == 403
    assert upload(scene["office"], scene["lo"], scene["good"]).status_code == 302
    list_id = the_list(db)["id"]
    for client in (scene["member"], other):
        assert client.post(f"/samarbete/{scene['lo']['id']}/listor/{list_id}/stang").status_code \
            == 403
    assert other.post(f"/samarbete/{scene['ssu']['id']}/listor/{list_id}/stang").status_code \
        == 404
    assert the_list(db)["closed_at"] is None


# Callers

def test_a_member_becomes_a_caller_through_the_coordinators_link(db, scene, login_as):
    page = scene["coordinator"].post(f"/samarbete/{scene['lo']['id']}/ringlank")
    token = page.get_data(as_text=True).split("/samarbete/ringare/")[1].split('"')[0]
    member = scene["member"]
    assert member.get(f"/samarbete/{scene['lo']['id']}/ring").status_code == 403
    assert member.get(f"/samarbete/ringare/{token}").status_code == 200
    member.post(f"/samarbete/ringare/{token}")
    assert partners_callers.is_caller(db, scene["lo"]["id"], member.member_id)
    assert partners_data.memberships(db, member.member_id) == [scene["lo"]["id"]]
    assert member.get(f"/samarbete/{scene['lo']['id']}/ring").status_code == 200
    # Three callers: the coordinator sees "fewer than 5", never who.
    body = scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}/listor").get_data(
        as_text=True)
    assert "färre än 5" in body and "Ringare0" not in body


def test_a_caller_who_withdraws_the_statement_stops_calling(db, scene):
    caller = scene["callers"][0]
    caller.post("/samarbete/mina", data={})
    assert caller.get(f"/samarbete/{scene['lo']['id']}/ring").status_code == 403


def test_callers_take_one_person_each_and_record_the_outcome(db, scene):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    list_id = the_list(db)["id"]
    first, second = scene["callers"]
    url = f"/samarbete/{scene['lo']['id']}/ring/{list_id}/nasta"
    one, two = first.post(url).location, second.post(url).location
    assert one != two
    page = first.get(one).get_data(as_text=True)
    assert sum(f"Person{n}" in page for n in range(3)) == 1  # the one held, nobody else
    assert "Hej! Vi ringer från facket." in page
    assert second.get(one).status_code == 302  # not theirs: back to the list
    target_id = int(one.rsplit("/", 1)[1])
    saved = first.post(one, data={"client_uuid": "uuid-0001-partner", "outcome": "reached",
                                  "answer": "joins"})
    assert saved.status_code == 302
    assert db.table("call_targets").get(target_id)["state"] == "reached"
    call = next(db.table("calls").rows_where("target_id = ?", [target_id]))
    assert json.loads(call["answers"]) == {"answer": "joins"}


def test_who_wants_to_join_is_counted_for_the_coordinator_only_after_closing(db, scene):
    code = scene["municipality"]["code"]
    rows = "".join(f"P{n},E{n},070-22345{n:02d},,{code},\n" for n in range(6))
    upload(scene["coordinator"], scene["lo"], HEADER + rows)
    list_id = the_list(db)["id"]
    caller = scene["callers"][0]
    url = f"/samarbete/{scene['lo']['id']}/ring/{list_id}/nasta"
    pages = []
    for n in range(6):
        pages.append(scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}/listor")
                     .get_data(as_text=True).split('data-testid="list-counts"')[1])
        held = caller.post(url).location
        caller.post(held, data={"client_uuid": f"uuid-join-{n}", "outcome": "reached",
                                "answer": "joins"})
    assert all("syns när listan är stängd" in p and "Vill bli medlem:" not in p for p in pages)
    partners_lists.close_list(db, list_id)
    closed = scene["coordinator"].get(f"/samarbete/{scene['lo']['id']}/listor")
    assert "Vill bli medlem: 6." in closed.get_data(as_text=True)


def test_an_outcome_from_the_outbox_is_stored_once(db, scene):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    caller = scene["callers"][0]
    location = caller.post(f"/samarbete/{scene['lo']['id']}/ring/{the_list(db)['id']}/nasta")
    target_id = int(location.location.rsplit("/", 1)[1])
    payload = {"target_id": target_id, "client_uuid": "uuid-0002-offline", "outcome": "no_answer"}
    assert caller.post("/valkomna/api/samtal", json=payload).status_code == 201
    assert caller.post("/valkomna/api/samtal", json=payload).status_code == 200
    assert db.table("calls").count_where("target_id = ?", [target_id]) == 1
    assert db.table("call_targets").get(target_id)["tries"] == 1
    assert scene["member"].post("/valkomna/api/samtal", json={
        **payload, "client_uuid": "uuid-0003-stranger"}).status_code == 403


def test_nobody_but_callers_reaches_the_call_pages(db, scene, login_as):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    list_id = the_list(db)["id"]
    target = next(db.table("call_targets").rows_where("list_id = ?", [list_id]))
    base = f"/samarbete/{scene['lo']['id']}"
    for client in (scene["member"], scene["coordinator"], scene["office"]):
        assert client.get(f"{base}/ring").status_code == 403
        assert client.post(f"{base}/ring/{list_id}/nasta").status_code == 403
        assert client.get(f"{base}/samtal/{target['id']}").status_code == 403
        assert client.post(f"{base}/samtal/{target['id']}/paus").status_code == 403
    assert db.table("call_targets").get(target["id"])["locked_by"] is None


def test_whoever_joins_through_the_call_is_credited_to_the_caller_and_the_partner(
        db, scene, client):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    caller = scene["callers"][0]
    location = caller.post(f"/samarbete/{scene['lo']['id']}/ring/{the_list(db)['id']}/nasta")
    page = caller.get(location.location).get_data(as_text=True)
    code = page.split('data-testid="join-url">')[1].split("<")[0].rsplit("/", 1)[1]
    assert f"/j/{code}" in page.split('data-testid="sms"')[0]  # in the prepared text message
    client.post(f"/j/{code}", data=person())
    signup = next(db.table("signups").rows_where("email = 'nora@example.org'"))
    assert (signup["recruiter_id"], signup["partner_id"]) == (caller.member_id,
                                                              scene["lo"]["id"])


def test_a_closed_list_hands_out_nobody(db, scene):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    list_id = the_list(db)["id"]
    scene["coordinator"].post(f"/samarbete/{scene['lo']['id']}/listor/{list_id}/stang")
    response = scene["callers"][0].post(f"/samarbete/{scene['lo']['id']}/ring/{list_id}/nasta")
    assert response.location.endswith(f"/samarbete/{scene['lo']['id']}/ring")
    assert db.table("call_targets").count_where("list_id = ? and state = 'waiting'",
                                                [list_id]) == 0


# Erasure

def _closed_days_ago(db, list_id, days):
    at = (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")
    db.execute("update call_lists set closed_at = ? where id = ?", [at, list_id])


@pytest.mark.parametrize("address", ["greta@example.org?bcc=spy@lo.example", "a@b.se&cc=x@y.se",
                                     "greta@example.org%3Fbcc=spy@lo.example", "a,b@example.org"])
def test_an_address_a_mail_link_would_read_as_more_is_refused(db, scene, address):
    code = scene["municipality"]["code"]
    response = upload(scene["coordinator"], scene["lo"],
                      HEADER + f"Greta,Ek,0701234567,{address},{code},\n")
    assert response.status_code == 422 and "Rad 2:" in response.get_data(as_text=True)
    assert db.table("call_lists").count == 0


def test_a_file_full_of_bad_rows_names_the_first_fifty(db, scene):
    text = HEADER + "".join(f"X{n},Y,12,,K-NOPE,\n" for n in range(2000))
    response = upload(scene["coordinator"], scene["lo"], text)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.count("Rad ") == 51 and "Fler fel efter rad 51 visas inte" in body


def test_an_erased_list_leaves_no_name_in_the_database_file(app, db, scene, runner):
    upload(scene["coordinator"], scene["lo"], scene["good"].replace("Person", "Kvarleva"))
    _closed_days_ago(db, the_list(db)["id"], 31)
    runner.invoke(args=["purge-expired", "--yes"])
    for path in (app.config["DATABASE"], app.config["DATABASE"] + "-wal"):
        try:
            with open(path, "rb") as file:
                data = file.read()
        except FileNotFoundError:
            continue
        assert b"Kvarleva" not in data and b"+4670123450" not in data, path


def test_purge_erases_a_list_30_days_after_it_closed_with_a_dry_run_first(db, scene, runner):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    upload(scene["coordinator"], scene["lo"], scene["good"].replace("Person", "Annan"))
    old, recent = [r["id"] for r in db.table("call_lists").rows_where("kind = 'partner'",
                                                                       order_by="id")]
    caller = scene["callers"][0]
    location = caller.post(f"/samarbete/{scene['lo']['id']}/ring/{old}/nasta").location
    caller.post(location, data={"client_uuid": "uuid-0004-erase", "outcome": "reached",
                                "answer": "thinks", "note": "Ring efter semestern"})
    _closed_days_ago(db, old, 31)
    _closed_days_ago(db, recent, 29)
    dry = runner.invoke(args=["purge-expired"])
    assert dry.exit_code == 0 and "1 ringlistor" in dry.output and "Torrkörning" in dry.output
    assert db.table("partner_contacts").count == 6
    real = runner.invoke(args=["purge-expired", "--yes"])
    assert real.exit_code == 0
    left = {r["target_id"] for r in db.table("partner_contacts").rows_where()}
    recent_targets = {r["id"] for r in db.table("call_targets").rows_where(
        "list_id = ?", [recent])}
    assert left == recent_targets
    call = next(db.table("calls").rows_where())
    assert (call["outcome"], json.loads(call["answers"]), call["note"]) == \
        ("reached", {"answer": "thinks"}, None)
    assert db.table("call_lists").get(old)["erased_at"]
    assert "0 ringlistor" in runner.invoke(args=["purge-expired", "--yes"]).output


def test_a_list_past_its_end_date_is_erased_30_days_later(db, scene):
    upload(scene["coordinator"], scene["lo"], scene["good"])
    list_id = the_list(db)["id"]
    ended = (date.today() - timedelta(days=32)).isoformat()
    db.execute("update call_lists set closes_at = ? where id = ?", [ended, list_id])
    assert [r["id"] for r in partners_lists.expired_lists(db)] == [list_id]
    db.execute("update call_lists set closes_at = ? where id = ?",
               [(date.today() - timedelta(days=20)).isoformat(), list_id])
    assert partners_lists.expired_lists(db) == []


def test_twenty_callers_asking_at_once_get_twenty_different_people_on_a_partner_list(app, db):


    lo, a = make_partner(db), make_association(db)
    callers = [make_member(db, association=a) for _ in range(20)]
    people = [(n + 2, {"first_name": f"P{n}", "last_name": "X", "mobile": f"+467012340{n:02d}",
                       "email": None, "municipality_id": a["municipality_id"],
                       "association_id": None}) for n in range(25)]
    list_id = partners_lists.create_list(db, lo["id"], callers[0]["id"], "Lista", "Manus",
                                         date.today() + timedelta(days=5), people)
    got, errors = take_next_at_once(app.config["DATABASE"], list_id, callers)
    assert errors == [] and None not in got and len(set(got)) == 20


def test_small_counts_are_summed_without_a_name():
    rows = [{"name": "Skåne", "signups": 7}, {"name": "Gotland", "signups": 2},
            {"name": "Jämtland", "signups": 1}]
    assert partners_data.small_together(rows) == [{"name": "Skåne", "signups": 7},
                                                  {"name": None, "signups": 3}]
