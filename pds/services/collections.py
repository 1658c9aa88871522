"""The collections the domain keeps, declared for the store (which knows nothing of them).

Index and order fields here are the ones the services query by; each is a scalar
or a list of scalars in the storage form of its record.
"""

from __future__ import annotations

from pds.store import CollectionSpec

PURCHASES = "purchases"
INTERACTIONS = "interactions"
RELATIONSHIPS = "relationships"
PREFERENCES = "preferences"
PROFILE = "profile"
CREDENTIALS = "credentials"

#: The collections of the owner's records (what ``Services.counts`` reports).
DOMAIN = (PURCHASES, INTERACTIONS, RELATIONSHIPS, PREFERENCES, PROFILE)

SPECS: tuple[CollectionSpec, ...] = (
    CollectionSpec(
        PURCHASES,
        order_by="date",
        shard_by="date",
        indexes=("vendor_id", "category", "tags", "source", "status"),
    ),
    CollectionSpec(
        INTERACTIONS,
        order_by="date",
        shard_by="date",
        indexes=("counterpart_id", "kind", "purchase_id"),
    ),
    CollectionSpec(RELATIONSHIPS, order_by=None, indexes=("kind", "status", "tags", "domain")),
    CollectionSpec(PREFERENCES, indexes=("key", "category", "visibility")),
    CollectionSpec(PROFILE),
    CollectionSpec(CREDENTIALS),  # the owner's portal password hash (services.credentials)
)
