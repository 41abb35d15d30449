from datetime import datetime, timedelta, timezone


from tests.factories import make_association, make_member, make_signup


def test_every_page_says_whose_data_is_shown(login_as, db):
    association = make_association(db, name="S-föreningen Väster")
    municipality = db.table("municipalities").get(association["municipality_id"])
    member = make_member(db, association=association)
    page = login_as(member).get("/").get_data(as_text=True)
    assert f"Du ser: <strong>S-föreningen Väster, {municipality['name']}</strong>" in page


def test_national_admin_sees_the_whole_party(login_as, db):
    admin = make_member(db, association=None, role="national_admin")
    assert "Du ser: <strong>Hela partiet</strong>" in login_as(admin).get("/").get_data(as_text=True)


def test_language_switch_to_english_and_back(client, db):
    page = client.get("/logga-in").get_data(as_text=True)
    assert '<html lang="sv">' in page and "Logga in" in page
    response = client.post("/sprak", data={"lang": "en", "next": "/logga-in"})
    assert response.headers["Location"] == "/logga-in"
    page = client.get("/logga-in").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page
    client.post("/sprak", data={"lang": "sv", "next": "/logga-in"})
    assert '<html lang="sv">' in client.get("/logga-in").get_data(as_text=True)


def test_language_switch_ignores_unknown_language_and_foreign_next(client):
    response = client.post("/sprak", data={"lang": "xx", "next": "//evil.example"})
    assert response.headers["Location"] == "/"
    assert '<html lang="sv">' in client.get("/logga-in").get_data(as_text=True)


def test_language_switch_after_a_post_goes_to_a_page_that_answers_get(login_as, db):
    chair = make_member(db, role="chair")
    client = login_as(chair, role="chair")
    page = client.post(f"/forening/{chair['association_id']}/inbjudan",
                       data={"max_uses": 1}).get_data(as_text=True)
    assert '<input type="hidden" name="next" value="">' in page
    response = client.post("/sprak", data={"lang": "en", "next": ""})
    assert client.get(response.headers["Location"]).status_code == 200


# --- the start page (issue 18.4, 18.5) ------------------------------------------------

def _days_ago(days):
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def test_chair_start_page_counts_the_new_sign_ups_and_links_to_them(login_as, db):
    chair = make_member(db, role="chair")
    association = db.table("associations").get(chair["association_id"])
    for days in (0, 3, 13):
        make_signup(db, association=association, created_at=_days_ago(days))
    make_signup(db, association=association, created_at=_days_ago(15))  # not new any more
    make_signup(db, association=association, erased_at=_days_ago(0))  # withdrawn
    make_signup(db, association=make_association(db))  # another association
    page = login_as(chair, role="chair").get("/").get_data(as_text=True)
    card = page.split('data-testid="new-signups"')[1].split("</a>")[0]
    assert f'href="/forening/{association["id"]}/anmalningar"' in card
    assert "3 nya anmälningar" in card and "Senaste 14 dagarna" in card


def test_member_start_page_has_no_sign_up_card(login_as, db):
    page = login_as(make_member(db)).get("/").get_data(as_text=True)
    assert 'data-testid="new-signups"' not in page


def test_start_page_promises_a_role_switch_only_to_those_with_several_roles(login_as, db):
    member = make_member(db)
    assert "Byt roll" not in login_as(member).get("/").get_data(as_text=True)
    chair = make_member(db, role="chair")
    assert "Byt roll" in login_as(chair, role="chair").get("/").get_data(as_text=True)


# --- public pages: the party's name, no member app (issue 18.3, 18.8) -------------------
