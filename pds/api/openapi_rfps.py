"""The RFP side of the OpenAPI document: a vendor (client credentials, scope
``rfp:respond``) lists the owner's open RFPs, offers, asks and subscribes to webhooks."""

from __future__ import annotations

from apispec import APISpec

from pds.api.openapi_parts import created, media, path_parameter, read, write
from pds.schemas.rfp import OfferSchema, QuestionSchema
from pds.schemas.rfp_api import (
    ApiOfferSchema,
    ApiRfpSchema,
    ApiSubscriptionSchema,
    OfferListSchema,
    RfpListQuerySchema,
    RfpListSchema,
    SecretSchema,
)
from pds.schemas.subscription import SubscriptionSchema

RFP_SCOPE = "rfp:respond"
#: The component schemas these operations name.
RFP_COMPONENTS = (
    ("Rfp", ApiRfpSchema),
    ("RfpList", RfpListSchema),
    ("OfferRequest", OfferSchema),
    ("Offer", ApiOfferSchema),
    ("OfferList", OfferListSchema),
    ("Question", QuestionSchema),
    ("SubscriptionRequest", SubscriptionSchema),
    ("Subscription", ApiSubscriptionSchema),
    ("Secret", SecretSchema),
)
RFP_EXAMPLE = {
    "id": "rfp-k7p2m4q9x3w8b5nd",
    "title": "A silver road bike",
    "category": "bikes",
    "requirements": [{"key": "size", "operator": "eq", "value": "M"}],
    "budget": {"min": "500", "max": "900", "currency": "EUR"},
    "deadline": "2026-06-01T12:00:00Z",
    "quantity": 1,
    "location_hint": {"country": "DE"},
    "disclosed": {"clothing.size": "M"},
    "published_at": "2026-05-04T10:00:00Z",
    "status": "open",
}
OFFER_REQUEST_EXAMPLE = {
    "price": "799.00",
    "currency": "EUR",
    "delivery_date": "2026-05-20",
    "message": "In stock in silver.",
}
OFFER_EXAMPLE = {
    **OFFER_REQUEST_EXAMPLE,
    "id": "01920000-0000-7000-8000-0000000000f1",
    "rfp": "rfp-k7p2m4q9x3w8b5nd",
    "client_id": "velo-shop-client-id",
    "status": "live",
    "thread": [],
    "created_at": "2026-05-04T11:00:00Z",
    "updated_at": "2026-05-04T11:00:00Z",
}
SUBSCRIPTION_EXAMPLE = {
    "url": "https://velo.example/hooks/pds",
    "categories": ["bikes"],
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw2hvOvc6wT9g=",
    "created_at": "2026-05-04T11:00:00Z",
    "updated_at": "2026-05-04T11:00:00Z",
}


def rfp_paths(spec: APISpec) -> None:
    """The RFP side: a vendor lists the owner's RFPs, offers, asks, subscribes."""
    spec.path(
        "/rfps",
        operations={
            "get": read(
                "The open RFPs this vendor may see, of one category if given",
                RFP_SCOPE,
                "RfpList",
                parameters=[{"in": "query", "schema": RfpListQuerySchema}],
                example={"items": [RFP_EXAMPLE]},
            )
        },
    )
    spec.path(
        "/rfps/{pseudonym}",
        parameters=[path_parameter("pseudonym")],
        operations={"get": read("One RFP, by its pseudonym", RFP_SCOPE, "Rfp")},
    )
    spec.path(
        "/rfps/{pseudonym}/offer",
        parameters=[path_parameter("pseudonym")],
        operations={
            "put": write(
                "Make this vendor's offer on an open RFP (201), or update its live offer (200)",
                RFP_SCOPE,
                "OfferRequest",
                {
                    "200": {"description": "Updated", "content": media("Offer")},
                    "201": created("Offer", OFFER_EXAMPLE),
                },
                OFFER_REQUEST_EXAMPLE,
            )
        },
    )
    spec.path(
        "/offers",
        operations={"get": read("This vendor's own offers", RFP_SCOPE, "OfferList")},
    )
    spec.path(
        "/offers/{offer_id}",
        parameters=[path_parameter("offer_id")],
        operations={"get": read("One of this vendor's offers", RFP_SCOPE, "Offer")},
    )
    spec.path(
        "/offers/{offer_id}/withdraw",
        parameters=[path_parameter("offer_id")],
        operations={
            "post": write(
                "Withdraw a live offer while its RFP is open",
                RFP_SCOPE,
                None,
                {"200": {"description": "Withdrawn", "content": media("Offer")}},
            )
        },
    )
    spec.path(
        "/offers/{offer_id}/questions",
        parameters=[path_parameter("offer_id")],
        operations={
            "post": write(
                "Ask the owner a question about a live offer",
                RFP_SCOPE,
                "Question",
                {"201": {"description": "Asked", "content": media("Offer")}},
                {"text": "Would a frame size L also suit?"},
            )
        },
    )
    subscription_paths(spec)


def subscription_paths(spec: APISpec) -> None:
    ok = {"200": {"description": "OK", "content": media("Subscription")}}
    spec.path(
        "/subscription",
        operations={
            "put": write(
                "Subscribe to RFP webhooks (201, with the secret) or replace url and categories",
                RFP_SCOPE,
                "SubscriptionRequest",
                {
                    **ok,
                    "201": {
                        "description": "Subscribed; the secret is shown only here",
                        "content": media("Subscription", SUBSCRIPTION_EXAMPLE),
                    },
                },
                {"url": SUBSCRIPTION_EXAMPLE["url"], "categories": ["bikes"]},
                errors=(401, 403, 422, 429),
            ),
            "get": read(
                "This vendor's subscription (without the secret)", RFP_SCOPE, "Subscription"
            ),
            "delete": write(
                "Unsubscribe",
                RFP_SCOPE,
                None,
                {"204": {"description": "Unsubscribed"}},
                errors=(401, 403, 404, 429),
            ),
        },
    )
    spec.path(
        "/subscription/secret",
        operations={
            "post": write(
                "Rotate the webhook signing secret (the old one stops at once)",
                RFP_SCOPE,
                None,
                {"200": {"description": "The new secret", "content": media("Secret")}},
                errors=(401, 403, 404, 429),
            )
        },
    )
