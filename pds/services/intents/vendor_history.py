"""The owner's history with a vendor that made an offer: purchases, grants, interactions.

A client maps to the owner's relationship record of the vendor the way consent links
them (``ConsentService.linked_vendor``: the record made for the client, else the vendor
with exactly its verified domain; never by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pds.schemas.query import MAX_LIMIT
from policies.access import grant_status

if TYPE_CHECKING:
    from pds.services.container import Services


@dataclass(frozen=True)
class VendorHistory:
    name: str
    vendor: dict[str, Any] | None  # the owner's relationship record, if there is one
    purchases: int = 0
    last_purchase: str | None = None
    active_grants: int = 0
    grants: int = 0
    interactions: int = 0
    last_interaction: str | None = None


def history_of(services: Services, client_id: str, now: datetime) -> VendorHistory:
    """What the owner's records say about the vendor registered as ``client_id``."""
    client = services.clients.find(client_id)
    grants = services.grants.list(client_id=client_id)
    active = sum(1 for grant in grants if grant_status(grant, now).allowed)
    if client is None:
        return VendorHistory(f"unknown vendor {client_id}", None, active_grants=active)
    vendor = services.consent.linked_vendor(client)
    if vendor is None:
        return VendorHistory(client["client_name"], None, active_grants=active, grants=len(grants))
    last_purchase = services.purchases.list(vendor_id=vendor["id"], limit=1).items
    count, last = _interactions(services, vendor["id"])
    return VendorHistory(
        name=client["client_name"],
        vendor=vendor,
        purchases=services.purchases.count_for_vendor(vendor["id"]),
        last_purchase=last_purchase[0]["date"] if last_purchase else None,
        active_grants=active,
        grants=len(grants),
        interactions=count,
        last_interaction=last,
    )


def _interactions(services: Services, vendor_id: str) -> tuple[int, str | None]:
    """How many interactions the owner logged with the vendor, and the date of the newest."""
    count, last, cursor = 0, None, None
    while True:
        page = services.interactions.list(counterpart_id=vendor_id, limit=MAX_LIMIT, cursor=cursor)
        if page.items and last is None:
            last = page.items[0]["date"]
        count += len(page.items)
        if page.next_cursor is None:
            return count, last
        cursor = page.next_cursor
