import re

from tests.factories import leaderboard_table, make_member, row_names


def test_board_shows_chosen_names_and_own_row(login_as, db, world):
    html = leaderboard_table(login_as(world["dan"]))
    assert row_names(html) == ["Anna E.", "Bo A.", "En medlem", "Du"]
    assert "Cia" not in html and "Dold" not in html
    assert re.search(r'<tr class="me" aria-current="true">\s*<td>4</td>', html)


def test_hidden_member_is_counted_in_the_totals(login_as, db, world):
    page = login_as(world["dan"]).get("/topplista/?period=all").get_data(as_text=True)
    assert "8 nya anmälningar" in page and "7 värvade" in page  # all time: two more of Anna's


def test_member_of_another_association_never_appears(login_as, db, world):
    assert "Eve" not in leaderboard_table(login_as(world["dan"]))
    assert "Anna" not in leaderboard_table(login_as(world["eve"]))


def test_member_chooses_full_name(login_as, db, world):
    response = login_as(world["anna"]).post("/topplista/synlighet", data={"leaderboard_name": "full"})
    assert response.status_code == 302
    assert "Anna Ek" in leaderboard_table(login_as(world["dan"]))


def test_unknown_visibility_choice_is_refused(login_as, db, world):
    login_as(world["anna"]).post("/topplista/synlighet", data={"leaderboard_name": "everyone"})
    assert db.table("members").get(world["anna"]["id"])["leaderboard_name"] == "initial"


def test_first_recruit_is_recognised(login_as, db, world):
    html = leaderboard_table(login_as(world["dan"]))
    assert html.count("Första värvningen!") == 3  # Anna, Bo and Cia, all time


def test_account_without_association_has_no_board(login_as, db):
    admin = make_member(db, association=None, role="national_admin")
    page = login_as(admin).get("/topplista/").get_data(as_text=True)
    assert "hör inte till någon förening" in page


def test_members_see_the_associations_of_their_municipality_without_names(login_as, db, world):
    page = login_as(world["dan"]).get("/topplista/?period=all").get_data(as_text=True)
    table = page.split('data-testid="neighbours"')[1].split("</table>")[0]
    assert world["a"]["name"] in table and world["b"]["name"] in table
    assert world["c"]["name"] not in table  # another municipality
    assert "Eve" not in table and "Anna" not in table
