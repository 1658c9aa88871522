"""Example bodies the OpenAPI document shows (the endpoints' declarations name them)."""

from __future__ import annotations

PURCHASE = {
    "id": "01920000-0000-7000-8000-000000000001",
    "vendor_id": "01920000-0000-7000-8000-0000000000aa",
    "date": "2026-05-04",
    "order_ref": "A-1001",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "total": "89.00",
    "currency": "EUR",
    "category": "clothing",
    "tags": [],
    "source": "vendor:shop-client-id",
    "status": "new",
    "created_at": "2026-05-04T10:00:00Z",
    "updated_at": "2026-05-04T10:00:00Z",
}
RECEIPT = {
    "date": "2026-05-04",
    "order_ref": "A-1001",
    "items": [{"description": "Rain jacket", "quantity": "1", "unit_price": "89.00"}],
    "currency": "EUR",
    "category": "clothing",
}
RFP = {
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
OFFER_REQUEST = {
    "price": "799.00",
    "currency": "EUR",
    "delivery_date": "2026-05-20",
    "message": "In stock in silver.",
}
OFFER = {
    **OFFER_REQUEST,
    "id": "01920000-0000-7000-8000-0000000000f1",
    "rfp": "rfp-k7p2m4q9x3w8b5nd",
    "client_id": "velo-shop-client-id",
    "status": "live",
    "thread": [],
    "created_at": "2026-05-04T11:00:00Z",
    "updated_at": "2026-05-04T11:00:00Z",
}
QUESTION = {"text": "Would a frame size L also suit?"}
SUBSCRIPTION = {
    "url": "https://velo.example/hooks/pds",
    "categories": ["bikes"],
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw2hvOvc6wT9g=",
    "created_at": "2026-05-04T11:00:00Z",
    "updated_at": "2026-05-04T11:00:00Z",
}
SUBSCRIPTION_REQUEST = {"url": SUBSCRIPTION["url"], "categories": ["bikes"]}
