"""The app's pages in a real browser: Debian's chromium on a phone-sized screen.

One live server with the demo data and one chromium serve the whole module;
every test gets a fresh browser context (cookies, storage) of its own. CSRF
protection stays on: the browser posts the tokens the pages carry.
"""
import re
import time
from urllib.parse import urlsplit

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter import demo
from tests.browser_support import (CHROMIUM_MISSING, MIN_TAP, NARROW, PHONE, chromium_path,
                                   horizontal_overflow, login, path_is, tap_targets, wait_until)
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

HOME_ASSOCIATION_NAME = "S-föreningen Väster"


def test_chromium_is_installed():
    """Fails (never skips) where chromium is missing, saying how to get it."""
    if chromium_path() is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)


# --- a. the chair finds the association's members -------------------------------

def test_chair_logs_in_and_opens_the_member_list(open_page, live_server):
    page = open_page()
    login(page, "ordforande")

    page.get_by_role("link", name=re.compile("^Föreningens medlemmar")).click()

    expect(page).to_have_url(path_is(f"/forening/{live_server.association_id}/medlemmar"))
    nav = page.get_by_role("navigation").bounding_box()
    assert abs(nav["y"] + nav["height"] - PHONE["viewport"]["height"]) <= 1, (
        f"the navigation is not at the bottom of the screen: {nav}")
    viewing = page.get_by_test_id("viewing")
    expect(viewing).to_contain_text("Du ser:")
    expect(viewing).to_contain_text(HOME_ASSOCIATION_NAME)
    members = page.get_by_test_id("members").locator("li")
    expect(members.first).to_be_visible()
    assert members.count() >= len(demo.LOGINS)
    expect(page.get_by_test_id("members")).to_contain_text("Olle Ordförande")


# --- b. logging out ---------------------------------------------------------------

def test_logout_ends_the_session_in_the_browser(open_page):
    page = open_page()
    login(page, "medlem")  # a login of its own: logging out revokes it
    page.goto("/pass")
    wait_until(page, "async () => (await VarvaOutbox.getState('profile')) != null")
    page.goto("/konto")

    page.get_by_role("button", name="Logga ut").click()

    expect(page).to_have_url(path_is("/logga-in"))
    expect(page.get_by_role("status")).to_contain_text("Du är utloggad.")
    # The next person on this phone must not get the member's QR code. (The login
    # page loads no member script: ask the offline page, which does.)
    page.goto("/offline")
    assert page.evaluate("async () => [await VarvaOutbox.getState('profile'), "
                         "await VarvaOutbox.getState('qr')]") == [None, None]
    page.goto("/konto")
    page.reload()
    expect(page).to_have_url(re.compile(r"/logga-in\?next=/konto$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_role("navigation")).to_have_count(0)


# --- c. and d. every main page: axe-core, and no sideways scrolling at 360 px -----

def _goto(page, path, status=200, heading=None):
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path}: HTTP {response and response.status}, expected {status} at {page.url}")
    if heading:
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)


def _members_path(server):
    return f"/forening/{server.association_id}/medlemmar"


