"""The encrypted store: vault, sharded TinyDB collections, audit log.

It knows nothing of the domain: collections are declared by their users.
"""

from pds.store.audit import AuditEntry, AuditLog
from pds.store.collection import Collection
from pds.store.crypto import ScryptParams
from pds.store.ids import is_id, new_id
from pds.store.spec import CollectionSpec
from pds.store.store import Store, StoreStats

__all__ = [
    "AuditEntry",
    "AuditLog",
    "Collection",
    "CollectionSpec",
    "ScryptParams",
    "Store",
    "StoreStats",
    "is_id",
    "new_id",
]
