"""Interactions: the log of what happened between the owner and each relationship.

Every interaction points at a counterpart (a vendor or a person) and may point at
a purchase; an ``rfp`` entry points at one of the owner's RFPs (and the winning vendor,
for an award). Adding a purchase logs a ``purchase`` interaction by itself (see
``purchases``); everything else is logged here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pds.errors import ValidationFailed
from pds.schemas import InteractionQuerySchema, InteractionSchema, load
from pds.schemas.query import day_bounds
from pds.services.base import RecordService, present
from pds.services.collections import INTERACTIONS, PURCHASES, RFPS
from pds.services.context import Context, check_actor, find_by_id
from pds.services.paging import Page
from pds.services.periods import last_months
from pds.services.relationships.relationships import RelationshipService


class InteractionService(RecordService):
    collection_name = INTERACTIONS
    noun = "interaction"
    schema = InteractionSchema()

    def __init__(self, ctx: Context, relationships: RelationshipService) -> None:
        super().__init__(ctx)
        self._relationships = relationships

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

    def _check_references(self, record: Mapping[str, Any]) -> None:
        if "counterpart_id" in record:  # only an rfp entry may have none (the schema checks)
            self._relationships.require(record["counterpart_id"], field="counterpart_id")
        purchase_id = record.get("purchase_id")
        if purchase_id and find_by_id(self._ctx.collection(PURCHASES), purchase_id) is None:
            raise ValidationFailed(
                f"no purchase {purchase_id}", {"purchase_id": ["No purchase with this id."]}
            )
        rfp_id = record.get("rfp_id")
        if rfp_id and find_by_id(self._ctx.collection(RFPS), rfp_id) is None:
            raise ValidationFailed(f"no rfp {rfp_id}", {"rfp_id": ["No rfp with this id."]})

    # -- reads -------------------------------------------------------------------------

    def list(
        self,
        *,
        counterpart_id: str | None = None,
        kind: str | None = None,
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
                purchase_id=purchase_id,
                since=since,
                until=until,
                limit=limit,
                cursor=cursor,
                descending=descending,
            ),
            what="query",
        )
        where = {f: query[f] for f in ("counterpart_id", "kind", "purchase_id") if f in query}
        start, end = day_bounds(query.get("since"), query.get("until"))
        return self._page(query, where=where, start=start, end=end)

    def per_month(
        self, months: int = 24, today: date | None = None, counterpart_id: str | None = None
    ) -> dict[str, list[int]]:
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
