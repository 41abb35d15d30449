"""Numbers that do not rank, and numbers that look wrong: leaving the leaderboard
entirely, and implausible shifts kept off it until the chair confirms them."""
import re

import pytest

from tests.factories import (activity_shift_body, leaderboard_table, make_association, make_member,
                             make_shift, row_names, utc_in)


def test_a_member_who_leaves_the_board_is_off_it_and_places_close_up(login_as, db, world):
    anna = login_as(world["anna"])
    assert anna.post("/topplista/synlighet", data={"leaderboard_name": "none"}).status_code == 302
    html = leaderboard_table(login_as(world["dan"]))
    assert row_names(html) == ["Bo A.", "En medlem", "Du"]
    places = re.findall(r"<td>(\d+)</td>\s*<th", html)
    assert places == ["1", "2", "3"]
    page = login_as(world["dan"]).get("/topplista/?period=all").get_data(as_text=True)
    assert "7 värvade" in page  # still counted in the association's total


def test_one_who_left_sees_only_their_own_row_and_the_total(login_as, db, world):
    client = login_as(world["anna"])
    client.post("/topplista/synlighet", data={"leaderboard_name": "none"})
    page = client.get("/topplista/?period=all").get_data(as_text=True)
    html = page.split('data-testid="board"')[1].split("</table>")[0]
    assert row_names(html) == ["Du"] and "Bo" not in html
    assert re.search(r"<td>–</td>", html)
    assert 'data-testid="left-board"' in page and "7 värvade" in page


def test_one_who_left_is_not_offered_as_a_companion(login_as, db, world):
    login_as(world["anna"]).post("/topplista/synlighet", data={"leaderboard_name": "none"})
    listed = [m["name"] for m in login_as(world["dan"]).get("/api/companions").json["members"]]
    assert listed == ["Bo A."]  # Cia is hidden, Anna left


@pytest.fixture
def team(db):
    a = make_association(db)
    chair = make_member(db, association=a, role="chair")
    member = make_member(db, association=a, first_name="Pia", last_name="Pass")
    return a, chair, member


def post_shift(client, member, **counts):
    response = client.post("/api/shifts", json=activity_shift_body(member, None, **counts))
    assert response.status_code == 201, response.json
    return response.json["id"]


@pytest.mark.parametrize("counts, flag", [
    ({"started_at": utc_in(-1), "ended_at": utc_in(-1 + 2 / 60), "doors_knocked": 100,
      "doors_opened": 10}, "speed"),
    ({"doors_knocked": 60, "doors_opened": 59}, "contact_rate"),
    ({"doors_knocked": 40, "doors_opened": 15}, None),
    ({"started_at": utc_in(-1), "ended_at": utc_in(-1 + 1 / 60), "doors_knocked": 5,
      "doors_opened": 5}, None),  # fast, but few doors: a block of flats' porch
])
def test_implausible_shifts_are_flagged_when_stored(db, login_as, team, counts, flag):
    _, _, member = team
    shift_id = post_shift(login_as(member), member, **counts)
    assert db.table("shifts").get(shift_id)["quality_flag"] == flag


def test_far_beyond_the_members_usual_is_flagged(db, login_as, team):
    _, _, member = team
    client = login_as(member)
    for n in range(5):
        make_shift(db, member, utc_in(-100 - n), doors_knocked=10)
    usual = post_shift(client, member, doors_knocked=45, doors_opened=20)
    unusual = post_shift(client, member, started_at=utc_in(-6), ended_at=utc_in(-3),
                         doors_knocked=120, doors_opened=30)
    assert db.table("shifts").get(usual)["quality_flag"] is None
    assert db.table("shifts").get(unusual)["quality_flag"] == "unusual"


def test_a_flagged_shift_counts_on_the_board_once_the_chair_confirms(db, login_as, team):
    a, chair, member = team
    client = login_as(member)
    post_shift(client, member, doors_knocked=60, doors_opened=59, conversations=30)
    post_shift(client, member, doors_knocked=12, doors_opened=5, conversations=3)

    def doors():
        html = leaderboard_table(client)
        return int(re.search(r"Du\s*</th>\s*<td>\d+</td><td>\d+</td><td>(\d+)</td>", html)[1])

    assert doors() == 12
    history = client.get("/pass/historik").get_data(as_text=True)
    assert "Nästan alla dörrar öppnades" in history and "Det kan vara helt rätt!" in history
    organiser = login_as(chair, role="chair")
    home = organiser.get("/").get_data(as_text=True)
    assert 'data-testid="flagged-card"' in home and "1 pass att granska" in home
    review = organiser.get(f"/forening/{a['id']}/pass-att-granska").get_data(as_text=True)
    assert "Pia Pass" in review
    flagged = next(db.table("shifts").rows_where("quality_flag is not null"))
    assert client.post(f"/forening/{a['id']}/pass/{flagged['id']}/godkann").status_code == 403
    assert client.get(f"/forening/{a['id']}/pass-att-granska").status_code == 403
    organiser.post(f"/forening/{a['id']}/pass/{flagged['id']}/godkann")
    assert doors() == 72
    assert "flagged-card" not in organiser.get("/").get_data(as_text=True)
    assert 'data-testid="flagged"' not in client.get("/pass/historik").get_data(as_text=True)


def test_a_correction_is_judged_again(db, login_as, team):
    _, _, member = team
    client = login_as(member)
    shift_id = post_shift(client, member, doors_knocked=60, doors_opened=59)
    response = client.post(f"/pass/{shift_id}/andra", data={
        "doors_knocked": 60, "doors_opened": 19, "conversations": 4, "paper_signups": 0,
        "interested": 0})
    assert response.status_code == 302
    assert db.table("shifts").get(shift_id)["quality_flag"] is None


def test_a_chair_confirms_only_their_own_associations_shifts(db, login_as, team):
    a, chair, member = team
    other_chair = make_member(db, role="chair")
    shift_id = post_shift(login_as(member), member, doors_knocked=60, doors_opened=59)
    own = other_chair["association_id"]
    response = login_as(other_chair, role="chair").post(
        f"/forening/{own}/pass/{shift_id}/godkann")
    assert response.status_code == 404
    assert db.table("shifts").get(shift_id)["quality_confirmed_at"] is None
