"""``/api/v1/subscription``: a vendor's one webhook subscription to the owner's RFPs.

PUT creates it (201, with the signing ``secret``, shown this once) or replaces its url
and categories (200, secret unchanged and not shown); POST ``/subscription/secret``
rotates the secret (the old one stops at once). The token is the vendor's
client-credentials token (scope ``rfp:respond``).
"""

from __future__ import annotations

from typing import Any

from pds.api import examples
from pds.api.conventions import API_BASE, services
from pds.api.endpoint import Answer, Reply, endpoint
from pds.api.errors import api_blueprint
from pds.auth import VendorAccess
from pds.schemas.rfp_api import ApiSubscriptionSchema, SecretSchema
from pds.schemas.subscription import SubscriptionSchema
from pds.services.intents.subscriptions import public_view

SCOPE = "rfp:respond"
#: A response carrying the signing secret: no cache may keep it.
NO_STORE = {"Cache-Control": "no-store"}

bp = api_blueprint("api_subscriptions", __name__, url_prefix=API_BASE)


@endpoint(
    bp,
    "PUT",
    "/subscription",
    scope=SCOPE,
    body=SubscriptionSchema,
    body_example=examples.SUBSCRIPTION_REQUEST,
    response=ApiSubscriptionSchema,
    answers=(
        Answer(200, "OK"),
        Answer(201, "Subscribed; the secret is shown only here", examples.SUBSCRIPTION),
    ),
    problems=(422,),
)
def put_subscription(access: VendorAccess, body: dict[str, Any]) -> Any:
    """Subscribe to RFP webhooks (201, with the secret) or replace url and categories"""
    record, created = services().subscriptions.subscribe(access.client_id, body)
    if created:
        return Reply({**public_view(record), "secret": record["secret"]}, 201, NO_STORE)
    return public_view(record)


@endpoint(bp, "GET", "/subscription", scope=SCOPE, response=ApiSubscriptionSchema)
def get_subscription(access: VendorAccess) -> Any:
    """This vendor's subscription (without the secret)"""
    return public_view(services().subscriptions.get(access.client_id))


@endpoint(
    bp,
    "DELETE",
    "/subscription",
    scope=SCOPE,
    response=None,
    answers=(Answer(204, "Unsubscribed"),),
    problems=(404,),
)
def delete_subscription(access: VendorAccess) -> None:
    """Unsubscribe"""
    services().subscriptions.unsubscribe(access.client_id)


@endpoint(
    bp,
    "POST",
    "/subscription/secret",
    scope=SCOPE,
    response=SecretSchema,
    answers=(Answer(200, "The new secret"),),
    problems=(404,),
)
def rotate_secret(access: VendorAccess) -> Reply:
    """Rotate the webhook signing secret (the old one stops at once)"""
    record = services().subscriptions.rotate_secret(access.client_id)
    return Reply({"secret": record["secret"]}, headers=NO_STORE)
