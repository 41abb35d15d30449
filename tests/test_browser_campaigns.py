"""Campaigns on a 360 px phone (real chromium): the demo municipal administrator
creates a campaign with a goal; the demo member sees it on the start page and
makes its campaign link in one tap. Each screen fits, has full-size targets and
passes axe."""
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
NAME = "Julvärvningen i Malmö"


def fits(page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == []


def test_admin_creates_a_campaign_and_a_member_makes_its_link(open_page, live_server):
    admin = open_page("kommun", viewport=NARROW)
    admin.goto("/kampanjer/")
    admin.get_by_role("link", name="Ny kampanj").click()
    fits(admin)
    admin.get_by_label("Namn", exact=True).fill(NAME)
    admin.get_by_label("Börjar").fill(date.today().isoformat())
    admin.get_by_label("Slutar").fill((date.today() + timedelta(days=30)).isoformat())
    admin.get_by_label("Kort text som medlemmarna ser").fill("Värva en vän före jul.")
    admin.get_by_label("Anmälningar", exact=True).fill("25")
    admin.get_by_role("button", name="Skapa kampanjen").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(admin.get_by_test_id("goal").first).to_contain_text("av 25")
    fits(admin)

    member = open_page("medlem", viewport=NARROW)
    member.goto("/")
    card = member.get_by_test_id("campaign-card").filter(has_text=NAME)
    expect(card).to_contain_text("Du:")
    fits(member)
    card.get_by_role("button", name=re.compile("Gör en kampanjlänk")).click()
    expect(member.locator(".flash")).to_contain_text("Länken är skapad.")
    expect(member.get_by_text(NAME).first).to_be_visible()
    db = connect(live_server.app.config["DATABASE"])
    try:
        link = next(db.query(
            """select l.campaign_id, c.name from links l join campaigns c on c.id = l.campaign_id
               join members m on m.id = l.member_id
               where m.email = 'medlem@demo.example' order by l.id desc limit 1"""))
    finally:
        db.close()
    assert link["name"] == NAME
    member.goto("/")
    member.get_by_test_id("campaign-card").filter(has_text=NAME).get_by_role(
        "link", name=NAME).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(NAME)
    fits(member)
