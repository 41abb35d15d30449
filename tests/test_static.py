"""Static files: fingerprinted URLs cached for a year, gzipped, and the
service worker's plain URLs still revalidated."""
import gzip
import hashlib
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
ASSET = re.compile(r'(?:href|src)="(/static/[^"?]+)\?v=([0-9a-f]+)"')


def digest(name):
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def page_assets(client, path):
    html = client.get(path).get_data(as_text=True)
    return ASSET.findall(html), re.findall(r'(?:href|src)="/static/[^"]+"', html)


def test_every_static_url_on_the_join_page_carries_the_files_hash(client):
    fingerprinted, every = page_assets(client, "/bli-medlem")
    assert fingerprinted and len(fingerprinted) == len(every)
    for url, version in fingerprinted:
        assert version == digest(url.removeprefix("/static/")), url


def test_a_fingerprinted_file_is_immutable_for_a_year_and_gzipped(client):
    fingerprinted, _ = page_assets(client, "/bli-medlem")
    for url, version in fingerprinted:
        response = client.get(f"{url}?v={version}", headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200
        cache = response.headers["Cache-Control"]
        assert "immutable" in cache and "max-age=31536000" in cache
        body = response.get_data()
        if url.endswith((".css", ".js", ".svg")):
            assert response.headers["Content-Encoding"] == "gzip"
            assert "Accept-Encoding" in response.headers["Vary"]
            body = gzip.decompress(body)
        assert body == (STATIC / url.removeprefix("/static/")).read_bytes()


def test_without_gzip_the_plain_file_is_sent(client):
    response = client.get(f"/static/css/app.css?v={digest('css/app.css')}")
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
    assert response.mimetype == "text/css"


def test_a_plain_or_stale_url_is_revalidated_not_kept(client):
    """The service worker installs from plain URLs; an old page may ask with an old hash."""
    for url in ("/static/js/outbox.js", "/static/js/outbox.js?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.get_data() == b""


def test_unknown_or_escaping_paths_are_not_found(client):
    for url in ("/static/nope.js", "/static/../recruiter/__init__.py",
                "/static/%2e%2e/recruiter/__init__.py", "/static/css/"):
        assert client.get(url).status_code == 404, url


def test_the_service_worker_still_lists_files_it_can_fetch(client):
    """sw.js caches the shell by path; each of those paths must still be served."""
    source = client.get("/sw.js").get_data(as_text=True)
    shell = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    for path in re.findall(r'"(/static/[^"]+)"', shell):
        assert client.get(path).status_code == 200, path
