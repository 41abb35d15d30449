"""Where a `next` parameter may send the browser: only to a path on this site."""
from urllib.parse import urlsplit


def safe_next(value):
    """Return value if it is a path on this site, else None.

    Only a single leading slash is allowed: no scheme (`https:evil.example`
    passes a bare netloc check and browsers follow it), no `//` or `/\\`, no
    backslash or control character anywhere.
    """
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
