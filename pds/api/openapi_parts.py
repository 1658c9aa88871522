"""An OpenAPI operation made from an endpoint's declaration (``pds.api.endpoint``):
its security, parameters, body, answers and problem responses."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema

from pds.api.endpoint import Answer, Operation

#: The problem details body (``pds.auth.problems``) as JSON Schema.
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
PROBLEM_WORDS = {
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
NOT_MODIFIED = {"description": "Not modified (If-None-Match matched the ETag)."}
#: A Werkzeug rule's variable part, ``<name>`` or ``<converter:name>``.
RULE_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")


def openapi_path(rule: str, base: str) -> str:
    """``/api/v1/offers/<offer_id>`` -> ``/offers/{offer_id}`` (below the server URL)."""
    return RULE_VARIABLE.sub(r"{\1}", rule.removeprefix(base))


def path_parameters(rule: str) -> list[dict[str, Any]]:
    return [
        {"in": "path", "name": name, "required": True, "schema": {"type": "string"}}
        for name in RULE_VARIABLE.findall(rule)
    ]


def operation_spec(operation: Operation) -> dict[str, Any]:
    """The OpenAPI operation object of ``operation``."""
    spec: dict[str, Any] = {
        "summary": operation.summary,
        "security": [{"oauth2": list(operation.scopes)}],
    }
    if operation.query is not None:
        spec["parameters"] = [{"in": "query", "schema": operation.query}]
    if operation.body is not None:
        content = _json(operation.body, operation.body_example)
        spec["requestBody"] = {"required": True, "content": content}
    responses = {str(a.status): _answer(a, operation.response) for a in operation.answers}
    if operation.method == "GET":
        responses["304"] = NOT_MODIFIED
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for status in operation.problems:
        responses[str(status)] = {"description": PROBLEM_WORDS[status], "content": problem}
    spec["responses"] = responses
    return spec


def _answer(answer: Answer, schema: type[Schema] | None) -> dict[str, Any]:
    described: dict[str, Any] = {"description": answer.description}
    if answer.location:
        described["headers"] = {"Location": {"schema": {"type": "string"}}}
    if schema is not None:
        described["content"] = _json(schema, answer.example)
    return described


def _json(schema: type[Schema], example: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"schema": schema}
    if example is not None:
        entry["example"] = example
    return {"application/json": entry}
