"""``/api/v1/purchases``: the purchases a vendor's grant reaches, and receipts it pushes."""

from __future__ import annotations

from typing import Any

from flask import url_for

from pds.api import examples
from pds.api.conventions import API_BASE, services
from pds.api.endpoint import Answer, Reply, endpoint
from pds.api.errors import api_blueprint
from pds.auth import VendorAccess
from pds.schemas.vendor_api import (
    ApiPurchaseQuerySchema,
    ApiPurchaseSchema,
    PurchasePageSchema,
    ReceiptSchema,
)

bp = api_blueprint("api_purchases", __name__, url_prefix=API_BASE)


@endpoint(
    bp,
    "GET",
    "/purchases",
    scope="purchases:read",
    query=ApiPurchaseQuerySchema,
    response=PurchasePageSchema,
    records="purchase",
    answers=(Answer(200, "OK", {"items": [examples.PURCHASE], "next_cursor": None}),),
)
def list_purchases(access: VendorAccess, query: dict[str, Any]) -> Any:
    """Purchases within the grant, newest first (cursor pagination)"""
    return services().vendor_view.purchases(access.grant, query)._asdict()


@endpoint(
    bp,
    "GET",
    "/purchases/<purchase_id>",
    scope="purchases:read",
    response=ApiPurchaseSchema,
    records="purchase",
)
def get_purchase(access: VendorAccess, purchase_id: str) -> Any:
    """One purchase within the grant"""
    return services().vendor_view.purchase(access.grant, purchase_id)


@endpoint(
    bp,
    "POST",
    "/purchases",
    scope="purchases:write",
    body=ReceiptSchema,
    body_example=examples.RECEIPT,
    response=ApiPurchaseSchema,
    answers=(Answer(201, "Stored", examples.PURCHASE, location=True),),
    problems=(422,),
)
def push_receipt(access: VendorAccess, body: dict[str, Any]) -> Reply:
    """Push a digital receipt (stored as new, source vendor:<client_id>)"""
    record = services().vendor_view.push_receipt(access.grant, access.client_id, body)
    location = url_for("api_purchases.get_purchase", purchase_id=record["id"])
    return Reply(record, headers={"Location": location})
