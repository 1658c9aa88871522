"""``/api/v1/rfps`` and ``/api/v1/offers``: a vendor reads the owner's open RFPs and
answers them with offers (one live offer per RFP; PUT again to update it).

The token is the vendor's client-credentials token (scope ``rfp:respond``). Everything
sent is the vendor-facing form: an RFP under its pseudonym (``rfp_view``), an offer
without the RFP's record id (``vendor_view``). An RFP this vendor may not see, and
another vendor's offer, are answered exactly like ones that do not exist.
"""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from pds.api.conventions import endpoint, json_body, respond, services
from pds.auth import current_access
from pds.schemas import load
from pds.schemas.rfp import QuestionSchema
from pds.schemas.rfp_api import (
    ApiOfferSchema,
    ApiRfpSchema,
    OfferListSchema,
    RfpListQuerySchema,
    RfpListSchema,
)
from pds.services.intents.rfp_views import rfp_view, vendor_view

SCOPE = "rfp:respond"
RFP, RFPS, OFFER, OFFERS = ApiRfpSchema(), RfpListSchema(), ApiOfferSchema(), OfferListSchema()
_QUERY, _QUESTION = RfpListQuerySchema(), QuestionSchema()

bp = Blueprint("api_rfps", __name__, url_prefix="/api/v1")


@bp.get("/rfps")
@endpoint(SCOPE)
def list_rfps() -> Response:
    access = current_access()
    query = load(_QUERY, request.args.to_dict(), what="query")
    found = services().offers.open_rfps_for(access.client_id, query.get("category"))
    views = [rfp_view(rfp) for rfp in found]
    access.returned = len(views)
    return respond(RFPS, {"items": views})


@bp.get("/rfps/<pseudonym>")
@endpoint(SCOPE)
def get_rfp(pseudonym: str) -> Response:
    access = current_access()
    view = rfp_view(services().offers.visible_rfp(pseudonym, access.client_id))
    access.returned = 1
    return respond(RFP, view)


@bp.put("/rfps/<pseudonym>/offer")
@endpoint(SCOPE)
def put_offer(pseudonym: str) -> Response:
    access = current_access()
    data = json_body()
    offers = services().offers
    before = {o["id"] for o in offers.for_vendor(access.client_id) if o["rfp"] == pseudonym}
    offer = offers.submit(pseudonym, access.client_id, data)
    if offer["id"] in before:  # the live offer, updated
        return respond(OFFER, offer)
    location = url_for("api_rfps.get_offer", offer_id=offer["id"])
    return respond(OFFER, offer, 201, Location=location)


@bp.get("/offers")
@endpoint(SCOPE)
def list_offers() -> Response:
    access = current_access()
    found = services().offers.for_vendor(access.client_id)
    access.returned = len(found)
    return respond(OFFERS, {"items": found})


@bp.get("/offers/<offer_id>")
@endpoint(SCOPE)
def get_offer(offer_id: str) -> Response:
    access = current_access()
    offer = vendor_view(services().offers.own(offer_id, access.client_id))
    access.returned = 1
    return respond(OFFER, offer)


@bp.post("/offers/<offer_id>/withdraw")
@endpoint(SCOPE)
def withdraw_offer(offer_id: str) -> Response:
    access = current_access()
    return respond(OFFER, services().offers.withdraw(offer_id, access.client_id))


@bp.post("/offers/<offer_id>/questions")
@endpoint(SCOPE)
def ask_question(offer_id: str) -> Response:
    access = current_access()
    text = load(_QUESTION, json_body(), what="question")["text"]
    return respond(OFFER, services().offers.ask(offer_id, access.client_id, text), 201)
