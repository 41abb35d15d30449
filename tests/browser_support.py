"""Helpers for the browser tests: a live server, Debian's chromium, page checks."""
import logging
import re
import shutil
import threading

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from recruiter import create_app, demo
from recruiter.db import close_thread_connections, get_db, init_db
from tests.conftest import FAST_ARGON2

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM_MISSING = (
    "chromium was not found on PATH. The browser tests drive Debian's chromium: "
    "install it with `apt-get install chromium` (CI installs it)."
)
# A phone held upright; the narrowest common phone width for the overflow check.
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "sv-SE"}
NARROW = {"width": 360, "height": 740}
MIN_TAP = 44  # px, WCAG 2.5.5 / Apple HIG
# The demo's party is fictional; its name is configured like a real one's (PARTY_NAME).
DEMO_PARTY = "Folkrörelsepartiet"
TIMEOUT_MS = 10_000

log = logging.getLogger("tests.browser.server")


def chromium_path():
    """The chromium executable on PATH, or None."""
    return shutil.which("chromium")


class QuietHandler(WSGIRequestHandler):
    """Request lines go to a logger pytest captures, not straight to stderr."""

    def log(self, type, message, *args):
        getattr(log, type if type in ("info", "warning", "error") else "info")(
            "%s %s", self.address_string(), message % args)


def buffered(app):
    """Read each response whole and close it before sending.

    Werkzeug's dev server skips closing a response (an open static file) when
    the browser drops the connection mid-way, as a service worker or a
    navigation away does; the ResourceWarning then fails a later test.
    """
    def wrapper(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()
    return wrapper


class LiveServer:
    """A Flask app served by werkzeug on a free port in a daemon thread."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, buffered(app), threaded=True,
                                  request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # Invitation and reset links are built from PUBLIC_BASE_URL.
        app.config["PUBLIC_BASE_URL"] = self.url
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       name="live-server", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        close_thread_connections()


def path_is(path):
    """A URL pattern for Playwright: matches when the URL's path is `path`."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def login(page, local, password=demo.DEMO_PASSWORD):
    """Log a demo account in through the login form; ends on the start page."""
    page.goto("/logga-in")
    page.get_by_label("E-post", exact=True).fill(demo.demo_email(local))
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(path_is("/"))


# The page's width beyond the viewport, with the elements that stick out.
OVERFLOW_JS = """(limit) => {
  const root = document.documentElement;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.right > limit + 0.5) {
      const cls = typeof el.className === 'string' && el.className
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      wide.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} `
                + `right=${Math.round(r.right)}`);
    }
  }
  return {scrollWidth: root.scrollWidth, wide: wide.slice(0, 10)};
}"""


def horizontal_overflow(page, width):
    """None if the page fits `width` CSS px; else what sticks out."""
    result = page.evaluate(OVERFLOW_JS, width)
    if result["scrollWidth"] <= width:
        return None
    return f"scrollWidth {result['scrollWidth']} > {width}: " + "; ".join(result["wide"])


# Visible buttons and links in navigation and forms, with their rendered size.
TAP_TARGETS_JS = """() => {
  const found = [];
  const selector = 'nav a, nav button, form a, form button, form input[type=submit]';
  for (const el of document.querySelectorAll(selector)) {
    if (el.classList.contains('skip')) continue;
    // Inline text links in running text are exempt (WCAG 2.5.5 "inline").
    if (el.tagName === 'A' && el.closest('p') && !el.classList.contains('button')) continue;
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || style.visibility === 'hidden') continue;
    found.push({
      target: `${el.tagName.toLowerCase()}${el.className ? '.' + el.className.split(' ').join('.') : ''}`
              + ` "${(el.innerText || el.value || '').trim()}"`,
      width: r.width, height: r.height,
    });
  }
  return found;
}"""


def tap_targets(page):
    """Visible buttons and links in nav and forms: [{target, width, height}]."""
    return page.evaluate(TAP_TARGETS_JS)


# --- fixtures shared by the browser test modules (import them by name) ----------------

@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app with the demo organisation, served on a free local port."""
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path_factory.mktemp("browser") / "browser.db"),
        "SECRET_KEY": "test",
        "ARGON2_PARAMS": FAST_ARGON2,
        # Every test logs in from 127.0.0.1; rate limits have tests of their own.
        "RATELIMIT_ENABLED": False,
        "SECOND_FACTOR_REQUIRED": False,  # the demo logins type no codes; tests/test_mfa.py
        "PARTY_NAME": DEMO_PARTY,
    })
    with app.app_context():
        init_db()
        db = get_db()
        demo.seed(db)
        home = next(db.table("associations").rows_where("code = ?", [demo.HOME_ASSOCIATION]))
    close_thread_connections()
    server = LiveServer(app).start()
    server.association_id = home["id"]
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(live_server):
    """One headless chromium for the module (after the server, so closed before it)."""
    executable = chromium_path()
    if executable is None:
        pytest.fail(CHROMIUM_MISSING, pytrace=False)
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def login_state(browser, live_server):
    """Cookies of a demo login, made once per account through the login form."""
    states = {}

    def state(local):
        if local not in states:
            context = browser.new_context(base_url=live_server.url, **PHONE)
            context.set_default_timeout(TIMEOUT_MS)
            login(context.new_page(), local)
            states[local] = context.storage_state()
            context.close()
        return states[local]

    return state


@pytest.fixture
def open_page(browser, live_server, login_state):
    """Open a page in a new phone-sized context, anonymous or as a demo account."""
    contexts = []

    def open_page(as_local=None, viewport=None):
        options = {**PHONE, "viewport": viewport or PHONE["viewport"]}
        context = browser.new_context(
            base_url=live_server.url, **options,
            storage_state=login_state(as_local) if as_local else None)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def wait_until(page, script):
    """Poll a JavaScript condition (wait_for_function would need CSP's unsafe-eval)."""
    for _ in range(TIMEOUT_MS // 100):
        if page.evaluate(script):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {TIMEOUT_MS} ms: {script}")


def controlled_by_service_worker(page):
    """The member's shift page, once the service worker controls it and the phone has fetched
    the member's details (for stand mode and the selects)."""
    page.goto("/pass")
    wait_until(page, "() => navigator.serviceWorker.controller !== null")
    wait_until(page, "() => document.querySelectorAll('#municipality option').length > 1")


def tap_counter(page, name, times):
    for _ in range(times):
        page.get_by_test_id(f"count-{name}").click()
