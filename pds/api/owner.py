"""``/api/v1/me``, ``/preferences`` and ``/relationship``: the owner as this vendor may
know them."""

from __future__ import annotations

from typing import Any

from pds.api.conventions import API_BASE, services
from pds.api.endpoint import endpoint
from pds.api.errors import api_blueprint
from pds.auth import VendorAccess
from pds.schemas.vendor_api import ApiRelationshipSchema, MeSchema, PreferenceListSchema

bp = api_blueprint("api_owner", __name__, url_prefix=API_BASE)


@endpoint(bp, "GET", "/me", scope=None, response=MeSchema)
def me(access: VendorAccess) -> Any:
    """The owner's pairwise sub and granted claims (any consent grant's token; a
    client-credentials token gets 403)"""
    return services().vendor_view.claims(access.client_id, list(access.scopes))


@endpoint(
    bp,
    "GET",
    "/preferences",
    scope="preferences:read",
    response=PreferenceListSchema,
    records="preference",
)
def preferences(access: VendorAccess) -> Any:
    """Preferences shared with vendors"""
    return {"items": services().vendor_view.preferences(access.grant)}


@endpoint(bp, "GET", "/relationship", scope="relationship:read", response=ApiRelationshipSchema)
def relationship(access: VendorAccess) -> Any:
    """The owner's public record of this relationship"""
    return services().vendor_view.relationship(access.grant)
