"""Every page of every role on the narrowest common phone (360 px), in chromium.

The walk is a plain list: a new page is one more `Page(role, path)` line. Each page
must fit the screen (only a table's own scrolling region may be wider), show every
table's first and key columns (`<th class="key">`) without sideways scrolling, have
tap targets of at least 44x44 px, give no two links the same name for different
places, and pass axe-core. Public pages install nothing: no service worker, no script.
"""
from datetime import date
from typing import NamedTuple

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from recruiter import accounts, demo, partners_invites
from recruiter.db import connect
from recruiter.periods import add_months, bimonth_start, today
from tests.browser_support import DEMO_PARTY, MIN_TAP, TIMEOUT_MS
from tests.browser_support import browser, live_server, login_state, open_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 360, "height": 740}


class Page(NamedTuple):
    role: str | None  # a demo login (demo.LOGINS), or None for a visitor without one
    path: str  # formatted with the ids of the `ids` fixture
    ready: str | None = None  # a selector to wait for before measuring (pages drawn by script)
    status: int = 200


WALK = [
    # Public pages: the newcomer's journey, the login and the links that create accounts.
    Page(None, "/bli-medlem"),
    Page(None, "/j/{link_code}"),
    Page(None, "/tack?kvitto=abc123"),
    Page(None, "/angra/abc123"),
    Page(None, "/integritet"),
    Page(None, "/logga-in"),
    Page(None, "/inbjudan/{invitation}"),
    Page(None, "/aterstall/{reset}"),
    Page(None, "/inbjudan/finns-inte", status=410),  # an unknown or used link
    Page(None, "/aktiviteter/van/{friend_token}"),  # a member's "ta med en vän" link
    # A member.
    Page("medlem", "/"),
    Page("medlem", "/pass", ready="#start:not([hidden])"),
    Page("medlem", "/pass/historik"),
    Page("medlem", "/pass/{shift_id}/andra"),
    Page("medlem", "/varva"),
    Page("medlem", "/varva/pa-plats"),
    Page("medlem", "/lankar/{link_id}/flygblad"),
    Page("medlem", "/topplista/?period=year"),
    Page("medlem", "/topplista/synlighet"),
    Page("medlem", "/konto"),
    Page("medlem", "/konto/losenord"),
    Page("medlem", "/konto/enheter"),
    Page("medlem", "/konto/tvastegs"),
    Page("medlem", "/offline"),  # what the service worker shows a member without network
    # The chair of the demo's home association.
    Page("ordforande", "/"),
    Page("ordforande", "/forening/{association_id}/medlemmar"),
    Page("ordforande", "/forening/{association_id}/team?period=year"),
    Page("ordforande", "/forening/{association_id}/anmalningar"),
    Page("ordforande", "/forening/999999/medlemmar", status=404),
    Page("ordforande", "/valkomna/{association_id}"),
    Page("ordforande", "/valkomna/{association_id}/valkomnare"),
    # Activities (issue 14): the member joins, the chair plans and follows up.
    Page("medlem", "/aktiviteter"),
    Page("medlem", "/aktiviteter/{activity_id}"),
    Page("medlem", "/kalender"),
    Page("medlem", "/intressen"),
    Page("medlem", "/aktiviteter/{activity_id}/ta-med-en-van"),
    Page("medlem", "/pass?aktivitet={activity_id}&slag=street&plats=Triangeln",
         ready="#start:not([hidden])"),
    Page("ordforande", "/aktiviteter"),
    Page("ordforande", "/aktiviteter/ny"),
    Page("ordforande", "/aktiviteter/{activity_id}"),
    Page("ordforande", "/aktiviteter/{activity_id}/flytta"),
    Page("ordforande", "/aktiviteter/{activity_id}/resultat"),
    Page("ordforande", "/aktiviteter/{activity_id}/meddela"),
    Page("ordforande", "/aktiviteter/tackning"),
    Page("ordforande", "/forening/{association_id}/intressen"),
    Page("ordforande", "/forening/{association_id}/pass-att-granska"),
    # Municipal, district and national administrators.
    Page("kommun", "/"),
    Page("kommun", "/oversikt?period=year"),
    Page("kommun", "/admin/"),
    Page("kommun", "/forening/{association_id}/team"),
    Page("kommun", "/valkomna/{association_id}"),
    Page("kommun", "/valkomna/kommun/{municipality_id}"),
    Page("distrikt", "/"),
    Page("distrikt", "/oversikt?period=year"),
    Page("distrikt", "/admin/"),
    Page("kansli", "/"),
    Page("kansli", "/oversikt/nation/0?period=year"),
    Page("kansli", "/oversikt/district/{district_id}?period=year"),
    Page("kansli", "/oversikt/municipality/{municipality_id}?period=year"),
    Page("kansli", "/admin/"),
    Page("kansli", "/admin/district/{district_id}"),
    Page("kansli", "/kansli/personer?q=anmalan1@demo.example"),
    Page("kansli", "/kansli/logg"),
    Page("kansli", "/register/"),
    Page("kansli", "/register/import/1"),  # the demo's first register import, applied
    # Partner organisations: the office's list, a coordinator, a member's statements.
    Page("kansli", "/samarbete/"),
    Page("kansli", "/samarbete/{partner_id}/samordnare"),
    Page("samordnare", "/"),
    Page("samordnare", "/samarbete/{partner_id}?period=year"),
    Page("samordnare", "/varva"),
    Page("samordnare", "/samarbete/{partner_id}/listor"),
    Page("medlem", "/samarbete/{partner_id}/ring"),
    Page("medlem", "/samarbete/mina"),
    Page(None, "/samarbete/inbjudan/{partner_invitation}"),
    # Campaigns (issue 13): the list, a running one, a new one, an ended (frozen) one.
    Page("medlem", "/kampanjer/"),
    Page("medlem", "/kampanjer/{campaign_id}"),
    Page("kommun", "/kampanjer/ny/municipality/{municipality_id}"),
    Page("distrikt", "/kampanjer/"),
    Page("kommun", "/kampanjer/{campaign_id}/andra"),
    Page("kansli", "/kampanjer/{ended_campaign_id}"),
    # Action plans (issue 13): a municipal organisation's own, the district's view below.
    Page("kommun", "/handlingsplan/municipality/{municipality_id}/{year}"),
    Page("distrikt", "/handlingsplan/district/{district_id}/{year}/under"),
    # The ten best (issue 13).
    Page("distrikt", "/tio-basta/district/{district_id}?period=all"),
    Page("kansli", "/tio-basta/nation/0?period=year&sort=rate"),
    # Surveys (issue 15): the public pulse, answering, the office's pages, the results.
    Page(None, "/enkat"),
    Page(None, "/enkat/tack"),
    Page("medlem", "/enkater/{survey_id}/svara"),
    Page("ordforande", "/enkater/resultat/association/{association_id}"),
    Page("distrikt", "/enkater/resultat/district/{district_id}"),
    Page("kansli", "/enkater/"),
    Page("kansli", "/enkater/{survey_id}/koder"),
    Page("kansli", "/enkater/fritext/pulse/{pulse_period}"),
    Page("kansli", "/enkater/resultat/nation/0"),
    Page("kansli", "/enkater/resultat/municipality/{municipality_id}?kind=evaluation"),
    # The two-month report (issue 15): the lists, an open period with its form, the
    # national report as a district reads it.
    Page("kansli", "/rapporter/nation/0"),
    Page("kansli", "/rapporter/nation/0/{last_period}"),
    Page("kansli", "/rapporter/nation/0/{closed_period}"),  # the demo's closed report
    Page("distrikt", "/rapporter/district/{district_id}/{last_period}"),
    Page("distrikt", "/rapporter/nation/0/{last_period}"),
    Page("kommun", "/rapporter/municipality/{municipality_id}"),
]
PUBLIC = [p for p in WALK if p.role is None]
# The figure each table exists for (a header's start, by the table's data-testid); a
# template may also mark a column `<th class="key">`. The first column always counts.
KEY_COLUMNS = {"team-table": "Värvade", "children": "Andel", "board": "Namn|Värvade",
               "neighbours": "Värvade", "trend-table": "Anmälningar|Värvade"}


