"""Welcome calls on a phone (390x844, real chromium): the demo chair takes the next
person, taps "no answer", takes the next and records "reached" with the recruiter
confirmed; the call screen fits 360 px, has full-size targets and passes axe."""
import json
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import MIN_TAP, NARROW, horizontal_overflow, path_is, tap_targets
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
axe = Axe()


def no_axe_violations(page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_the_chair_welcomes_two_new_members_on_a_phone(open_page, live_server):
    page = open_page("ordforande")
    page.goto("/")
    page.get_by_role("link", name=re.compile("väntar på välkomstsamtal")).click()
    expect(page).to_have_url(path_is(f"/valkomna/{live_server.association_id}"))
    no_axe_violations(page)

    page.get_by_role("button", name="Ta nästa person").click()
    first = page.get_by_test_id("person").inner_text()
    expect(page.get_by_role("link", name=re.compile("^(Ring|Skicka e-post)")).first).to_be_visible()
    no_axe_violations(page)
    page.get_by_role("button", name="Inget svar").click()
    expect(page.locator(".flash")).to_contain_text("Sparat: Inget svar.")

    page.get_by_role("button", name="Ta nästa person").click()
    second = page.get_by_test_id("person").inner_text()
    assert second != first
    page.locator("input[name=recruiter][value=yes]").check()
    page.get_by_text("knacka dörr").click()
    page.get_by_role("button", name=re.compile("^Nådde personen")).click()
    expect(page.locator(".flash")).to_contain_text("Sparat: Nådde personen.")

    db = connect(live_server.app.config["DATABASE"])
    try:
        calls = list(db.query(
            """select c.outcome, c.answers, s.first_name || ' ' || s.last_name as name
               from calls c join call_targets t on t.id = c.target_id
               join signups s on s.id = t.signup_id
               where c.client_uuid not like 'demo-%' order by c.id"""))
    finally:
        db.close()
    assert [(c["name"], c["outcome"]) for c in calls] == [(first, "no_answer"),
                                                          (second, "reached")]
    assert json.loads(calls[1]["answers"]) == {"recruiter": "yes", "active": ["doors"]}


def test_the_call_screen_fits_a_360px_phone_with_full_size_targets(open_page):
    page = open_page("ordforande", viewport=NARROW)
    page.goto("/")
    page.get_by_role("link", name=re.compile("väntar på välkomstsamtal")).click()
    page.get_by_role("button", name="Ta nästa person").click()
    expect(page.get_by_test_id("person")).to_be_visible()
    page.get_by_text("Ring upp senare").click()  # open the folded parts too
    assert horizontal_overflow(page, NARROW["width"]) is None
    small = [t for t in tap_targets(page) if t["height"] < MIN_TAP or t["width"] < MIN_TAP]
    assert small == []
    no_axe_violations(page)
    page.get_by_role("button", name="Pausa och lämna tillbaka").click()
    expect(page.locator(".flash")).to_contain_text("Pausat.")


def test_an_outcome_tapped_offline_is_kept_and_sent_when_the_network_returns(
        open_page, live_server):
    page = open_page("ordforande")
    page.goto(f"/valkomna/{live_server.association_id}")
    page.get_by_role("button", name="Ta nästa person").click()
    person = page.get_by_test_id("person").inner_text()
    page.wait_for_function("typeof VarvaOutbox !== 'undefined'")

    page.context.set_offline(True)
    page.get_by_role("button", name="Fel nummer").click()
    expect(page.get_by_test_id("call-offline")).to_contain_text("Sparat på telefonen")
    waiting = page.evaluate("async () => (await VarvaOutbox.all('outbox')).length")
    assert waiting == 1

    page.context.set_offline(False)
    expect(page.get_by_test_id("call-offline")).to_contain_text("Skickat.")
    db = connect(live_server.app.config["DATABASE"])
    try:
        rows = list(db.query(
            """select c.outcome, t.state from calls c join call_targets t on t.id = c.target_id
               join signups s on s.id = t.signup_id
               where s.first_name || ' ' || s.last_name = ? order by c.id desc limit 1""",
            [person]))
    finally:
        db.close()
    assert rows == [{"outcome": "wrong_number", "state": "wrong_number"}]
    assert page.evaluate("async () => (await VarvaOutbox.all('outbox')).length") == 0
