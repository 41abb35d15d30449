"""Welcome calls: the list, the lock, outcomes, hand-over, scope and the figures."""
import json
import sqlite3

import pytest

from recruiter import calls_data, calls_team, demo, privacy
from recruiter.limits import limiter
from tests.factories import make_association, make_member, make_signup, take_next_at_once

T0 = "2026-11-02T09:00:00+00:00"


def targets_of(db, association_id):
    return list(db.query(
        """select t.* from call_targets t join call_lists l on l.id = t.list_id
           where l.association_id = ? and l.kind = 'welcome' order by t.id""", [association_id]))


def take(db, association, caller, at=T0):
    listed = calls_data.sync_welcome(db, association["id"])
    target_id = calls_data.next_target(db, listed["id"], caller["id"], at)
    return calls_data.target(db, target_id) if target_id else None


def record(db, row, caller, outcome, at=T0, **extra):
    call = {"client_uuid": f"uuid-{row['id']}-{at}-{outcome}", "outcome": outcome, **extra}
    return calls_data.record_call(db, row, caller["id"], call, at)


@pytest.fixture
def scene(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    recruiter = make_member(db, association=a, first_name="Vera")
    return {"a": a, "chair": chair, "recruiter": recruiter,
            "chair_client": login_as(chair, role="chair")}


def test_a_signup_enters_its_association_list_due_seven_days_later(db):
    a, b = make_association(db), make_association(db)
    signup = make_signup(db, association=a, created_at="2026-11-01T10:00:00+00:00")
    calls_data.sync_welcome(db, a["id"], at="2026-11-01T12:00:00+00:00")
    calls_data.sync_welcome(db, b["id"])
    calls_data.sync_welcome(db, a["id"])  # a second look adds nobody twice
    rows = targets_of(db, a["id"])
    assert [(r["signup_id"], r["due_on"], r["state"]) for r in rows] == [
        (signup["id"], "2026-11-08", "waiting")]
    assert targets_of(db, b["id"]) == []


def test_a_municipal_organisation_sets_its_own_due_days(db, login_as):
    a = make_association(db)
    admin = make_member(db, association=None, role="municipal_admin",
                        unit={"id": a["municipality_id"]})
    client = login_as(admin)
    assert client.post(f"/valkomna/kommun/{a['municipality_id']}", data={"days": 3}
                       ).status_code == 302
    make_signup(db, association=a, created_at="2026-11-01T10:00:00+00:00")
    calls_data.sync_welcome(db, a["id"], at="2026-11-01T12:00:00+00:00")
    assert targets_of(db, a["id"])[0]["due_on"] == "2026-11-04"
    assert client.post(f"/valkomna/kommun/{a['municipality_id']}", data={"days": 999}
                       ).status_code == 200
    assert db.table("municipalities").get(a["municipality_id"])["welcome_due_days"] == 3
    other = make_association(db)
    assert client.get(f"/valkomna/kommun/{other['municipality_id']}").status_code == 403


def test_a_new_list_takes_in_the_last_thirty_days_only(db):
    a = make_association(db)
    make_signup(db, association=a, created_at="2026-01-31T11:59:59+00:00")
    recent = make_signup(db, association=a, created_at="2026-01-31T12:00:00+00:00")
    calls_data.sync_welcome(db, a["id"], at="2026-03-02T12:00:00+00:00")
    assert [r["signup_id"] for r in targets_of(db, a["id"])] == [recent["id"]]
    # Later sign-ups join the list whenever it is next opened.
    later = make_signup(db, association=a, created_at="2026-05-01T12:00:00+00:00")
    calls_data.sync_welcome(db, a["id"])
    assert [r["signup_id"] for r in targets_of(db, a["id"])] == [recent["id"], later["id"]]


def test_unplaced_withdrawn_erased_and_duplicate_signups_never_enter(db, scene):
    a = scene["a"]
    make_signup(db, association=None)
    make_signup(db, association=a, status="cancelled")
    erased = make_signup(db, association=a)
    privacy.erase_signup(db, erased["id"], then_checkpoint=False)
    first = make_signup(db, association=a)
    make_signup(db, association=a, duplicate_of=first["id"])
    calls_data.sync_welcome(db, a["id"])
    assert [r["signup_id"] for r in targets_of(db, a["id"])] == [first["id"]]
    # Withdrawn after it was listed: nobody is handed the person any more.
    db.execute("update signups set status = 'cancelled' where id = ?", [first["id"]])
    assert take(db, a, scene["chair"]) is None
    assert calls_team.progress(db, a["id"], T0)["waiting"] == 0


@pytest.mark.parametrize("at, overdue", [
    ("2026-03-09T22:59:59+00:00", 0),  # 23:59:59 in Sweden on the due date (CET)
    ("2026-03-09T23:00:00+00:00", 1),  # midnight in Sweden: the day after
])
def test_overdue_from_the_swedish_day_after_the_due_date(db, at, overdue):
    a = make_association(db)
    # 00:30 on 2 March in Sweden, still 1 March in UTC: due 9 March, Swedish dates.
    make_signup(db, association=a, created_at="2026-03-01T23:30:00+00:00")
    calls_data.sync_welcome(db, a["id"], at="2026-03-02T08:00:00+00:00")
    assert targets_of(db, a["id"])[0]["due_on"] == "2026-03-09"
    counts = calls_team.progress(db, a["id"], at)
    assert (counts["waiting"], counts["overdue"]) == (1, overdue)


def test_no_answer_comes_back_a_day_later_and_three_make_could_not_reach(db, scene):
    a, chair = scene["a"], scene["chair"]
    make_signup(db, association=a)
    row = take(db, a, chair)
    record(db, row, chair, "no_answer")
    assert take(db, a, chair, "2026-11-03T08:59:59+00:00") is None
    row = take(db, a, chair, "2026-11-03T09:00:00+00:00")
    assert row["tries"] == 1
    record(db, row, chair, "no_answer", "2026-11-03T09:00:00+00:00")
    row = take(db, a, chair, "2026-11-04T09:00:00+00:00")
    record(db, row, chair, "no_answer", "2026-11-04T09:00:00+00:00")
    final = targets_of(db, a["id"])[0]
    assert (final["state"], final["tries"]) == ("could_not_reach", 3)
    assert take(db, a, chair, "2026-11-30T09:00:00+00:00") is None


def test_a_replayed_outcome_is_stored_once(db, scene):
    a, chair = scene["a"], scene["chair"]
    make_signup(db, association=a)
    row = take(db, a, chair)
    call = {"client_uuid": "same-key-123", "outcome": "no_answer"}
    assert calls_data.record_call(db, row, chair["id"], call, T0) is True
    assert calls_data.record_call(db, row, chair["id"], call, T0) is False
    assert db.table("calls").count == 1
    assert targets_of(db, a["id"])[0]["tries"] == 1


def test_twenty_callers_asking_at_once_get_twenty_different_people(app, db):
    a = make_association(db)
    callers = [make_member(db, association=a) for _ in range(20)]
    for _ in range(25):
        make_signup(db, association=a)
    listed = calls_data.sync_welcome(db, a["id"])
    got, errors = take_next_at_once(app.config["DATABASE"], listed["id"], callers, T0)
    assert errors == []
    assert len(got) == 20 and None not in got and len(set(got)) == 20
    holders = {r["id"]: r["locked_by"] for r in targets_of(db, a["id"]) if r["locked_by"]}
    assert sorted(holders) == sorted(got) and len(set(holders.values())) == 20


def test_a_lock_runs_out_after_fifteen_minutes_and_the_person_comes_back(db, scene):
    a, chair = scene["a"], scene["chair"]
    other = make_member(db, association=a)
    make_signup(db, association=a)
    held = take(db, a, chair)
    assert take(db, a, chair, "2026-11-02T09:05:00+00:00")["id"] == held["id"]  # a reload
    assert take(db, a, other, "2026-11-02T09:14:59+00:00") is None
    assert take(db, a, other, "2026-11-02T09:15:00+00:00")["id"] == held["id"]


def call_page(client, association_id):
    response = client.post(f"/valkomna/{association_id}/nasta")
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_chair_calls_and_the_recruiter_not_confirmed_is_settled_audited(db, scene):
    a, client, recruiter = scene["a"], scene["chair_client"], scene["recruiter"]
    signup = make_signup(db, recruiter=recruiter, phone="+46701234567", first_name="Nora")
    url = call_page(client, a["id"])
    page = client.get(url).get_data(as_text=True)
    assert "Nora" in page and "Vera" in page and 'href="tel:+46701234567"' in page
    assert "sms:+46701234567?body=Hej%20Nora%21%20V%C3%A4lkommen%20till%20Partiet" in page
    response = client.post(url, data={"client_uuid": "abcdef-1", "outcome": "reached",
                                      "recruiter": "no", "active": ["doors", "phone"],
                                      "note": "Ring efter sex."})
    assert response.status_code == 302
    stored = next(db.table("calls").rows_where())
    assert (stored["outcome"], stored["note"]) == ("reached", "Ring efter sex.")
    assert '"active": ["doors", "phone"]' in stored["answers"]
    assert "Nora" in client.get(f"/valkomna/{a['id']}").get_data(as_text=True)
    target = targets_of(db, a["id"])[0]
    assert (target["state"], target["needs_decision"]) == ("reached", 1)
    assert db.table("signups").get(signup["id"])["recruiter_id"] == recruiter["id"]
    decide = f"/valkomna/{a['id']}/beslut/{target['id']}"
    assert client.post(decide, data={"choice": "nonsense"}).status_code == 400
    assert client.post(decide, data={"choice": "clear"}).status_code == 302
    after = db.table("signups").get(signup["id"])
    assert (after["recruiter_id"], after["source"]) == (None, "own_initiative")
    audit = list(db.table("audit_log").rows_where("action = 'welcome_credit'"))
    assert [(r["object_id"], r["outcome"]) for r in audit] == [(signup["id"], "cleared")]
    assert client.post(decide, data={"choice": "clear"}).status_code == 404


def test_a_confirmed_recruiter_needs_no_decision(db, scene):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, recruiter=scene["recruiter"])
    url = call_page(client, a["id"])
    client.post(url, data={"client_uuid": "abcdef-2", "outcome": "reached", "recruiter": "yes"})
    assert targets_of(db, a["id"])[0]["needs_decision"] == 0


