import re

import pytest

from recruiter import create_app
from recruiter.db import close_thread_connections, init_db
from tests.conftest import FAST_ARGON2
from tests.factories import PASSWORD, make_association, make_member


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


def login_with_token(app, member):
    """A client logged in through a session row, on an app with CSRF switched on."""
    from recruiter import accounts
    from recruiter.db import connect
    from recruiter.sessions import start_session

    db = connect(app.config["DATABASE"])
    role = accounts.member_roles(db, member["id"])[0]
    with app.test_request_context():
        token = start_session(db, member["id"], role["id"], False)
    db.close()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = token
    client.member_id = member["id"]
    return client


def test_post_without_csrf_token_is_400(csrf_app):
    from recruiter.db import connect

    db = connect(csrf_app.config["DATABASE"])
    member = make_member(db)
    db.close()
    client = csrf_app.test_client()
    response = client.post("/logga-in", data={"email": member["email"], "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_app.test_client().get("/konto").status_code == 302  # not logged in
    other = client.post("/sprak", data={"lang": "en"})
    assert other.status_code == 400
    assert "Formuläret hann gå ut" in other.get_data(as_text=True)


def test_post_with_csrf_token_logs_in(csrf_app):
    import re

    from recruiter.db import connect

    db = connect(csrf_app.config["DATABASE"])
    member = make_member(db)
    db.close()
    client = csrf_app.test_client()
    page = client.get("/logga-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/logga-in", data={"email": member["email"], "password": PASSWORD,
                                              "csrf_token": token})
    assert response.status_code == 302


def test_security_headers_on_pages(client):
    response = client.get("/logga-in")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_oversized_post_is_refused(client):
    response = client.post("/logga-in", data={"email": "x" * 70_000, "password": "y"})
    assert response.status_code == 413


def test_unknown_page_is_a_swedish_404(client):
    response = client.get("/finns-inte")
    assert response.status_code == 404 and "Sidan finns inte" in response.get_data(as_text=True)


PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.invitation", "auth.reset", "home.language",
                    "join.via_link", "join.plain", "join.thanks", "shifts.shell",
                    "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.health", "pwa.ready",
                    "join.privacy_notice", "join.withdraw", "surveys.public",
                    "surveys.thanks"}


def test_every_other_route_requires_login(app, client):
    """A new route fails here until it is classified as public or protected."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = rule.build({arg: 1 for arg in rule.arguments} | (
            {"level": "district"} if "level" in rule.arguments else {}) | (
            {"action": "aktivera"} if "action" in rule.arguments else {}))[1]
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 302, (rule, response.status_code)
        assert response.headers["Location"].startswith("/logga-in")


def test_english_catalogue_is_complete():
    from pathlib import Path

    from babel.messages.pofile import read_po

    path = Path(__file__).parent.parent / "recruiter/translations/en/LC_MESSAGES/messages.po"
    with path.open("rb") as f:
        catalogue = read_po(f)
    missing = [m.id for m in catalogue if m.id and (
        "fuzzy" in m.flags or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
    assert missing == []


def test_language_switch_after_a_post_goes_to_a_page_that_answers_get(login_as, db):
    chair = make_member(db, role="chair")
    client = login_as(chair, role="chair")
    page = client.post(f"/forening/{chair['association_id']}/inbjudan",
                       data={"max_uses": 1}).get_data(as_text=True)
    assert '<input type="hidden" name="next" value="">' in page
    response = client.post("/sprak", data={"lang": "en", "next": ""})
    assert client.get(response.headers["Location"]).status_code == 200


def test_service_worker_is_served_from_the_root_uncached(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.mimetype == "text/javascript"
        body = response.get_data(as_text=True)
    assert "__VERSION__" not in body and 'const CACHE = "varva-' in body


def test_manifest_is_valid_json_with_what_chrome_needs(client):
    import json

    with client.get("/manifest.webmanifest") as response:
        manifest = json.loads(response.get_data(as_text=True))
        assert response.mimetype == "application/manifest+json"
    for key in ("name", "short_name", "start_url", "display", "icons", "theme_color"):
        assert manifest[key]
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"


def test_ids_past_64_bits_are_404_not_500(login_as, db):
    client = login_as(make_member(db))
    for url in ("/pass/99999999999999999999/andra", "/forening/99999999999999999999/team",
                "/topplista/?period=campaign-99999999999999999999"):
        assert client.get(url).status_code in (200, 404), url


def test_expired_login_form_comes_back_with_the_email_kept(csrf_app):
    client = csrf_app.test_client()
    response = client.post("/logga-in", data={"email": "kim@example.org", "password": "x",
                                              "csrf_token": "expired"})
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="kim@example.org"' in body and "Skriv lösenordet igen" in body
    assert 'name="csrf_token" value="' in body  # a fresh token to send again with


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/logga-in").headers
    secure = client.get("/logga-in", base_url="https://127.0.0.1")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


# --- the start page (issue 18.4, 18.5) ------------------------------------------------

def _days_ago(days):
    from datetime import datetime, timedelta, timezone

    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def test_chair_start_page_counts_the_new_sign_ups_and_links_to_them(login_as, db):
    from tests.factories import make_signup

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

PUBLIC_PAGES = ["/logga-in", "/bli-medlem", "/tack?kvitto=abc", "/angra/abc", "/integritet",
                "/inbjudan/abc", "/aterstall/abc"]
MEMBER_APP = ("js/app.js", "js/outbox.js", "manifest.webmanifest")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_load_no_member_script_and_show_the_party(app, client, path):
    app.config.update(PARTY_NAME="Exempelpartiet")
    page = client.get(path).get_data(as_text=True)
    assert [name for name in MEMBER_APP if name in page] == []
    assert "<script" not in page
    assert 'data-testid="party">Exempelpartiet<' in page


def test_member_pages_still_install_the_app(login_as, db):
    page = login_as(make_member(db)).get("/").get_data(as_text=True)
    assert all(name in page for name in MEMBER_APP)


def test_party_logo_is_shown_when_configured(app, client):
    app.config.update(PARTY_NAME="Exempelpartiet", PARTY_LOGO="icons/icon.svg")
    page = client.get("/bli-medlem").get_data(as_text=True)
    assert re.search(r'<img src="/static/icons/icon.svg\?v=[0-9a-f]+" alt="">Exempelpartiet', page)


def test_join_form_has_a_short_consent_label_and_the_full_text_one_tap_away(app, client, db):
    import html
    import re

    from recruiter.signups import current_consent

    app.config.update(PARTY_NAME="Exempelpartiet")
    page = html.unescape(client.get("/bli-medlem").get_data(as_text=True))
    label = re.search(r'<label for="consent">([^<]*)</label>', page).group(1)
    assert "Exempelpartiet" in label and len(label) <= 110
    body = current_consent(db)["body"]
    details = page.split('<details class="consent-text">')[1].split("</details>")[0]
    assert "<summary>" in details and body in details
    assert 'aria-describedby="consent-text"' in page
