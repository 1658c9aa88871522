"""The OpenAPI 3.1 document of the vendor API, generated from the same marshmallow
schemas that validate requests and shape responses (apispec), served at
``/openapi.json``; ``docs/api.md`` is generated from it (``make docs``)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app, jsonify

from pds.schemas.common import Choice, Id, Text
from pds.schemas.money import Currency, ExactDecimal
from pds.schemas.temporal import Day, Instant
from pds.schemas.vendor_api import (
    ApiPurchaseQuerySchema,
    ApiPurchaseSchema,
    ApiRelationshipSchema,
    MeSchema,
    PreferenceListSchema,
    PurchasePageSchema,
    ReceiptSchema,
)
from pds.version import __version__
from policies.scopes import CATALOGUE

bp = Blueprint("openapi", __name__)

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
PURCHASE_EXAMPLE = {
    "id": "01920000-0000-7000-8000-000000000001",
    "vendor_id": "01920000-0000-7000-8000-0000000000aa",
    "date": "2026-05-04",
    "order_ref": "A-1001",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "total": "89.00",
    "currency": "EUR",
    "category": "clothing",
    "tags": [],
    "source": "vendor:shop-client-id",
    "status": "new",
    "created_at": "2026-05-04T10:00:00Z",
    "updated_at": "2026-05-04T10:00:00Z",
}
RECEIPT_EXAMPLE = {
    "date": "2026-05-04",
    "order_ref": "A-1001",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "currency": "EUR",
    "category": "clothing",
}


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        304: "Not modified (If-None-Match matched the ETag).",
        400: "The body could not be read (not valid JSON).",
        401: "No valid access token (see WWW-Authenticate).",
        403: "The grant does not include the scope this call needs.",
        404: "No such record within the grant.",
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


def _json(schema: str, example: Any | None = None) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if example is not None:
        media["example"] = example
    return {"application/json": media}


def _get(summary: str, scope: str | None, schema: str, **extra: Any) -> dict[str, Any]:
    return {
        "summary": summary,
        "security": [{"oauth2": [scope] if scope else []}],
        "responses": {
            "200": {"description": "OK", "content": _json(schema, extra.pop("example", None))},
            **_errors(304, 401, 403, 404, 422, 429),
        },
        **extra,
    }


def _teach(plugin: MarshmallowPlugin) -> None:
    """Tell the marshmallow plugin what pds's own field types are on the wire."""
    plugin.map_to_openapi_type(Text, "string", None)
    plugin.map_to_openapi_type(Id, "string", "uuid")
    plugin.map_to_openapi_type(Day, "string", "date")
    plugin.map_to_openapi_type(Instant, "string", "date-time")
    plugin.map_to_openapi_type(ExactDecimal, "string", "decimal")
    plugin.map_to_openapi_type(Currency, "string", None)
    plugin.map_to_openapi_type(Choice, "string", None)
    assert plugin.converter is not None
    plugin.converter.add_attribute_function(_choices)


def _choices(self: Any, field: Any, **_: Any) -> dict[str, Any]:
    if isinstance(field, Choice):
        return {"enum": list(field.choices)}
    if isinstance(field, Text):
        return {"maxLength": field.max_length}
    return {}


def build_spec(issuer: str) -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="pds vendor API",
        version=__version__,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={
            "description": "What a vendor may read and write in one person's data store, under "
            "the grant that person gave. Obtain tokens by OAuth 2.0 authorization code + PKCE "
            "(S256) after dynamic client registration; see the OpenID configuration."
        },
        servers=[{"url": f"{issuer}/api/v1"}],
    )
    spec.components.security_scheme(
        "oauth2",
        {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": f"{issuer}/oauth/authorize",
                    "tokenUrl": f"{issuer}/oauth/token",
                    "refreshUrl": f"{issuer}/oauth/token",
                    "scopes": {name: s.title for name, s in CATALOGUE.items()},
                }
            },
        },
    )
    _teach(plugin)
    spec.components.schema("Problem", PROBLEM)
    for name, schema in (
        ("Purchase", ApiPurchaseSchema),
        ("PurchasePage", PurchasePageSchema),
        ("Receipt", ReceiptSchema),
        ("Me", MeSchema),
        ("Preferences", PreferenceListSchema),
        ("Relationship", ApiRelationshipSchema),
    ):
        spec.components.schema(name, schema=schema)
    _paths(spec)
    return spec.to_dict()


def _paths(spec: APISpec) -> None:
    spec.path(
        "/me",
        operations={"get": _get("The owner's pairwise sub and granted claims", None, "Me")},
    )
    spec.path(
        "/purchases",
        operations={
            "get": _get(
                "Purchases within the grant, newest first (cursor pagination)",
                "purchases:read",
                "PurchasePage",
                parameters=[{"in": "query", "schema": ApiPurchaseQuerySchema}],
                example={"items": [PURCHASE_EXAMPLE], "next_cursor": None},
            ),
            "post": {
                "summary": "Push a digital receipt (stored as new, source vendor:<client_id>)",
                "security": [{"oauth2": ["purchases:write"]}],
                "requestBody": {"required": True, "content": _json("Receipt", RECEIPT_EXAMPLE)},
                "responses": {
                    "201": {
                        "description": "Stored",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": _json("Purchase", PURCHASE_EXAMPLE),
                    },
                    **_errors(400, 401, 403, 413, 415, 422, 429),
                },
            },
        },
    )
    spec.path(
        "/purchases/{purchase_id}",
        parameters=[
            {"in": "path", "name": "purchase_id", "required": True, "schema": {"type": "string"}}
        ],
        operations={
            "get": _get("One purchase within the grant", "purchases:read", "Purchase"),
        },
    )
    spec.path(
        "/preferences",
        operations={
            "get": _get("Preferences shared with vendors", "preferences:read", "Preferences")
        },
    )
    spec.path(
        "/relationship",
        operations={
            "get": _get(
                "The owner's public record of this relationship",
                "relationship:read",
                "Relationship",
            )
        },
    )


@bp.get("/openapi.json")
def openapi_json() -> Response:
    issuer = current_app.extensions["pds.auth"].server.issuer
    return jsonify(build_spec(issuer))
