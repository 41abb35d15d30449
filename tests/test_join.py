import html
import re
import smtplib
from datetime import date, datetime, timedelta, timezone

import pytest
from freezegun import freeze_time
from werkzeug.datastructures import MultiDict

from recruiter import create_app, rollups
from recruiter import join as join_module
from recruiter.db import connect
from recruiter.limits import limiter
from recruiter.sessions import token_hash
from recruiter.signups import current_consent, record_signup
from tests.factories import (PASSWORD, login_with_token, make_association, make_campaign, make_link,
                             make_member, make_municipality, person, personal_link, signups,
                             withdrawal_token)

THIS_YEAR = date.today().year


def test_join_page_is_small_and_needs_no_javascript(client):
    response = client.get("/bli-medlem")
    body = response.get_data()
    assert response.status_code == 200
    css = client.get("/static/css/app.css")
    assert len(body) + len(css.get_data()) < 30_000
    css.close()
    assert b'<form method="post"' in body


def test_signup_via_link_is_recruited_by_its_member_and_campaign(client, db):
    recruiter = make_member(db, first_name="Rut", last_name="Hemligsson")
    campaign = make_campaign(db, name="Valrörelsen 2026")
    link = make_link(db, recruiter, campaign_id=campaign["id"])
    page = client.get(f"/j/{link['code']}").get_data(as_text=True)
    assert "Inbjuden av Rut." in page and "Hemligsson" not in page and recruiter["email"] not in page
    response = client.post(f"/j/{link['code']}", data=person())
    assert response.status_code == 302 and response.headers["Location"] == "/tack"
    [row] = signups(db)
    assert (row["source"], row["recruiter_id"], row["link_id"], row["campaign_id"]) == (
        "link", recruiter["id"], link["id"], campaign["id"])
    assert row["association_id"] == recruiter["association_id"]
    assert row["consent_id"] == 1 and row["consent_at"] and row["status"] == "registered"


def test_code_is_case_insensitive(client, db):
    link = personal_link(db, make_member(db))
    client.post(f"/j/{link['code'].lower()}", data=person())
    assert signups(db)[0]["link_id"] == link["id"]


def test_plain_join_page_is_own_initiative(client, db):
    assert client.post("/bli-medlem", data=person()).status_code == 302
    [row] = signups(db)
    assert (row["source"], row["recruiter_id"], row["link_id"]) == ("own_initiative", None, None)


def test_switched_off_link_still_takes_the_signup_as_own_initiative(login_as, client, db):
    recruiter = make_member(db)
    link = make_link(db, recruiter)
    login_as(recruiter).post(f"/lankar/{link['id']}/stang")
    page = client.get(f"/j/{link['code']}").get_data(as_text=True)
    assert "Inbjuden av" not in page and "Värvarkod" in page
    assert client.post(f"/j/{link['code']}", data=person()).status_code == 302
    assert signups(db)[0]["source"] == "own_initiative"
    assert signups(db)[0]["recruiter_id"] is None


def test_unknown_code_shows_the_plain_form(client, db):
    assert client.get("/j/NOSUCH22").status_code == 200
    client.post("/j/NOSUCH22", data=person())
    assert signups(db)[0]["source"] == "own_initiative"


def test_typed_recruiter_code_gives_the_same_attribution(client, db):
    recruiter = make_member(db)
    link = personal_link(db, recruiter)
    spaced = f"{link['code'][:4].lower()} {link['code'][4:]}"
    client.post("/bli-medlem", data=person(recruiter_code=spaced))
    [row] = signups(db)
    assert (row["source"], row["recruiter_id"], row["link_id"]) == ("link", recruiter["id"], link["id"])


def test_unknown_recruiter_code_keeps_input_and_stores_nothing(client, db):
    response = client.post("/bli-medlem", data=person(recruiter_code="WRONG123"))
    body = response.get_data(as_text=True)
    assert "Vi hittar ingen värvare med den koden" in body and "Nyman" in body
    assert signups(db) == []


def test_on_the_spot_is_recruited_by_the_logged_in_member(login_as, db):
    recruiter = make_member(db)
    client = login_as(recruiter)
    assert client.get("/varva/pa-plats").status_code == 200
    response = client.post("/varva/pa-plats", data=person())
    assert response.headers["Location"] == "/tack?igen=1"
    [row] = signups(db)
    assert (row["source"], row["recruiter_id"]) == ("on_the_spot", recruiter["id"])


