"""The API's conventions, in one place: JSON bodies in, schema-shaped JSON out with an
ETag (``If-None-Match`` gives 304), rate limits per vendor. (``pds.api.endpoint`` applies
them to each declared endpoint; ``pds.api.errors`` answers errors as problem details.)"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import orjson
from flask import Response, request
from marshmallow import Schema, fields

from pds.errors import MalformedRequest, UnsupportedMediaType
from pds.runtime.current import runtime
from pds.services import Services
from pds.services.ratelimit import RateLimiter

#: Where the vendor API lives; the OpenAPI document's server URL ends with it.
API_BASE = "/api/v1"


def services() -> Services:
    return runtime().services


def rate_limiter() -> RateLimiter:
    """The per-vendor limit of API calls."""
    return runtime().limits.api


def json_body() -> Any:
    """The request's JSON body: 415 unless it is JSON, 400 if it does not parse."""
    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json", {})
    data = request.get_json(silent=True)
    if data is None:
        raise MalformedRequest("the body is not valid JSON")
    return data


#: The fields that may leave, and the nested ones with their own plan.
Plan = tuple[frozenset[str], tuple[tuple[str, "Plan"], ...]]


@lru_cache(maxsize=64)
def _plan(schema_class: type[Schema]) -> Plan:
    """Which fields of ``schema_class`` leave, and how nested ones do."""
    allowed, nested = set(), []
    for name, field in schema_class().fields.items():
        assert field.data_key is None, "API schemas use their field names on the wire"
        if field.load_only:
            continue
        allowed.add(name)
        inner = _nested(field)
        if inner is not None:
            nested.append((name, _plan(type(inner))))
    return frozenset(allowed), tuple(nested)


def _nested(field: fields.Field[Any]) -> Schema | None:
    if isinstance(field, fields.Nested):
        return field.schema
    if isinstance(field, fields.List) and isinstance(field.inner, fields.Nested):
        return field.inner.schema
    return None


def _trim(plan: Plan, data: Any) -> None:
    if data.__class__ is list:
        for item in data:
            _trim(plan, item)
        return
    allowed, nested = plan
    for key in [key for key in data if key not in allowed]:
        del data[key]
    for name, inner in nested:
        value = data.get(name)
        if value is not None:
            _trim(inner, value)


def project(schema: Schema, data: Any) -> Any:
    """``data`` (JSON storage form, built for this response) cut down, in place, to the
    fields ``schema`` declares: nothing undeclared (an owner's note, an internal field)
    can leave through the API."""
    _trim(_plan(type(schema)), data)
    return data


def respond(
    schema: Schema, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """``data`` shaped by ``schema``; GETs carry an ETag and answer 304 when unchanged.
    ``headers`` are added last (a ``Cache-Control`` among them wins)."""
    body = orjson.dumps(project(schema, data))
    response = Response(body, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers.update(headers or {})
    if request.method == "GET":
        response.add_etag()
        response.make_conditional(request)
    return response
