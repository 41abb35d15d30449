"""Static files as cheap as a phone's network allows.

Every url_for('static', ...) gets `?v=<content hash>`; a request carrying the
current hash is answered `immutable` for a year, so a repeat visit asks for no
static file at all, and a changed file gets a new URL. Without the hash (the
service worker's install, old pages) the answer is `no-cache` with an ETag.
Text files are gzipped once at start-up, not per request. The whole folder
(about 60 KB) is read into memory when the app is built, so changing a file
means restarting the server, as deploying new code does anyway.

Why not WhiteNoise: outside Django it fingerprints nothing and serves only
.gz files made by a build step; this is the part of it we need, without a
build step or a new dependency.
"""
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, request

YEAR = 31536000
IMMUTABLE = f"public, max-age={YEAR}, immutable"
COMPRESSIBLE = {".css", ".js", ".svg", ".webmanifest", ".json", ".txt", ".html"}


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    mimetype: str
    digest: str


def load(folder):
    """Every file under the static folder, by its URL path, with hash and gzip."""
    assets = {}
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        body = path.read_bytes()
        squeezed = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSIBLE else None
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if path.suffix == ".webmanifest":
            mimetype = "application/manifest+json"
        assets[path.relative_to(folder).as_posix()] = Asset(
            body, squeezed if squeezed and len(squeezed) < len(body) else None,
            mimetype, hashlib.sha256(body).hexdigest()[:12])
    return assets


def serve(filename):
    """The static view: from memory, gzipped when the browser takes it."""
    asset = current_app.extensions["varva_assets"].get(filename)
    if asset is None:
        abort(404)
    fingerprinted = request.args.get("v") == asset.digest
    if not fingerprinted and asset.digest in request.if_none_match:
        response = current_app.response_class(status=304)
    elif asset.gzipped is not None and "gzip" in request.accept_encodings:
        response = current_app.response_class(asset.gzipped, mimetype=asset.mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = current_app.response_class(asset.body, mimetype=asset.mimetype)
    if asset.gzipped is not None:
        response.vary.add("Accept-Encoding")
    response.set_etag(asset.digest)
    response.headers["Cache-Control"] = IMMUTABLE if fingerprinted else "no-cache"
    return response


def fingerprint(endpoint, values):
    """url_for('static', filename=...) gains the file's content hash."""
    if endpoint == "static":
        asset = current_app.extensions["varva_assets"].get(values.get("filename"))
        if asset is not None:
            values.setdefault("v", asset.digest)


def init_app(app):
    """Serve static/ from memory with fingerprinted URLs (not while debugging,
    so edited files show at once)."""
    if app.debug:
        return
    app.extensions["varva_assets"] = load(app.static_folder)
    app.view_functions["static"] = serve
    app.url_defaults(fingerprint)
