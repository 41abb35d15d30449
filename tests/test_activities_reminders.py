"""The day-before reminder and its one-tap answers; the start page asks too."""
import re
from datetime import datetime, timedelta, timezone

from recruiter import activities_data
from recruiter.activities_reminders import tomorrow
from tests.factories import make_activity, make_association, make_member, utc_in


def shifted(iso, hours):
    return (datetime.fromisoformat(iso) + timedelta(hours=hours)).isoformat(timespec="seconds")


def scene(db):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Maja")
    start, end = tomorrow()
    due = make_activity(db, chair, a, place="I morgon-torget", starts_at=shifted(start, 16),
                        ends_at=shifted(start, 18))
    later = make_activity(db, chair, a, place="Sedan-torget", starts_at=shifted(end, 10),
                          ends_at=shifted(end, 12))
    soon = make_activity(db, chair, a, place="Snart-torget", starts_at=utc_in(0.5),
                         ends_at=utc_in(1))
    if soon["starts_at"] >= start:  # late in the evening "soon" is tomorrow already
        db.execute("update activities set starts_at = ?, ends_at = ? where id = ?",
                   [shifted(start, -0.1), shifted(start, 0.5), soon["id"]])
    for activity in (due, later, soon):
        activities_data.sign_up(db, activity["id"], member["id"])
    return a, chair, member, due


def links(body):
    return [("/" + url.split("/", 3)[3]) for url in re.findall(r"https?://\S+", body)]


def test_tomorrows_activities_are_reminded_once(db, runner, outbox):
    _, _, member, due = scene(db)
    result = runner.invoke(args=["remind-activities"])
    assert result.exit_code == 0 and "1 påminnelser" in result.output
    ((to, subject, body),) = outbox
    assert to == member["email"] and "Kommer du fortfarande?" in subject
    assert "I morgon-torget" in body and "Maja" in body
    assert len(links(body)) == 2
    runner.invoke(args=["remind-activities"])
    assert len(outbox) == 1


def test_without_mail_nothing_is_marked_reminded(db, runner):
    scene(db)
    result = runner.invoke(args=["remind-activities"])
    assert result.exit_code != 0 and "MAIL_SERVER" in result.output
    assert db.table("activity_signups").count_where("reminded_at is not null") == 0


def test_the_yes_link_confirms_with_one_tap_and_a_get_changes_nothing(db, runner, outbox, client):
    _, _, member, due = scene(db)
    runner.invoke(args=["remind-activities"])
    yes, _ = links(outbox[0][2])
    page = client.get(yes)
    assert page.status_code == 200 and "Ja, jag kommer" in page.get_data(as_text=True)
    key = (due["id"], member["id"])
    assert db.table("activity_signups").get(key)["confirmed_at"] is None
    assert "Vi ses" in client.post(yes).get_data(as_text=True)
    assert db.table("activity_signups").get(key)["confirmed_at"]


def test_the_no_link_gives_the_place_back(db, runner, outbox, client):
    _, _, member, due = scene(db)
    runner.invoke(args=["remind-activities"])
    _, no = links(outbox[0][2])
    client.post(no)
    assert not activities_data.is_signed_up(db, due["id"], member["id"])
    assert client.post(no).status_code == 410  # answered already


def test_forged_and_outdated_answers_are_refused(app, db, runner, outbox, client):
    _, _, member, due = scene(db)
    runner.invoke(args=["remind-activities"])
    yes, _ = links(outbox[0][2])
    assert client.get(yes[:-3] + "abc").status_code == 404
    with app.test_request_context():
        activities_data.move(db, due, due["starts_at"], due["ends_at"], "Nya torget")
    assert client.post(yes).status_code == 410  # the activity moved since
    assert db.table("activity_signups").get((due["id"], member["id"]))["confirmed_at"] is None
    runner.invoke(args=["remind-activities"])  # moved: asked again
    assert len(outbox) == 3  # the move's notice, then the new reminder
    assert "Nya torget" in outbox[2][2]


def test_tomorrow_is_a_swedish_day_also_when_the_clocks_change():
    start, end = tomorrow(datetime(2026, 10, 24, 12, 0, tzinfo=timezone.utc))
    assert (start, end) == ("2026-10-24T22:00:00+00:00", "2026-10-25T23:00:00+00:00")
    start, end = tomorrow(datetime(2026, 10, 24, 22, 30, tzinfo=timezone.utc))  # 00:30 Sunday
    assert start == "2026-10-25T23:00:00+00:00"


def test_the_start_page_asks_the_day_before_and_takes_the_answer(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a)
    activity = make_activity(db, chair, a, starts_at=utc_in(20), ends_at=utc_in(22))
    activities_data.sign_up(db, activity["id"], member["id"])
    client = login_as(member)
    page = client.get("/").get_data(as_text=True)
    assert 'data-testid="still-coming"' in page
    assert client.post(f"/aktiviteter/{activity['id']}/kommer").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "still-coming" not in page and 'data-testid="next-activity"' in page
    other = make_member(db, association=a)  # not signed up: nothing to confirm
    assert login_as(other).post(f"/aktiviteter/{activity['id']}/kommer").status_code == 404
