"""``/api/v1/purchases``: the owner's purchases a vendor's grant reaches."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from pds.auth import current_access, require_grant
from pds.errors import NotFound
from pds.services import Services
from policies.access import decide

bp = Blueprint("api_purchases", __name__, url_prefix="/api/v1")


def _services() -> Services:
    return current_app.extensions["pds"]  # type: ignore[no-any-return]


@bp.get("/purchases/<purchase_id>")
@require_grant("purchases:read")
def get_purchase(purchase_id: str) -> Response:
    access = current_access()
    services = _services()
    record = services.purchases.find(purchase_id)
    allowed = record is not None and decide(
        access.grant,
        scope="purchases:read",
        collection="purchases",
        record=record,
        now=services.tokens.now(),
    )
    if not allowed:  # outside the grant looks exactly like absent: nothing leaks
        raise NotFound(f"no purchase {purchase_id}", {"id": purchase_id})
    access.returned = 1
    return jsonify({k: v for k, v in record.items() if k != "notes"})  # notes are private
