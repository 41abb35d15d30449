"""The installable app: the service worker, the manifest, and which pages install it."""
import json

import pytest

from tests.factories import make_member


def test_service_worker_is_served_from_the_root_uncached(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.mimetype == "text/javascript"
        body = response.get_data(as_text=True)
    assert "__VERSION__" not in body and 'const CACHE = "varva-' in body


def test_manifest_is_valid_json_with_what_chrome_needs(client):
    with client.get("/manifest.webmanifest") as response:
        manifest = json.loads(response.get_data(as_text=True))
        assert response.mimetype == "application/manifest+json"
    for key in ("name", "short_name", "start_url", "display", "icons", "theme_color"):
        assert manifest[key]
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype == "image/png"


PUBLIC_PAGES = ["/logga-in", "/bli-medlem", "/tack?kvitto=abc", "/angra/abc", "/integritet",
                "/inbjudan/abc", "/aterstall/abc"]


MEMBER_APP = ("js/app.js", "js/outbox.js", "manifest.webmanifest")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_load_no_member_script_and_show_the_party(app, client, path):
    app.config.update(PARTY_NAME="Exempelpartiet")
    page = client.get(path).get_data(as_text=True)
    assert [name for name in MEMBER_APP if name in page] == []
    assert "<script" not in page
    assert 'data-testid="party">Exempelpartiet<' in page


def test_member_pages_still_install_the_app(login_as, db):
    page = login_as(make_member(db)).get("/").get_data(as_text=True)
    assert all(name in page for name in MEMBER_APP)
