import logging
import re
import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from recruiter import audit, privacy, rollups
from tests.factories import PASSWORD, make_member, make_signup, person, personal_link


def test_erasing_twice_changes_nothing(db):
    signup = make_signup(db)
    assert privacy.erase_signup(db, signup["id"]) is True
    erased_at = db.table("signups").get(signup["id"])["erased_at"]
    assert privacy.erase_signup(db, signup["id"]) is False
    assert db.table("signups").get(signup["id"])["erased_at"] == erased_at


def test_purge_shows_a_dry_run_first_and_is_idempotent(runner, db):
    old = make_signup(db, created_at="2020-01-01T10:00:00+00:00", first_name="Gammal")
    fresh = make_signup(db)
    dry = runner.invoke(args=["purge-expired"])
    assert dry.exit_code == 0 and "1 anmälningar" in dry.output and "Torrkörning" in dry.output
    assert db.table("signups").get(old["id"])["first_name"] == "Gammal"
    real = runner.invoke(args=["purge-expired", "--yes"])
    assert real.exit_code == 0 and "Klart." in real.output
    assert db.table("signups").get(old["id"])["erased_at"]
    assert db.table("signups").get(fresh["id"])["erased_at"] is None
    again = runner.invoke(args=["purge-expired", "--yes"])
    assert "0 anmälningar" in again.output


def test_purge_deletes_sessions_that_ended_long_ago(runner, login_as, db):
    member = make_member(db)
    login_as(member)
    login_as(member)
    db.execute("update sessions set expires_at = '2020-01-01T00:00:00+00:00' where id = 1")
    runner.invoke(args=["purge-expired", "--yes"])
    assert [r["id"] for r in db.table("sessions").rows_where()] == [2]


def test_purge_removes_accounts_left_waiting_for_approval_for_a_month(runner, db):
    old, recent, switched_off = make_member(db), make_member(db), make_member(db)
    long_ago = "2020-01-01T10:00:00+00:00"
    db.table("members").update(old["id"], {"is_active": 0, "created_at": long_ago})
    db.table("members").update(recent["id"], {"is_active": 0})
    db.table("members").update(switched_off["id"], {
        "is_active": 0, "created_at": long_ago, "deactivated_at": "2020-02-01T10:00:00+00:00"})
    dry = runner.invoke(args=["purge-expired"])
    assert "1 konton som väntat på godkännande" in dry.output
    assert db.table("members").count == 3
    runner.invoke(args=["purge-expired", "--yes"])
    left = {r["id"] for r in db.table("members").rows_where()}
    assert left == {recent["id"], switched_off["id"]} and old["id"] not in left
    assert ("reject", old["id"], "expired") in {
        (r["action"], r["object_id"], r["outcome"]) for r in audit.recent(db)}


def test_logins_and_logouts_are_audited(client, db):
    member = make_member(db)
    client.post("/logga-in", data={"email": member["email"], "password": "fel-lösenord-123"})
    client.post("/logga-in", data={"email": member["email"], "password": PASSWORD})
    client.post("/logga-ut")
    actions = [e["action"] for e in reversed(audit.recent(db))]
    assert actions == ["login_failed", "login", "logout"]
    assert member["email"] not in str(audit.recent(db))


def test_main_flows_log_no_personal_data(app, client, login_as, db, caplog):
    caplog.set_level(logging.DEBUG)
    markers = {"first_name": "Markörnamn", "last_name": "Markörsson",
               "email": "marker-7731@example.org", "phone": "0707731773"}
    member = make_member(db, email="member-marker-5521@example.org")
    client.post(f"/j/{personal_link(db, member)['code']}", data=person(**markers))
    client.post("/bli-medlem", data=person(**markers, website="spam"))
    client.post("/logga-in", data={"email": "member-marker-5521@example.org", "password": "fel"})
    client.post("/logga-in", data={"email": "member-marker-5521@example.org", "password": PASSWORD})
    stranger = make_member(db)
    login_as(stranger).get(f"/forening/{member['association_id']}/medlemmar")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records  # the flows did log something
    for value in [*markers.values(), "+46707731773", "member-marker-5521", PASSWORD]:
        assert value not in logged


