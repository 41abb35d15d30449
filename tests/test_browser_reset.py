"""Reset links in a real browser: a municipal administrator cannot become the chair.

Only a chair reads the association's sign-ups (/forening/<id>/anmalningar). The
administrator resets every account of the association that the app lets them,
sets each password, logs in as each, tries every role each account holds and
tries resetting the chair again from there: the sign-ups stay out of reach.
"""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from recruiter import create_app, demo
from recruiter.db import close_thread_connections, get_db, init_db
from tests.browser_support import PHONE, TIMEOUT_MS, LiveServer, login, path_is
from tests.browser_support import browser  # noqa: F401 (fixture, run on this module's live_server)
from tests.conftest import FAST_ARGON2

pytestmark = pytest.mark.browser

NEW_PASSWORD = "ett-nytt-losen-2026"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path_factory.mktemp("reset") / "reset.db"),
        "SECRET_KEY": "test",
        "ARGON2_PARAMS": FAST_ARGON2,
        "RATELIMIT_ENABLED": False,  # one address logs in many times; limits have tests
        "SECOND_FACTOR_REQUIRED": False,  # so the chair rule alone must hold
    })
    with app.app_context():
        init_db()
        db = get_db()
        demo.seed(db)
        home = next(db.table("associations").rows_where("code = ?", [demo.HOME_ASSOCIATION]))
        chair_id = next(db.table("roles").rows_where(
            "role = 'chair' and unit_id = ?", [home["id"]]))["member_id"]
        accounts = {m["email"]: str(m["id"]) for m in db.table("members").rows_where(
            "association_id = ?", [home["id"]])}
    close_thread_connections()
    server = LiveServer(app).start()
    server.association_id, server.chair_id, server.accounts = home["id"], str(chair_id), accounts
    yield server
    server.stop()




@pytest.fixture
def new_page(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live_server.url, **PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def try_reset(page, server, member_id):
    """POST the reset form for an account as the logged-in page; the link, or None if refused."""
    token = page.locator('meta[name="csrf-token"]').get_attribute("content")
    response = page.request.post(
        f"/forening/{server.association_id}/medlem/{member_id}/aterstallning",
        form={"csrf_token": token})
    if response.status == 403:
        return None
    assert response.status == 200, response.status
    return re.search(r'value="([^"]+)" data-testid="link"', response.text()).group(1)


def use_link(page, link):
    page.goto(urlsplit(link).path)
    page.locator("input[name=password]").fill(NEW_PASSWORD)
    page.locator("input[name=repeat]").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()
    expect(page).to_have_url(path_is("/logga-in"))


def log_in_as(page, email):
    page.goto("/logga-in")
    page.get_by_label("E-post", exact=True).fill(email)
    page.get_by_label("Lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(path_is("/"))


def signups_status_in_every_role(page, server):
    """The status of the sign-ups page in each role the logged-in account holds."""
    statuses = []
    page.goto("/konto")
    role_ids = page.locator("select[name=role_id] option").evaluate_all(
        "options => options.map(o => o.value)")
    for role_id in role_ids or [None]:
        if role_id:
            token = page.locator('meta[name="csrf-token"]').get_attribute("content")
            page.request.post("/roll", form={"csrf_token": token, "role_id": role_id})
        response = page.goto(f"/forening/{server.association_id}/anmalningar")
        statuses.append(response.status)
    return statuses


def test_the_chair_has_no_reset_button_for_a_municipal_administrator(new_page, live_server):
    page = new_page()
    login(page, "kommun")
    page.goto(f"/forening/{live_server.association_id}/medlemmar")
    chair_row = page.get_by_test_id("members").locator("li", has_text="Olle Ordförande")
    expect(chair_row).to_contain_text("be kansliet")
    expect(chair_row.get_by_role("button", name=re.compile("^Lösenordslänk"))).to_have_count(0)
    assert page.goto(f"/forening/{live_server.association_id}/anmalningar").status == 403


def test_no_sequence_of_resets_and_logins_reaches_the_sign_ups(new_page, live_server):
    """Every account of the association, including those without a button, is tried."""
    admin = new_page()
    login(admin, "kommun")
    email_of = {member_id: email for email, member_id in live_server.accounts.items()}
    controlled, refused, frontier = set(), set(), [admin]
    while frontier:
        page = frontier.pop()
        page.goto("/konto")  # any page: it carries the CSRF token
        for member_id in email_of:
            if member_id in controlled:
                continue
            link = try_reset(page, live_server, member_id)
            if link is None:
                refused.add(member_id)
                continue
            account = new_page()
            use_link(account, link)
            log_in_as(account, email_of[member_id])
            controlled.add(member_id)
            refused.discard(member_id)
            assert set(signups_status_in_every_role(account, live_server)) == {403}, member_id
            frontier.append(account)

    assert live_server.chair_id in refused and live_server.chair_id not in controlled
    assert live_server.accounts[demo.demo_email("medlem")] in controlled
    for local in ("ordforande", "kommun", "distrikt", "kansli"):
        assert live_server.accounts[demo.demo_email(local)] not in controlled, local
