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
CLIENTS = "clients"
GRANTS = "grants"
TOKENS = "tokens"
CODES = "codes"
SIGNING_KEYS = "signing_keys"
TERMS = "terms"
PROVIDER = "provider"
RFPS = "rfps"
OFFERS = "offers"
SUBSCRIPTIONS = "subscriptions"
DELIVERIES = "deliveries"
REMINDERS = "reminders"
INSIGHTS = "insights"
MERGES = "merges"
PHOTOS = "photos"

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
        indexes=("counterpart_id", "kind", "purchase_id", "channel"),
    ),
    CollectionSpec(RELATIONSHIPS, order_by=None, indexes=("kind", "status", "tags", "domain")),
    CollectionSpec(PREFERENCES, indexes=("key", "category", "visibility")),
    CollectionSpec(PROFILE),
    CollectionSpec(CREDENTIALS),  # the owner's password hash, TOTP seed, recovery code hashes
    CollectionSpec(CLIENTS, indexes=("status",)),  # vendors registered as OAuth clients
    CollectionSpec(GRANTS, indexes=("client_id", "status")),  # the owner's consent decisions
    CollectionSpec(TOKENS, indexes=("grant_id", "kind", "family")),  # ids are token hashes
    CollectionSpec(CODES, indexes=("grant_id",)),  # authorization codes, ids are code hashes
    CollectionSpec(SIGNING_KEYS),  # the OpenID Provider's signing keys (services.signing_keys)
    CollectionSpec(TERMS, order_by=None, indexes=("version",)),  # the owner's personal terms
    CollectionSpec(PROVIDER),  # the OpenID Provider's own secrets (services.subjects)
    CollectionSpec(RFPS, indexes=("status", "category", "visibility", "pseudonym")),
    CollectionSpec(OFFERS, indexes=("rfp_id", "client_id", "status")),  # vendors' answers
    CollectionSpec(SUBSCRIPTIONS, indexes=("client_id",)),  # vendors' webhook subscriptions
    CollectionSpec(DELIVERIES, indexes=("state", "client_id", "rfp_id")),  # webhook outbox + log
    CollectionSpec(REMINDERS, indexes=("kind", "subject")),  # contact targets, snoozes, feed key
    CollectionSpec(INSIGHTS, indexes=("kind", "relationship_id")),  # drift answers, tier labels
    CollectionSpec(MERGES, indexes=("kind",)),  # the undo of the latest relationship merge
    CollectionSpec(PHOTOS),  # relationships' photos, under the relationship's id
)
