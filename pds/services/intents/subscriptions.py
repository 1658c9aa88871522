"""Vendors' webhook subscriptions to the owner's RFPs: one per client.

A subscription names the URL the store posts RFP events to, the categories the vendor
cares about (none = every category), and the signing secret (Standard Webhooks:
``whsec_`` + base64 of 32 random bytes). The secret is shown to the vendor when it
subscribes and when it rotates it; rotating replaces it at once.

``audience`` says who hears of an RFP: for a public one, the subscribers to its
category (or to every category); for one shown to chosen vendors, those vendors'
subscriptions whatever their categories. A blocked vendor never hears anything, nor does
one awaiting the owner's approval while ``PDS_RFP_VENDORS_NEED_APPROVAL`` is on.

The URL must not lead into the owner's network (``pds.services.outbound``): a name or
address that resolves to a loopback, private, link-local or metadata address is refused
with a field error on ``url`` (loopback passes when the outbound policy allows it). The
courier checks again at every connection.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from typing import Any

from pds.errors import NotFound, OutboundRefused
from pds.schemas import dump, load
from pds.schemas.common import invalid
from pds.schemas.subscription import SubscriptionSchema
from pds.schemas.temporal import format_instant
from pds.services.base import CollectionService
from pds.services.collections import SUBSCRIPTIONS
from pds.services.context import Context
from pds.services.identity.clients import ClientService
from pds.services.outbound import OutboundPolicy

SECRET_PREFIX = "whsec_"
_SCHEMA = SubscriptionSchema()


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def public_view(subscription: Mapping[str, Any]) -> dict[str, Any]:
    """The subscription as its vendor sees it after creation: no id, no secret."""
    return {k: subscription[k] for k in ("url", "categories", "created_at", "updated_at")}


class SubscriptionService(CollectionService):
    """The subscriptions, each named by its vendor's client id (``find``, ``get``)."""

    collection_name = SUBSCRIPTIONS
    noun = "subscription"

    def __init__(self, ctx: Context, clients: ClientService, outbound: OutboundPolicy) -> None:
        super().__init__(ctx)
        self._clients = clients
        self._outbound = outbound

    def subscribe(self, client_id: str, data: Any) -> tuple[dict[str, Any], bool]:
        """Subscribe ``client_id`` (or replace its url and categories); the record and
        whether it is new. A new subscription gets a fresh secret; a replaced one keeps it."""
        self._clients.require_active(client_id)
        fields = dump(_SCHEMA, load(_SCHEMA, data, what="subscription"))
        self._check_url(fields["url"])
        now = format_instant(self._ctx.now())
        with self._ctx.store.transaction():
            current = self.find(client_id)
            if current is None:
                record = {
                    "id": self._ctx.ids(),
                    "client_id": client_id,
                    **fields,
                    "secret": new_secret(),
                    "created_at": now,
                    "updated_at": now,
                }
                self._col.insert(record)
            else:
                record = self._col.replace(current["id"], {**current, **fields, "updated_at": now})
            action = "subscription.create" if current is None else "subscription.update"
            self._ctx.audit(f"vendor:{client_id}", action, target=record["id"])
        return record, current is None

    def _check_url(self, url: str) -> None:
        """Refuse ``url`` (a field error) when it leads into the owner's network."""
        try:
            self._outbound.check_url(url)
        except OutboundRefused as refused:
            raise invalid("subscription", {"url": [refused.message]}) from None

    def find(self, client_id: str) -> dict[str, Any] | None:
        """``client_id``'s subscription, or ``None``."""
        if not isinstance(client_id, str) or not client_id:
            return None
        found = self._col.query(where={"client_id": client_id}, limit=1)
        return found[0] if found else None

    def with_id(self, record_id: str) -> dict[str, Any] | None:
        """The subscription whose record id is ``record_id`` (as a delivery names it)."""
        return self._col.find(record_id)

    def not_found(self, key: Any) -> NotFound:
        return NotFound("no subscription", {"subscription": ["Not subscribed."]})

    def unsubscribe(self, client_id: str) -> None:
        """Delete ``client_id``'s subscription (``NotFound`` if it has none)."""
        with self._ctx.store.transaction():
            record = self.get(client_id)
            self._col.delete(record["id"])
            self._ctx.audit(f"vendor:{client_id}", "subscription.delete", target=record["id"])

    def rotate_secret(self, client_id: str) -> dict[str, Any]:
        """A new signing secret for ``client_id``'s subscription; the old one stops at once."""
        self._clients.require_active(client_id)
        now = format_instant(self._ctx.now())
        with self._ctx.store.transaction():
            record = self.get(client_id)
            rotated = self._col.update(record["id"], {"secret": new_secret(), "updated_at": now})
            self._ctx.audit(f"vendor:{client_id}", "subscription.rotate", target=record["id"])
        return rotated

    def audience(self, rfp: Mapping[str, Any]) -> list[dict[str, Any]]:
        """The subscriptions that hear of ``rfp`` (never a blocked vendor's), oldest first."""
        if rfp.get("visibility") == "chosen":
            chosen = rfp.get("chosen_vendors", [])
            found = [s for cid in chosen if (s := self.find(cid)) is not None]
        else:
            category = rfp.get("category")
            found = [
                s for s in self._col.scan() if not s["categories"] or category in s["categories"]
            ]
        silenced = self._clients.blocked_ids() | self._clients.held_back_ids()
        listened = [s for s in found if s["client_id"] not in silenced]
        return sorted(listened, key=lambda s: (s["created_at"], s["id"]))
