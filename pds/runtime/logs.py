"""The server's log lines: plain text, or one JSON object a line (``PDS_LOG_FORMAT``).

Each line logged while a request is served carries its request id (``request_id``,
set by the web layer for the request's thread). The records pds logs name ids,
counts, routes and status codes; never record values, tokens or query strings.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from typing import Any, TextIO

from pds.config import Settings

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has: anything else was passed with ``extra=`` and is a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
TEXT_FORMAT = "%(asctime)s %(name)s [%(request_id)s] %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            line["request_id"] = rid
        for key, value in vars(record).items():  # ``extra`` fields
            if key not in _STANDARD and key not in line:
                line[key] = value
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestIdFilter(logging.Filter):
    """Gives each record the request id (``-`` outside a request) for the text format."""

    def filter(self, record: logging.LogRecord) -> bool:
        setattr(record, "request_id", request_id.get() or "-")  # noqa: B010
        return True


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send pds's log lines to ``stream`` (stderr) in the format and at the level the
    settings say."""
    handler = logging.StreamHandler(stream)
    if settings.log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
        handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
