"""The owner's consent decision: what the consent screen shows, and what Allow records.

The screen needs to say who the vendor is (the domain it proved, and whether the owner
has dealt with it before), what each requested scope exposes, and the owner's personal
terms. Allow records a grant narrowed by the owner's choices and links it to the
owner's relationship record of that vendor.

A vendor is who it can prove to be. A client is linked to a record only through proof:
the record made for this very client, else the vendor whose ``domain`` is exactly the
client's verified domain (the registrable domain of its https redirect URIs). Names and
the pages a client names about itself never link; a loopback or RFP-only client (no
verified domain) only ever gets a record of its own. A grant keeps the link it was given
(and later grants of the same client follow it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pds.errors import ValidationFailed
from pds.services.context import Context
from pds.services.identity.clients import ClientService, verified_domain_of
from pds.services.identity.grants import GrantService
from pds.services.identity.terms import TermsService
from pds.services.records.purchases import PurchaseService
from pds.services.relationships.relationships import RelationshipService
from policies.scopes import Scope, describe


@dataclass(frozen=True)
class VendorFacts:
    """What the owner's own records say about the vendor asking for consent."""

    relationship: dict[str, Any] | None
    purchases: int
    domain: str | None = None  # the domain the client proved (None: a local or RFP-only app)
    lookalikes: tuple[str, ...] = ()  # known vendors named like it, when it is not one of them

    @property
    def known(self) -> bool:
        return self.relationship is not None


class ConsentService:
    def __init__(
        self,
        ctx: Context,
        clients: ClientService,
        grants: GrantService,
        relationships: RelationshipService,
        purchases: PurchaseService,
        terms: TermsService,
    ) -> None:
        self._ctx = ctx
        self._clients = clients
        self._grants = grants
        self._relationships = relationships
        self._purchases = purchases
        self._terms = terms

    def vendor_facts(self, client: Mapping[str, Any]) -> VendorFacts:
        vendor = self.linked_vendor(client)
        if vendor is not None:
            count = self._purchases.count_for_vendor(vendor["id"])
            return VendorFacts(vendor, count, verified_domain_of(client))
        # cast: the relationships service annotates `list[...]` after its own `list` method
        # (issue 16 is editing it), which mypy reads as that method
        alike = cast(
            "Sequence[Mapping[str, Any]]",
            self._relationships.vendors_named_like(client["client_name"]),
        )
        return VendorFacts(None, 0, verified_domain_of(client), tuple(r["name"] for r in alike))

    def linked_vendor(self, client: Mapping[str, Any]) -> dict[str, Any] | None:
        """The owner's record of ``client``: the record made for it, else the vendor whose
        domain is exactly its verified domain; ``None`` if there is none. (A link an earlier
        grant made some other way, by name before this rule, is not followed.)"""
        own = self._relationships.find(client.get("vendor_id"))
        if own is not None:
            return own
        domain = verified_domain_of(client)
        return self._relationships.vendor_with_domain(domain) if domain else None

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
                purposes=client.get("purpose") or {},
            )

    def deny(self, client: Mapping[str, Any]) -> None:
        self._ctx.audit("owner", "grant.deny", target=client["id"])

    def vendor_for(
        self, client: Mapping[str, Any], *, how_known: str = "Asked for access to my data store."
    ) -> dict[str, Any]:
        """The owner's record of ``client`` (``linked_vendor``), else a new one made for it."""
        with self._ctx.store.transaction():
            return self.linked_vendor(client) or self._new_vendor(client, how_known)

    def _new_vendor(self, client: Mapping[str, Any], how_known: str) -> dict[str, Any]:
        record: dict[str, Any] = {
            "kind": "vendor",
            "name": client["client_name"],
            "how_known": how_known,
        }
        domain = verified_domain_of(client)
        if domain:
            record["domain"] = domain
        if client.get("client_uri"):
            record["urls"] = [client["client_uri"]]
        made = self._relationships.add(record)
        self._clients.keep_vendor(client["id"], made["id"])
        return made
