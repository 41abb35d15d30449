"""Ta med en vän: a friend who is not a member comes along; little stored, soon erased."""
import re
from html import unescape

import pytest

from recruiter import activities_data
from tests.factories import make_activity, make_association, make_member


@pytest.fixture
def scene(db, login_as):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Maja")
    activity = make_activity(db, chair, a, place="Möllevångstorget")
    activities_data.sign_up(db, activity["id"], member["id"])
    page = login_as(member).get(f"/aktiviteter/{activity['id']}/ta-med-en-van")
    assert page.status_code == 200
    link = unescape(re.search(r'data-testid="friend-link">([^<]+)<',
                              page.get_data(as_text=True)).group(1))
    return a, chair, member, activity, "/" + link.split("/", 3)[3]


def friend(**overrides):
    return {"first_name": "Vän", "phone": "070-123 45 67", "consent": "y", **overrides}


def test_a_friend_comes_along_with_a_first_name_and_a_mobile_only(db, client, login_as, scene):
    a, chair, member, activity, path = scene
    page = client.get(path).get_data(as_text=True)
    assert "Maja vill att du följer med" in page and "Möllevångstorget" in page
    response = client.post(path, data=friend())
    assert 'data-testid="friend-done"' in response.get_data(as_text=True)
    (row,) = db.table("activity_guests").rows
    assert (row["first_name"], row["phone"], row["invited_by"]) == ("Vän", "+46701234567",
                                                                     member["id"])
    assert row["consent_at"]
    assert db.table("signups").count == 0  # not a party sign-up
    results = login_as(chair, role="chair").get(
        f"/aktiviteter/{activity['id']}/resultat").get_data(as_text=True)
    assert "Vän" in results and "+46701234567" in results
    mine = login_as(member).get(f"/aktiviteter/{activity['id']}/ta-med-en-van")
    assert "Vän" in mine.get_data(as_text=True)


@pytest.mark.parametrize("overrides, message", [
    ({"consent": ""}, "Kryssa i rutan"),
    ({"phone": "12"}, "mobilnummer"),
    ({"first_name": ""}, "Fyll i ditt förnamn"),
])
def test_bad_friend_input_is_refused_and_kept(db, client, scene, overrides, message):
    path = scene[4]
    response = client.post(path, data=friend(**overrides))
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.table("activity_guests").count == 0


def test_the_honeypot_stores_nothing(db, client, scene):
    client.post(scene[4], data=friend(website="http://spam.example"))
    assert db.table("activity_guests").count == 0


def test_forged_and_stale_links_are_refused(db, client, login_as, scene):
    a, chair, member, activity, path = scene
    assert client.get(path[:-4] + "abcd").status_code == 404
    login_as(member).post(f"/aktiviteter/{activity['id']}/avanmal")
    assert client.get(path).status_code == 410  # the inviter no longer goes
    activities_data.sign_up(db, activity["id"], member["id"])
    db.execute("update activities set cancelled_at = '2026-01-01' where id = ?",
               [activity["id"]])
    assert client.post(path, data=friend()).status_code == 410
    assert db.table("activity_guests").count == 0


def test_only_a_member_signed_up_gets_a_link(db, login_as, scene):
    a, _, _, activity, _ = scene
    other = make_member(db, association=a)
    assert login_as(other).get(
        f"/aktiviteter/{activity['id']}/ta-med-en-van").status_code == 404


def test_at_most_five_friends_each(db, client, scene):
    path = scene[4]
    for n in range(6):
        client.post(path, data=friend(first_name=f"Vän{'abcdef'[n]}"))
    assert db.table("activity_guests").count == 5


def test_friends_are_erased_when_the_activity_is_over(db, client, runner, scene):
    a, chair, member, activity, path = scene
    client.post(path, data=friend())
    upcoming = make_activity(db, chair, a)
    db.table("activity_guests").insert({
        "activity_id": upcoming["id"], "invited_by": member["id"], "first_name": "Kvar",
        "phone": "+46700000000", "consent_at": "2026-01-01", "created_at": "2026-01-01"})
    db.execute("update activities set starts_at = '2026-01-01T10:00:00+00:00', "
               "ends_at = '2026-01-01T12:00:00+00:00' where id = ?", [activity["id"]])
    dry = runner.invoke(args=["purge-expired"])
    assert "1 vänner till avslutade aktiviteter" in dry.output
    assert db.table("activity_guests").count == 2
    runner.invoke(args=["purge-expired", "--yes"])
    assert [r["first_name"] for r in db.table("activity_guests").rows] == ["Kvar"]
