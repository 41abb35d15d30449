"""The unpaid-fee list on a 360 px phone (real chromium): the demo chair takes the
person the register marks unpaid, reads the script line and records "wants to leave"
with a reason; the screen fits, has full-size targets and passes axe."""
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import MIN_TAP, NARROW, horizontal_overflow, tap_targets
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
axe = Axe()


def no_axe_violations(page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def mark_one_unpaid(live_server):
    """One of the demo association's sign-ups, as a status import would leave it, and
    the only one unpaid there (the demo's own unpaid people set back to invoiced)."""
    db = connect(live_server.app.config["DATABASE"])
    try:
        db.execute("""update signups set status = 'invoiced'
                      where association_id = ? and status = 'unpaid_after_reminder'""",
                   [live_server.association_id])
        signup = next(db.query(
            """select id from signups where association_id = ? and erased_at is null
               and status != 'cancelled' and duplicate_of is null
               order by id limit 1""", [live_server.association_id]))["id"]
        db.execute("""update signups set status = 'unpaid_after_reminder',
                      status_at = '2026-11-20T00:00:00+00:00' where id = ?""", [signup])
    finally:
        db.close()
    return signup


def test_the_chair_calls_about_an_unpaid_fee_on_a_narrow_phone(open_page, live_server):
    signup = mark_one_unpaid(live_server)
    page = open_page("ordforande", viewport=NARROW)
    page.goto("/")
    page.get_by_role("link", name=re.compile("har inte betalat medlemsavgiften")).click()
    expect(page).to_have_url(re.compile(f"/valkomna/{live_server.association_id}#unpaid$"))
    expect(page.get_by_test_id("unpaid-waiting")).to_have_text("1")
    no_axe_violations(page)
    page.get_by_role("button", name="Ta nästa med obetald avgift").click()
    expect(page.get_by_test_id("script")).to_contain_text("medlemsavgiften inte är betald")
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == []
    no_axe_violations(page)
    page.get_by_label("Vill gå ur", exact=True).check()
    page.get_by_label("ekonomi", exact=True).check()
    page.get_by_role("button", name=re.compile("^Nådde personen")).click()
    expect(page.locator(".flash")).to_contain_text("Sparat: Nådde personen.")
    expect(page.get_by_test_id("unpaid-wants-to-leave")).to_have_text("1")
    db = connect(live_server.app.config["DATABASE"])
    try:
        calls = list(db.query(
            """select c.answers from calls c join call_targets t on t.id = c.target_id
               join call_lists l on l.id = t.list_id
               where l.kind = 'unpaid' and t.signup_id = ?""", [signup]))
    finally:
        db.close()
    assert [json.loads(c["answers"]) for c in calls] == [
        {"answer": "wants_to_leave", "reason": "economy"}]
