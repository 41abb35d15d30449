"""The national office previews and applies a register import on a phone (390x844)."""
from datetime import date

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter.db import connect
from tests.browser_support import browser, live_server, login_state, open_page, path_is  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

axe = Axe()


def assert_axe_clean(page):
    results = axe.run(page)
    assert not results.violations_count, results.generate_report()


def test_office_previews_and_applies_an_import_on_a_phone(open_page, live_server):
    db = connect(live_server.app.config["DATABASE"])
    rows = list(db.query("""select id, reference from signups where status = 'registered'
                            and erased_at is null and duplicate_of is null order by id limit 3"""))
    today = date.today().strftime("%d.%m.%Y")  # a Swedish date, semicolons, a BOM: as Excel saves
    text = "\ufeffreference;status;date\n" + "".join(f"{r['reference']};invoiced;{today}\n"
                                                      for r in rows)
    page = open_page("kansli")
    page.goto("/")
    page.get_by_role("link", name="Medlemsregistret").click()
    expect(page).to_have_url(path_is("/register/"))
    assert_axe_clean(page)
    page.get_by_label("Status per anmälan").check()
    page.get_by_label("CSV-fil (högst 50 MB)").set_input_files(
        {"name": "status.csv", "mimeType": "text/csv", "buffer": text.encode()})
    page.get_by_role("button", name="Förhandsgranska").click()
    expect(page.get_by_test_id("changes")).to_have_text("3")
    expect(page.get_by_test_id("applied")).to_have_text("inte än")
    assert_axe_clean(page)
    assert [db.table("signups").get(r["id"])["status"] for r in rows] == ["registered"] * 3
    page.get_by_role("button", name="Läs in 3 ändringar").click()
    expect(page.get_by_text("Importen är inläst: 3 ändringar.")).to_be_visible()
    expect(page.get_by_test_id("applied")).not_to_have_text("inte än")
    assert_axe_clean(page)
    assert [db.table("signups").get(r["id"])["status"] for r in rows] == ["invoiced"] * 3
    db.close()
