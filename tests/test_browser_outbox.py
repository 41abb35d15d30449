"""Offline-first shifts in a real browser: the service worker and the shift outbox.

Nothing recorded is ever lost: a shift logged without a network survives a reload and
arrives once, whatever the server or the network does meanwhile.
"""
import pytest
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import browser, live_server, login, login_state, open_page, wait_until  # noqa: F401 (fixtures)
from tests.browser_support import controlled_by_service_worker, tap_counter

pytestmark = pytest.mark.browser


def test_shift_logged_offline_survives_a_reload_and_arrives_once(open_page, live_server):
    page = open_page("medlem")
    controlled_by_service_worker(page)
    page.get_by_text("Vi är fler (valfritt)").click()
    page.locator("input[name=companion]").first.check()  # listed while online
    page.context.set_offline(True)

    page.get_by_label("Dörrknackning").check()
    page.get_by_label("Område eller gata").fill("Trappuppgång Möllan")
    page.get_by_role("button", name="Starta pass").click()
    tap_counter(page, "doors_knocked", 5)
    tap_counter(page, "doors_opened", 3)
    tap_counter(page, "conversations", 2)
    tap_counter(page, "paper_signups", 1)
    tap_counter(page, "interested", 2)
    page.get_by_role("button", name="Ångra senaste").click()
    expect(page.get_by_test_id("count-interested")).to_contain_text("1")
    page.get_by_role("button", name="Avsluta pass").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sammanfattning")
    page.get_by_role("button", name="Spara passet").click()
    expect(page.locator("#saved-status")).to_contain_text("Sparat på telefonen")

    page.reload()  # still offline: the shell comes from the service worker's cache
    expect(page.get_by_role("heading", name="Starta ett pass")).to_be_visible()
    expect(page.get_by_test_id("queue")).to_contain_text("1 pass väntar")

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("queue")).to_contain_text("Allt är skickat")

    assert page.locator("#failed").is_hidden(), page.locator("#failed").inner_text()
    db = connect(live_server.app.config["DATABASE"])
    rows = list(db.table("shifts").rows_where("place = ?", ["Trappuppgång Möllan"]))
    db.close()
    assert len(rows) == 1
    counts = {k: rows[0][k] for k in ("doors_knocked", "doors_opened", "conversations",
                                      "paper_signups", "interested")}
    assert counts == {"doors_knocked": 5, "doors_opened": 3, "conversations": 2,
                      "paper_signups": 1, "interested": 1}
    assert rows[0]["kind"] == "door_knocking"
    db = connect(live_server.app.config["DATABASE"])
    assert db.table("shift_companions").count_where("shift_id = ?", [rows[0]["id"]]) == 1
    db.close()


def test_service_worker_caches_nothing_personal(open_page):
    page = open_page("medlem")
    controlled_by_service_worker(page)
    page.goto("/varva")
    page.goto("/")
    cached = page.evaluate("""async () => {
        const urls = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
        }
        return urls;
    }""")
    assert "/pass" in cached and "/offline" in cached
    personal = [u for u in cached if u.startswith(("/api/", "/varva", "/j/", "/konto", "/forening"))
                or u == "/"]
    assert personal == []


# --- the chair's team view ------------------------------------------------------------

QUEUE_JS = """async ([count, place]) => {
    const profile = await VarvaOutbox.getState('profile');
    const end = new Date(Date.now() - 60000), start = new Date(Date.now() - 3600000);
    for (let n = 0; n < count; n++) {
        await VarvaOutbox.add('/api/shifts', {
            client_uuid: crypto.randomUUID(), member_id: profile.member_id, kind: 'street',
            place: place, municipality_id: null, campaign_id: null, companions: [],
            started_at: start.toISOString(), ended_at: end.toISOString(), note: null,
            doors_knocked: n, doors_opened: 0, conversations: 1, paper_signups: 0, interested: 0});
    }
}"""


def _rows(live_server, place):
    db = connect(live_server.app.config["DATABASE"])
    rows = list(db.table("shifts").rows_where("place = ?", [place]))
    db.close()
    return rows


