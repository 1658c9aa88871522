"""The owner's consent decision: what the consent screen shows, and what Allow records.

The screen needs to say who the vendor is (and whether the owner has dealt with
it before), what each requested scope exposes, and the owner's personal terms.
Allow records a grant narrowed by the owner's choices and links it to the
owner's relationship record of that vendor (found by domain, or created).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pds.errors import ValidationFailed
from pds.schemas.client import is_loopback
from pds.services.context import Context
from pds.services.grants import GrantService
from pds.services.purchases import PurchaseService
from pds.services.relationships import RelationshipService
from pds.services.terms import TermsService
from policies.scopes import Scope, describe


@dataclass(frozen=True)
class VendorFacts:
    """What the owner's own records say about the vendor asking for consent."""

    relationship: dict[str, Any] | None
    purchases: int

    @property
    def known(self) -> bool:
        return self.relationship is not None


def client_domain(client: Mapping[str, Any]) -> str | None:
    """The vendor's web domain, from its ``client_uri`` (none for loopback or IP hosts)."""
    host = urlsplit(str(client.get("client_uri") or "")).hostname or ""
    if not host or is_loopback(host) or host.replace(".", "").isdigit() or "." not in host:
        return None
    return host.removeprefix("www.")


class ConsentService:
    def __init__(
        self,
        ctx: Context,
        grants: GrantService,
        relationships: RelationshipService,
        purchases: PurchaseService,
        terms: TermsService,
    ) -> None:
        self._ctx = ctx
        self._grants = grants
        self._relationships = relationships
        self._purchases = purchases
        self._terms = terms

    def vendor_facts(self, client: Mapping[str, Any]) -> VendorFacts:
        domain = client_domain(client)
        vendor = self._relationships.find_vendor(domain=domain, name=client["client_name"])
        count = self._purchases.count_for_vendor(vendor["id"]) if vendor else 0
        return VendorFacts(vendor, count)

    def scopes(self, requested: Iterable[str]) -> list[Scope]:
        return describe(requested)

    def terms(self) -> dict[str, Any]:
        return self._terms.current()

    def allow(
        self,
        client: Mapping[str, Any],
        *,
        requested: Iterable[str],
        chosen: Iterable[str],
        constraints: Mapping[str, Any],
        expiry: str,
    ) -> dict[str, Any]:
        """Record a grant of the ``chosen`` scopes (a subset of ``requested``)."""
        requested = list(requested)
        chosen = [scope for scope in chosen if scope in requested]
        if not chosen:
            message = "Choose at least one kind of access, or press Deny."
            raise ValidationFailed(message, {"scopes": [message]})
        with self._ctx.store.transaction():
            vendor = self.vendor_for(client)
            return self._grants.create(
                client_id=client["id"],
                scopes=chosen,
                constraints=dict(constraints),
                expiry=expiry,
                terms_version=int(self._terms.pin()["version"]),
                vendor_id=vendor["id"],
            )

    def deny(self, client: Mapping[str, Any]) -> None:
        self._ctx.audit("owner", "grant.deny", target=client["id"])

    def vendor_for(
        self, client: Mapping[str, Any], *, how_known: str = "Asked for access to my data store."
    ) -> dict[str, Any]:
        """The owner's relationship record of ``client``: the one an earlier grant links it
        to, else the vendor with its domain or name, else a new one."""
        for grant in self._grants.list(client_id=client["id"]):
            vendor_id = grant.get("vendor_id")
            linked = self._relationships.find(vendor_id) if vendor_id else None
            if linked is not None:
                return linked
        return self.vendor_facts(client).relationship or self._new_vendor(client, how_known)

    def _new_vendor(self, client: Mapping[str, Any], how_known: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "kind": "vendor",
            "name": client["client_name"],
            "how_known": how_known,
        }
        domain = client_domain(client)
        if domain:
            record["domain"] = domain
        if client.get("client_uri"):
            record["urls"] = [client["client_uri"]]
        return self._relationships.add(record)