@pytest.fixture(scope="module")
def ids(live_server):
    """The ids and one-time tokens the walk's paths need, from the demo data."""
    db = connect(live_server.app.config["DATABASE"])
    member = next(db.table("members").rows_where("email = ?", [demo.demo_email("medlem")]))
    chair = next(db.table("members").rows_where("email = ?", [demo.demo_email("ordforande")]))
    link = next(db.table("links").rows_where("member_id = ? and is_personal = 1", [member["id"]]))
    malmo = next(db.table("municipalities").rows_where("code = ?", ["K-MALMO"]))
    shift = next(db.query("select max(id) as id from shifts"))["id"]
    db.execute("update shifts set member_id = ? where id = ?", [member["id"], shift])
    lifetime = live_server.app.config["INVITATION_LIFETIME"]
    values = {
        "association_id": live_server.association_id, "link_code": link["code"],
        "link_id": link["id"], "shift_id": shift, "municipality_id": malmo["id"],
        "district_id": malmo["district_id"],
        "campaign_id": next(db.table("campaigns").rows_where(
            "name = ?", [demo.MUNICIPAL_CAMPAIGN[1]]))["id"],
        "year": date.today().year,
        "ended_campaign_id": next(db.table("campaigns").rows_where(
            "name = ?", [demo.CAMPAIGNS[0][0]]))["id"],
        "invitation": accounts.create_invitation(db, live_server.association_id, chair["id"],
                                                 lifetime),
        "reset": accounts.create_reset(db, member["id"], chair["id"], lifetime),
        "partner_id": next(db.table("partner_organisations").rows_where("code = 'LO'"))["id"],
        "partner_invitation": partners_invites.create_invitation(
            db, next(db.table("partner_organisations").rows_where("code = 'LO'"))["id"],
            chair["id"], lifetime),
        # The demo activity the member signed up for (activities_demo).
        "activity_id": next(db.query(
            """select activity_id from activity_signups where member_id = ?
               order by activity_id limit 1""", [member["id"]]))["activity_id"],
        "survey_id": next(db.query("select max(id) as id from surveys"))["id"],
        "pulse_period": next(db.query("select max(period) as p from surveys"))["p"],
        "last_period": add_months(bimonth_start(today()), -2).strftime("%Y-%m"),
        "closed_period": add_months(bimonth_start(today()), -6).strftime("%Y-%m"),
    }
    with live_server.app.app_context():
        from recruiter.activities_guests import friend_token

        values["friend_token"] = friend_token(values["activity_id"], member["id"])
    db.close()
    return values