def _spoil_first(page, times, spoil):
    """Let `spoil(route)` answer the first `times` shift posts; the rest reach the server."""
    left = [times]

    def handler(route):
        if left[0] > 0:
            left[0] -= 1
            spoil(route)
        else:
            route.continue_()

    page.route("**/api/shifts", handler)


def _flush(page):
    return page.evaluate("async () => { try { return await VarvaOutbox.flush(); } "
                         "catch (e) { return 'network'; } }")


def test_outbox_retries_server_errors_and_sets_invalid_records_aside(open_page, live_server):
    page = open_page("medlem")
    controlled_by_service_worker(page)
    _spoil_first(page, 3, lambda route: route.fulfill(status=500, body="{}",
                                                      content_type="application/json"))
    page.evaluate(QUEUE_JS, [4, "Flakig server"])
    results = [_flush(page) for _ in range(5)]
    assert results[:3] == ["later"] * 3 and results[-1] == "done"
    assert sorted(r["doors_knocked"] for r in _rows(live_server, "Flakig server")) == [0, 1, 2, 3]
    page.unroute("**/api/shifts")
    page.evaluate(QUEUE_JS, [1, "Storgatan 5 lgh 1102"])  # refused by the server: 422
    assert _flush(page) == "done"
    page.reload()
    expect(page.locator("#failed")).to_contain_text("Storgatan 5 lgh 1102")
    expect(page.locator("#failed")).to_contain_text("inga lägenheter")


def test_outbox_lost_answer_after_a_commit_stores_the_shift_once(open_page, live_server):
    page = open_page("medlem")
    controlled_by_service_worker(page)

    def lose_answer(route):
        route.fetch()  # the server stores the shift…
        route.abort("connectionreset")  # …and the phone never hears back

    _spoil_first(page, 1, lose_answer)
    page.evaluate(QUEUE_JS, [1, "Tappat svar"])
    assert _flush(page) == "network"
    assert _flush(page) == "done"
    assert len(_rows(live_server, "Tappat svar")) == 1


def test_two_tabs_flushing_at_once_store_each_shift_once(open_page, live_server):
    page = open_page("medlem")
    controlled_by_service_worker(page)
    other = page.context.new_page()
    other.goto("/pass")
    page.evaluate(QUEUE_JS, [10, "Två flikar"])
    page.evaluate("() => { window.first = VarvaOutbox.flush(); }")
    other.evaluate("() => { window.second = VarvaOutbox.flush(); }")
    page.evaluate("() => window.first")
    other.evaluate("() => window.second")
    wait_until(page, "async () => (await VarvaOutbox.all('outbox')).length === 0")
    assert len(_rows(live_server, "Två flikar")) == 10


def test_outbox_waits_for_a_new_login_and_loses_nothing(open_page, live_server):
    page = open_page()
    login(page, "medlem")  # a session of its own, ended below
    controlled_by_service_worker(page)
    page.evaluate(QUEUE_JS, [3, "Utloggad under passet"])
    db = connect(live_server.app.config["DATABASE"])
    db.execute("update sessions set revoked_at = '2026-01-01T00:00:00+00:00' where id = "
               "(select max(id) from sessions)")
    db.close()
    assert _flush(page) == "login"
    page.goto("/pass")
    expect(page.locator("#login-needed")).to_be_visible()
    expect(page.get_by_test_id("queue")).to_contain_text("3 pass väntar")
    login(page, "medlem")
    page.goto("/pass")
    expect(page.get_by_test_id("queue")).to_contain_text("Allt är skickat")
    assert len(_rows(live_server, "Utloggad under passet")) == 3


def test_outbox_fetches_a_new_token_when_the_old_one_is_refused(open_page, live_server):
    page = open_page("medlem")
    controlled_by_service_worker(page)
    _spoil_first(page, 1, lambda route: route.fulfill(status=400, body='{"error": 400}',
                                                      content_type="application/json"))
    page.evaluate(QUEUE_JS, [1, "Gammal token"])
    assert _flush(page) == "done"
    assert len(_rows(live_server, "Gammal token")) == 1
