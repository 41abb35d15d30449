"""Issue 18.1 in a real browser: "Värva på plats" hands the member's phone to a
stranger. From the on-the-spot form no link, no typed address and no back
gesture reaches a member page until the member gives their password; the
thank-you screen speaks to the new member and shows nothing of the member's.
"""
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter import create_app, demo
from recruiter.db import close_thread_connections, get_db, init_db
from recruiter.signups import recruits_of
from tests.browser_support import (CHROMIUM_MISSING, MIN_TAP, NARROW, PHONE, TIMEOUT_MS, LiveServer,
                                   chromium_path, horizontal_overflow, login, path_is, tap_targets)
from tests.browser_support import browser  # noqa: F401 (fixture, run on this module's live_server)
from tests.conftest import FAST_ARGON2

pytestmark = pytest.mark.browser

ON_THE_SPOT = "/varva/pa-plats"
GIVE_BACK = "/varva/pa-plats/tillbaka"
# What a stranger holding the phone may open; everything else is the member's.
STRANGERS_PAGES = {ON_THE_SPOT, GIVE_BACK, "/tack", "/integritet"}
MEMBER_PAGES = ["/", "/varva", "/konto", "/konto/enheter", "/pass", "/pass/historik",
                "/topplista/", "/oversikt", "/bli-medlem", "/logga-in"]
axe = Axe()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app with the demo organisation, served on a free local port."""
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path_factory.mktemp("handover") / "handover.db"),
        "SECRET_KEY": "test",
        "ARGON2_PARAMS": FAST_ARGON2,
        "RATELIMIT_ENABLED": False,
        "SECOND_FACTOR_REQUIRED": False,
    })
    with app.app_context():
        init_db()
        db = get_db()
        demo.seed(db)
        maja = next(db.table("members").rows_where("email = ?", [demo.demo_email("medlem")]))
        recruits = {r["first_name"] for r in recruits_of(db, maja["id"]) if r["first_name"]}
    close_thread_connections()
    server = LiveServer(app).start()
    server.member = maja
    server.recruits = recruits
    yield server
    server.stop()




@pytest.fixture
def handed_over(browser, live_server):
    """Maja logs in, opens "Värva" and taps "Värva på plats": the phone is handed over."""
    contexts = []

    def hand_over(javascript=True):
        context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript,
                                      **PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        login(page, "medlem")
        page.goto("/varva")
        page.get_by_role("link", name="Värva på plats").click()
        expect(page).to_have_url(path_is(ON_THE_SPOT))
        return page

    yield hand_over
    for context in contexts:
        context.close()


def assert_nothing_of_the_members(page, server):
    """No menu, no "Du ser", no member link, no name or recruit of the member's."""
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_test_id("viewing")).to_have_count(0)
    text = page.locator("body").inner_text()
    for secret in (server.member["first_name"], server.member["last_name"],
                   server.member["email"], *server.recruits):
        assert not re.search(rf"\b{re.escape(secret)}\b", text), f"{secret!r} on {page.url}"
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        path = urlsplit(href).path
        assert path in STRANGERS_PAGES or href.endswith("#main"), f"{page.url} links to {href}"


def assert_clean(page):
    """axe-core finds nothing; nothing sticks out at 360 px; targets are 44 px."""
    results = axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n" + results.generate_report()
    page.set_viewport_size(NARROW)
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["width"] < MIN_TAP or t["height"] < MIN_TAP]
    assert not small, f"{page.url}: small tap targets {small}"
    page.set_viewport_size(PHONE["viewport"])


def test_chromium_is_installed():
    if chromium_path() is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)


def test_the_handed_over_form_shows_nothing_of_the_members(handed_over, live_server):
    page = handed_over()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bli medlem")
    assert_nothing_of_the_members(page, live_server)
    assert_clean(page)


def test_no_link_or_address_reaches_a_member_page(handed_over, live_server):
    page = handed_over()
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        page.goto(href)
        assert urlsplit(page.url).path in STRANGERS_PAGES, f"{href} led to {page.url}"
        assert_nothing_of_the_members(page, live_server)
        page.goto(ON_THE_SPOT)
    for path in MEMBER_PAGES:
        page.goto(path)
        expect(page).to_have_url(path_is(ON_THE_SPOT))
        assert_nothing_of_the_members(page, live_server)


def test_the_back_gesture_does_not_return_to_the_members_pages(handed_over, live_server):
    page = handed_over()
    page.go_back()  # to "Värva", the page the member left from
    expect(page).to_have_url(path_is(ON_THE_SPOT))
    assert_nothing_of_the_members(page, live_server)
    page.go_back()
    assert urlsplit(page.url).path in STRANGERS_PAGES | {"/logga-in"}, page.url
    if urlsplit(page.url).path != "/logga-in":
        assert_nothing_of_the_members(page, live_server)


def test_thank_you_speaks_to_the_new_member_and_the_member_takes_the_phone_back(
        handed_over, live_server):
    page = handed_over()
    page.get_by_role("textbox", name="Förnamn").fill("Nyfiken")
    page.get_by_role("textbox", name="Efternamn").fill("Främling")
    page.get_by_role("textbox", name="E-post").fill("nyfiken@example.org")
    page.get_by_role("textbox", name="Födelseår").fill("1996")
    page.get_by_role("textbox", name="Postnummer").fill("211 45")
    page.locator("#consent").check()
    page.get_by_role("button", name="Skicka anmälan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan!")
    assert_nothing_of_the_members(page, live_server)
    expect(page.get_by_role("link", name="Anmäl en person till")).to_have_count(0)
    assert_clean(page)

    page.get_by_role("link", name="Ge tillbaka telefonen").click()
    expect(page).to_have_url(path_is(GIVE_BACK))
    assert_nothing_of_the_members(page, live_server)
    assert_clean(page)
    page.get_by_label("Medlemmens lösenord").fill("inte-majas-lösenord")
    page.get_by_role("button", name="Lås upp").click()
    expect(page.get_by_text("Fel lösenord")).to_be_visible()
    page.goto("/varva")
    expect(page).to_have_url(path_is(ON_THE_SPOT))

    page.goto(GIVE_BACK)
    page.get_by_label("Medlemmens lösenord").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Lås upp").click()
    expect(page).to_have_url(path_is("/varva"))
    expect(page.get_by_role("navigation")).to_have_count(1)
    expect(page.get_by_text("Nyfiken")).to_be_visible()  # the member sees their recruit
    page.get_by_role("link", name="Värva på plats").click()  # and can sign up another
    expect(page).to_have_url(path_is(ON_THE_SPOT))
    assert_nothing_of_the_members(page, live_server)


def test_giving_the_phone_back_works_without_javascript(handed_over, live_server):
    page = handed_over(javascript=False)
    assert_nothing_of_the_members(page, live_server)
    page.get_by_role("link", name="Ge tillbaka telefonen").click()
    page.get_by_label("Medlemmens lösenord").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Lås upp").click()
    expect(page).to_have_url(path_is("/varva"))
    expect(page.get_by_role("navigation")).to_have_count(1)
    assert re.search(r"Telefonen är din igen", page.content())
