"""The Flask class of pds: Flask, with JSON bodies of bounded depth and redirects that
refuse line breaks, so neither can turn a hostile request into a 500.

- Every JSON body (the vendor API's ``json_body``, ``/oauth/register``) is parsed by
  ``request.get_json``, which calls ``BoundedJSONProvider``: a body nested deeper than
  ``MAX_JSON_DEPTH`` fails there like any body that does not parse, so each endpoint
  answers with its own 400 (problem JSON, or ``invalid_client_metadata``), never with
  the ``RecursionError`` of a parser, schema or serializer walking it.
- Middleware in ``front`` (the trusted proxies' ``ProxyFix``) sees each request first.
- Every redirect (``flask.redirect``) goes through ``PdsFlask.redirect``: a target
  built from input that holds CR, LF or another control character is a 400, not the
  ``ValueError`` Werkzeug raises when it refuses to put it in a ``Location`` header.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from flask import Flask, abort
from flask.json.provider import DefaultJSONProvider
from werkzeug.wrappers import Response

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

#: No request body of this server nests deeper (a receipt's line items: 3 levels).
MAX_JSON_DEPTH = 32
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class JsonTooDeep(ValueError):
    """A JSON document nests more than ``MAX_JSON_DEPTH`` arrays and objects."""

    def __init__(self) -> None:
        super().__init__(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")


class BoundedJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            data = super().loads(s, **kwargs)
        except RecursionError:
            raise JsonTooDeep() from None
        if nesting_exceeds(data, MAX_JSON_DEPTH):
            raise JsonTooDeep()
        return data


def nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests more than ``limit`` arrays and objects
    (without recursion: the check must not be what overflows the stack)."""
    pending = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        item, level = pending.pop()
        if level > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


class PdsFlask(Flask):
    json_provider_class = BoundedJSONProvider
    #: WSGI middleware every request goes through first, wrapping ``wsgi_app`` (the
    #: trusted proxies' ``ProxyFix``, see ``pds.web.proxies``); none by default.
    front: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.front is not None:
            return self.front(environ, start_response)
        return super().__call__(environ, start_response)

    def redirect(self, location: str, code: int = 302) -> Response:
        if CONTROL_CHARACTERS.search(location):
            abort(400, description="The address to go on to holds a line break or control code.")
        return super().redirect(location, code)
