"""Real servers in other processes: the crash, cache and deployment tests start gunicorn on a
migrated database file and sign people up through it as a phone would."""
import http.cookiejar
import os
import socket
import urllib.parse
import urllib.request

from recruiter import create_app
from recruiter.db import close_thread_connections, init_db

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def migrated(database):
    """Create the database file with every migration applied."""
    app = create_app({"TESTING": True, "DATABASE": database})
    with app.app_context():
        init_db()
    close_thread_connections()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sign_up(base, n):
    """One person signs up through the form as a browser would (the public page carries no
    token; the browser says the post is its own); True once the thank-you page came back."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.addheaders = [("Sec-Fetch-Site", "same-origin")]
    with opener.open(f"{base}/bli-medlem", timeout=5) as response:
        response.read()
    data = urllib.parse.urlencode({
        "first_name": "K", "last_name": "L",
        "email": f"crash{n}@example.org", "birth_year": "1990", "postcode": "111 11",
        "consent": "y"}).encode()
    with opener.open(f"{base}/bli-medlem", data=data, timeout=5) as response:
        return urllib.parse.urlsplit(response.geturl()).path == "/tack"