def test_on_the_spot_needs_login(client):
    assert client.get("/varva/pa-plats").status_code == 302


def test_person_picks_another_association_of_the_municipality(client, db):
    municipality = make_municipality(db)
    home = make_association(db, municipality=municipality)
    other = make_association(db, municipality=municipality, name="S-föreningen Annan")
    elsewhere = make_association(db)
    link = personal_link(db, make_member(db, association=home))
    page = client.get(f"/j/{link['code']}").get_data(as_text=True)
    assert "S-föreningen Annan" in page
    client.post(f"/j/{link['code']}", data=person(association_id=other["id"]))
    client.post(f"/j/{link['code']}", data=person(email="b@example.org",
                                                   association_id=elsewhere["id"]))
    assert [r["association_id"] for r in signups(db)] == [other["id"], home["id"]]


def test_a_repeat_within_90_days_is_kept_as_a_possible_duplicate(client, db):
    first, second = make_member(db), make_member(db)
    client.post(f"/j/{personal_link(db, first)['code']}", data=person(phone="0701234567"))
    again = client.post(f"/j/{personal_link(db, second)['code']}",
                        data=person(email="", phone="+46 70 123 45 67", first_name="Nova"))
    assert again.headers["Location"] == "/tack"
    earlier, later = signups(db)
    assert (earlier["recruiter_id"], earlier["duplicate_of"]) == (first["id"], None)
    assert (later["recruiter_id"], later["first_name"]) == (second["id"], "Nova")
    assert later["duplicate_of"] == earlier["id"] and later["phone"] == "+46701234567"


def test_same_person_after_90_days_is_a_new_signup(client, db):
    with freeze_time(datetime.now(timezone.utc) - timedelta(days=91)):
        client.post("/bli-medlem", data=person())
    client.post("/bli-medlem", data=person())
    assert len(signups(db)) == 2
    assert [row["duplicate_of"] for row in signups(db)] == [None, None]


def test_double_tap_on_a_members_phone_stores_one_row(login_as, db):
    phone = login_as(make_member(db))
    page = phone.get("/varva/pa-plats").get_data(as_text=True)
    submission = re.search(r'name="submission_id" type="hidden" value="([0-9a-f]+)"', page)
    phone.post("/varva/pa-plats", data=person(submission_id=submission.group(1)))
    phone.post("/varva/pa-plats", data=person(submission_id=submission.group(1)))
    assert len(signups(db)) == 1


def test_a_key_sent_by_a_browser_to_a_public_page_is_not_used(client, login_as, db):
    member = make_member(db)
    login_as(member).post("/varva/pa-plats", data=person(submission_id="abc123"))
    stranger = client.application.test_client()
    stranger.post("/bli-medlem", data=person(first_name="Mallory", email="m@evil.example",
                                             submission_id="abc123"))
    stranger.post("/bli-medlem", data=person(
        first_name="Mallory", email="m@evil.example", submission_id=signups(db)[0]["submission_id"]))
    assert [row["first_name"] for row in signups(db)] == ["Nora", "Mallory"]


def test_the_same_details_sent_later_do_not_take_over_the_withdrawal_link(client, db):
    start = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    with freeze_time(start):
        client.post("/bli-medlem", data=person())
        own_token = withdrawal_token(client.get("/tack").get_data(as_text=True))
    someone = client.application.test_client()
    with freeze_time(start + timedelta(minutes=5)):
        someone.post("/bli-medlem", data=person())  # the same details, the same 10 minutes
        their_token = withdrawal_token(someone.get("/tack").get_data(as_text=True))
    someone.post(f"/angra/{their_token}")
    assert len(signups(db)) == 1 and signups(db)[0]["erased_at"] is None
    client.post(f"/angra/{own_token}")
    assert signups(db)[0]["erased_at"]


