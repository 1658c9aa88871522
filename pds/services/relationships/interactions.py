"""Interactions: the log of what happened between the owner and each relationship.

Every interaction points at a counterpart (a vendor or a person) and may point at
a purchase; an ``rfp`` entry points at one of the owner's RFPs (and the winning vendor,
for an award). Adding a purchase logs a ``purchase`` interaction by itself (see
``purchases``); everything else is logged here.

This service alone writes the log: the purchases service stores, follows and forgets a
purchase's entry through it (``store_new``, ``follow_purchase``, ``forget_purchase``),
the RFP service logs its moves with ``log_system``, and deleting a relationship with
cascade deletes its entries with ``delete_with``. Purchases and RFPs live in contexts
above this one: whether a ``purchase_id`` or ``rfp_id`` exists is asked of their
services, which the container hands over (``check_references_with``).
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from pds.errors import ValidationFailed
from pds.schemas import InteractionQuerySchema, InteractionSchema, load
from pds.schemas.query import day_bounds
from pds.services.base import RecordService, present
from pds.services.collections import INTERACTIONS
from pds.services.context import Context, check_actor
from pds.services.paging import Page
from pds.services.periods import last_months
from pds.services.relationships.relationships import RelationshipService
from pds.services.repointing import point_back, repoint


class Finder(Protocol):
    """A service that finds its records by id (``CollectionService.find``)."""

    def find(self, record_id: Any) -> dict[str, Any] | None: ...


class InteractionService(RecordService):
    collection_name = INTERACTIONS
    noun = "interaction"
    schema = InteractionSchema()

    def __init__(self, ctx: Context, relationships: RelationshipService) -> None:
        super().__init__(ctx)
        self._relationships = relationships
        self._purchases: Finder | None = None
        self._rfps: Finder | None = None

    def check_references_with(self, *, purchases: Finder, rfps: Finder) -> None:
        """The services that say whether a ``purchase_id`` or ``rfp_id`` exists (the
        container gives them: they are built after this one, in contexts above it)."""
        self._purchases, self._rfps = purchases, rfps

    # -- writes ------------------------------------------------------------------------

    def log(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Add an entry to the log; its counterpart (and purchase, if named) must exist."""
        check_actor(actor)
        record = self.new_record(data)
        with self._ctx.store.transaction():
            self._check_references(record)
            self._col.insert(record)
        self._ctx.audit(actor, "interaction.create", target=record["id"])
        return record

    def log_many(self, items: Sequence[Any], *, actor: str = "owner") -> list[dict[str, Any]]:
        """Add many entries at once, all or none (details keyed by list index)."""
        check_actor(actor)
        records = self.new_records(items)
        with self._ctx.store.transaction():
            for record in records:
                self._check_references(record)
            self._col.insert_many(records)
        self._ctx.audit(actor, "interaction.create_many", count=len(records))
        return records

    def update(self, record_id: str, changes: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Change fields of a log entry (``None`` clears one)."""
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.changed_record(self.get(record_id), changes)
            self._check_references(record)
            self._col.replace(record["id"], record)
        self._ctx.audit(actor, "interaction.update", target=record["id"])
        return record

    def delete(self, record_id: str, *, actor: str = "owner") -> None:
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.get(record_id)
            self._col.delete(record["id"])
        self._ctx.audit(actor, "interaction.delete", target=record["id"])

    def log_system(self, data: Any) -> dict[str, Any]:
        """Log an entry the store writes itself as part of another service's move (an
        RFP published, awarded, ...), in the caller's transaction; that move is audited,
        not this entry."""
        record = self.new_record(data)
        with self._ctx.store.transaction():
            self._col.insert(record)
        return record

    def _check_references(self, record: Mapping[str, Any]) -> None:
        if "counterpart_id" in record:  # only an rfp entry may have none (the schema checks)
            self._relationships.require(record["counterpart_id"], field="counterpart_id")
        purchases, rfps = self._purchases, self._rfps
        if purchases is None or rfps is None:
            raise RuntimeError("interactions: check_references_with was never called")
        purchase_id = record.get("purchase_id")
        if purchase_id and purchases.find(purchase_id) is None:
            raise ValidationFailed(
                f"no purchase {purchase_id}", {"purchase_id": ["No purchase with this id."]}
            )
        rfp_id = record.get("rfp_id")
        if rfp_id and rfps.find(rfp_id) is None:
            raise ValidationFailed(f"no rfp {rfp_id}", {"rfp_id": ["No rfp with this id."]})

    # -- what purchases and relationships ask of the log ---------------------------------

    def store_new(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Insert already-built entries (from ``new_record``) whose references the caller
        has checked: a purchase's own entries, stored with it."""
        with self._ctx.store.transaction():
            self._col.insert_many(records)

    def follow_purchase(self, purchase: Mapping[str, Any]) -> None:
        """Keep the ``purchase`` entries of a changed purchase in step (vendor, date)."""
        wanted = {"counterpart_id": purchase["vendor_id"], "date": purchase["date"]}
        with self._ctx.store.transaction():
            for entry in self._col.query(where={"purchase_id": purchase["id"], "kind": "purchase"}):
                if any(entry.get(k) != v for k, v in wanted.items()):
                    changed = {**entry, **wanted, "updated_at": purchase["updated_at"]}
                    self._col.replace(entry["id"], changed)

    def forget_purchase(self, purchase_id: str) -> None:
        """A purchase was deleted: delete its ``purchase`` entries, unlink the others."""
        with self._ctx.store.transaction():
            for entry in self._col.query(where={"purchase_id": purchase_id}):
                if entry["kind"] == "purchase":
                    self._col.delete(entry["id"])
                else:
                    self._col.replace(entry["id"], _unlinked(entry))

    def unlink_purchase(self, purchase_id: str) -> None:
        """A purchase was deleted with its vendor: unlink the entries still pointing at it
        (other counterparts'; the vendor's own went with ``delete_with``)."""
        with self._ctx.store.transaction():
            for entry in self._col.query(where={"purchase_id": purchase_id}):
                self._col.replace(entry["id"], _unlinked(entry))

    def count_with(self, counterpart_id: str) -> int:
        """How many entries have this counterpart (from the index)."""
        return self._col.count(where={"counterpart_id": counterpart_id})

    def delete_with(self, counterpart_id: str) -> int:
        """Delete every entry with this counterpart (its relationship is being deleted)."""
        with self._ctx.store.transaction():
            entries = self._col.query(where={"counterpart_id": counterpart_id})
            for entry in entries:
                self._col.delete(entry["id"])
        return len(entries)

    def latest_with(self, counterpart_id: str) -> dict[str, Any] | None:
        """The most recent entry with this counterpart, or ``None``."""
        found = self._col.query(where={"counterpart_id": counterpart_id}, descending=True, limit=1)
        return found[0] if found else None

    # -- merging relationships (``repointing.Repointer``) --------------------------------

    def pointing_at(self, relationship_id: str) -> int:
        """How many entries have ``relationship_id`` as counterpart."""
        return self.count_with(relationship_id)

    def repoint_relationship(self, old_id: str, new_id: str) -> builtins.list[str]:
        """Give the entries with counterpart ``old_id`` the counterpart ``new_id``."""
        with self._ctx.store.transaction():
            entries = self._col.query(where={"counterpart_id": old_id})
            return repoint(self._col, entries, "counterpart_id", new_id)

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Give the entries ``record_ids`` the counterpart ``old_id`` again (merge undone)."""
        with self._ctx.store.transaction():
            point_back(self._col, record_ids, "counterpart_id", old_id, new_id)

    # -- reads -------------------------------------------------------------------------

    def list(
        self,
        *,
        counterpart_id: str | None = None,
        kind: str | None = None,
        channel: str | None = None,
        purchase_id: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        descending: bool = True,
    ) -> Page:
        """A page of the log, newest first by default; ``since``/``until`` days are included."""
        query = load(
            InteractionQuerySchema(),
            present(
                counterpart_id=counterpart_id,
                kind=kind,
                channel=channel,
                purchase_id=purchase_id,
                since=since,
                until=until,
                limit=limit,
                cursor=cursor,
                descending=descending,
            ),
            what="query",
        )
        fields = ("counterpart_id", "kind", "channel", "purchase_id")
        where = {f: query[f] for f in fields if f in query}
        start, end = day_bounds(query.get("since"), query.get("until"))
        return self._page(query, where=where, start=start, end=end)

    def per_month(
        self, months: int = 24, today: date | None = None, counterpart_id: str | None = None
    ) -> dict[str, builtins.list[int]]:
        """Interactions per month of the last ``months`` (oldest first), per counterpart;
        only ``counterpart_id``'s when given. Read from the index: no record is decrypted."""
        keys = last_months(today or self._ctx.now().date(), months)
        column = {key: i for i, key in enumerate(keys)}
        counts: dict[str, list[int]] = {}
        for when, (counterpart,) in self._col.columns(("counterpart_id",)):
            index = column.get(when[:7])
            if counterpart is None or index is None:
                continue
            if counterpart_id is not None and counterpart != counterpart_id:
                continue
            counts.setdefault(counterpart, [0] * months)[index] += 1
        return counts


def _unlinked(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "purchase_id"}
