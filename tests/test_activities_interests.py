"""Interests: what members would like to do, seen by their own chair only."""
import json

from tests.factories import make_association, make_member, make_signup


def test_a_member_says_what_they_would_like_and_can_take_it_back(db, login_as):
    member = make_member(db)
    client = login_as(member)
    assert client.get("/intressen").status_code == 200
    client.post("/intressen", data={"kinds": ["doors", "phone"], "times": ["weekends"]})
    row = db.table("member_interests").get(member["id"])
    assert json.loads(row["kinds"]) == ["doors", "phone"]
    assert json.loads(row["times"]) == ["weekends"]
    page = client.get("/intressen").get_data(as_text=True)
    assert 'value="doors" checked' in page and 'value="stand" checked' not in page
    bad = client.post("/intressen", data={"kinds": ["doors", "sabotage"]})
    assert bad.status_code == 422
    assert json.loads(db.table("member_interests").get(member["id"])["kinds"]) == ["doors",
                                                                                  "phone"]
    client.post("/intressen", data={})
    assert db.table("member_interests").count == 0


def test_only_the_own_chair_sees_interests_with_the_welcome_calls_answers(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Tove", last_name="Trägen")
    login_as(member).post("/intressen", data={"kinds": ["stand"],
                                              "times": ["weekday_evenings"]})
    signup = make_signup(db, association=a, first_name="Nyan", last_name="Nysson")
    list_id = db.table("call_lists").insert({"kind": "welcome", "association_id": a["id"],
                                             "created_at": "2026-01-01T00:00:00+00:00"}).last_pk
    target_id = db.table("call_targets").insert({
        "list_id": list_id, "signup_id": signup["id"], "due_on": "2026-12-01",
        "state": "reached", "created_at": signup["created_at"]}).last_pk
    db.table("calls").insert({"target_id": target_id, "caller_id": chair["id"],
                              "client_uuid": "c1", "outcome": "reached",
                              "answers": json.dumps({"active": ["stand", "welcome"]}),
                              "created_at": signup["created_at"]})
    url = f"/forening/{a['id']}/intressen"
    page = login_as(chair, role="chair").get(url).get_data(as_text=True)
    stand = page.split('data-testid="interest-stand"')[1].split("</ul>")[0]
    assert "Tove Trägen" in stand and "Vardagskvällar" in stand and "Nyan Nysson" in stand
    welcome = page.split('data-testid="interest-welcome"')[1].split("</ul>")[0]
    assert "Nyan Nysson" in welcome and "Tove" not in welcome
    municipality = db.table("municipalities").get(a["municipality_id"])
    admin = make_member(db, association=None, role="municipal_admin", unit=municipality)
    for client in (login_as(member), login_as(admin),
                   login_as(make_member(db, role="chair"), role="chair")):
        response = client.get(url)
        assert response.status_code == 403 and "Tove" not in response.get_data(as_text=True)
