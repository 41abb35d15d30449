"""Activities on a 360 px phone (real chromium): the demo chair plans a door-knocking
round; the demo member finds it on the start page, signs up, and starts the shift from
it without network; the shift arrives linked to the activity once the phone is online.
Every screen on the way fits, has full-size targets and passes axe."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import (MIN_TAP, NARROW, controlled_by_service_worker,
                                   horizontal_overflow, tap_counter, tap_targets, wait_until)
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
axe = Axe()
PLACE = "Rörsjöstaden"


def fits_and_passes_axe(page):
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == [], small
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def tomorrow_at(hour):
    day = datetime.now(ZoneInfo("Europe/Stockholm")) + timedelta(days=1)
    return day.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def test_chair_plans_member_joins_and_starts_the_shift_offline(open_page, live_server):
    chair = open_page("ordforande", viewport=NARROW)
    chair.goto("/")
    chair.get_by_test_id("do-something").click()
    chair.get_by_role("link", name="Planera en aktivitet").click()
    fits_and_passes_axe(chair)
    chair.get_by_label("Vad gör ni?").select_option("door_knocking")
    chair.get_by_label("Börjar").fill(tomorrow_at(17))
    chair.get_by_label("Slutar").fill(tomorrow_at(19))
    chair.get_by_label("Samlingsplats").fill(PLACE)
    chair.get_by_label("Hur många behövs?").fill("4")
    chair.get_by_label("Vem ser aktiviteten?").select_option("association")
    chair.get_by_role("button", name="Skapa aktiviteten").click()
    expect(chair.locator(".flash")).to_contain_text("Aktiviteten är skapad")
    expect(chair.get_by_test_id("taken")).to_have_text("0/4")
    fits_and_passes_axe(chair)

    member = open_page("medlem", viewport=NARROW)
    controlled_by_service_worker(member)  # the shift screen is on the phone
    member.goto("/")
    card = member.get_by_test_id("do-something")
    expect(card).to_contain_text(PLACE)
    fits_and_passes_axe(member)
    card.click()
    member.get_by_role("link", name=re.compile(PLACE)).click()
    member.get_by_role("button", name="Jag är med").click()
    expect(member.locator(".flash")).to_contain_text("Du är anmäld")
    expect(member.get_by_test_id("taken")).to_have_text("1/4")
    fits_and_passes_axe(member)

    member.context.set_offline(True)
    member.get_by_test_id("start-shift").click()  # the cached shell, pre-filled from the link
    expect(member.get_by_test_id("from-activity")).to_be_visible()
    expect(member.get_by_label("Område eller gata")).to_have_value(PLACE)
    expect(member.get_by_label("Dörrknackning")).to_be_checked()
    member.get_by_role("button", name="Starta pass").click()
    tap_counter(member, "doors_knocked", 3)
    tap_counter(member, "conversations", 1)
    member.get_by_role("button", name="Avsluta pass").click()
    member.get_by_role("button", name="Spara passet").click()
    expect(member.locator("#saved-status")).to_contain_text("Sparat på telefonen")

    member.context.set_offline(False)
    member.evaluate("window.dispatchEvent(new Event('online'))")
    expect(member.get_by_test_id("queue")).to_contain_text("Allt är skickat")
    wait_until(member, "() => document.querySelector('#failed').hidden")
    db = connect(live_server.app.config["DATABASE"])
    try:
        activity = next(db.table("activities").rows_where("place = ?", [PLACE]))
        shifts = list(db.table("shifts").rows_where("activity_id = ?", [activity["id"]]))
    finally:
        db.close()
    assert [(s["place"], s["doors_knocked"], s["conversations"]) for s in shifts] == [
        (PLACE, 3, 1)]

    chair.goto(f"/aktiviteter/{activity['id']}/resultat")
    expect(chair.get_by_test_id("result-doors_knocked")).to_have_text("3")
    fits_and_passes_axe(chair)
