"""``/api/v1/me``, ``/preferences`` and ``/relationship``: the owner as this vendor may
know them."""

from __future__ import annotations

from flask import Blueprint, Response

from pds.api.conventions import endpoint, respond, services
from pds.auth import current_access
from pds.schemas.vendor_api import ApiRelationshipSchema, MeSchema, PreferenceListSchema

ME, PREFERENCES, RELATIONSHIP = MeSchema(), PreferenceListSchema(), ApiRelationshipSchema()

bp = Blueprint("api_owner", __name__, url_prefix="/api/v1")


@bp.get("/me")
@endpoint()
def me() -> Response:
    access = current_access()
    claims = services().vendor_view.claims(access.client_id, list(access.scopes))
    access.returned = 1
    return respond(ME, claims)


@bp.get("/preferences")
@endpoint("preferences:read")
def preferences() -> Response:
    access = current_access()
    items = services().vendor_view.preferences(access.grant)
    access.returned = len(items)
    access.saw("preference", (item["key"] for item in items))
    return respond(PREFERENCES, {"items": items})


@bp.get("/relationship")
@endpoint("relationship:read")
def relationship() -> Response:
    access = current_access()
    record = services().vendor_view.relationship(access.grant)
    access.returned = 1
    return respond(RELATIONSHIP, record)
