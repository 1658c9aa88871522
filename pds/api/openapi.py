"""The OpenAPI 3.1 document of the vendor API, generated from the same marshmallow
schemas that validate requests and shape responses (apispec), served at
``/openapi.json``; ``docs/api.md`` is generated from it (``make docs``)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, jsonify

from pds.api.openapi_parts import PROBLEM, media, problems, read
from pds.api.openapi_rfps import RFP_COMPONENTS, RFP_SCOPE, rfp_paths
from pds.runtime.current import runtime
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
            "(S256) after dynamic client registration; see the OpenID configuration. "
            "Vendors answering the owner's RFPs use client credentials instead (scope "
            "rfp:respond): they never learn who the owner is."
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
                },
                "clientCredentials": {
                    "tokenUrl": f"{issuer}/oauth/token",
                    "scopes": {RFP_SCOPE: CATALOGUE[RFP_SCOPE].title},
                },
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
        *RFP_COMPONENTS,
    ):
        spec.components.schema(name, schema=schema)
    _paths(spec)
    rfp_paths(spec)
    return spec.to_dict()


def _paths(spec: APISpec) -> None:
    spec.path(
        "/me",
        operations={
            "get": read(
                "The owner's pairwise sub and granted claims (any consent grant's token; "
                "a client-credentials token gets 403)",
                None,
                "Me",
            )
        },
    )
    spec.path(
        "/purchases",
        operations={
            "get": read(
                "Purchases within the grant, newest first (cursor pagination)",
                "purchases:read",
                "PurchasePage",
                parameters=[{"in": "query", "schema": ApiPurchaseQuerySchema}],
                example={"items": [PURCHASE_EXAMPLE], "next_cursor": None},
            ),
            "post": {
                "summary": "Push a digital receipt (stored as new, source vendor:<client_id>)",
                "security": [{"oauth2": ["purchases:write"]}],
                "requestBody": {"required": True, "content": media("Receipt", RECEIPT_EXAMPLE)},
                "responses": {
                    "201": {
                        "description": "Stored",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                        "content": media("Purchase", PURCHASE_EXAMPLE),
                    },
                    **problems(400, 401, 403, 413, 415, 422, 429),
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
            "get": read("One purchase within the grant", "purchases:read", "Purchase"),
        },
    )
    spec.path(
        "/preferences",
        operations={
            "get": read("Preferences shared with vendors", "preferences:read", "Preferences")
        },
    )
    spec.path(
        "/relationship",
        operations={
            "get": read(
                "The owner's public record of this relationship",
                "relationship:read",
                "Relationship",
            )
        },
    )


@bp.get("/openapi.json")
def openapi_json() -> Response:
    issuer = runtime().settings.issuer_url
    return jsonify(build_spec(issuer))
