"""Helpers for the browser tests: a live server, Debian's chromium, page checks."""
import logging
import re
import shutil
import threading

from playwright.sync_api import expect
from werkzeug.serving import WSGIRequestHandler, make_server

from recruiter import demo
from recruiter.db import close_thread_connections

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
