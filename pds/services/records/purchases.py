"""Purchases: what the owner bought from which vendor.

Adding a purchase also logs a ``purchase`` interaction with its vendor, in the same
transaction: both are stored, or neither. Updating a purchase keeps that log entry
in step (vendor, date); deleting it deletes the entry. The log is the interactions
service's: this one asks it (``store_new``, ``follow_purchase``, ``forget_purchase``).

Who writes decides the ``source``: the owner writes ``owner`` (or ``import``); a
vendor (actor ``vendor:<client_id>``) always writes ``vendor:<client_id>`` with
status ``new``, awaiting the owner's review.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pds.errors import ValidationFailed
from pds.schemas import PurchaseQuerySchema, PurchaseSchema, load
from pds.schemas.query import MAX_LIMIT, day_bounds
from pds.services.base import RecordService, build_all, present
from pds.services.collections import PURCHASES
from pds.services.context import Context, check_actor
from pds.services.paging import Page
from pds.services.periods import first_day, first_day_after, last_months
from pds.services.records.purchase_browsing import Browsing, browse
from pds.services.records.spending import MonthlySpending, VendorSpending, per_month, per_vendor
from pds.services.relationships.interactions import InteractionService
from pds.services.relationships.relationships import VENDOR, RelationshipService
from pds.services.repointing import point_back, repoint

OWNER_SOURCES = ("owner", "import")
_QUERY = PurchaseQuerySchema()


@dataclass(frozen=True)
class PreparedPurchase:
    """A validated purchase and its log entry, ready to be stored together."""

    purchase: dict[str, Any]
    interaction: dict[str, Any]


class PurchaseService(RecordService):
    collection_name = PURCHASES
    noun = "purchase"
    schema = PurchaseSchema()
    immutable = ("source",)

    def __init__(
        self, ctx: Context, relationships: RelationshipService, interactions: InteractionService
    ) -> None:
        super().__init__(ctx)
        self._relationships = relationships
        self._interactions = interactions

    # -- writes ------------------------------------------------------------------------

    def prepare(self, data: Any, *, actor: str = "owner") -> PreparedPurchase:
        """Validate ``data`` into a purchase and its interaction, without storing anything."""
        check_actor(actor)
        purchase = self.new_record(_with_source(data, actor))
        interaction = self._interactions.new_record(_log_entry(purchase))
        return PreparedPurchase(purchase, interaction)

    def add(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Record a purchase from an existing vendor (``vendor_id``), with its log entry."""
        prepared = self.prepare(data, actor=actor)
        with self._ctx.store.transaction():
            self.store_prepared([prepared])
        self._ctx.audit(actor, "purchase.create", target=prepared.purchase["id"])
        return prepared.purchase

    def add_many(self, items: Sequence[Any], *, actor: str = "owner") -> list[dict[str, Any]]:
        """Record many purchases in one transaction, all or none.

        ``ValidationFailed`` details are keyed by the list index of each invalid item.
        """
        prepared = build_all(items, lambda data: self.prepare(data, actor=actor), what="purchases")
        with self._ctx.store.transaction():
            self.store_prepared(prepared)
        self._ctx.audit(actor, "purchase.create_many", count=len(prepared))
        return [p.purchase for p in prepared]

    def store_prepared(self, prepared: Sequence[PreparedPurchase]) -> None:
        """Store prepared purchases and their log entries; every vendor must exist."""
        with self._ctx.store.transaction():
            for vendor_id in dict.fromkeys(p.purchase["vendor_id"] for p in prepared):
                self._relationships.require(vendor_id, field="vendor_id", kind=VENDOR)
            self._col.insert_many([p.purchase for p in prepared])
            self._interactions.store_new([p.interaction for p in prepared])

    def update(self, record_id: str, changes: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Change fields of a purchase (``None`` clears one); its source cannot change.

        Changing ``items`` without giving ``total`` recomputes the total.
        """
        check_actor(actor)
        if isinstance(changes, Mapping) and "items" in changes and "total" not in changes:
            changes = {**changes, "total": None}
        with self._ctx.store.transaction():
            current = self.get(record_id)
            record = self.changed_record(current, changes)
            if record["vendor_id"] != current["vendor_id"]:
                self._relationships.require(record["vendor_id"], field="vendor_id", kind=VENDOR)
            self._col.replace(record["id"], record)
            self._interactions.follow_purchase(record)
        self._ctx.audit(actor, "purchase.update", target=record["id"])
        return record

    def delete(self, record_id: str, *, actor: str = "owner") -> None:
        """Delete a purchase and its ``purchase`` log entry; other entries are unlinked."""
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.get(record_id)
            self._col.delete(record["id"])
            self._interactions.forget_purchase(record["id"])
        self._ctx.audit(actor, "purchase.delete", target=record["id"])

    def delete_for_vendor(self, vendor_id: str) -> int:
        """Delete every purchase from ``vendor_id`` (being deleted with cascade, its own log
        entries already gone): other entries pointing at them are unlinked. How many."""
        with self._ctx.store.transaction():
            purchases = self._col.query(where={"vendor_id": vendor_id})
            for purchase in purchases:
                self._col.delete(purchase["id"])
                self._interactions.unlink_purchase(purchase["id"])
        return len(purchases)

    # -- reads -------------------------------------------------------------------------

    def count_awaiting_review(self) -> int:
        """How many receipts vendors pushed that the owner has not reviewed yet."""
        return self._col.count(where={"status": "new"})

    def count_for_vendor(self, vendor_id: str) -> int:
        """How many purchases the owner has made from this vendor."""
        return self._col.count(where={"vendor_id": vendor_id})

    # -- merging relationships (``repointing.Repointer``) --------------------------------

    def pointing_at(self, relationship_id: str) -> int:
        """How many purchases are from ``relationship_id``."""
        return self.count_for_vendor(relationship_id)

    def repoint_relationship(self, old_id: str, new_id: str) -> list[str]:
        """Make the purchases from ``old_id`` purchases from ``new_id`` (vendors merged;
        their log entries move with the interactions)."""
        with self._ctx.store.transaction():
            bought = self._col.query(where={"vendor_id": old_id})
            return repoint(self._col, bought, "vendor_id", new_id)

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Make the purchases ``record_ids`` purchases from ``old_id`` again (merge undone)."""
        with self._ctx.store.transaction():
            point_back(self._col, record_ids, "vendor_id", old_id, new_id)

    def since(self, day: str) -> list[dict[str, Any]]:
        """Every purchase from ``day`` (ISO date) on, oldest first."""
        return self._col.query(start=day)

    def on_day(self, day: str) -> list[dict[str, Any]]:
        """Every purchase of ``day`` (ISO date)."""
        following = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
        return self._col.query(start=day, end=following)

    def in_months(self, months: int, today: date | None = None) -> list[dict[str, Any]]:
        """Every purchase of the last ``months`` calendar months (``today``'s included)."""
        day = today or self._ctx.now().date()
        keys = last_months(day, months)
        start, end = first_day(keys[0]), first_day_after(keys[-1])
        return self._col.query(start=start.isoformat(), end=end.isoformat())

    def spending_per_month(self, months: int = 12, today: date | None = None) -> MonthlySpending:
        """The last ``months`` months' spending per month and category, in the main currency."""
        day = today or self._ctx.now().date()
        return per_month(self.in_months(months, day), last_months(day, months))

    def spending_per_vendor(self, months: int = 12, today: date | None = None) -> VendorSpending:
        """The last ``months`` months' spending per vendor, in the main currency."""
        bought = self.in_months(months, today)
        names = {}
        for vendor_id in {p["vendor_id"] for p in bought}:
            record = self._relationships.find(vendor_id)
            names[vendor_id] = record["name"] if record else vendor_id
        return per_vendor(bought, names)

    def list(
        self,
        *,
        vendor_id: str | None = None,
        category: str | None = None,
        tag: str | None = None,
        source: str | None = None,
        status: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        descending: bool = True,
        within: Callable[[dict[str, Any]], bool] | None = None,
        text: str | None = None,
    ) -> Page:
        """A page of purchases, newest first by default; ``since``/``until`` days are included.

        Pass the page's ``next_cursor`` as ``cursor`` (with the same filters) for the next.
        ``within`` keeps only the records it accepts (a grant's reach, for a vendor).
        ``text`` keeps those whose order reference, notes or line items contain it (any case).
        """
        query = load(
            _QUERY,
            present(
                vendor_id=vendor_id,
                category=category,
                tag=tag,
                source=source,
                status=status,
                since=since,
                until=until,
                limit=limit,
                cursor=cursor,
                descending=descending,
            ),
            what="query",
        )
        where = {
            field: query[key]
            for key, field in (
                ("vendor_id", "vendor_id"),
                ("category", "category"),
                ("tag", "tags"),
                ("source", "source"),
                ("status", "status"),
            )
            if key in query
        }
        start, end = day_bounds(query.get("since"), query.get("until"))
        predicate = _both(within, _matching(text.strip())) if text and text.strip() else within
        return self._page(query, where=where, start=start, end=end, predicate=predicate)

    def browse(
        self,
        *,
        sort: str = "-date",
        after: str | None = None,
        limit: int = 50,
        **filters: Any,
    ) -> Browsing:
        """One page of every purchase the ``filters`` of ``list`` match, in the ``sort``
        order (``SORTS``), with their count and totals per currency."""
        found: list[dict[str, Any]] = []
        cursor = None
        while True:  # every match, a page at a time (the filters checked by ``list``)
            page = self.list(**filters, cursor=cursor, limit=MAX_LIMIT)
            found.extend(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        names = {}
        for vendor_id in {p["vendor_id"] for p in found}:
            record = self._relationships.find(vendor_id)
            names[vendor_id] = record["name"] if record else ""
        return browse(found, names, sort=sort, after=after, limit=limit)


Predicate = Callable[[dict[str, Any]], bool]


def _matching(text: str) -> Predicate:
    """Whether a purchase's order reference, notes or line items contain ``text``."""
    wanted = text.casefold()

    def matches(record: dict[str, Any]) -> bool:
        items = record.get("items") or []
        haystack = [record.get("order_ref"), record.get("notes"), record.get("category")]
        haystack += [item.get("description") for item in items]
        haystack += [item.get("sku") for item in items]
        return any(wanted in str(value).casefold() for value in haystack if value)

    return matches


def _both(first: Predicate | None, second: Predicate) -> Predicate:
    if first is None:
        return second
    return lambda record: first(record) and second(record)


def _with_source(data: Any, actor: str) -> Any:
    """``data`` with the source the actor may write (vendors cannot choose theirs)."""
    if not isinstance(data, Mapping):
        return data  # the schema reports the wrong type
    if actor.startswith("vendor:"):
        return {**data, "source": actor, "status": "new"}
    source = data.get("source") or "owner"
    known = isinstance(source, str) and (source in OWNER_SOURCES or source.startswith("import:"))
    if actor == "owner" and not known:
        raise ValidationFailed(
            "invalid purchase: check source",
            {"source": ["The owner records purchases as owner or import."]},
        )
    return {**data, "source": source}


def _log_entry(purchase: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": "purchase",
        "date": purchase["date"],
        "counterpart_id": purchase["vendor_id"],
        "purchase_id": purchase["id"],
    }
