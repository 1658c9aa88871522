"""Where the portal may send the browser after a login: a path on this site, nothing else.

``next`` is read the way a browser reads a ``Location`` (WHATWG URL parsing): C0
controls and spaces at either end are dropped, tab, CR and LF are dropped anywhere,
and ``\\`` counts as ``/``. What is left must be a path that starts with one ``/``
(``//host`` and ``/\\host`` name another host) and has no scheme or host; anything
else leads to the dashboard. Percent-escapes are not decoded: the browser does not
decode them either, so ``/%2F%2Fevil.example`` is a path on this site (a 404), and a
value that only decodes to one (``%2F%2Fevil.example``) does not start with ``/``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import request
from werkzeug.urls import iri_to_uri

DASHBOARD = "/"
_ENDS = "".join(chr(code) for code in range(0x21))  # C0 controls and the space
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def safe_next(target: str) -> str:
    """``target`` as a path on this site (escaped as the browser will request it), or the
    dashboard when a browser would read it as anything else."""
    text = _TAB_OR_NEWLINE.sub("", target.strip(_ENDS)).replace("\\", "/")
    if not text.startswith("/") or text.startswith("//"):
        return DASHBOARD
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return DASHBOARD
    return iri_to_uri(text)


def this_request_target() -> str:
    """The current request's path and query, as ``safe_next`` gives it back after a login
    (bytes that are not UTF-8 in the query become U+FFFD, as in ``request.args``)."""
    query = request.query_string.decode("utf-8", "replace")
    return safe_next(f"{request.path}?{query}" if query else request.path)
