"""Partner organisations on a 360 px phone (real chromium): the demo coordinator
sees the union's figures and uploads a small call list; the demo member, one of
the union's callers, takes the next person from it and records an outcome. Every
screen fits, has full-size targets and passes axe."""
import re
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import MIN_TAP, NARROW, horizontal_overflow, tap_targets
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
axe = Axe()
LIST = ("first_name;last_name;mobile;municipality_code\n"
        "Greta;Strand;070-174 06 50;K-MALMO\n"
        "Hugo;Berg;070-174 06 51;K-MALMO\n")


def fits(page):
    """The page fits the narrow phone, its targets are full size, and axe finds nothing."""
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == []
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_coordinator_uploads_a_list_and_a_caller_takes_the_next_person(open_page,
                                                                           live_server):
    page = open_page("samordnare", viewport=NARROW)
    page.goto("/")
    page.get_by_role("link", name=re.compile("Organisationens siffror")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("LO-förbunden")
    expect(page.get_by_test_id("partner-signups")).to_have_text(re.compile(r"^(\d+|färre än 5)$"))
    fits(page)
    page.get_by_test_id("lists-link").click()
    page.get_by_label("Vad är listan till?").fill("Skyddsombud i Malmö")
    page.get_by_label("Vad ringaren säger (manus)").fill("Hej, jag ringer från klubben!")
    page.get_by_label("Sista dag att ringa").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_label("CSV-fil (högst 64 kB)").set_input_files(
        files=[{"name": "lista.csv", "mimeType": "text/csv", "buffer": LIST.encode()}])
    page.get_by_test_id("upload").click()
    expect(page.locator(".flash")).to_contain_text("Listan är sparad: 2 personer.")
    expect(page.get_by_test_id("lists")).to_contain_text("2 personer: 2 väntar")
    expect(page.get_by_test_id("lists")).not_to_contain_text("Greta")
    fits(page)

    caller = open_page("medlem", viewport=NARROW)
    caller.goto("/")
    caller.get_by_test_id("partner-calls-card").click()
    fits(caller)
    caller.get_by_role("button", name="Ta nästa person: Skyddsombud i Malmö").click()
    expect(caller.get_by_test_id("script")).to_have_text("Hej, jag ringer från klubben!")
    expect(caller.get_by_test_id("person")).to_have_text(re.compile("^(Greta Strand|Hugo Berg)$"))
    expect(caller.get_by_test_id("join-url")).to_contain_text("/j/")
    expect(caller.get_by_test_id("tel")).to_have_attribute("href", re.compile(r"^tel:\+4670174065"))
    fits(caller)
    caller.get_by_test_id("no-answer").click()
    expect(caller.locator(".flash")).to_contain_text("Sparat: Inget svar.")
    db = connect(live_server.app.config["DATABASE"])
    try:
        tries = [r["tries"] for r in db.query(
            """select t.tries from call_targets t join call_lists l on l.id = t.list_id
               where l.purpose = 'Skyddsombud i Malmö' order by t.id""")]
    finally:
        db.close()
    assert sorted(tries) == [0, 1]
