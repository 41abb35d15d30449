import csv
import io

from recruiter import rollups
from tests.factories import make_member, make_signup, person


def admin(db, role, unit):
    return make_member(db, association=None, role=role, unit=unit)


def test_chair_sees_team_view_with_chart_and_table(login_as, db, world):
    chair = make_member(db, association=world["a"], role="chair")
    page = login_as(chair, role="chair").get(
        f"/forening/{world['a']['id']}/team?period=all").get_data(as_text=True)
    assert "Bo Al" in page and "Cia Dold" in page
    assert '<svg class="chart"' in page and 'data-testid="trend-table"' in page
    assert "ny1@example.org" not in page and "@example.org" not in page


def test_team_view_is_for_chairs_of_that_association(login_as, db, world):
    url = f"/forening/{world['a']['id']}/team"
    assert login_as(world["anna"]).get(url).status_code == 403
    other_chair = make_member(db, association=world["b"], role="chair")
    assert login_as(other_chair, role="chair").get(url).status_code == 403
    assert login_as(other_chair, role="chair").get(url + ".csv").status_code == 403


def test_team_csv_has_no_contact_data_and_no_formulas(login_as, db, world):
    db.table("members").update(world["dan"]["id"], {"first_name": '=HYPERLINK("http://x")'})
    chair = make_member(db, association=world["a"], role="chair")
    response = login_as(chair, role="chair").get(f"/forening/{world['a']['id']}/team.csv?period=all")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Förnamn", "Efternamn", "Pass"]
    assert ["Bo", "Al", "0", "0", "0", "2", "2"] in rows
    assert any(r[0] == "'=HYPERLINK(\"http://x\")" for r in rows)
    assert "@" not in text


def test_municipal_admin_sees_only_own_municipality(login_as, db, world):
    client = login_as(admin(db, "municipal_admin", world["m1"]))
    assert client.get(f"/oversikt/municipality/{world['m1']['id']}").status_code == 200
    assert client.get(f"/oversikt/municipality/{world['m2']['id']}").status_code == 403
    assert client.get(f"/api/indicators/municipality/{world['m2']['id']}").status_code == 403
    assert client.get(f"/oversikt/district/{world['d1']['id']}").status_code == 403
    assert client.get("/oversikt/nation/0").status_code == 403


def test_json_gives_the_same_numbers_as_the_page(login_as, db, world):
    client = login_as(admin(db, "municipal_admin", world["m1"]))
    data = client.get(f"/api/indicators/municipality/{world['m1']['id']}?period=all").json
    # All time: the March–April set plus Anna's two just outside it.
    assert (data["indicators"]["signups"], data["indicators"]["recruited"]) == (11, 10)
    assert data["by_source"] == {"link": 10, "own_initiative": 1}
    page = client.get(f"/oversikt/municipality/{world['m1']['id']}?period=all").get_data(as_text=True)
    indicators = page.split('data-testid="indicators"')[1].split("</dl>")[0]
    assert "<dd>11</dd>" in indicators
    share = page.split('<label for="overview-share">')[1].split("</label>")[0]
    assert "<strong>91 %</strong>" in share
    assert page.count("Andel värvade under perioden") == 1  # one place, one meaning


def test_district_admin_drills_down_within_the_district(login_as, db, world):
    client = login_as(admin(db, "district_admin", world["d1"]))
    page = client.get(f"/oversikt/district/{world['d1']['id']}?period=all").get_data(as_text=True)
    assert f"/oversikt/municipality/{world['m1']['id']}" in page
    assert client.get(f"/oversikt/municipality/{world['m1']['id']}").status_code == 200
    assert client.get(f"/forening/{world['a']['id']}/team").status_code == 200
    assert client.get(f"/oversikt/municipality/{world['m2']['id']}").status_code == 403
    assert client.get(f"/oversikt/district/{world['d2']['id']}").status_code == 403


def test_national_view_shows_the_yearly_goals(login_as, db, world):
    client = login_as(admin(db, "national_admin", None))
    assert client.get("/oversikt").headers["Location"] == "/oversikt/nation/0"
    page = client.get("/oversikt/nation/0?period=all").get_data(as_text=True)
    assert "av 10 000" in page and "Målgruppen 17–30 år" in page
    assert "inga registeruppgifter ännu" in page


def test_overview_sorts_units(login_as, db, world):
    client = login_as(admin(db, "national_admin", None))
    page = client.get("/oversikt/nation/0?period=all&sort=signups").get_data(as_text=True)
    table = page.split('data-testid="children"')[1]
    assert table.index(world["d1"]["name"]) < table.index(world["d2"]["name"])
    page = client.get("/oversikt/nation/0?period=all&sort=share").get_data(as_text=True)
    table = page.split('data-testid="children"')[1]
    assert table.index(world["d1"]["name"]) < table.index(world["d2"]["name"])


def test_members_cannot_reach_overviews(login_as, db, world):
    client = login_as(world["anna"])
    assert client.get("/oversikt").status_code == 403
    assert client.get(f"/api/indicators/association/{world['a']['id']}").status_code == 403


def test_rollups_are_cached_until_any_write_to_signups(app, login_as, db, world, monkeypatch):
    app.config["ROLLUP_CACHE_SECONDS"] = 300
    client = login_as(admin(db, "national_admin", None))
    counted = []
    real = rollups.indicators
    monkeypatch.setattr(rollups, "indicators", lambda *a: counted.append(a) or real(*a))

    def count():
        return client.get("/api/indicators/nation/0?period=all").json["indicators"]["signups"]

    before = count()
    assert count() == before and len(counted) == 1  # the second answer came from the cache
    make_signup(db, association=world["c"])  # written by another process: seen at once
    assert count() == before + 1
    assert app.test_client().post("/bli-medlem", data=person()).status_code == 302
    assert count() == before + 2 and len(counted) == 3


def test_indicator_labels_say_plain_words_first_and_the_number_as_a_reference(login_as, db, world):
    client = login_as(admin(db, "municipal_admin", world["m1"]))
    page = client.get(f"/oversikt/municipality/{world['m1']['id']}").get_data(as_text=True)
    for words, number in (("Nya anmälningar", 1), ("Varav under 45 år", 2), ("Avier skickade", 8)):
        assert f'<dt>{words} <span class="ref">indikator {number}</span></dt>' in page
    assert "(1)" not in page and "(5)" not in page and "(8)" not in page