def _create_invitation(page, server):
    _goto(page, _members_path(server), heading=HOME_ASSOCIATION_NAME)
    page.get_by_role("button", name="Skapa inbjudningslänk").click()
    expect(page).to_have_url(path_is(f"/forening/{server.association_id}/inbjudan"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Inbjudan till {HOME_ASSOCIATION_NAME}")


def _invitation_acceptance(page, server):
    _create_invitation(page, server)
    link = page.get_by_test_id("link").input_value()
    assert link.startswith(f"{server.url}/inbjudan/"), link
    page.context.clear_cookies()  # the new member has no account yet
    _goto(page, urlsplit(link).path, heading="Skapa ditt konto")


# name -> (demo account or None for anonymous, how to get there)
PAGES = {
    "login": (None, lambda page, s: _goto(page, "/logga-in", heading="Logga in")),
    "home": ("medlem", lambda page, s: _goto(page, "/", heading="Hej Maja!")),
    "account": ("medlem", lambda page, s: _goto(page, "/konto", heading="Ditt konto")),
    "password": ("medlem", lambda page, s: _goto(page, "/konto/losenord",
                                                 heading="Byt lösenord")),
    "members": ("ordforande", lambda page, s: _goto(page, _members_path(s),
                                                    heading=HOME_ASSOCIATION_NAME)),
    "invitation-created": ("ordforande", _create_invitation),
    "invitation-accept": ("ordforande", _invitation_acceptance),
    "admin-national": ("kansli", lambda page, s: _goto(page, "/admin/",
                                                       heading="Hela partiet")),
    "admin-municipal": ("kommun", lambda page, s: _goto(page, "/admin/",
                                                        heading="Malmö arbetarekommun")),
    "error-404": ("ordforande", lambda page, s: _goto(page, "/forening/999999/medlemmar",
                                                      status=404, heading="Sidan finns inte")),
    "varva": ("medlem", lambda page, s: _goto(page, "/varva", heading="Värva")),
    "on-the-spot": ("medlem", lambda page, s: _goto(page, "/varva/pa-plats",
                                                    heading="Bli medlem")),
    "join-plain": (None, lambda page, s: _goto(page, "/bli-medlem", heading="Bli medlem")),
    "join-errors": (None, lambda page, s: _join_with_errors(page)),
    "thanks": (None, lambda page, s: _goto(page, "/tack?kvitto=abc123", heading="Tack")),
    "withdraw": (None, lambda page, s: _goto(page, "/angra/abc123", heading="Återkalla")),
    "flyer": ("medlem", lambda page, s: _open_flyer(page)),
    "shift-start": ("medlem", lambda page, s: _goto(page, "/pass", heading="Starta ett pass")),
    "shift-counting": ("medlem", lambda page, s: _start_counting(page)),
    "shift-history": ("medlem", lambda page, s: _goto(page, "/pass/historik", heading="Mina pass")),
    "offline": (None, lambda page, s: _goto(page, "/offline", heading="Ingen uppkoppling")),
    "leaderboard": ("medlem", lambda page, s: _goto(page, "/topplista/?period=year",
                                                    heading="Topplista")),
    "visibility": ("medlem", lambda page, s: _goto(page, "/topplista/synlighet",
                                                   heading="Så syns du")),
    "team": ("ordforande", lambda page, s: _goto(page, _members_path(s).replace(
        "medlemmar", "team"), heading="Team")),
    "overview-national": ("kansli", lambda page, s: _goto(page, "/oversikt/nation/0",
                                                          heading="Översikt")),
    "overview-municipal": ("kommun", lambda page, s: _goto(page, "/oversikt",
                                                           heading="Översikt")),
    "devices": ("medlem", lambda page, s: _goto(page, "/konto/enheter", heading="Inloggade enheter")),
    "privacy-notice": (None, lambda page, s: _goto(page, "/integritet",
                                                   heading="Så behandlar vi")),
    "office-people": ("kansli", lambda page, s: _goto(page, "/kansli/personer?q=anmalan1@demo.example",
                                                      heading="En persons uppgifter")),
    "office-log": ("kansli", lambda page, s: _goto(page, "/kansli/logg", heading="Granskningslogg")),
    "chair-signups": ("ordforande", lambda page, s: _goto(
        page, _members_path(s).replace("medlemmar", "anmalningar"), heading="Nya anmälningar")),
}


def _start_counting(page):
    _goto(page, "/pass", heading="Starta ett pass")
    page.get_by_label("Område eller gata").fill("Centrum")
    page.get_by_role("button", name="Starta pass").click()
    page.get_by_role("button", name="Ståndläge").click()
    expect(page.get_by_role("button", name="Avsluta pass")).to_be_visible()


def _join_with_errors(page):
    _goto(page, "/bli-medlem", heading="Bli medlem")
    page.get_by_label("Förnamn").fill("Nora")
    page.get_by_role("button", name="Skicka anmälan").click()
    expect(page.get_by_role("alert")).to_contain_text("Något behöver rättas")
    expect(page.get_by_label("Förnamn")).to_have_value("Nora")


def _open_flyer(page):
    _goto(page, "/varva", heading="Värva")
    page.get_by_role("link", name=re.compile("^Flygblad")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flygblad att skriva ut")

axe = Axe()


@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_and_does_not_scroll_sideways(open_page, live_server, name):
    """axe-core finds nothing at 390 px, and at 360 px nothing sticks out sideways."""
    account, go = PAGES[name]
    page = open_page(account)
    go(page, live_server)

    results = axe.run(page)
    page.set_viewport_size(NARROW)
    overflow = horizontal_overflow(page, NARROW["width"])

    problems = []
    if results.violations_count:
        problems.append(f"axe-core found {results.violations_count} violation(s):\n"
                        + results.generate_report())
    if overflow:
        problems.append(f"at {NARROW['width']} px the page scrolls sideways: {overflow}")
    assert not problems, f"{name} ({page.url}):\n" + "\n".join(problems)


# --- e. tap targets ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["login", "members"])
def test_buttons_and_links_are_big_enough_to_tap(open_page, live_server, name):
    account, go = PAGES[name]
    page = open_page(account)
    go(page, live_server)

    targets = tap_targets(page)
    small = [f"{t['target']}: {t['height']:.0f}px high" for t in targets
             if t["height"] < MIN_TAP]

    assert targets, f"no buttons or links found in nav/form on {name}"
    assert not small, f"tap targets under {MIN_TAP}px on {name}:\n" + "\n".join(small)


# --- f. the language switch -------------------------------------------------------

def test_language_switch_turns_the_page_english(open_page):
    page = open_page()
    _goto(page, "/logga-in")
    expect(page.locator("html")).to_have_attribute("lang", "sv")

    page.get_by_role("contentinfo").get_by_role("button", name="In English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(path_is("/logga-in"))
    expect(page.get_by_role("button", name="På svenska")).to_be_visible()


# --- the heart of the mission: a QR link brings in a recruit ------------------------

def test_member_link_signs_up_a_recruit_and_the_count_goes_up(open_page, browser, live_server):
    member = open_page("medlem")
    _goto(member, "/varva", heading="Värva")
    before = int(member.get_by_test_id("recruit-count").inner_text())
    link = "http://" + member.get_by_test_id("short-url").inner_text()

    stranger = open_page()  # a second context: the person on the bus, no account
    _goto(stranger, urlsplit(link).path, heading="Bli medlem")
    expect(stranger.get_by_text("Inbjuden av Maja.")).to_be_visible()
    stranger.get_by_label("Förnamn").fill("Bussresenär")
    stranger.get_by_label("Efternamn").fill("Testsson")
    stranger.get_by_label("Mobilnummer").fill("070-111 22 33")
    stranger.get_by_label("Födelseår", exact=True).fill("1999")
    stranger.get_by_label("Postnummer", exact=True).fill("21145")
    stranger.get_by_role("checkbox").check()
    stranger.get_by_role("button", name="Skicka anmälan").click()
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Tack för din anmälan!")

    member.reload()
    expect(member.get_by_test_id("recruit-count")).to_have_text(str(before + 1))
    expect(member.locator("main")).to_contain_text("Bussresenär")
    expect(member.locator("main")).not_to_contain_text("Testsson")


def test_chair_opens_team_view_and_sees_chart_and_table(open_page, live_server):
    page = open_page("ordforande")
    _goto(page, "/")
    page.get_by_role("link", name=re.compile("^Teamet")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Team")
    chart = page.get_by_role("img", name="Anmälningar per tvåmånadersperiod, varav värvade")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] <= PHONE["viewport"]["width"] and box["height"] > 100
    expect(page.get_by_test_id("trend-table").locator("tbody tr")).to_have_count(6)
    expect(page.get_by_test_id("team-table")).to_contain_text("Olle Ordförande")


# --- the second factor in a real browser ----------------------------------------------

def test_district_admin_connects_an_app_and_logs_in_with_codes(open_page, live_server):


    live_server.app.config["SECOND_FACTOR_REQUIRED"] = True
    try:
        page = open_page()
        _goto(page, "/logga-in")
        page.get_by_label("E-post").fill(demo.demo_email("distrikt"))
        page.get_by_label("Lösenord").fill(demo.DEMO_PASSWORD)
        page.get_by_role("button", name="Logga in").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Koppla en autentiseringsapp")
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()
        secret = page.get_by_test_id("secret").inner_text()
        page.get_by_label("Kod", exact=True).fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Koppla och logga in").click()
        expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
        page.get_by_role("link", name="Jag har sparat dem, fortsätt").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Hej Dina")

        again = open_page()
        _goto(again, "/logga-in")
        again.get_by_label("E-post").fill(demo.demo_email("distrikt"))
        again.get_by_label("Lösenord").fill(demo.DEMO_PASSWORD)
        again.get_by_role("button", name="Logga in").click()
        expect(again.get_by_role("heading", level=1)).to_have_text("Skriv koden från din app")
        assert axe.run(again).violations_count == 0
        again.get_by_label("Kod", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
        again.get_by_role("button", name="Logga in").click()
        expect(again.get_by_role("heading", level=1)).to_contain_text("Hej Dina")
    finally:
        live_server.app.config["SECOND_FACTOR_REQUIRED"] = False


# --- the outbox under bad networks (SECURITY.md §7 H) ----------------------------------
