"""Relationships: the vendors and people the owner deals with.

A vendor's ``domain`` is unique among vendors. A relationship with purchases or
interactions is only deleted together with them (``cascade=True``); otherwise the
deletion is refused with ``Conflict``, so no purchase is left pointing nowhere. Those
records belong to other services (interactions here, purchases in the records context
above): the container hands them over (``cascade_to``) and they count and delete them.
"""

from __future__ import annotations

import builtins
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any, Protocol

from pds.errors import Conflict, ValidationFailed
from pds.schemas import RelationshipQuerySchema, RelationshipSchema, load
from pds.schemas.common import Label, Schema
from pds.schemas.contact import normalise_domain
from pds.services.base import RecordService, present
from pds.services.collections import RELATIONSHIPS
from pds.services.context import Context, check_actor, find_by_id
from pds.services.paging import Page

if TYPE_CHECKING:
    from pds.services.relationships.interactions import InteractionService

VENDOR = "vendor"
PERSON = "person"
#: How alike two names' letters and digits must be to call them alike (``difflib`` ratio).
ALIKE_RATIO = 0.85


class VendorPurchases(Protocol):
    """The purchases from a vendor, as deleting the vendor needs them (``PurchaseService``)."""

    def count_for_vendor(self, vendor_id: str) -> int: ...

    def delete_for_vendor(self, vendor_id: str) -> int: ...


class Dependant(Protocol):
    """Records kept under a relationship's id that go with it (``PhotoService``)."""

    def delete_with(self, relationship_id: str) -> bool: ...


