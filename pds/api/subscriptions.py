"""``/api/v1/subscription``: a vendor's one webhook subscription to the owner's RFPs.

PUT creates it (201, with the signing ``secret``, shown this once) or replaces its url
and categories (200, secret unchanged and not shown); POST ``/subscription/secret``
rotates the secret (the old one stops at once). The token is the vendor's
client-credentials token (scope ``rfp:respond``).
"""

from __future__ import annotations

from flask import Blueprint, Response

from pds.api.conventions import endpoint, json_body, respond, services
from pds.auth import current_access
from pds.schemas.rfp_api import ApiSubscriptionSchema, SecretSchema
from pds.services.intents.subscriptions import public_view

SCOPE = "rfp:respond"
SUBSCRIPTION, SECRET = ApiSubscriptionSchema(), SecretSchema()

bp = Blueprint("api_subscriptions", __name__, url_prefix="/api/v1")


@bp.put("/subscription")
@endpoint(SCOPE)
def put_subscription() -> Response:
    access = current_access()
    record, created = services().subscriptions.subscribe(access.client_id, json_body())
    if created:
        view = {**public_view(record), "secret": record["secret"]}
        return _no_store(respond(SUBSCRIPTION, view, 201))
    return respond(SUBSCRIPTION, public_view(record))


@bp.get("/subscription")
@endpoint(SCOPE)
def get_subscription() -> Response:
    access = current_access()
    record = services().subscriptions.get(access.client_id)
    access.returned = 1
    return respond(SUBSCRIPTION, public_view(record))


@bp.delete("/subscription")
@endpoint(SCOPE)
def delete_subscription() -> Response:
    services().subscriptions.unsubscribe(current_access().client_id)
    return Response(status=204)


@bp.post("/subscription/secret")
@endpoint(SCOPE)
def rotate_secret() -> Response:
    record = services().subscriptions.rotate_secret(current_access().client_id)
    return _no_store(respond(SECRET, {"secret": record["secret"]}))


def _no_store(response: Response) -> Response:
    """A response carrying the signing secret: no cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    return response
