"""``/api/v1/purchases``: the purchases a vendor's grant reaches, and receipts it pushes."""

from __future__ import annotations

from flask import Blueprint, Response, request, url_for

from pds.api.conventions import endpoint, json_body, respond, services
from pds.auth import current_access
from pds.schemas.vendor_api import ApiPurchaseSchema, PurchasePageSchema

PURCHASE, PAGE = ApiPurchaseSchema(), PurchasePageSchema()

bp = Blueprint("api_purchases", __name__, url_prefix="/api/v1")


@bp.get("/purchases")
@endpoint("purchases:read")
def list_purchases() -> Response:
    access = current_access()
    page = services().vendor_view.purchases(access.grant, request.args.to_dict())
    access.returned = len(page.items)
    access.saw("purchase", (item["id"] for item in page.items))
    return respond(PAGE, page._asdict())


@bp.get("/purchases/<purchase_id>")
@endpoint("purchases:read")
def get_purchase(purchase_id: str) -> Response:
    access = current_access()
    record = services().vendor_view.purchase(access.grant, purchase_id)
    access.returned = 1
    access.saw("purchase", [record["id"]])
    return respond(PURCHASE, record)


@bp.post("/purchases")
@endpoint("purchases:write")
def push_receipt() -> Response:
    access = current_access()
    record = services().vendor_view.push_receipt(access.grant, access.client_id, json_body())
    location = url_for("api_purchases.get_purchase", purchase_id=record["id"])
    return respond(PURCHASE, record, 201, Location=location)