class RelationshipService(RecordService):
    collection_name = RELATIONSHIPS
    noun = "relationship"
    schema = RelationshipSchema()
    immutable = ("kind",)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._interactions: InteractionService | None = None
        self._purchases: VendorPurchases | None = None
        self._dependants: tuple[Dependant, ...] = ()

    def cascade_to(
        self,
        *,
        interactions: InteractionService,
        purchases: VendorPurchases,
        dependants: Sequence[Dependant] = (),
    ) -> None:
        """The services whose records point at a relationship and go with it (``delete``);
        the container gives them, as they are built after this one. ``dependants`` keep
        records under the relationship's id (its photo): they always go with it."""
        self._interactions, self._purchases = interactions, purchases
        self._dependants = tuple(dependants)

    def _handed_over(self) -> tuple[InteractionService, VendorPurchases]:
        if self._interactions is None or self._purchases is None:
            raise RuntimeError("relationships: cascade_to was never called")
        return self._interactions, self._purchases

    # -- writes ------------------------------------------------------------------------

    def add(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Record a new vendor or person; ``Conflict`` if a vendor already has its domain."""
        check_actor(actor)
        record = self.new_record(data)
        with self._ctx.store.transaction():
            self._check_domain_free(record)
            self._col.insert(record)
        self._ctx.audit(actor, "relationship.create", target=record["id"])
        return record

    def add_many(self, items: Sequence[Any], *, actor: str = "owner") -> list[dict[str, Any]]:
        """Record many relationships at once, all or none (details keyed by list index)."""
        check_actor(actor)
        records = self.new_records(items)
        with self._ctx.store.transaction():
            self.store_new(records)
        self._ctx.audit(actor, "relationship.create_many", count=len(records))
        return records

    def store_new(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Insert already-built ``records`` (from ``new_record``) after the domain checks."""
        seen: dict[str, str] = {}
        with self._ctx.store.transaction():
            for record in records:
                domain = record.get("domain")
                if domain and record["kind"] == VENDOR:
                    if domain in seen:
                        raise Conflict(
                            f"two new vendors have the domain {domain}", {"domain": domain}
                        )
                    seen[domain] = record["id"]
                    self._check_domain_free(record)
            self._col.insert_many(records)

    def update(self, record_id: str, changes: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Change fields of a relationship (``None`` clears one); the kind changes only
        through ``change_kind``."""
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.changed_record(self.get(record_id), changes)
            self._check_domain_free(record)
            self._col.replace(record["id"], record)
        self._ctx.audit(actor, "relationship.update", target=record["id"])
        return record

    def delete(
        self, record_id: str, *, cascade: bool = False, actor: str = "owner"
    ) -> dict[str, int]:
        """Delete a relationship; with ``cascade`` also its purchases and interactions.

        Returns how many purchases and interactions went with it. Without ``cascade``,
        a relationship that has any is kept and ``Conflict`` says how many.
        """
        check_actor(actor)
        interactions, purchases = self._handed_over()
        with self._ctx.store.transaction():
            record = self.get(record_id)
            counts = self.deletion_counts(record["id"])
            if any(counts.values()) and not cascade:
                raise Conflict(
                    f"{record['name']!s} has {counts['purchases']} purchases and "
                    f"{counts['interactions']} interactions; delete them too with cascade",
                    counts,
                )
            interactions.delete_with(record["id"])  # first: then only others' entries are
            purchases.delete_for_vendor(record["id"])  # left to unlink from the purchases
            for dependant in self._dependants:
                dependant.delete_with(record["id"])
            self._col.delete(record["id"])
        self._ctx.audit(actor, "relationship.delete", target=record["id"])
        return counts

    def set_status(
        self,
        record_id: str,
        status: str,
        *,
        since: date | str | None = None,
        note: str | None = None,
        actor: str = "owner",
    ) -> dict[str, Any]:
        """Mark a relationship active, paused, ended or blocked, from ``since`` (default
        today), with an optional ``note`` saying why; the audit entry names the status."""
        check_actor(actor)
        when = since.isoformat() if isinstance(since, date) else since
        changes = {
            "status": status,
            "status_since": when or self._ctx.now().date().isoformat(),
            "status_note": note or None,
        }
        with self._ctx.store.transaction():
            record = self.changed_record(self.get(record_id), changes)
            self._col.replace(record["id"], record)
        self._ctx.audit(actor, f"relationship.status.{record['status']}", target=record["id"])
        return record

    def change_kind(self, record_id: str, kind: str, *, actor: str = "owner") -> dict[str, Any]:
        """Turn a person into a vendor (an organisation) or back. A person has no domain, so
        it is dropped; a vendor with purchases stays a vendor (``Conflict``)."""
        check_actor(actor)
        _, purchases = self._handed_over()
        with self._ctx.store.transaction():
            current = self.get(record_id)
            if kind == PERSON and current["kind"] == VENDOR:
                bought = purchases.count_for_vendor(current["id"])
                if bought:
                    raise Conflict(
                        f"{current['name']} has {bought} purchases; a person cannot",
                        {"purchases": bought},
                    )
            changes: dict[str, Any] = {"kind": kind}
            if kind == PERSON:
                changes["domain"] = None
            record = self.changed_record(current, changes, immutable=())
            self._check_domain_free(record)
            self._col.replace(record["id"], record)
        self._ctx.audit(actor, "relationship.kind", target=record["id"])
        return record

    def deletion_counts(self, record_id: str) -> dict[str, int]:
        """What deleting this relationship takes with it: its purchases and interactions."""
        interactions, purchases = self._handed_over()
        record = self.get(record_id)
        return {
            "purchases": purchases.count_for_vendor(record["id"]),
            "interactions": interactions.count_with(record["id"]),
        }

    # -- tags and what is shared ---------------------------------------------------------

    def tag(
        self,
        record_id: str,
        *,
        add: Sequence[str] = (),
        remove: Sequence[str] = (),
        actor: str = "owner",
    ) -> dict[str, Any]:
        """Add and remove tags of one relationship (tags are checked like any field)."""
        record = self.get(record_id)
        return self.update(record["id"], {"tags": _retagged(record, add, remove)}, actor=actor)

    def bulk_tag(
        self, record_ids: Sequence[str], tag: str, *, remove: bool = False, actor: str = "owner"
    ) -> int:
        """Apply (or remove) ``tag`` on every listed relationship, all or none; how many changed."""
        check_actor(actor)
        if not record_ids:
            raise ValidationFailed("no relationships selected", {"ids": ["Select at least one."]})
        tag = clean_tag(tag)
        changed = 0
        with self._ctx.store.transaction():
            for record_id in dict.fromkeys(record_ids):
                record = self.get(record_id)
                tags = _retagged(record, () if remove else (tag,), (tag,) if remove else ())
                if tags == list(record.get("tags", [])):
                    continue
                updated = self.changed_record(record, {"tags": tags})
                self._col.replace(updated["id"], updated)
                changed += 1
        self._ctx.audit(actor, "relationship.bulk_tag", count=changed)
        return changed

    def share(
        self, record_id: str, shared: Mapping[str, Any] | None, *, actor: str = "owner"
    ) -> dict[str, Any]:
        """Set what the vendor may read about keeping in touch (``None`` or empty: nothing)."""
        kept = {k: v for k, v in (shared or {}).items() if v not in (None, "")}
        return self.update(record_id, {"shared": kept or None}, actor=actor)

    def _check_domain_free(self, record: Mapping[str, Any]) -> None:
        domain = record.get("domain")
        if not domain or record.get("kind") != VENDOR:
            return
        for other in self._col.query(where={"domain": domain, "kind": VENDOR}):
            if other["id"] != record["id"]:
                raise Conflict(
                    f"the vendor {other['name']} already has the domain {domain}",
                    {"domain": domain, "id": other["id"]},
                )

    # -- reads -------------------------------------------------------------------------

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """Every vendor (``VENDOR``) or every person (``PERSON``), oldest first."""
        return self._col.query(where={"kind": kind})

    def with_status(self, status: str) -> list[dict[str, Any]]:
        """Every relationship whose ``status`` is ``status``, oldest first."""
        return self._col.query(where={"status": status})

    def tagged(self, tag: str) -> list[dict[str, Any]]:
        """Every relationship with ``tag``, oldest first."""
        return self._col.query(where={"tags": tag})

    def all_records(self) -> list[dict[str, Any]]:
        """Every relationship, in storage order (for a whole-store pass such as an import)."""
        return list(self._col.scan())

    def list(
        self,
        *,
        kind: str | None = None,
        status: str | None = None,
        tag: str | None = None,
        domain: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        descending: bool = False,
    ) -> Page:
        """A page of relationships in the order they were recorded (oldest first by default)."""
        query = load(
            RelationshipQuerySchema(),
            present(
                kind=kind,
                status=status,
                tag=tag,
                domain=domain,
                limit=limit,
                cursor=cursor,
                descending=descending,
            ),
            what="query",
        )
        where = {
            field: query[key]
            for key, field in (("kind", "kind"), ("status", "status"), ("tag", "tags"))
            if key in query
        }
        if "domain" in query:
            where["domain"] = query["domain"]
        return self._page(query, where=where)

    def find_vendor(
        self, *, domain: str | None = None, name: str | None = None
    ) -> dict[str, Any] | None:
        """The vendor with this domain (or a parent domain of it), else with this name.

        Names match case-insensitively and ignoring surrounding spaces.
        """
        if domain:
            found = self._vendor_by_domain(domain)
            if found is not None:
                return found
        if name and name.strip():
            wanted = name.strip().casefold()
            matches = self._col.query(
                where={"kind": VENDOR},
                predicate=lambda r: r["name"].casefold() == wanted,
                limit=1,
            )
            return matches[0] if matches else None
        return None

    def vendor_with_domain(self, domain: str) -> dict[str, Any] | None:
        """The vendor whose domain is exactly ``domain`` (no parent or child of it)."""
        found = self._col.query(where={"domain": domain, "kind": VENDOR}, limit=1)
        return found[0] if found else None

    def vendors_named_like(self, name: str) -> builtins.list[dict[str, Any]]:
        """Vendors whose name reads like ``name``: the same letters and digits whatever the
        case, accents, spacing and punctuation, or all but a slip (``ALIKE_RATIO``)."""
        wanted = _name_key(name)
        if not wanted:
            return []

        def alike(record: Mapping[str, Any]) -> bool:
            key = _name_key(record["name"])
            return key == wanted or SequenceMatcher(None, key, wanted).ratio() >= ALIKE_RATIO

        return self._col.query(where={"kind": VENDOR}, predicate=alike)

    def _vendor_by_domain(self, domain: str) -> dict[str, Any] | None:
        try:
            labels = normalise_domain(domain).split(".")
        except ValueError:
            return None
        for start in range(len(labels) - 1):  # shop.example.com, then example.com
            candidate = ".".join(labels[start:])
            found = self._col.query(where={"domain": candidate, "kind": VENDOR}, limit=1)
            if found:
                return found[0]
        return None

    def require(self, record_id: Any, *, field: str, kind: str | None = None) -> dict[str, Any]:
        """The relationship a reference points to; ``ValidationFailed`` on ``field`` if none."""
        record = find_by_id(self._col, record_id)
        if record is None or (kind is not None and record["kind"] != kind):
            what = "vendor" if kind == VENDOR else "relationship"
            raise ValidationFailed(f"no {what} {record_id}", {field: [f"No {what} with this id."]})
        return record

    # -- merging (``merging.MergeService`` decides; these write) ------------------------

    def store_merged(self, merged: Mapping[str, Any], removed_id: str) -> None:
        """Replace a record by its ``merged`` form and delete ``removed_id``, merged into it
        (in the merger's transaction, after it moved what pointed at the removed one)."""
        with self._ctx.store.transaction():
            self._col.delete(removed_id)
            self._check_domain_free(merged)
            self._col.replace(merged["id"], merged)

    def restore_unmerged(self, kept: Mapping[str, Any], removed: Mapping[str, Any]) -> None:
        """Put back the kept record as it was before a merge and the removed one."""
        with self._ctx.store.transaction():
            if self._col.find(removed["id"]) is not None:
                raise Conflict(f"{removed['name']} exists again", {"id": removed["id"]})
            self._col.replace(kept["id"], kept)
            self._col.insert(removed)
            self._check_domain_free(kept)
            self._check_domain_free(removed)

    def pointing_at(self, relationship_id: str) -> int:
        """How many other relationships name ``relationship_id`` among their ``related``."""
        return len(self._relating_to(relationship_id))

    def repoint_relationship(self, old_id: str, new_id: str) -> builtins.list[str]:
        """Make the ``related`` entries naming ``old_id`` name ``new_id``; the ids changed."""
        with self._ctx.store.transaction():
            merged = (old_id, new_id)
            changed = [r for r in self._relating_to(old_id) if r["id"] not in merged]
            for record in changed:
                self._col.update(record["id"], {"related": _related_to(record, old_id, new_id)})
        return [r["id"] for r in changed]

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Make the ``related`` entries of ``record_ids`` naming ``new_id`` name ``old_id``
        again (a merge undone)."""
        with self._ctx.store.transaction():
            for record_id in record_ids:
                record = self._col.find(record_id)
                if record is not None:
                    related = _related_to(record, new_id, old_id)
                    self._col.update(record_id, {"related": related})

    def _relating_to(self, relationship_id: str) -> builtins.list[dict[str, Any]]:
        return self._col.query(
            predicate=lambda r: (
                r["id"] != relationship_id
                and any(e.get("relationship_id") == relationship_id for e in r.get("related", []))
            )
        )


def _name_key(name: str) -> str:
    """``name``'s letters and digits, case-folded, without accents (NFKD)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def _related_to(
    record: Mapping[str, Any], old_id: str, new_id: str
) -> builtins.list[dict[str, Any]]:
    """``record``'s ``related`` entries, those naming ``old_id`` made to name ``new_id``."""
    return [
        {**entry, "relationship_id": new_id} if entry.get("relationship_id") == old_id else entry
        for entry in record.get("related", [])
    ]


def _retagged(record: Mapping[str, Any], add: Sequence[str], remove: Sequence[str]) -> list[str]:
    """``record``'s tags with ``add`` appended and ``remove`` taken out (case-insensitive)."""
    gone = {str(t).strip().lower() for t in remove}
    tags = [t for t in record.get("tags", []) if t not in gone]
    for tag in add:
        cleaned = tag.strip().lower() if isinstance(tag, str) else tag
        if cleaned not in tags:
            tags.append(cleaned)
    return tags


class _TagSchema(Schema):
    tag = Label(max_length=32, required=True)


def clean_tag(value: Any) -> str:
    """``value`` as a tag (lower-case, no separators); ``ValidationFailed`` on ``tag``."""
    return str(load(_TagSchema(), {"tag": value}, what="tag")["tag"])
