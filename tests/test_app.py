"""The app as a whole: CSRF, security headers, limits, errors and who may reach what."""
import re

from recruiter.db import connect
from tests.factories import PASSWORD, make_member


def test_post_without_csrf_token_is_400(csrf_app):
    db = connect(csrf_app.config["DATABASE"])
    member = make_member(db)
    db.close()
    client = csrf_app.test_client()
    response = client.post("/logga-in", data={"email": member["email"], "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_app.test_client().get("/konto").status_code == 302  # not logged in
    other = client.post("/sprak", data={"lang": "en"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert other.status_code == 400
    assert "Formuläret hann gå ut" in other.get_data(as_text=True)


def test_post_with_csrf_token_logs_in(csrf_app):
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


def test_party_logo_is_shown_when_configured(app, client):
    app.config.update(PARTY_NAME="Exempelpartiet", PARTY_LOGO="icons/icon.svg")
    page = client.get("/bli-medlem").get_data(as_text=True)
    assert re.search(r'<img src="/static/icons/icon.svg\?v=[0-9a-f]+" alt="">Exempelpartiet', page)


PUBLIC_ENDPOINTS = {"static", "auth.login", "auth.invitation", "auth.reset", "home.language",
                    "join.via_link", "join.plain", "join.thanks", "shifts.shell",
                    "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.health", "pwa.ready",
                    "join.privacy_notice", "join.withdraw", "join.withdraw_address",
                    "partners.invitation",
                    # The address or the signed answer is the secret (issue 14).
                    "calendar.feed", "reminders.answer", "guests.join",
                    "surveys.public", "surveys.thanks"}