@pytest.mark.parametrize("later_minutes", [0, 1, 9])
def test_a_double_tap_or_resend_on_the_shared_page_stores_one_row(client, db, later_minutes):
    page = client.get("/bli-medlem").get_data(as_text=True)
    assert "submission_id" not in page and "csrf_token" not in page
    start = datetime(2026, 11, 28, 12, 9, 59, tzinfo=timezone.utc)  # just before a new bucket
    with freeze_time(start):
        first = client.post("/bli-medlem", data=person())
    with freeze_time(start + timedelta(minutes=later_minutes)):
        again = client.post("/bli-medlem", data=person())
    assert first.status_code == again.status_code == 302
    assert len(signups(db)) == 1
    # After a double tap the answer to the last tap is on screen: its withdrawal link works.
    # (A resend minutes later keeps the first answer's link; see the test after next.)
    client.post(f"/angra/{withdrawal_token(client.get('/tack').get_data(as_text=True))}")
    assert bool(signups(db)[0]["erased_at"]) == (later_minutes < 2)


def test_the_same_details_half_an_hour_later_are_a_possible_duplicate(client, db):
    start = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    with freeze_time(start):
        client.post("/bli-medlem", data=person())
    with freeze_time(start + timedelta(minutes=30)):
        client.post("/bli-medlem", data=person())
    first, second = signups(db)
    assert second["duplicate_of"] == first["id"]


def test_after_a_withdrawal_the_same_details_sign_up_again(client, db):
    client.post("/bli-medlem", data=person())
    client.post(f"/angra/{withdrawal_token(client.get('/tack').get_data(as_text=True))}")
    client.post("/bli-medlem", data=person())
    assert [row["erased_at"] is None for row in signups(db)] == [False, True]


def test_other_details_on_the_shared_page_are_another_signup(client, db):
    client.post("/bli-medlem", data=person())
    client.post("/bli-medlem", data=person(first_name="Nova", email="nova@example.org"))
    assert len(signups(db)) == 2


def test_a_replayed_duplicate_returns_the_row_it_created(client, db):
    client.post("/bli-medlem", data=person())
    earlier = signups(db)[0]
    fields = {k: earlier[k] for k in ("first_name", "last_name", "email", "phone",
                                      "birth_year", "postcode", "consent_id")}
    own = {"source": "own_initiative", "link_id": None, "recruiter_id": None,
           "campaign_id": None, "association_id": None}
    created = record_signup(db, {**fields, "submission_id": "tap"}, own)
    assert created != earlier["id"]
    assert record_signup(db, {**fields, "submission_id": "tap"}, own) == created
    assert [r["duplicate_of"] for r in signups(db)] == [None, earlier["id"]]


@pytest.mark.parametrize("field,value,message", [
    ("email", "", "Fyll i e-post eller mobilnummer"),
    ("birth_year", "1890", "födelseår"),
    ("birth_year", str(THIS_YEAR + 1), "födelseår"),
    ("birth_year", "19x0", "födelseår"),
    ("postcode", "1234", "postnumret"),
    ("postcode", "ABC DE", "postnumret"),
    ("email", "nora-at-example.org", "inte ut som en e-postadress"),
    ("phone", "070-12", "mobilnummer"),
    ("first_name", "N" * 101, "Högst 100 tecken"),
    ("first_name", "   ", "Fyll i ditt förnamn"),
    ("consent", "", "Kryssa i rutan"),
])
def test_bad_input_keeps_what_was_typed_and_stores_nothing(client, db, field, value, message):
    data = person(**{field: value})
    if field == "consent":
        del data["consent"]
    response = client.post("/bli-medlem", data=data)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in body
    for name in ("last_name", "postcode", "birth_year", field):
        if name != "consent" and data[name].strip():
            assert f'value="{data[name]}"' in body, name
    assert signups(db) == []


def test_phone_only_is_enough(client, db):
    client.post("/bli-medlem", data=person(email="", phone="070-123 45 67"))
    assert signups(db)[0]["phone"] == "+46701234567" and signups(db)[0]["email"] is None


def test_honeypot_stores_nothing_but_thanks_the_same(client, db):
    response = client.post("/bli-medlem", data=person(website="http://spam.example"))
    assert response.headers["Location"] == "/tack"
    assert "/angra/" in client.get("/tack").get_data(as_text=True)
    assert signups(db) == []


