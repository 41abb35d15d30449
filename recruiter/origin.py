"""The defence against cross-site posts on the public forms that carry no token.

The join pages and the language switch look the same to everyone, so they can be rendered
once and kept (issue 16); a per-visitor CSRF token would stop that. Instead the browser says
where a POST comes from: Fetch Metadata (`Sec-Fetch-Site`), and the `Origin` header for the
browsers that do not send it, which OWASP accepts as a CSRF defence on its own. A client that
sends neither is not a browser another site can drive, so it may post.
"""
from urllib.parse import urlsplit

from flask import request

ALLOWED_SITES = {"same-origin", "none"}


def same_origin():
    """False when the browser says the request comes from another site."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ALLOWED_SITES
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    # "null" is what a sandboxed frame or a cross-site redirect sends: not ours.
    return origin != "null" and urlsplit(origin).netloc == request.host
