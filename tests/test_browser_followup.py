"""The follow-up in real chromium (issue 15): the demo member answers the satisfaction
pulse on a 360 px phone; the demo national administrator writes the two-month
report's conclusions and closes the period. Each screen fits and passes axe."""
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter import demo
from recruiter.db import connect
from tests.browser_support import MIN_TAP, NARROW, horizontal_overflow, tap_targets
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
axe = Axe()


def no_axe_violations(page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def fits_a_thumb(page):
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == []


def counts(live_server):
    db = connect(live_server.app.config["DATABASE"])
    try:
        member = next(db.table("members").rows_where("email = ?", [demo.demo_email("medlem")]))
        return (db.table("survey_answers").count,
                db.table("survey_answered").count_where("member_id = ?", [member["id"]]))
    finally:
        db.close()


def test_the_demo_member_answers_the_pulse_on_a_narrow_phone(open_page, live_server):
    answers_before, mine = counts(live_server)
    assert mine == 0
    page = open_page("medlem", viewport=NARROW)
    page.goto("/")
    page.get_by_test_id("pulse-card").click()
    expect(page).to_have_url(re.compile(r"/enkater/\d+/svara$"))
    fits_a_thumb(page)
    no_axe_violations(page)
    page.get_by_role("button", name="Skicka svaret").click()  # nothing chosen yet
    expect(page.locator(".error").first).to_contain_text("Välj ett svar från 1 till 5.")
    no_axe_violations(page)
    for group in page.locator("fieldset.scale").all():
        group.get_by_label("4", exact=True).check()
    page.get_by_label(re.compile("Vill du säga något mer")).fill("Bra med appen.")
    page.get_by_role("button", name="Skicka svaret").click()
    expect(page.locator(".flash")).to_contain_text("Tack för ditt svar!")
    expect(page.get_by_test_id("pulse-card")).to_have_count(0)
    assert counts(live_server) == (answers_before + 1, 1)


def test_the_national_administrator_writes_conclusions_and_closes_a_period(
        open_page, live_server):
    page = open_page("kansli", viewport=NARROW)
    page.goto("/")
    page.get_by_role("link", name=re.compile("Tvåmånadersrapporten")).click()
    periods = page.get_by_test_id("report-periods").get_by_role("link")
    periods.nth(1).click()  # the period before today's: ended, so it can be closed
    expect(page.get_by_test_id("report-indicators")).to_be_visible()
    fits_a_thumb(page)
    no_axe_violations(page)
    page.get_by_label("Analys och slutsatser").fill(
        "Värvningen ökade efter valet.\n\nSlutsats: fler torgmöten i höst.")
    page.get_by_role("button", name="Spara texten").click()
    expect(page.locator(".flash")).to_contain_text("Texten är sparad.")
    page.get_by_role("button", name="Stäng perioden och frys rapporten").click()
    expect(page.locator(".flash")).to_contain_text("Perioden är stängd.")
    expect(page.get_by_test_id("analysis")).to_contain_text("Slutsats: fler torgmöten i höst.")
    expect(page.get_by_test_id("report-form")).to_have_count(0)
    fits_a_thumb(page)
    no_axe_violations(page)
    key = page.url.rsplit("/", 1)[-1]
    db = connect(live_server.app.config["DATABASE"])
    try:
        rows = list(db.table("report_snapshots").rows_where("period = ?", [key]))
    finally:
        db.close()
    assert len(rows) == 1 and rows[0]["level"] == "nation"
    assert "fler torgmöten i höst" in rows[0]["body"]
