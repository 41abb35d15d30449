"""Activities in calendars: the .ics file and the member's own webcal feed."""
import re
from datetime import datetime, timedelta, timezone

from icalendar import Calendar

from recruiter import activities_data
from recruiter.activities_forms import to_utc
from recruiter.db import now
from tests.factories import make_activity, make_association, make_member


def parse(response):
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(cal):
    return [c for c in cal.walk("VEVENT")]


def test_the_ics_file_parses_and_is_in_stockholm_time_across_the_october_change(db, login_as):
    a = make_association(db)
    member = make_member(db, association=a)
    # 23:00 summer time on Saturday 24 October 2026 to 04:00 winter time on
    # Sunday: the clocks go back at 03:00, so it lasts six hours, not five.
    activity = make_activity(db, member, a, starts_at="2026-10-24T21:00:00+00:00",
                             ends_at="2026-10-25T03:00:00+00:00", place="Stortorget",
                             description="Nattvandring med flygblad.")
    cal = parse(login_as(member).get(f"/aktiviteter/{activity['id']}/kalender.ics"))
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    (event,) = events(cal)
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert str(start.tzinfo) == "Europe/Stockholm" and str(end.tzinfo) == "Europe/Stockholm"
    assert (start.hour, start.utcoffset()) == (23, timedelta(hours=2))
    assert (end.hour, end.utcoffset()) == (4, timedelta(hours=1))
    # (Python subtracts same-zone times by the wall clock: compare in UTC.)
    assert end.astimezone(timezone.utc) - start.astimezone(timezone.utc) == timedelta(hours=6)
    assert str(event["LOCATION"]) == "Stortorget"
    assert str(event["DESCRIPTION"]) == "Nattvandring med flygblad."
    assert "Dörrknackning" in str(event["SUMMARY"])
    assert f"/aktiviteter/{activity['id']}" in str(event["URL"])
    # The raw text names the zone rather than UTC.
    assert "DTSTART;TZID=Europe/Stockholm:20261024T230000" in response_text(
        login_as(member), activity)


def response_text(client, activity):
    return client.get(f"/aktiviteter/{activity['id']}/kalender.ics").get_data(as_text=True)


def test_the_form_reads_wall_clock_time_on_both_sides_of_the_change():
    summer = to_utc(datetime(2027, 10, 30, 23, 0))
    winter = to_utc(datetime(2027, 10, 31, 4, 0))
    assert summer.isoformat() == "2027-10-30T21:00:00+00:00"
    assert winter.isoformat() == "2027-10-31T03:00:00+00:00"


def test_the_ics_file_is_only_for_the_audience(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    activity = make_activity(db, chair, a)
    stranger = make_member(db)
    assert login_as(stranger).get(
        f"/aktiviteter/{activity['id']}/kalender.ics").status_code == 404


def feed_address(client):
    page = client.post("/kalender/ny").get_data(as_text=True)
    webcal = re.search(r'href="(webcal://[^"]+)"', page).group(1)
    return "/" + webcal.split("/", 3)[3]


def test_the_feed_has_the_members_own_activities_and_follows_changes(app, db, login_as, client):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a)
    joined = make_activity(db, chair, a, place="Anmält torg")
    make_activity(db, chair, a, place="Annat torg")  # not signed up: not in the feed
    old = make_activity(db, chair, a, place="Gammalt torg",
                        starts_at="2020-01-01T10:00:00+00:00",
                        ends_at="2020-01-01T12:00:00+00:00")
    activities_data.sign_up(db, joined["id"], member["id"])
    db.execute("insert into activity_signups (activity_id, member_id, created_at) "
               "values (?, ?, ?)", [old["id"], member["id"], now()])
    path = feed_address(login_as(member))
    assert path.startswith("/kalender/") and path.endswith(".ics")
    cal = parse(client.get(path))  # no login: the address is the secret
    assert [str(e["LOCATION"]) for e in events(cal)] == ["Anmält torg"]
    first_sequence = int(events(cal)[0]["SEQUENCE"])
    with app.test_request_context():
        activities_data.move(db, joined, joined["starts_at"], joined["ends_at"], "Nytt torg")
    (moved,) = events(parse(client.get(path)))
    assert str(moved["LOCATION"]) == "Nytt torg"
    assert int(moved["SEQUENCE"]) > first_sequence
    with app.test_request_context():
        activities_data.cancel(db, db.table("activities").get(joined["id"]))
    (cancelled,) = events(parse(client.get(path)))
    assert str(cancelled["STATUS"]) == "CANCELLED"


def test_a_new_feed_address_ends_the_old_one_and_closing_ends_both(db, login_as, client):
    member = make_member(db)
    logged_in = login_as(member)
    first = feed_address(logged_in)
    second = feed_address(logged_in)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert db.table("calendar_feeds").count == 1
    assert list(db.table("calendar_feeds").rows)[0]["token_hash"] not in second  # only a hash
    logged_in.post("/kalender/stang")
    assert client.get(second).status_code == 404
    assert client.get("/kalender/gissad-adress.ics").status_code == 404


def test_a_switched_off_accounts_feed_stops(db, login_as, client):
    member = make_member(db)
    path = feed_address(login_as(member))
    db.execute("update members set is_active = 0 where id = ?", [member["id"]])
    assert client.get(path).status_code == 404
