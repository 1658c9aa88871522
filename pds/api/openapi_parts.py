"""Building blocks of the OpenAPI document's operations: problem responses, JSON
bodies, reads and writes (``pds.api.openapi`` and ``pds.api.openapi_rfps`` use them)."""

from __future__ import annotations

from typing import Any

PROBLEM = {
    "type": "object",
    "required": ["type", "title", "status", "code", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "error": {"type": "string"},
        "errors": {"type": "object"},
    },
}


def problems(*statuses: int) -> dict[str, Any]:
    """The documented error responses (problem JSON) of these ``statuses``."""
    words = {
        304: "Not modified (If-None-Match matched the ETag).",
        400: "The body could not be read (not valid JSON).",
        401: "No valid access token (see WWW-Authenticate).",
        403: "The grant does not include the scope this call needs.",
        404: "No such record within the grant.",
        409: "The RFP or offer is not in a state that allows this (e.g. not open).",
        413: "The body is too large.",
        415: "The body is not application/json.",
        422: "Invalid input; `errors` names each field.",
        429: "Rate limited; retry after `Retry-After` seconds.",
    }
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        str(code): {"description": words[code], **({} if code == 304 else {"content": problem})}
        for code in statuses
    }


def media(schema: str, example: Any | None = None) -> dict[str, Any]:
    """A JSON body of the named component ``schema``."""
    entry: dict[str, Any] = {"schema": schema}
    if example is not None:
        entry["example"] = example
    return {"application/json": entry}


def read(summary: str, scope: str | None, schema: str, **extra: Any) -> dict[str, Any]:
    """A GET answering 200 with ``schema`` (ETag, 304), or the usual problems."""
    return {
        "summary": summary,
        "security": [{"oauth2": [scope] if scope else []}],
        "responses": {
            "200": {"description": "OK", "content": media(schema, extra.pop("example", None))},
            **problems(304, 401, 403, 404, 422, 429),
        },
        **extra,
    }


def write(
    summary: str,
    scope: str,
    body: str | None,
    answers: dict[str, Any],
    example: Any | None = None,
    errors: tuple[int, ...] = (401, 403, 404, 409, 422, 429),
) -> dict[str, Any]:
    """An operation that changes something: ``answers`` by status, then the ``errors``
    (and 400, 413, 415 when it takes a ``body``)."""
    operation: dict[str, Any] = {"summary": summary, "security": [{"oauth2": [scope]}]}
    if body is not None:
        content = media(body, example)
        operation["requestBody"] = {"required": True, "content": content}
        errors = (*errors, 400, 413, 415)
    operation["responses"] = {**answers, **problems(*sorted(errors))}
    return operation


def created(schema: str, example: Any | None = None) -> dict[str, Any]:
    """A 201 with a ``Location`` header and ``schema``."""
    return {
        "description": "Created",
        "headers": {"Location": {"schema": {"type": "string"}}},
        "content": media(schema, example),
    }


def path_parameter(name: str) -> dict[str, Any]:
    return {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