def test_erasure_reports_a_checkpoint_blocked_by_a_reader(app, db):
    signup = make_signup(db, email="blockerad@example.org")
    reader = sqlite3.connect(app.config["DATABASE"])
    reader.execute("BEGIN")
    reader.execute("select count(*) from signups").fetchone()  # holds an old snapshot
    try:
        with app.app_context():
            db.execute("PRAGMA busy_timeout = 50")  # the test need not wait 5 s per try
            db.execute("update signups set first_name = '' where id = ?", [signup["id"]])
            assert privacy.checkpoint(db, tries=2) is False
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    with app.app_context():
        assert privacy.checkpoint(db) is True


def test_a_withdrawn_signup_leaves_no_trace_on_personal_lists(app, client, login_as, db):


    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    recruiter = make_member(db, association=association, first_name="Vera")
    stays = make_signup(db, recruiter=recruiter, first_name="Stanna", birth_year=1991,
                        created_at="2026-01-05T09:15:00+00:00")
    client.post(f"/j/{personal_link(db, recruiter)['code']}",
                data=person(first_name="Ångrar", birth_year="1983"))
    gone = next(db.table("signups").rows_where("first_name = 'Ångrar'"))
    with app.test_request_context():
        when = app.jinja_env.filters["local_time"](gone["created_at"])
    chair_client, member_client = login_as(chair, role="chair"), login_as(recruiter)
    lists = (f"/forening/{association['id']}/anmalningar", "/varva")
    before = [c.get(url).get_data(as_text=True) for c, url in zip((chair_client, member_client), lists, strict=True)]
    assert "1983" in before[0] and when in before[0] and "Ångrar" in before[1]
    token = re.search(r'href="/angra/([\w-]+)"', client.get("/tack").get_data(as_text=True)).group(1)
    client.post(f"/angra/{token}")
    chair_page = chair_client.get(lists[0]).get_data(as_text=True)
    member_page = member_client.get(lists[1]).get_data(as_text=True)
    for page in (chair_page, member_page):
        assert "1983" not in page and when not in page and "Ångrar" not in page
    assert "Stanna" in chair_page and "Stanna" in member_page
    rows = re.search(r'data-testid="signups">(.*?)</ul>', chair_page, re.S).group(1)
    assert rows.count("<li") == 1
    assert re.search(r'data-testid="recruit-count">1<', member_page)
    recruits = re.search(r'<h2>Dina värvade</h2>(.*?)<h2', member_page, re.S).group(1)
    assert recruits.count("<li") == 1 and "återkallat" in recruits
    # Still in the anonymous totals.
    assert rollups.indicators(db, "association", association["id"], "0000", "9999")["signups"] == 2
    assert stays["id"] != gone["id"]


def test_erasure_keeps_the_day_but_not_the_time_of_day(db):
    signup = make_signup(db, created_at="2026-03-10T14:37:12+00:00")
    privacy.erase_signup(db, signup["id"])
    row = db.table("signups").get(signup["id"])
    assert (row["created_at"], row["consent_at"]) == ("2026-03-10T00:00:00+00:00",) * 2
    assert row["status_at"].endswith(("T00:00:00+00:00", "T22:00:00+00:00", "T23:00:00+00:00"))


def test_a_day_without_time_stays_in_the_same_period_and_month():
    sweden = ZoneInfo("Europe/Stockholm")
    for stamp in ("2026-02-28T23:30:00+00:00", "2026-02-28T22:59:59+00:00",
                  "2026-06-30T22:15:00+00:00", "2026-06-30T21:45:00+00:00",
                  "2026-12-31T23:00:00+00:00", "2026-03-29T00:30:00+00:00",
                  "2026-10-25T00:30:00+00:00", "2026-05-05T12:00:00+00:00"):
        day = privacy.without_time_of_day(stamp)
        before, after = datetime.fromisoformat(stamp), datetime.fromisoformat(day)
        assert after.date() == before.date(), stamp  # the UTC month of indicator 8
        assert after.astimezone(sweden).date() == before.astimezone(sweden).date(), stamp
        assert after.minute == after.second == 0 and after.hour in (0, 22, 23), stamp
