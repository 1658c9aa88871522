"""The owner's records as one vendor, under one grant, may see them (and what it may add).

Every method takes the grant and returns only what ``policies.access`` allows: the
constraints are pushed into the store query where they can be, and every record is
checked again before it leaves. A record outside the grant is reported exactly
like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pds.errors import NotFound, PermissionDenied
from pds.schemas import dump, load
from pds.schemas.vendor_api import (
    ApiPurchaseQuerySchema,
    ReceiptSchema,
)
from pds.services.base import present
from pds.services.context import Context
from pds.services.identity.subjects import Subjects
from pds.services.paging import Page, unknown_cursor
from pds.services.records.preferences import PreferenceService
from pds.services.records.profile import ProfileService
from pds.services.records.purchases import PurchaseService
from pds.services.relationships.relationships import RelationshipService
from pds.services.vendor_text import without_invisible
from policies.access import PurchaseReach, decide, purchase_reach
from policies.scopes import claims_for

Grant = Mapping[str, Any]
_QUERY, _RECEIPT = ApiPurchaseQuerySchema(), ReceiptSchema()
CHANNEL_PREFERENCE = "contact.channel"  # the owner's preferred channel, if shared
SHARED_FIELDS = ("contact_every_days", "channel", "note")  # of a relationship's ``shared``


class VendorView:
    def __init__(
        self,
        ctx: Context,
        *,
        purchases: PurchaseService,
        preferences: PreferenceService,
        relationships: RelationshipService,
        profile: ProfileService,
        subjects: Subjects,
    ) -> None:
        self._ctx = ctx
        self._purchases = purchases
        self._preferences = preferences
        self._relationships = relationships
        self._profile = profile
        self._subjects = subjects

    def _allowed(self, grant: Grant, scope: str, collection: str, record: Any) -> bool:
        now: datetime = self._ctx.now()
        return decide(grant, scope=scope, collection=collection, record=record, now=now).allowed

    def readers(self, grants: Sequence[Grant], collection: str, record: Any) -> list[Grant]:
        """Those of ``grants`` that let their vendor read ``record`` of ``collection`` now."""
        scope = f"{collection}:read"
        return [g for g in grants if self._allowed(g, scope, collection, record)]

    # -- identity ----------------------------------------------------------------------

    def claims(self, client_id: str, scopes: list[str]) -> dict[str, Any]:
        """The pairwise ``sub`` and the owner's profile claims these scopes release."""
        profile = self._profile.get()
        claims: dict[str, Any] = {"sub": self._subjects.for_client(client_id)}
        for name in sorted(claims_for(scopes)):
            value = profile.get(name)
            if value not in (None, "", {}, []):
                claims[name] = value
        if isinstance(claims.get("updated_at"), str):
            claims["updated_at"] = int(datetime.fromisoformat(claims["updated_at"]).timestamp())
        return claims

    # -- purchases ---------------------------------------------------------------------

    def purchases(self, grant: Grant, query: Mapping[str, Any]) -> Page:
        """A page of the purchases the grant reaches, newest first, with the filters."""
        params = load(_QUERY, dict(query), what="query")
        reach = purchase_reach(grant)
        category = params.get("category")
        if reach.nothing or (
            reach.categories is not None
            and category is not None
            and category not in reach.categories
        ):
            return Page([], None)
        self._check_cursor(reach, params.get("cursor"))
        since = max(filter(None, (reach.since, _day(params.get("since")))), default=None)
        page = self._purchases.list(
            **present(
                vendor_id=reach.vendor_id,
                category=category,
                since=since,
                until=params.get("until"),
                cursor=params.get("cursor"),
            ),
            limit=params["limit"],
            within=_within(reach),
        )
        return page

    def _check_cursor(self, reach: PurchaseReach, cursor: str | None) -> None:
        """A cursor must name a purchase within the reach: one outside it is answered
        exactly like one that does not exist (its position would tell its date)."""
        if cursor is None:
            return
        record = self._purchases.find(cursor)
        if record is None or not reach.check(record).allowed:
            raise unknown_cursor()

    def purchase(self, grant: Grant, purchase_id: str) -> dict[str, Any]:
        record = self._purchases.find(purchase_id)
        if record is None or not self._allowed(grant, "purchases:read", "purchases", record):
            raise NotFound(f"no purchase {purchase_id}", {"id": str(purchase_id)})
        return record

    def push_receipt(self, grant: Grant, client_id: str, data: Any) -> dict[str, Any]:
        """Store a receipt from the grant's vendor: source ``vendor:<id>``, status new."""
        vendor_id = grant.get("vendor_id")
        if not vendor_id:
            raise PermissionDenied("this grant is not linked to a vendor record")
        receipt = dump(_RECEIPT, load(_RECEIPT, without_invisible(data), what="receipt"))
        record = self._purchases.add(
            {**receipt, "vendor_id": vendor_id}, actor=f"vendor:{client_id}"
        )
        return record

    # -- preferences and the relationship ----------------------------------------------

    def preferences(self, grant: Grant) -> list[dict[str, Any]]:
        return [
            {"key": p["key"], "category": p["category"], "value": p["value"]}
            for p in self._preferences.list()
            if self._allowed(grant, "preferences:read", "preferences", p)
        ]

    def relationship(self, grant: Grant) -> dict[str, Any]:
        """The owner's public-facing record of this vendor and what the owner chose to share
        about keeping in touch (``shared``); never notes, tags, targets or any inference."""
        record = self._relationships.find(grant.get("vendor_id"))
        if record is None or not self._allowed(grant, "relationship:read", "relationships", record):
            raise NotFound("no relationship record for this vendor", {})
        channel = self._preferences.find(CHANNEL_PREFERENCE)
        shared = channel is not None and channel.get("visibility") in ("shared", "public")
        public = {
            "name": record["name"],
            "status": record["status"],
            "since": record.get("since"),
            "preferred_channel": channel["value"] if shared and channel else None,
            "shared": _shared_block(record.get("shared")),
        }
        return public


def _shared_block(shared: Any) -> dict[str, Any] | None:
    """Only the fields the owner can set in the shared block, copied one by one."""
    if not isinstance(shared, Mapping):
        return None
    block = {key: shared[key] for key in SHARED_FIELDS if shared.get(key) is not None}
    return block or None


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _within(reach: PurchaseReach) -> Any:
    return lambda record: reach.check(record).allowed