def test_thank_you_page_is_the_same_for_new_and_known_people(client, db):
    first = client.post("/bli-medlem", data=person(), follow_redirects=True)
    second = client.post("/bli-medlem", data=person(), follow_redirects=True)
    receipt = re.compile(r"/angra/[\w-]+")  # a fresh random link per page
    assert receipt.sub("", first.get_data(as_text=True)) == receipt.sub("", second.get_data(as_text=True))
    assert "avi" in first.get_data(as_text=True) and "/angra/" in second.get_data(as_text=True)


def test_postcode_places_own_initiative_in_its_municipality(client, db):
    municipality = make_municipality(db)
    db.table("postcode_areas").insert({"prefix": "211", "municipality_id": municipality["id"]})
    client.post("/bli-medlem", data=person(postcode="21145"))
    assert signups(db)[0]["municipality_id"] == municipality["id"]
    assert signups(db)[0]["postcode"] == "211 45"


def test_signup_stores_no_ip_or_user_agent(client, db):
    client.post("/bli-medlem", data=person(), environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert "203.0.113.9" not in str(signups(db)[0])


def test_rate_limit_keeps_the_typed_values(app, db, tmp_path):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{tmp_path}/limits.db"  # as in production

    limiter.init_app(app)
    limiter.reset()
    client = app.test_client()
    for n in range(20):
        client.post("/bli-medlem", data=person(email=f"p{n}@example.org"))
    response = client.post("/bli-medlem", data=person(email="late@example.org"))
    assert response.status_code == 429
    body = response.get_data(as_text=True)
    assert "Vänta en minut" in body and 'value="late@example.org"' in body
    assert len(signups(db)) == 20
    other = app.test_client()
    ok = other.post("/bli-medlem", data=person(email="x@example.org"),
                    environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert ok.status_code == 302
    limiter.reset()


def test_one_join_limit_per_address_for_every_join_page(app, db, tmp_path):
    app.config["RATELIMIT_ENABLED"] = True
    app.config["RATELIMIT_STORAGE_URI"] = f"sqlite:///{tmp_path}/limits.db"

    limiter.init_app(app)
    limiter.reset()
    client = app.test_client()
    link = personal_link(db, make_member(db))
    for n in range(20):
        assert client.post("/bli-medlem", data=person(email=f"s{n}@example.org")).status_code == 302
    response = client.post(f"/j/{link['code']}", data=person(email="via-link@example.org"))
    assert response.status_code == 429
    assert len(signups(db)) == 20
    other_code = personal_link(db, make_member(db))["code"]
    assert client.post(f"/j/{other_code}", data=person(email="x@example.org")).status_code == 429
    limiter.reset()


def test_expired_csrf_token_on_a_members_phone_keeps_the_typed_values(csrf_app):
    db = connect(csrf_app.config["DATABASE"])
    member = make_member(db)
    db.close()
    client = login_with_token(csrf_app, member)
    client.get("/varva/pa-plats")
    response = client.post("/varva/pa-plats", data=person(csrf_token="expired-or-forged"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sidan har varit öppen länge" in body and 'value="Nyman"' in body
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body).group(1)
    assert client.post("/varva/pa-plats", data=person(csrf_token=token)).status_code == 302
    db = connect(csrf_app.config["DATABASE"])
    assert db.table("signups").count == 1
    db.close()


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"}, {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example"}, {"Origin": "null"}])
def test_a_post_from_another_site_is_refused_and_keeps_the_typed_values(csrf_app, headers):
    client = csrf_app.test_client()
    response = client.post("/bli-medlem", data=person(), headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "annan webbplats" in body and 'value="Nyman"' in body
    db = connect(csrf_app.config["DATABASE"])
    assert db.table("signups").count == 0
    db.close()


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "same-origin"}, {"Origin": "http://localhost"}, {}])
def test_a_post_from_the_page_itself_needs_no_token(csrf_app, headers):
    client = csrf_app.test_client()
    assert "csrf_token" not in client.get("/bli-medlem").get_data(as_text=True)
    assert client.post("/bli-medlem", data=person(), headers=headers).status_code == 302
    db = connect(csrf_app.config["DATABASE"])
    assert db.table("signups").count == 1
    db.close()


def test_a_long_query_string_is_not_served_to_the_next_visitor(client, db):
    long = "/bli-medlem?" + "a" * 300
    client.get(long + "&poisoned=1")
    other = client.application.test_client().get(long + "&mine=1").get_data(as_text=True)
    assert "poisoned" not in other and "mine=1" in other


