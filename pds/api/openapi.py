"""The OpenAPI 3.1 document of the vendor API, served at ``/openapi.json``: its paths
are the app's ``/api/v1`` routes, each operation made from its endpoint's declaration
(``pds.api.endpoint``) and the marshmallow schemas that validate requests and shape
responses (apispec). ``docs/api.md`` is generated from it (``make docs``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, Response, current_app, jsonify
from marshmallow import Schema
from marshmallow.fields import Field

from pds.api.conventions import API_BASE
from pds.api.endpoint import DeclaredView
from pds.api.errors import api_blueprint
from pds.api.openapi_parts import PROBLEM, openapi_path, operation_spec, path_parameters
from pds.runtime.current import runtime
from pds.schemas.common import Choice, Id, Text
from pds.schemas.money import Currency, ExactDecimal
from pds.schemas.rfp import OfferSchema
from pds.schemas.subscription import SubscriptionSchema
from pds.schemas.temporal import Day, Instant
from pds.schemas.vendor_api import PreferenceListSchema
from pds.version import __version__
from policies.scopes import CATALOGUE

bp = api_blueprint("openapi", __name__)

#: The vendors' client-credentials scope (the RFP side).
RFP_SCOPE = "rfp:respond"
#: Component names that are not the schema's class name without ``Api`` and ``Schema``.
NAMES: dict[type[Schema], str] = {
    OfferSchema: "OfferRequest",
    SubscriptionSchema: "SubscriptionRequest",
    PreferenceListSchema: "Preferences",
}


def component_name(schema: type[Schema] | Schema) -> str:
    """The name of ``schema``'s component in the document."""
    cls = schema if isinstance(schema, type) else type(schema)
    return NAMES.get(cls) or cls.__name__.removeprefix("Api").removesuffix("Schema")


def _teach(plugin: MarshmallowPlugin) -> None:
    """Tell the marshmallow plugin what pds's own field types are on the wire."""
    # cast: apispec leaves these two methods unannotated
    map_type = cast(
        "Callable[[type[Field[Any]], str, str | None], None]", plugin.map_to_openapi_type
    )
    for field, (kind, format_) in {
        Text: ("string", None),
        Id: ("string", "uuid"),
        Day: ("string", "date"),
        Instant: ("string", "date-time"),
        ExactDecimal: ("string", "decimal"),
        Currency: ("string", None),
        Choice: ("string", None),
    }.items():
        map_type(field, kind, format_)
    assert plugin.converter is not None
    add_attribute_function = cast(
        "Callable[[Callable[..., dict[str, Any]]], None]", plugin.converter.add_attribute_function
    )
    add_attribute_function(_choices)


def _choices(self: Any, field: Any, **_: Any) -> dict[str, Any]:
    if isinstance(field, Choice):
        return {"enum": list(field.choices)}
    if isinstance(field, Text):
        return {"maxLength": field.max_length}
    return {}


def build_spec(app: Flask, issuer: str) -> dict[str, Any]:
    """The document of ``app``'s vendor API, for a store at ``issuer``."""
    plugin = MarshmallowPlugin(schema_name_resolver=component_name)
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
        servers=[{"url": f"{issuer}{API_BASE}"}],
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
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if isinstance(view, DeclaredView) and rule.rule.startswith(API_BASE):
            spec.path(
                openapi_path(rule.rule, API_BASE),
                operations={view.operation.method.lower(): operation_spec(view.operation)},
                parameters=path_parameters(rule.rule),
            )
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi_json() -> Response:
    issuer = runtime().settings.issuer_url
    return jsonify(build_spec(current_app, issuer))
