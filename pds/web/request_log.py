"""A request id and one log line per request.

Every response carries ``X-Request-Id``: the caller's own, if it sent a well-formed
one (8 to 64 letters, digits, ``-``, ``_`` or ``.``: a proxy's or a load balancer's
id, so the lines can be matched up), else a fresh random one. Every line logged while
the request is served carries it (``pds.runtime.logs``). The request's own line names
the method, the *route* (``/relationships/<record_id>``, not the path: no ids, no
feed keys, no query string), the status, the time taken and the client address.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, Response, g, request

from pds.runtime.logs import request_id

log = logging.getLogger("pds.request")
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")
HEADER = "X-Request-Id"


def register_request_log(app: Flask) -> None:
    app.before_request(_begin)
    app.after_request(_end)
    app.teardown_request(_forget)


def _begin() -> None:
    incoming = request.headers.get(HEADER, "")
    rid = incoming if WELL_FORMED.fullmatch(incoming) else uuid.uuid4().hex
    g.request_id = rid
    g.request_started = time.monotonic()
    g.request_id_token = request_id.set(rid)


def _end(response: Response) -> Response:
    if "request_id" not in g:  # a hook before ours answered already
        _begin()
    response.headers[HEADER] = g.request_id
    route = request.url_rule.rule if request.url_rule is not None else "-"
    millis = round((time.monotonic() - g.request_started) * 1000, 1)
    log.info(
        "%s %s %s %.1f ms",
        request.method,
        route,
        response.status_code,
        millis,
        extra={
            "method": request.method,
            "route": route,
            "status": response.status_code,
            "ms": millis,
            "client": request.remote_addr,
        },
    )
    return response


def _forget(_: BaseException | None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        request_id.reset(token)