def test_the_public_join_page_is_rendered_once_and_follows_its_link(client, db, monkeypatch):
    link = personal_link(db, make_member(db))
    rendered = []
    real = join_module._render
    monkeypatch.setattr(join_module, "_render", lambda *a, **k: rendered.append(1) or real(*a, **k))
    first = client.get(f"/j/{link['code']}")
    second = client.get(f"/j/{link['code']}")
    assert first.get_data() == second.get_data() and len(rendered) == 1
    assert "Set-Cookie" not in first.headers
    db.table("links").update(link["id"], {"revoked_at": "2026-01-01T00:00:00+00:00"})
    assert "Inbjuden av" not in client.get(f"/j/{link['code']}").get_data(as_text=True)
    assert len(rendered) == 2


def test_forged_forwarded_for_does_not_dodge_the_rate_limit(app, db):
    app.config["RATELIMIT_ENABLED"] = True

    limiter.init_app(app)
    limiter.reset()
    client = app.test_client()
    statuses = [client.post("/bli-medlem", data=person(email=f"f{n}@example.org"),
                            headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code
                for n in range(21)]
    assert statuses[-1] == 429
    limiter.reset()


def test_with_one_proxy_the_forwarded_address_is_used(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "p.db"), "PROXIES": 1})

    @app.route("/_ip")
    def _ip():
        from flask import request
        return request.remote_addr

    response = app.test_client().get("/_ip", headers={"X-Forwarded-For": "198.51.100.1"})
    assert response.get_data(as_text=True) == "198.51.100.1"


def test_signup_for_an_association_belongs_to_its_municipality(client, db):
    recruiter = make_member(db)
    association = db.table("associations").get(recruiter["association_id"])
    client.post(f"/j/{personal_link(db, recruiter)['code']}", data=person(postcode="999 99"))
    assert signups(db)[0]["municipality_id"] == association["municipality_id"]


def test_own_initiative_joins_the_only_association_of_its_municipality(client, db):
    only = make_association(db)
    db.table("postcode_areas").insert({"prefix": "252", "municipality_id": only["municipality_id"]})
    crowded = make_municipality(db)
    make_association(db, municipality=crowded)
    make_association(db, municipality=crowded)
    db.table("postcode_areas").insert({"prefix": "411", "municipality_id": crowded["id"]})
    client.post("/bli-medlem", data=person(postcode="252 20"))
    client.post("/bli-medlem", data=person(email="b@example.org", postcode="411 01"))
    first, second = signups(db)
    assert (first["association_id"], first["source"]) == (only["id"], "own_initiative")
    assert (second["association_id"], second["municipality_id"]) == (None, crowded["id"])


def test_privacy_notice_is_linked_from_the_form_and_names_the_essentials(client, app):
    assert 'href="/integritet"' in client.get("/bli-medlem").get_data(as_text=True)
    page = client.get("/integritet").get_data(as_text=True)
    for words in (app.config["DPO_CONTACT"], "art. 9.2 a", "180 dagar", "IMY", "återkalla"):
        assert words in page


# SECURITY.md §7 A: the hand-written edge cases. Valid ones are stored exactly once,
# with the attribution of the page; invalid ones store nothing and keep the input.
VALID = [
    {"birth_year": "1900"}, {"birth_year": str(THIS_YEAR - 13)}, {"first_name": "N" * 100},
    {"first_name": "Åsa", "last_name": "Öberg-Ängström"}, {"first_name": "سارا"},
    {"first_name": "Kim 🙂"}, {"first_name": "<script>alert(1)</script>"},
    {"last_name": "' OR 1=1 --"}, {"last_name": '=HYPERLINK("http://x")'},
    {"postcode": "12345"}, {"postcode": "123 45"}, {"email": "åsa@exempel.se"},
    {"email": "", "phone": "+46701234567"}, {"email": "", "phone": "0701234567"},
    {"email": "", "phone": "070-123 45 67"}, {"email": "", "phone": "+14155550123"},
    {"birth_year": " 1985 "}, {"email": "NORA@EXAMPLE.ORG"},
]
INVALID = [
    {"birth_year": "1899"}, {"birth_year": str(THIS_YEAR - 12)}, {"birth_year": ""},
    {"birth_year": " "}, {"birth_year": "-1"}, {"birth_year": "9" * 20}, {"birth_year": "19.5"},
    {"last_name": "E" * 101}, {"last_name": ""}, {"last_name": "\t \n"},
    {"postcode": ""}, {"postcode": "12 345"}, {"postcode": "123456"},
    {"email": "a@"}, {"email": "@example.org"}, {"email": "a" * 250 + "@example.org"},
    {"email": "", "phone": ""}, {"email": "", "phone": "070abc"}, {"email": "", "phone": "+46 8 123 456"},
    {"consent": "off"}, {"recruiter_code": "X" * 21},
]


