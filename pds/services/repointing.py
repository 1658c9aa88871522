"""Moving the records that point at one relationship onto another (merging two of them).

Records in several contexts point at a relationship: interactions (``counterpart_id``),
purchases, grants and clients (``vendor_id``), reminders and drift answers, other
relationships' ``related`` people. Each owning service implements ``Repointer``; the
merger (``relationships.merging``) is handed them by the container, as deleting with
cascade is, so no context writes another's collection.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from pds.services.base import CollectionService
from pds.store import Collection


class Repointer(Protocol):
    """A service whose records point at relationships, as a merge moves them."""

    def pointing_at(self, relationship_id: str) -> int:
        """How many of its records point at ``relationship_id`` (and would move)."""
        ...

    def repoint_relationship(self, old_id: str, new_id: str) -> list[str]:
        """Point every record that points at ``old_id`` at ``new_id``; the ids moved."""
        ...

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Point the records ``record_ids`` (moved by a merge from ``old_id`` to ``new_id``)
        at ``old_id`` again; those deleted or pointed elsewhere since are left alone."""
        ...


def repoint(
    collection: Collection, records: Iterable[Mapping[str, Any]], field: str, new_id: str
) -> list[str]:
    """Set ``field`` of each of ``records`` to ``new_id`` (in the caller's transaction);
    their ids."""
    moved = []
    for record in records:
        collection.update(record["id"], {field: new_id})
        moved.append(str(record["id"]))
    return moved


def point_back(
    collection: Collection, record_ids: Sequence[str], field: str, old_id: str, new_id: str
) -> None:
    """Set ``field`` of the records ``record_ids`` that still hold ``new_id`` back to
    ``old_id`` (in the caller's transaction)."""
    for record_id in record_ids:
        record = collection.find(record_id)
        if record is not None and record.get(field) == new_id:
            collection.update(record_id, {field: old_id})


class PointsAtVendor(CollectionService):
    """A service whose records name a relationship in ``vendor_id`` (grants, clients):
    their ``Repointer``."""

    def pointing_at(self, relationship_id: str) -> int:
        """How many records have ``vendor_id`` ``relationship_id``."""
        return len(self._with_vendor(relationship_id))

    def repoint_relationship(self, old_id: str, new_id: str) -> list[str]:
        """Point the records of ``old_id`` at ``new_id`` (two relationships merged)."""
        with self._ctx.store.transaction():
            return repoint(self._col, self._with_vendor(old_id), "vendor_id", new_id)

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Point the records ``record_ids`` at ``old_id`` again (a merge undone)."""
        with self._ctx.store.transaction():
            point_back(self._col, record_ids, "vendor_id", old_id, new_id)

    def _with_vendor(self, relationship_id: str) -> list[dict[str, Any]]:
        return self._col.query(predicate=lambda r: r.get("vendor_id") == relationship_id)
