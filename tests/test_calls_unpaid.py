"""The unpaid-fee list: filled by the register's status import, worked like the welcome
list, and fed back to the register in the follow-up file."""
import csv
import io
from datetime import date, timedelta

import pytest

from recruiter import calls_data, calls_team
from tests.factories import (make_association, make_member, make_signup, register_apply,
                             register_preview, take_next_at_once)

TODAY = date.today().isoformat()


def unpaid_targets(db, association_id):
    return list(db.query(
        """select t.* from call_targets t join call_lists l on l.id = t.list_id
           where l.association_id = ? and l.kind = 'unpaid' order by t.id""",
        [association_id]))


def ref(db, signup):
    return db.table("signups").get(signup["id"])["reference"]


def import_statuses(db, office, lines):
    """Apply a status file through the office's preview and confirmation."""
    text = "reference,status,date,reason\n" + "".join(f"{line}\n" for line in lines)
    import_id = register_preview(office, text)
    assert db.table("register_imports").get(import_id)["error_count"] == 0, \
        db.table("register_imports").get(import_id)["summary"]
    assert register_apply(office, db, import_id).status_code == 302
    assert db.table("register_imports").get(import_id)["applied_at"] is not None


@pytest.fixture
def scene(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    invoiced = [make_signup(db, association=a, status="invoiced", phone=f"+4670000010{i}")
                for i in range(3)]
    office = login_as(make_member(db, association=None, role="national_admin"))
    return {"a": a, "chair": chair, "invoiced": invoiced, "office": office,
            "chair_client": login_as(chair, role="chair")}


def mark_unpaid(db, scene, count=2):
    import_statuses(db, scene["office"], [
        f"{ref(db, s)},unpaid_after_reminder,{TODAY}," for s in scene["invoiced"][:count]])


def take_unpaid(client, association_id):
    response = client.post(f"/valkomna/{association_id}/nasta", data={"kind": "unpaid"})
    assert response.status_code == 302
    return response.headers["Location"]


def followup(client):
    response = client.get("/register/uppfoljning.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_an_import_marking_people_unpaid_puts_them_on_the_list(db, scene):
    a = scene["a"]
    assert unpaid_targets(db, a["id"]) == []
    mark_unpaid(db, scene)
    page = scene["chair_client"].get(f"/valkomna/{a['id']}").get_data(as_text=True)
    assert 'data-testid="unpaid-waiting">2<' in page
    targets = unpaid_targets(db, a["id"])
    assert [t["signup_id"] for t in targets] == [s["id"] for s in scene["invoiced"][:2]]
    due = (date.fromisoformat(TODAY) + timedelta(days=14)).isoformat()
    assert {t["due_on"] for t in targets} == {due} and {t["state"] for t in targets} == {
        "waiting"}
    # A second look adds nobody twice.
    calls_data.sync_unpaid(db, a["id"])
    assert len(unpaid_targets(db, a["id"])) == 2


def test_paying_or_cancelling_takes_people_off_the_list(db, scene):
    a, office = scene["a"], scene["office"]
    mark_unpaid(db, scene, count=3)
    first, second, third = scene["invoiced"]
    url = take_unpaid(scene["chair_client"], a["id"])  # the chair holds the first
    assert url.endswith(f"/samtal/{unpaid_targets(db, a['id'])[0]['id']}")
    import_statuses(db, office, [f"{ref(db, first)},paid,{TODAY},",
                                 f"{ref(db, second)},cancelled,{TODAY},"])
    page = scene["chair_client"].get(f"/valkomna/{a['id']}").get_data(as_text=True)
    states = {t["signup_id"]: (t["state"], t["locked_by"]) for t in unpaid_targets(db, a["id"])}
    assert states == {first["id"]: ("closed", None), second["id"]: ("closed", None),
                      third["id"]: ("waiting", None)}
    assert 'data-testid="unpaid-waiting">1<' in page
    assert 'data-testid="unpaid-closed">1<' in page  # the cancelled one is not counted at all
    # The held person is gone for the caller too; only the third is left.
    gone = scene["chair_client"].get(url)
    assert gone.status_code == 302 and gone.headers["Location"].endswith(f"/valkomna/{a['id']}")
    assert take_unpaid(scene["chair_client"], a["id"]).endswith(
        f"/samtal/{unpaid_targets(db, a['id'])[2]['id']}")


def test_someone_who_resigned_never_enters_a_list(db, scene):
    a = scene["a"]
    resigned = make_signup(db, association=a, status="resigned")
    listed = calls_data.sync_welcome(db, a["id"])
    calls_data.sync_unpaid(db, a["id"])
    welcome = {t["signup_id"] for t in db.table("call_targets").rows_where(
        "list_id = ?", [listed["id"]])}
    assert scene["invoiced"][0]["id"] in welcome and resigned["id"] not in welcome
    assert unpaid_targets(db, a["id"]) == []


def test_a_waiting_welcome_of_someone_who_resigned_is_closed(db, scene):
    a = scene["a"]
    paid = make_signup(db, association=a, status="paid")
    calls_data.sync_welcome(db, a["id"])
    import_statuses(db, scene["office"], [f"{ref(db, paid)},resigned,{TODAY},politics"])
    calls_data.sync_welcome(db, a["id"])
    state = next(db.query("select state from call_targets where signup_id = ?",
                          [paid["id"]]))["state"]
    assert state == "closed"


def test_will_pay_and_wants_to_leave_reach_the_register_followup(db, scene):
    a, chair, office = scene["a"], scene["chair_client"], scene["office"]
    mark_unpaid(db, scene)
    first, second = scene["invoiced"][:2]
    assert followup(office) == []
    url = take_unpaid(chair, a["id"])
    page = chair.get(url).get_data(as_text=True)
    assert "medlemsavgiften inte är betald ännu" in page  # the script line and the sms text
    assert "sms:" in page and "medlemsavgiften%20till" in page
    assert "Lämna över" not in page  # no hand-over on the unpaid list
    stored = chair.post(url, data={"client_uuid": "unpaid-call-0001", "outcome": "reached",
                                   "answer": "will_pay", "reason": "economy"})
    assert stored.status_code == 302
    url = take_unpaid(chair, a["id"])
    # Wants to leave without a reason: asked again, nothing stored, the answer kept.
    refused = chair.post(url, data={"client_uuid": "unpaid-call-0002", "outcome": "reached",
                                    "answer": "wants_to_leave", "note": "Ring efter jul"})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Svara på frågan" in body and "Ring efter jul" in body
    assert db.table("calls").count == 1
    assert chair.post(url, data={"client_uuid": "unpaid-call-0002", "outcome": "reached",
                                 "answer": "wants_to_leave",
                                 "reason": "economy"}).status_code == 302
    rows = followup(office)
    assert [(r["reference"], r["association_code"], r["call_outcome"], r["leave_reason"])
            for r in rows] == [(ref(db, first), a["code"], "will_pay", ""),
                               (ref(db, second), a["code"], "wants_to_leave", "economy")]
    assert date.fromisoformat(rows[0]["called_on"]) >= date.fromisoformat(TODAY)
    assert next(db.table("audit_log").rows_where(
        "action = 'register_followup_export'"))["actor_id"] is not None
    page = chair.get(f"/valkomna/{a['id']}").get_data(as_text=True)
    assert 'data-testid="unpaid-will-pay">1<' in page
    assert 'data-testid="unpaid-wants-to-leave">1<' in page
    # The caller's reason is not a resignation: indicator 9 counts the register's figures only.
    assert db.table("register_resignations").count == 0
    # The register acts: the person leaves the follow-up file.
    import_statuses(db, office, [f"{ref(db, second)},cancelled,{TODAY},"])
    assert [r["reference"] for r in followup(office)] == [ref(db, first)]


def test_the_followup_file_keeps_to_the_importers_unit(app, db, scene, login_as):
    mark_unpaid(db, scene, count=1)
    url = take_unpaid(scene["chair_client"], scene["a"]["id"])
    scene["chair_client"].post(url, data={"client_uuid": "unpaid-call-0003",
                                          "outcome": "reached", "answer": "will_pay"})
    elsewhere = make_association(db)
    admin = login_as(make_member(db, association=None, role="municipal_admin",
                                 unit={"id": elsewhere["municipality_id"]}))
    assert admin.get("/register/uppfoljning.csv").status_code == 403
    app.config["REGISTER_IMPORT_FOR_UNITS"] = True
    assert followup(admin) == []
    own = login_as(make_member(db, association=None, role="municipal_admin",
                               unit={"id": scene["a"]["municipality_id"]}))
    assert len(followup(own)) == 1
    assert scene["chair_client"].get("/register/uppfoljning.csv").status_code == 403


def test_who_may_take_the_next_unpaid_person(db, scene, login_as):
    a = scene["a"]
    mark_unpaid(db, scene)
    member = make_member(db, association=a)
    plain = login_as(member)
    assert plain.post(f"/valkomna/{a['id']}/nasta", data={"kind": "unpaid"}).status_code == 403
    elsewhere = login_as(make_member(db, association=make_association(db), role="chair"),
                         role="chair")
    assert elsewhere.post(f"/valkomna/{a['id']}/nasta",
                          data={"kind": "unpaid"}).status_code in (403, 404)
    admin = login_as(make_member(db, association=None, role="municipal_admin",
                                 unit={"id": a["municipality_id"]}))
    assert admin.post(f"/valkomna/{a['id']}/nasta", data={"kind": "unpaid"}).status_code == 403
    assert 'data-testid="unpaid-waiting">2<' in admin.get(f"/valkomna/{a['id']}").get_data(
        as_text=True)
    assert scene["chair_client"].post(f"/valkomna/{a['id']}/nasta",
                                      data={"kind": "partner"}).status_code == 400
    # A welcomer the chair named calls the unpaid list too.
    scene["chair_client"].post(f"/valkomna/{a['id']}/valkomnare",
                               data={"members": [member["id"]]})
    url = take_unpaid(plain, a["id"])
    assert "medlemsavgiften inte är betald" in plain.get(url).get_data(as_text=True)


def test_twenty_callers_at_once_get_twenty_different_unpaid_people(app, db):
    a = make_association(db)
    callers = [make_member(db, association=a) for _ in range(20)]
    for _ in range(25):
        make_signup(db, association=a, status="unpaid_after_reminder")
    listed = calls_data.sync_unpaid(db, a["id"])
    assert len(unpaid_targets(db, a["id"])) == 25
    got, errors = take_next_at_once(app.config["DATABASE"], listed["id"], callers)
    assert errors == []
    assert len(got) == 20 and None not in got and len(set(got)) == 20


def test_the_start_page_shows_how_many_wait_for_an_unpaid_fee_call(db, scene):
    a = scene["a"]
    home = scene["chair_client"].get("/").get_data(as_text=True)
    assert 'data-testid="unpaid-card"' not in home
    mark_unpaid(db, scene)
    home = scene["chair_client"].get("/").get_data(as_text=True)
    card = home.split('data-testid="unpaid-card"')[1].split("</a>")[0]
    assert f"/valkomna/{a['id']}#unpaid" in card and "2 har inte betalat" in card


def test_an_unpaid_outcome_from_the_outbox_needs_its_reason(db, scene):
    a, chair = scene["a"], scene["chair_client"]
    mark_unpaid(db, scene, count=1)
    take_unpaid(chair, a["id"])
    target = unpaid_targets(db, a["id"])[0]
    body = {"client_uuid": "offline-unpaid-1", "target_id": target["id"], "outcome": "reached",
            "answer": "wants_to_leave"}
    refused = chair.post("/valkomna/api/samtal", json=body)
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]
    assert chair.post("/valkomna/api/samtal", json={**body, "handover_to": a["id"],
                                                    "outcome": "handed_over"}).status_code == 422
    assert chair.post("/valkomna/api/samtal", json={**body, "reason": "moved"}).status_code == 201
    stored = next(db.table("calls").rows_where())
    assert stored["answers"] == '{"answer": "wants_to_leave", "reason": "moved"}'
    assert unpaid_targets(db, a["id"])[0]["state"] == "reached"


def test_a_welcome_closed_because_the_person_resigned_is_not_counted_as_late(db, scene):
    a = scene["a"]
    for signup in scene["invoiced"]:
        db.execute("update signups set created_at = '2026-10-01T10:00:00+00:00' where id = ?",
                   [signup["id"]])
    calls_data.sync_welcome(db, a["id"], at="2026-10-01T10:00:00+00:00")
    db.execute("update signups set status = 'resigned' where id = ?", [scene["invoiced"][0]["id"]])
    calls_data.sync_welcome(db, a["id"])
    figures = calls_team.welcomed_in_time(db, "municipality", a["municipality_id"])
    assert figures[a["id"]] == (0, 2)