@pytest.mark.parametrize("changes", VALID)
def test_valid_edge_cases_are_stored_once(client, db, changes):
    assert client.post("/bli-medlem", data=person(**changes)).status_code == 302
    [row] = signups(db)
    for field in ("first_name", "last_name"):
        if field in changes:
            assert row[field] == changes[field].strip()
    assert row["source"] == "own_initiative"


@pytest.mark.parametrize("changes", INVALID)
def test_invalid_edge_cases_store_nothing(client, db, changes):
    data = person(**changes)
    if changes.get("consent") == "off":
        data["consent"] = ""
    response = client.post("/bli-medlem", data=data)
    assert response.status_code == 200
    assert "Något behöver rättas" in response.get_data(as_text=True)
    assert signups(db) == []


def test_script_in_a_name_is_escaped_for_the_chair(client, login_as, db):
    chair = make_member(db, role="chair")
    link = personal_link(db, chair)
    client.post(f"/j/{link['code']}", data=person(first_name="<script>alert(1)</script>"))
    page = login_as(chair, role="chair").get(
        f"/forening/{chair['association_id']}/anmalningar").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_duplicate_fields_take_the_first_value(client, db):
    data = MultiDict(list(person().items()) + [("first_name", "Andra")])
    client.post("/bli-medlem", data=data)
    assert signups(db)[0]["first_name"] == "Nora"


