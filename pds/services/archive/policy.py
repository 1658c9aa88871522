"""What the archive does with each collection: which are secret, which fields are secret,
and which marshmallow schema gives a collection's storage form.

Every collection the store declares must have an entry here (a test checks that a
collection added later cannot be forgotten). A collection found without one is
treated as secret: left out unless secrets are asked for, and named in the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema

from pds.schemas import (
    InteractionSchema,
    PreferenceSchema,
    ProfileSchema,
    PurchaseSchema,
    RelationshipSchema,
)
from pds.schemas.photo import PhotoSchema
from pds.services import collections as c


@dataclass(frozen=True)
class Policy:
    """``secret``: the whole collection is secret (key material, hashes of credentials).
    ``secret_fields``: top-level fields left out of each record unless secrets are asked
    for. ``why``: what the secret part is, in words. ``schema``: the marshmallow schema
    whose ``dump`` is the stored record (its JSON
    Schema is generated from it); ``None`` means records are checked only as records
    (an object with a string ``id``)."""

    secret: bool = False
    secret_fields: tuple[str, ...] = ()
    schema: type[Schema] | None = None
    why: str = ""


SECRET = Policy(secret=True)
UNKNOWN = Policy(secret=True, why="no archive policy")

POLICIES: dict[str, Policy] = {
    c.PURCHASES: Policy(schema=PurchaseSchema),
    c.INTERACTIONS: Policy(schema=InteractionSchema),
    c.RELATIONSHIPS: Policy(schema=RelationshipSchema),
    c.PREFERENCES: Policy(schema=PreferenceSchema),
    c.PROFILE: Policy(schema=ProfileSchema),
    c.CREDENTIALS: Policy(secret=True, why="password hash, TOTP seed, recovery code hashes"),
    c.CLIENTS: Policy(secret_fields=("secret_hash",), why="client secret hashes"),
    c.GRANTS: Policy(),
    c.TOKENS: Policy(secret=True, why="token hashes"),
    c.CODES: Policy(secret=True, why="authorization code hashes"),
    c.SIGNING_KEYS: Policy(secret=True, why="the OpenID Provider's private keys"),
    c.TERMS: Policy(),
    c.PROVIDER: Policy(secret=True, why="the pairwise-subject salt"),
    c.RFPS: Policy(),
    c.OFFERS: Policy(),
    c.SUBSCRIPTIONS: Policy(secret_fields=("secret",), why="webhook signing secrets"),
    c.DELIVERIES: Policy(),
    c.REMINDERS: Policy(secret_fields=("key",), why="the calendar feed's secret key"),
    c.INSIGHTS: Policy(),  # the owner's answers to drift questions, tier labels, weights
    # the undo of the latest merge: the removed record and the kept one as they were are
    # the owner's data (an export taken within the day can still be undone after restore)
    c.MERGES: Policy(),
    c.PHOTOS: Policy(schema=PhotoSchema),  # relationships' photos (base64 in data/ and CSV)
}


def policy_of(collection: str) -> Policy:
    return POLICIES.get(collection, UNKNOWN)
