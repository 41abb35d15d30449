"""Log lines without personal data: one access line per request (the route's pattern,
never the path's values, the query string or the address) and, with LOG_FORMAT = "json",
every line as a JSON object for the journal."""
import json
import logging
import time
from datetime import datetime, timezone

from flask import g, request

access_log = logging.getLogger("recruiter.access")
ACCESS_FIELDS = ("method", "route", "status", "ms")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, access fields."""

    def format(self, record):
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc)
                 .isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage()}
        entry.update({field: getattr(record, field) for field in ACCESS_FIELDS
                      if hasattr(record, field)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def _start_clock():
    g.started = time.perf_counter()


def _access_line(response):
    """The pattern (/aterstall/<token>), so no token, code or id reaches the log."""
    route = request.url_rule.rule if request.url_rule else "(no route)"
    ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
    access_log.info("%s %s %s %sms", request.method, route, response.status_code, ms,
                    extra={"method": request.method, "route": route,
                           "status": response.status_code, "ms": ms})
    return response


def init_app(app):
    """JSON lines on stderr (the journal) if asked; access lines unless the
    development server logs its own."""
    if app.config.get("LOG_FORMAT") == "json":
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        app.logger.handlers[:] = [handler]  # instead of Flask's default handler
        app.logger.setLevel(logging.INFO)
    if not app.debug:
        access_log.setLevel(logging.INFO)
        app.before_request(_start_clock)
        app.after_request(_access_line)