def test_bad_input_keeps_what_was_typed_and_stores_nothing(db, scene):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    url = call_page(client, a["id"])
    long_note = "x" * 501
    page = client.post(url, data={"client_uuid": "abcdef-3", "outcome": "reached",
                                  "note": long_note}).get_data(as_text=True)
    assert "Högst 500 tecken." in page and long_note in page
    page = client.post(url, data={"client_uuid": "abcdef-3", "outcome": "call_back",
                                  "call_back_at": "2020-01-01T10:00"}).get_data(as_text=True)
    assert "Välj en tid som inte har varit." in page
    assert db.table("calls").count == 0
    assert client.post(url, data={"client_uuid": "abcdef-3", "outcome": "call_back",
                                  "call_back_at": "2099-01-01T10:00"}).status_code == 302
    assert targets_of(db, a["id"])[0]["next_try_at"] == "2099-01-01T09:00:00+00:00"


def test_the_chair_hands_a_person_over_within_the_municipality(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    municipality = db.table("municipalities").get(a["municipality_id"])
    b = make_association(db, municipality=municipality)
    far = make_association(db)
    signup = make_signup(db, association=a)
    url = call_page(client, a["id"])
    page = client.post(url, data={"client_uuid": "abcdef-4", "outcome": "handed_over",
                                  "handover_to": far["id"]}).get_data(as_text=True)
    assert "Välj en förening i listan." in page and db.table("calls").count == 0
    assert client.post(url, data={"client_uuid": "abcdef-4", "outcome": "handed_over",
                                  "handover_to": b["id"]}).status_code == 302
    assert targets_of(db, a["id"])[0]["state"] == "handed_over"
    assert [(r["signup_id"], r["state"]) for r in targets_of(db, b["id"])] == [
        (signup["id"], "waiting")]
    b_chair = make_member(db, association=b, role="chair")
    assert take(db, b, b_chair)["signup_id"] == signup["id"]


def test_a_welcomer_hands_nobody_over(db, scene, login_as):
    a = scene["a"]
    make_association(db, municipality=db.table("municipalities").get(a["municipality_id"]))
    welcomer = make_member(db, association=a)
    db.table("welcomers").insert({"association_id": a["id"], "member_id": welcomer["id"],
                                  "created_at": T0})
    make_signup(db, association=a)
    client = login_as(welcomer)
    url = call_page(client, a["id"])
    assert "Hör till en annan förening" not in client.get(url).get_data(as_text=True)
    client.post(url, data={"client_uuid": "abcdef-5", "outcome": "handed_over",
                           "handover_to": 1})
    assert db.table("calls").count == 0


def test_who_may_call_see_progress_and_name_welcomers(db, scene, login_as):
    a = scene["a"]
    elsewhere = make_association(db)
    member = make_member(db, association=a)
    welcomer = make_member(db, association=a)
    make_signup(db, association=a, email="secret-person@example.org")
    plain = login_as(member)
    assert plain.get(f"/valkomna/{a['id']}").status_code == 403
    outsider = make_member(db, association=elsewhere)
    page = scene["chair_client"].post(f"/valkomna/{a['id']}/valkomnare",
                                      data={"members": [outsider["id"]]})
    assert page.status_code == 200 and db.table("welcomers").count == 0
    assert plain.post(f"/valkomna/{a['id']}/nasta").status_code == 403
    chair = scene["chair_client"]
    assert chair.post(f"/valkomna/{a['id']}/valkomnare",
                      data={"members": [welcomer["id"]]}).status_code == 302
    assert plain.get(f"/valkomna/{a['id']}/valkomnare").status_code == 403
    helper = login_as(welcomer)
    assert helper.get(f"/valkomna/{a['id']}").status_code == 200
    assert helper.get(f"/valkomna/{elsewhere['id']}").status_code == 403
    url = call_page(helper, a["id"])
    assert "secret-person@example.org" in helper.get(url).get_data(as_text=True)
    # Held by the welcomer: the chair taking the next person gets nobody, sees no details.
    assert "secret-person" not in chair.get(url, follow_redirects=True).get_data(as_text=True)
    admin = login_as(make_member(db, association=None, role="municipal_admin",
                                 unit={"id": a["municipality_id"]}))
    overview = admin.get(f"/valkomna/{a['id']}")
    assert overview.status_code == 200 and "secret-person" not in overview.get_data(as_text=True)
    assert admin.post(f"/valkomna/{a['id']}/nasta").status_code == 403
    # Taken off the welcomers: no more calls.
    assert chair.post(f"/valkomna/{a['id']}/valkomnare", data={}).status_code == 302
    assert helper.post(f"/valkomna/{a['id']}/nasta").status_code == 403


def test_pausing_gives_the_person_back(db, scene):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    url = call_page(client, a["id"])
    assert client.post(url + "/paus").status_code == 302
    assert targets_of(db, a["id"])[0]["locked_by"] is None


def test_erasing_a_signup_empties_the_notes_about_it(db, scene):
    a, chair = scene["a"], scene["chair"]
    signup = make_signup(db, association=a)
    row = take(db, a, chair)
    record(db, row, chair, "reached", note="Vill ha material.", answers={"call_later": True})
    privacy.erase_signup(db, signup["id"], then_checkpoint=False)
    stored = next(db.table("calls").rows_where())
    assert (stored["outcome"], stored["note"], stored["answers"]) == ("reached", None, "{}")


def test_the_start_page_shows_waiting_and_overdue_welcomes(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a, created_at="2020-01-01T10:00:00+00:00")
    make_signup(db, association=a)
    calls_data.sync_welcome(db, a["id"], at="2020-01-02T10:00:00+00:00")
    page = client.get("/").get_data(as_text=True)
    assert "2 väntar på välkomstsamtal" in page and "1 är försenad." in page
    assert f'href="/valkomna/{a["id"]}"' in page
    member = make_member(db, association=a)
    assert "välkomstsamtal" not in login_as(member).get("/").get_data(as_text=True)
    db.table("welcomers").insert({"association_id": a["id"], "member_id": member["id"],
                                  "created_at": T0})
    assert "2 väntar på välkomstsamtal" in login_as(member).get("/").get_data(as_text=True)


def test_a_double_tap_stores_one_call_and_a_long_call_still_counts(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    url = call_page(client, a["id"])
    # The call took longer than the lock: nobody else took the person, so it counts.
    db.execute("update call_targets set locked_until = '2000-01-01T00:00:00+00:00'")
    form = {"client_uuid": "double-tap-1", "outcome": "no_answer"}
    assert client.post(url, data=form).status_code == 302
    assert client.post(url, data=form).status_code == 302
    assert db.table("calls").count == 1
    assert targets_of(db, a["id"])[0]["tries"] == 1


def test_an_outcome_for_a_person_someone_else_took_is_refused(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a, email="taken-person@example.org")
    url = call_page(client, a["id"])
    other = make_member(db, association=a)
    db.execute("update call_targets set locked_by = ?", [other["id"]])
    page = client.post(url, data={"client_uuid": "late-1", "outcome": "reached"},
                       follow_redirects=True).get_data(as_text=True)
    assert "någon annan har tagit den" in page and "taken-person" not in page
    assert db.table("calls").count == 0


def test_the_overviews_show_the_share_welcomed_in_time_per_unit(db, login_as):
    a = make_association(db)
    municipality = db.table("municipalities").get(a["municipality_id"])
    b = make_association(db, municipality=municipality)
    chair = make_member(db, association=a, role="chair")
    on_time, late, _ = (make_signup(db, association=a, created_at="2026-10-01T10:00:00+00:00")
                        for _ in range(3))
    make_signup(db, association=b, created_at="2026-10-01T10:00:00+00:00")
    for unit in (a, b):  # lists made then; else only the last 30 days count
        calls_data.sync_welcome(db, unit["id"], at="2026-10-01T12:00:00+00:00")
    for signup, at in ((on_time, "2026-10-08T21:59:00+00:00"),  # 23:59 on the due date
                       (late, "2026-10-08T22:00:00+00:00")):  # midnight: a day late
        row = take(db, a, chair, at)
        assert row["signup_id"] == signup["id"]
        record(db, row, chair, "reached", at)
    # Not due yet: counted nowhere.
    make_signup(db, association=a)
    figures = calls_team.welcomed_in_time(db, "municipality", municipality["id"])
    assert figures == {a["id"]: (1, 3), b["id"]: (0, 1)}
    assert calls_team.welcomed_in_time(db, "district", municipality["district_id"]) == {
        municipality["id"]: (1, 4)}
    admin = login_as(make_member(db, association=None, role="municipal_admin",
                                 unit=municipality))
    page = admin.get(f"/oversikt/municipality/{municipality['id']}").get_data(as_text=True)
    assert "Välkomnade i tid" in page and "33 %" in page
    assert f'href="/valkomna/kommun/{municipality["id"]}"' in page


@pytest.fixture
def outbox(outbox, app):
    """The shared captured mail, with the public address the digest's links use."""
    app.config["PUBLIC_BASE_URL"] = "https://varva.example.org"
    return outbox


def test_the_weekly_digest_mails_each_chair_counts_and_a_link_only(db, runner, outbox):
    a, calm = make_association(db), make_association(db)
    chair = make_member(db, association=a, role="chair", email="ordf@example.org")
    make_member(db, association=calm, role="chair")
    make_signup(db, association=a, created_at="2020-01-01T10:00:00+00:00",
                first_name="Hemlignamn", email="hemlig@example.org")
    make_signup(db, association=a)
    calls_data.sync_welcome(db, a["id"], at="2020-01-02T10:00:00+00:00")
    result = runner.invoke(args=["send-welcome-digest"])
    assert result.exit_code == 0, result.output
    assert len(outbox) == 1
    to, subject, body = outbox[0]
    assert to == chair["email"] and "2 nya medlemmar väntar" in body and "1 är försenad." in body
    assert f"https://varva.example.org/valkomna/{a['id']}" in body
    assert "Hemlignamn" not in body and "hemlig@" not in body


def test_the_digest_speaks_of_one_new_member_in_the_singular(db, runner, outbox):
    a = make_association(db)
    make_member(db, association=a, role="chair", email="ordf@example.org")
    make_signup(db, association=a)
    calls_data.sync_welcome(db, a["id"])
    assert runner.invoke(args=["send-welcome-digest"]).exit_code == 0
    body = outbox[0][2]
    assert "1 ny medlem väntar på välkomstsamtal, varav 0 är försenade." in body


def test_the_digest_says_so_when_no_mail_is_set_up(db, runner):
    a = make_association(db)
    make_member(db, association=a, role="chair")
    make_signup(db, association=a)
    result = runner.invoke(args=["send-welcome-digest"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output


def test_the_demo_association_has_welcomes_in_every_state(app, db, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    home = next(db.table("associations").rows_where("code = ?", [demo.HOME_ASSOCIATION]))
    states = {r["state"] for r in targets_of(db, home["id"])}
    assert {"reached", "not_interested", "could_not_reach", "waiting"} <= states
    counts = calls_team.progress(db, home["id"])
    assert counts["needs_decision"] == 1 and counts["overdue"] > 0
    assert not any(r["locked_by"] for r in targets_of(db, home["id"]))
    assert runner.invoke(args=["seed-demo", "--force"]).exit_code == 0  # twice: no new calls
    assert db.table("calls").count == 7


def test_the_outbox_endpoint_stores_an_outcome_once(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    call_page(client, a["id"])
    target = targets_of(db, a["id"])[0]
    body = {"client_uuid": "offline-0001", "target_id": target["id"], "outcome": "reached",
            "recruiter": "yes", "active": ["doors", "phone"], "call_later": "y", "note": None}
    assert client.post("/valkomna/api/samtal", json=body).status_code == 201
    assert client.post("/valkomna/api/samtal", json=body).status_code == 200
    stored = list(db.table("calls").rows_where())
    assert len(stored) == 1 and stored[0]["outcome"] == "reached"
    assert json.loads(stored[0]["answers"]) == {"recruiter": "yes", "active": ["doors", "phone"],
                                                "call_later": True}
    assert targets_of(db, a["id"])[0]["state"] == "reached"


@pytest.mark.parametrize("change, status", [
    ({"outcome": "dance"}, 422),
    ({"target_id": "1"}, 422),
    ({"note": "x" * 501}, 422),
    ({"outcome": "call_back", "call_back_at": "2020-01-01T10:00"}, 422),
])
def test_the_outbox_endpoint_refuses_bad_outcomes(db, scene, change, status):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    call_page(client, a["id"])
    body = {"client_uuid": "offline-0002", "target_id": targets_of(db, a["id"])[0]["id"],
            "outcome": "no_answer", **change}
    response = client.post("/valkomna/api/samtal", json=body)
    assert response.status_code == status and response.get_json()["errors"]
    assert db.table("calls").count == 0


def test_the_outbox_endpoint_keeps_to_scope_and_to_the_holder(db, scene, login_as):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    call_page(client, a["id"])
    target_id = targets_of(db, a["id"])[0]["id"]
    body = {"client_uuid": "offline-0003", "target_id": target_id, "outcome": "no_answer"}
    outsider = login_as(make_member(db, role="chair"), role="chair")
    assert outsider.post("/valkomna/api/samtal", json=body).status_code == 403
    assert client.post("/valkomna/api/samtal", json={**body, "target_id": 999999}
                       ).status_code == 404
    other = make_member(db, association=a)
    db.execute("update call_targets set locked_by = ?", [other["id"]])
    assert client.post("/valkomna/api/samtal", json=body).status_code == 409
    assert db.table("calls").count == 0


def test_someone_without_a_recruiter_is_not_asked_about_one(db, scene):
    a, client = scene["a"], scene["chair_client"]
    make_signup(db, association=a)
    url = call_page(client, a["id"])
    assert "Vem pratade du med" not in client.get(url).get_data(as_text=True)
    client.post(url, data={"client_uuid": "own-1", "outcome": "reached", "recruiter": "no"})
    assert targets_of(db, a["id"])[0]["needs_decision"] == 0


def test_a_person_withdrawn_while_held_is_no_longer_shown(db, scene):
    a, client = scene["a"], scene["chair_client"]
    signup = make_signup(db, association=a, email="gone-person@example.org")
    url = call_page(client, a["id"])
    assert "gone-person" in client.get(url).get_data(as_text=True)
    db.execute("update signups set status = 'cancelled' where id = ?", [signup["id"]])
    assert client.get(url).status_code == 404
    assert client.post(url, data={"client_uuid": "gone-1", "outcome": "reached"}
                       ).status_code == 404


MISTYPED = [None, True, 0, -1, 2**64, 1.5, "", "²", "٣", "x" * 5000, [], [1, [2]], {"a": 1},
            "2026-01-01", "9999-12-31T23:59", "0001-01-01T00:00", "\x00"]
CALL_KEYS = ("client_uuid", "target_id", "outcome", "recruiter", "active", "call_later",
             "note", "call_back_at", "handover_to")


def test_hostile_values_in_every_field_never_crash_the_call_screen(db, scene):
    a, client = scene["a"], scene["chair_client"]
    make_association(db, municipality=db.table("municipalities").get(a["municipality_id"]))
    make_signup(db, recruiter=scene["recruiter"])
    url = call_page(client, a["id"])
    target_id = targets_of(db, a["id"])[0]["id"]
    for key in CALL_KEYS:
        for value in MISTYPED:
            for outcome in ("reached", "call_back", "handed_over"):
                body = {"client_uuid": "fuzz-0001", "target_id": target_id, "outcome": outcome,
                        key: value}
                response = client.post("/valkomna/api/samtal", json=body)
                assert response.status_code < 500, (key, value, response.status_code)
                if response.status_code == 201:
                    db.execute("delete from calls")
                    db.execute("""update call_targets set state = 'waiting', locked_by = ?,
                                  needs_decision = 0 where id = ?""",
                               [scene["chair"]["id"], target_id])
                if isinstance(value, (list, dict)):
                    continue
                form = {**{k: str(v) for k, v in body.items()}, key: str(value)}
                assert client.post(url, data=form).status_code < 500, (key, value)
                db.execute("delete from calls")
                db.execute("""update call_targets set state = 'waiting', locked_by = ?,
                              locked_until = '2999-01-01T00:00:00+00:00' where id = ?""",
                           [scene["chair"]["id"], target_id])


def test_the_database_refuses_an_unknown_state_or_outcome(db, scene):
    make_signup(db, association=scene["a"])
    row = take(db, scene["a"], scene["chair"])
    with pytest.raises(sqlite3.IntegrityError, match="unknown call_targets.state"):
        db.execute("update call_targets set state = 'locked' where id = ?", [row["id"]])
    with pytest.raises(sqlite3.IntegrityError, match="unknown calls.outcome"):
        record(db, row, scene["chair"], "maybe")


def test_a_caller_cannot_page_through_a_list_faster_than_anyone_phones(app, db, scene, tmp_path):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{tmp_path}/limits.db"
    limiter.init_app(app)
    limiter.reset()
    make_signup(db, association=scene["a"])
    url = f"/valkomna/{scene['a']['id']}/nasta"
    answers = [scene["chair_client"].post(url).status_code for _ in range(41)]
    assert answers[:40] == [302] * 40 and answers[40] == 429
    limiter.reset()