# What does not fit 360 px, which table columns are cut, which targets are small, and
# which link names lead to two places. Hidden helpers (.skip, .hp, .sr-only) are left out.
CHECK_JS = """([limit, keyColumns]) => {
  const problems = [];
  const hidden = (el) => el.closest('.skip, .hp, .sr-only, [aria-hidden=true]');
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  const name = (el) => (el.getAttribute('aria-label') || el.textContent || el.value || '')
    .replace(/\\s+/g, ' ').trim();
  const describe = (el) => {
    const cls = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${name(el).slice(0, 40)}"`;
  };

  for (const el of document.body.querySelectorAll('*')) {
    if (hidden(el) || !shown(el)) continue;
    if (el.parentElement.closest('.table-scroll')) continue;  // scrolls on purpose
    const r = el.getBoundingClientRect();
    if (r.right > limit + 0.5 || r.left < -0.5) {
      problems.push(`sticks out: ${describe(el)} from ${Math.round(r.left)} to ${Math.round(r.right)} px`);
    }
  }

  for (const table of document.querySelectorAll('table')) {
    if (hidden(table) || !shown(table)) continue;
    let left = 0, right = limit;
    const region = table.closest('.table-scroll');
    if (region) {
      const box = region.getBoundingClientRect();
      left = Math.max(left, box.left);
      right = Math.min(right, box.right);
      const named = region.getAttribute('aria-label') || region.getAttribute('aria-labelledby');
      if (region.scrollWidth > region.clientWidth + 1
          && (region.getAttribute('tabindex') !== '0' || !named)) {
        problems.push(`a scrolling table region without tabindex=0 and a name: ${describe(region)}`);
      }
    }
    const head = table.tHead && table.tHead.rows[0];
    const columns = [0];
    const key = keyColumns[table.dataset.testid] && new RegExp(`^(${keyColumns[table.dataset.testid]})`);
    if (head) [...head.cells].forEach((c, i) => {
      if (i && (c.classList.contains('key') || (key && key.test(name(c))))) columns.push(i);
    });
    for (const i of columns) {
      const cut = [...table.rows].map((row) => row.cells[i]).find((cell) => {
        const r = cell ? cell.getBoundingClientRect() : null;
        return r && (r.left < left - 0.5 || r.right > right + 0.5);
      });
      if (cut) {
        const r = cut.getBoundingClientRect();
        problems.push(`column ${i + 1} of table ${table.dataset.testid || ''} is cut: "${name(cut)}" `
                      + `from ${Math.round(r.left)} to ${Math.round(r.right)} px, visible ${Math.round(left)}–${Math.round(right)}`);
      }
    }
  }

  const blockOf = (el) => {
    let up = el.parentElement;
    while (up && getComputedStyle(up).display.startsWith('inline')) up = up.parentElement;
    return up;
  };
  const union = (a, b) => ({left: Math.min(a.left, b.left), right: Math.max(a.right, b.right),
                            top: Math.min(a.top, b.top), bottom: Math.max(a.bottom, b.bottom)});
  const selector = 'a[href], button, input:not([type=hidden]), select, summary, label';
  for (const el of document.querySelectorAll(selector)) {
    if (hidden(el) || !shown(el)) continue;
    let box = el.getBoundingClientRect();
    if (el.tagName === 'LABEL') {
      const control = el.control;
      if (!control || !['checkbox', 'radio'].includes(control.type)) continue;
    }
    if (el.tagName === 'INPUT' && ['checkbox', 'radio'].includes(el.type)) {
      // The box and its label are one target.
      const label = el.closest('label') || el.labels[0];
      if (label) box = union(box, label.getBoundingClientRect());
    }
    if (el.tagName === 'A' && getComputedStyle(el).display === 'inline') {
      // A link inside a sentence is exempt (WCAG 2.5.8 "inline").
      const block = blockOf(el);
      if (block && block.tagName === 'P' && name(block).length > name(el).length) continue;
    }
    const width = box.right - box.left, height = box.bottom - box.top;
    if (width < %(min)d - 0.5 || height < %(min)d - 0.5) {
      problems.push(`tap target ${Math.round(width)}x${Math.round(height)} px: ${describe(el)}`);
    }
  }

  const places = {};
  for (const a of document.querySelectorAll('a[href]')) {
    const key = name(a);
    const url = new URL(a.href, location.href);
    (places[key] = places[key] || new Set()).add(url.pathname + url.search);
  }
  for (const [key, urls] of Object.entries(places)) {
    if (urls.size > 1) problems.push(`links named "${key}" lead to ${[...urls].join(', ')}`);
  }
  return problems;
}""" % {"min": MIN_TAP}