def test_the_thank_you_page_carries_a_link_that_withdraws_the_signup(client, db):
    response = client.post("/bli-medlem", data=person(first_name="Ångerfull"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    token = withdrawal_token(page)
    before = rollups.indicators(db, "nation", None, "0000", "9999")
    assert client.get(f"/angra/{token}").status_code == 200
    done = client.post(f"/angra/{token}")
    assert "Dina uppgifter är borttagna" in done.get_data(as_text=True)
    [row] = signups(db)
    assert (row["first_name"], row["email"], row["status"]) == ("", None, "cancelled")
    assert row["erased_at"]
    after = rollups.indicators(db, "nation", None, "0000", "9999")
    assert (after["signups"], after["recruited"]) == (before["signups"], before["recruited"])


def test_the_withdrawal_token_is_in_the_page_not_in_any_url(client, db):
    response = client.post("/bli-medlem", data=person())
    assert response.headers["Location"] == "/tack"
    page = client.get("/tack").get_data(as_text=True)
    token = withdrawal_token(page)
    assert token not in response.headers["Location"]
    stored = signups(db)[0]["withdraw_token_hash"]
    assert token_hash(token) == stored
    # Shown once: a reload (or someone later at the same browser) gets no link.
    assert "/angra/" not in client.get("/tack").get_data(as_text=True)
    with client.session_transaction() as session:
        assert "receipt" not in session


def address_link(mail):
    return re.search(r"^https?://\S+?(/angra/adress/\S+)", mail[2], re.M).group(1)


def test_a_pre_registration_in_someones_name_is_withdrawn_through_their_mailbox(
        client, db, outbox):
    recruiter = make_member(db)
    # Someone else pre-registers Nora's address under a made-up name.
    client.post(f"/j/{personal_link(db, recruiter)['code']}",
                data=person(first_name="Påhittad", phone="0701234567"))
    client.post("/bli-medlem", data=person(email="annan@example.org", phone="0701234567"))
    own = client.application.test_client()
    own.post("/bli-medlem", data=person(first_name="Nora"))
    token = withdrawal_token(own.get("/tack").get_data(as_text=True))
    with own.post(f"/angra/{token}") as answer:  # the mail goes once the answer is sent
        known = answer.get_data(as_text=True)
    unknown = own.post("/angra/not-a-real-token").get_data(as_text=True)
    assert known == unknown
    pre, other, nora = signups(db)
    assert nora["erased_at"] and nora["status"] == "cancelled"
    assert pre["erased_at"] is None  # not yet: the link alone proves no address
    [mail] = outbox
    assert mail[0] == "nora@example.org" and "nora@example.org" not in address_link(mail)
    assert "1 anmälan till" in own.get(address_link(mail)).get_data(as_text=True)
    own.post(address_link(mail))
    pre, other, nora = signups(db)
    assert (pre["erased_at"] is not None, pre["email"], pre["status"]) == (
        True, None, "cancelled")
    # The row that only shares the pre-registration's phone stays.
    assert other["erased_at"] is None and other["email"] == "annan@example.org"


def test_typing_someone_elses_address_cannot_withdraw_their_signup(client, db, outbox):
    client.post("/bli-medlem", data=person(first_name="Nora"))
    attacker = client.application.test_client()
    attacker.post("/bli-medlem", data=person(first_name="Nora", phone="0701234567"))
    token = withdrawal_token(attacker.get("/tack").get_data(as_text=True))
    attacker.post(f"/angra/{token}").close()  # the mail goes once the answer is sent
    real, fake = signups(db)
    assert (real["erased_at"], real["status"], real["email"]) == (
        None, "registered", "nora@example.org")
    assert fake["erased_at"]
    # The confirmation goes to the address's owner, not to whoever withdrew.
    assert [to for to, *_ in outbox] == ["nora@example.org"]


def test_the_confirmation_mail_waits_until_the_answer_is_sent(client, db, outbox, monkeypatch):
    """Sending it inside the request would make a known address answer slower."""
    client.post("/bli-medlem", data=person())
    other = client.application.test_client()
    other.post("/bli-medlem", data=person(first_name="Nora", last_name="Annan"))
    token = withdrawal_token(other.get("/tack").get_data(as_text=True))
    answer = other.post(f"/angra/{token}")
    unknown = other.post("/angra/not-a-real-token")
    assert outbox == [] and answer.get_data() == unknown.get_data()
    answer.close()
    assert [to for to, *_ in outbox] == ["nora@example.org"]


def test_a_mail_server_that_fails_changes_nothing_on_screen(client, db, monkeypatch):
    def failing(*args):
        raise smtplib.SMTPServerDisconnected("down")

    monkeypatch.setattr("recruiter.mail.send_link", failing)
    client.post("/bli-medlem", data=person())
    other = client.application.test_client()
    other.post("/bli-medlem", data=person(first_name="Nora", last_name="Annan"))
    token = withdrawal_token(other.get("/tack").get_data(as_text=True))
    with other.post(f"/angra/{token}") as answer:
        assert answer.status_code == 200 and "Klart" in answer.get_data(as_text=True)
    assert signups(db)[1]["erased_at"] and signups(db)[0]["erased_at"] is None


def test_a_forged_or_old_address_link_withdraws_nothing(client, db, outbox):
    client.post("/bli-medlem", data=person())
    other = client.application.test_client()
    other.post("/bli-medlem", data=person(first_name="Nora", last_name="Annan"))
    token = withdrawal_token(other.get("/tack").get_data(as_text=True))
    other.post(f"/angra/{token}").close()  # the mail goes once the answer is sent
    link = address_link(outbox[0])
    forged = link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb")
    assert other.post(forged).status_code == 404
    with freeze_time(datetime.now(timezone.utc) + timedelta(days=8)):
        assert other.post(link).status_code == 404
    assert signups(db)[0]["erased_at"] is None


def test_on_the_spot_thanks_shows_no_withdrawal_link(login_as, db):
    client = login_as(make_member(db))
    response = client.post("/varva/pa-plats", data=person())
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "/angra/" not in page


# Issue 18.1: handed-over mode for "Värva på plats".
MEMBER_PAGES = ["/", "/varva", "/konto", "/pass", "/pass/historik", "/topplista/",
                "/konto/enheter", "/bli-medlem"]


def handed_over(login_as, db, **member):
    recruiter = make_member(db, first_name="Mona", last_name="Medlemsson", **member)
    client = login_as(recruiter)
    page = client.get("/varva/pa-plats").get_data(as_text=True)
    return recruiter, client, page


def member_hrefs(page):
    allowed = ("/varva/pa-plats", "/integritet", "/static/", "/manifest.webmanifest", "#main")
    return [h for h in re.findall(r'href="([^"]+)"', page) if not h.startswith(allowed)]


def test_handed_over_form_shows_nothing_of_the_members(login_as, db):
    recruiter, client, page = handed_over(login_as, db)
    assert 'class="tabs"' not in page and 'data-testid="viewing"' not in page
    assert "Mona" not in page and "Medlemsson" not in page and recruiter["email"] not in page
    assert member_hrefs(page) == []
    assert 'href="/varva/pa-plats/tillbaka"' in page


@pytest.mark.parametrize("url", MEMBER_PAGES)
def test_handed_over_member_pages_lead_back_to_the_form(login_as, db, url):
    _recruiter, client, _page = handed_over(login_as, db)
    response = client.get(url)
    assert response.status_code == 302 and response.headers["Location"] == "/varva/pa-plats"


def test_handed_over_member_apis_answer_423_and_posts_change_nothing(login_as, db):
    recruiter, client, _page = handed_over(login_as, db)
    assert client.get("/api/companions").status_code == 423
    assert client.get("/api/me").status_code == 423
    client.post("/leaderboard/synlighet", data={"leaderboard_name": "full"})
    client.post("/topplista/synlighet", data={"leaderboard_name": "full"})
    assert db.table("members").get(recruiter["id"])["leaderboard_name"] == "initial"


def test_handed_over_thank_you_speaks_to_the_new_member(login_as, db):
    recruiter, client, _page = handed_over(login_as, db)
    response = client.post("/varva/pa-plats", data=person(first_name="Nyfiken"))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tack för din anmälan" in page and "Anmäl en person till" not in page
    assert "Mona" not in page and 'class="tabs"' not in page and "/angra/" not in page
    assert member_hrefs(page) == []
    assert 'href="/varva/pa-plats/tillbaka"' in page
    privacy = client.get("/integritet").get_data(as_text=True)
    assert 'class="tabs"' not in privacy and member_hrefs(privacy) == []


def test_the_members_password_gives_the_phone_back(login_as, db):
    _recruiter, client, _page = handed_over(login_as, db)
    wrong = client.post("/varva/pa-plats/tillbaka", data={"password": "gissning"})
    assert wrong.status_code == 200 and "Fel lösenord" in wrong.get_data(as_text=True)
    assert client.get("/varva").status_code == 302
    right = client.post("/varva/pa-plats/tillbaka", data={"password": PASSWORD})
    assert right.headers["Location"] == "/varva"
    assert client.get("/varva").status_code == 200
    again = client.get("/varva/pa-plats").get_data(as_text=True)
    assert 'class="tabs"' not in again  # the next person gets a handed-over phone too


def test_five_wrong_passwords_log_the_phone_out(login_as, db):
    _recruiter, client, _page = handed_over(login_as, db)
    for _ in range(4):
        client.post("/varva/pa-plats/tillbaka", data={"password": "gissning"})
    last = client.post("/varva/pa-plats/tillbaka", data={"password": "gissning"})
    assert last.headers["Location"] == "/logga-in"
    assert client.get("/varva").headers["Location"].startswith("/logga-in")
    assert db.table("sessions").count_where("revoked_at is null") == 0
    assert db.table("audit_log").count_where("outcome = 'handover_failures'") == 1


def test_join_form_has_a_short_consent_label_and_the_full_text_one_tap_away(app, client, db):


    app.config.update(PARTY_NAME="Exempelpartiet")
    page = html.unescape(client.get("/bli-medlem").get_data(as_text=True))
    label = re.search(r'<label for="consent">([^<]*)</label>', page).group(1)
    assert "Exempelpartiet" in label and len(label) <= 110
    body = current_consent(db)["body"]
    details = page.split('<details class="consent-text">')[1].split("</details>")[0]
    assert "<summary>" in details and body in details
    assert 'aria-describedby="consent-text"' in page
