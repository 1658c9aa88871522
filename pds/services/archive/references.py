"""The references between collections the archive's tables name in words: beside an id
that points at another collection's record, its CSV and SQLite tables carry that
record's human name (``vendor_id`` and ``vendor_name``).

The only per-collection knowledge of the flattening (``csv_mapping``): which field
points where, which field of the target names it, and the name column's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pds.services import collections as c


@dataclass(frozen=True)
class Reference:
    field: str  # the id field in the referring record
    target: str  # the collection it points into
    label: str  # the target's field that names the record
    column: str  # the name column beside the id

    @property
    def names_key(self) -> str:
        return f"{self.target}.{self.label}"


_VENDOR = Reference("vendor_id", c.RELATIONSHIPS, "name", "vendor_name")
_COUNTERPART = Reference("counterpart_id", c.RELATIONSHIPS, "name", "counterpart_name")
_RELATIONSHIP = Reference("relationship_id", c.RELATIONSHIPS, "name", "relationship_name")
_RFP = Reference("rfp_id", c.RFPS, "title", "rfp_title")
_CLIENT = Reference("client_id", c.CLIENTS, "client_name", "client_name")

REFERENCES: dict[str, tuple[Reference, ...]] = {
    c.PURCHASES: (_VENDOR,),
    c.INTERACTIONS: (_COUNTERPART, _RFP),
    c.OFFERS: (_RFP, _CLIENT),
    c.GRANTS: (_CLIENT,),
    c.SUBSCRIPTIONS: (_CLIENT,),
    c.DELIVERIES: (_CLIENT, _RFP),
    c.INSIGHTS: (_RELATIONSHIP,),
}


def references_of(collection: str) -> tuple[Reference, ...]:
    return REFERENCES.get(collection, ())


def all_references() -> Iterator[tuple[str, Reference]]:
    for collection, references in REFERENCES.items():
        for reference in references:
            yield collection, reference
