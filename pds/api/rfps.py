"""``/api/v1/rfps`` and ``/api/v1/offers``: a vendor reads the owner's open RFPs and
answers them with offers (one live offer per RFP; PUT again to update it).

The token is the vendor's client-credentials token (scope ``rfp:respond``). Everything
sent is the vendor-facing form: an RFP under its pseudonym (``rfp_view``), an offer
without the RFP's record id (``vendor_view``). An RFP this vendor may not see, and
another vendor's offer, are answered exactly like ones that do not exist.
"""

from __future__ import annotations

from typing import Any

from flask import url_for

from pds.api import examples
from pds.api.conventions import API_BASE, services
from pds.api.endpoint import Answer, Reply, endpoint
from pds.api.errors import api_blueprint
from pds.auth import VendorAccess
from pds.schemas.rfp import OfferSchema, QuestionSchema
from pds.schemas.rfp_api import (
    ApiOfferSchema,
    ApiRfpSchema,
    OfferListSchema,
    RfpListQuerySchema,
    RfpListSchema,
)
from pds.services.intents.rfp_views import rfp_view, vendor_view

SCOPE = "rfp:respond"

bp = api_blueprint("api_rfps", __name__, url_prefix=API_BASE)


@endpoint(
    bp,
    "GET",
    "/rfps",
    scope=SCOPE,
    query=RfpListQuerySchema,
    response=RfpListSchema,
    answers=(Answer(200, "OK", {"items": [examples.RFP]}),),
)
def list_rfps(access: VendorAccess, query: dict[str, Any]) -> Any:
    """The open RFPs this vendor may see, of one category if given"""
    found = services().offers.open_rfps_for(access.client_id, query.get("category"))
    return {"items": [rfp_view(rfp) for rfp in found]}


@endpoint(bp, "GET", "/rfps/<pseudonym>", scope=SCOPE, response=ApiRfpSchema)
def get_rfp(access: VendorAccess, pseudonym: str) -> Any:
    """One RFP, by its pseudonym"""
    return rfp_view(services().offers.visible_rfp(pseudonym, access.client_id))


@endpoint(
    bp,
    "PUT",
    "/rfps/<pseudonym>/offer",
    scope=SCOPE,
    body=OfferSchema,
    body_example=examples.OFFER_REQUEST,
    response=ApiOfferSchema,
    answers=(Answer(200, "Updated"), Answer(201, "Created", examples.OFFER, location=True)),
)
def put_offer(access: VendorAccess, pseudonym: str, body: dict[str, Any]) -> Any:
    """Make this vendor's offer on an open RFP (201), or update its live offer (200)"""
    offers = services().offers
    before = {o["id"] for o in offers.for_vendor(access.client_id) if o["rfp"] == pseudonym}
    offer = offers.submit(pseudonym, access.client_id, body)
    if offer["id"] in before:  # the live offer, updated
        return offer
    location = url_for("api_rfps.get_offer", offer_id=offer["id"])
    return Reply(offer, 201, {"Location": location})


@endpoint(bp, "GET", "/offers", scope=SCOPE, response=OfferListSchema)
def list_offers(access: VendorAccess) -> Any:
    """This vendor's own offers"""
    return {"items": services().offers.for_vendor(access.client_id)}


@endpoint(bp, "GET", "/offers/<offer_id>", scope=SCOPE, response=ApiOfferSchema)
def get_offer(access: VendorAccess, offer_id: str) -> Any:
    """One of this vendor's offers"""
    return vendor_view(services().offers.own(offer_id, access.client_id))


@endpoint(
    bp,
    "POST",
    "/offers/<offer_id>/withdraw",
    scope=SCOPE,
    response=ApiOfferSchema,
    answers=(Answer(200, "Withdrawn"),),
)
def withdraw_offer(access: VendorAccess, offer_id: str) -> Any:
    """Withdraw a live offer while its RFP is open"""
    return services().offers.withdraw(offer_id, access.client_id)


@endpoint(
    bp,
    "POST",
    "/offers/<offer_id>/questions",
    scope=SCOPE,
    body=QuestionSchema,
    body_example=examples.QUESTION,
    response=ApiOfferSchema,
    answers=(Answer(201, "Asked"),),
)
def ask_question(access: VendorAccess, offer_id: str, body: dict[str, Any]) -> Any:
    """Ask the owner a question about a live offer"""
    return services().offers.ask(offer_id, access.client_id, body["text"])