axe = Axe()


def _open(open_page, entry, ids):
    page = open_page(entry.role, viewport=VIEWPORT)
    response = page.goto(entry.path.format(**ids))
    assert response.status == entry.status, f"{entry.path}: HTTP {response.status}"
    if entry.ready:
        expect(page.locator(entry.ready)).to_be_visible()
    return page


@pytest.mark.parametrize("entry", WALK, ids=[f"{p.role or 'public'} {p.path}" for p in WALK])
def test_page_fits_a_360px_phone(open_page, ids, entry):
    page = _open(open_page, entry, ids)

    problems = page.evaluate(CHECK_JS, [VIEWPORT["width"], KEY_COLUMNS])
    results = axe.run(page)
    if results.violations_count:
        problems.append(f"axe-core: {results.violations_count} violation(s)\n"
                        + results.generate_report())
    assert not problems, f"{entry.path} as {entry.role or 'a visitor'}:\n" + "\n".join(problems)


def test_public_pages_install_nothing_and_load_no_script(open_page, ids):
    page = open_page(viewport=VIEWPORT)  # a fresh context: the newcomer's own phone
    scripts = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    for entry in PUBLIC:
        page.goto(entry.path.format(**ids))
        expect(page.get_by_test_id("party")).to_have_text(DEMO_PARTY)
    page.goto(PUBLIC[0].path)
    page.wait_for_timeout(500)  # a service worker is registered after "load"

    registrations = page.evaluate(
        "async () => (await navigator.serviceWorker.getRegistrations()).length")
    assert registrations == 0
    assert page.evaluate("() => navigator.serviceWorker.controller") is None
    assert scripts == []


def test_member_pages_still_register_the_service_worker(open_page):
    """The counterpart: the members' app is still installed where it belongs."""
    page = open_page("medlem", viewport=VIEWPORT)
    page.goto("/")
    for _ in range(TIMEOUT_MS // 100):
        if page.evaluate("async () => (await navigator.serviceWorker.getRegistrations()).length"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no service worker registered on the member's start page")


# --- the shift screen (issue 18.10) ------------------------------------------------------

WORDS_BROKEN_JS = """() => {
  const broken = [];
  for (const label of document.querySelectorAll('.kind')) {
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/[^\\s\\/]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}"""


def test_shift_screen_reads_well_before_the_first_shift(open_page):
    page = open_page("medlem", viewport=VIEWPORT)
    page.goto("/pass")
    expect(page.locator("#start")).to_be_visible()
    expect(page.get_by_label("Gatuvärvning/torgmöte")).to_be_visible()

    assert page.evaluate(WORDS_BROKEN_JS) == []
    expect(page.get_by_test_id("queue")).not_to_contain_text("Allt är skickat")
    expect(page.get_by_label("Arbetarekommun")).to_be_visible()
    page.get_by_label("Område eller gata").fill("Torget")
    page.get_by_role("button", name="Starta pass").click()
    expect(page.get_by_role("button", name="Ståndläge")).to_have_accessible_description(
        "Ståndläge visar din QR-kod stort och håller skärmen tänd, så att folk kan skanna den.")
