"""Vendors registered as OAuth clients (RFC 7591). Registering grants nothing.

A client's secret is shown once, at registration; the store keeps only its
SHA-256 (the secret is 256 random bits, so a plain hash cannot be reversed).
The owner may block a client: its grants are revoked and it can neither ask
for consent nor obtain tokens until unblocked.

Registration stores the client's ``verified_domain`` (the one domain of its https
redirect URIs, ``None`` for a loopback or RFP-only client); consent keeps the id of the
relationship record it made for the client as ``vendor_id``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pds.errors import AwaitingApproval, PermissionDenied, ValidationFailed
from pds.schemas import load
from pds.schemas.client import ClientMetadataSchema, verified_domain
from pds.services.collections import CLIENTS
from pds.services.context import Context
from pds.services.repointing import PointsAtVendor
from pds.services.vendor_text import without_invisible
from policies.scopes import UnknownScope, parse_scope

ACTIVE, BLOCKED = "active", "blocked"
CLIENT_CREDENTIALS = "client_credentials"  # the grant type of RFP work
_METADATA = ClientMetadataSchema()
#: Fields of a client record that may leave the store (never ``secret_hash``).
PRIVATE_FIELDS = ("secret_hash",)


def verified_domain_of(client: Mapping[str, Any]) -> str | None:
    """The domain ``client`` proved it controls (by the same rule from its redirect URIs
    for a client registered before the store kept it)."""
    if "verified_domain" in client:
        return client["verified_domain"]  # type: ignore[no-any-return]
    return verified_domain(client.get("redirect_uris", []))


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def public_view(client: dict[str, Any]) -> dict[str, Any]:
    """The client as its vendor and the owner may see it (no secret hash)."""
    return {key: value for key, value in client.items() if key not in PRIVATE_FIELDS}


class ClientService(PointsAtVendor):
    collection_name = CLIENTS
    noun = "client"
    key_field = "client_id"

    def __init__(self, ctx: Context, revoke_grants: Callable[[str, str], int]) -> None:
        super().__init__(ctx)
        self._revoke_grants = revoke_grants  # (client_id, actor) -> how many grants revoked

    def validate_metadata(self, data: Any, *, algorithms: Iterable[str]) -> dict[str, Any]:
        """RFC 7591 metadata, checked: ``ValidationFailed`` names each bad field."""
        metadata = load(_METADATA, data, what="client metadata")
        problems: dict[str, list[str]] = {}
        if "scope" in metadata:
            try:
                metadata["scope"] = " ".join(parse_scope(metadata["scope"]))
            except UnknownScope as exc:
                problems["scope"] = [f"Unknown scope: {', '.join(exc.names)}."]
        problems.update(_purpose_problems(metadata))
        alg = metadata.get("id_token_signed_response_alg")
        if alg is not None and alg not in tuple(algorithms):
            problems["id_token_signed_response_alg"] = [f"Must be one of: {', '.join(algorithms)}."]
        if problems:
            raise ValidationFailed(f"invalid client metadata: {', '.join(problems)}", problems)
        return metadata

    def register(
        self, data: Any, *, algorithms: Iterable[str] = ("RS256",)
    ) -> tuple[dict[str, Any], str | None]:
        """Register a vendor; returns its record and its secret (``None`` for public clients)."""
        metadata = self.validate_metadata(without_invisible(data), algorithms=algorithms)
        record: dict[str, Any] = {
            **metadata,
            "id": secrets.token_urlsafe(24),
            "status": ACTIVE,
            "registered_at": self._ctx.now().isoformat(),
            "verified_domain": verified_domain(metadata["redirect_uris"]),
        }
        secret = None
        if metadata["token_endpoint_auth_method"] != "none":
            secret = secrets.token_urlsafe(32)
            record["secret_hash"] = secret_digest(secret)
        with self._ctx.store.transaction():
            self._col.insert(record)
            self._ctx.audit("system", "client.register", target=record["id"])
        return record, secret

    def find(self, client_id: Any) -> dict[str, Any] | None:
        """The client ``client_id`` (client ids are not UUIDs), or ``None``."""
        if not isinstance(client_id, str) or not client_id or len(client_id) > 128:
            return None
        return self._col.find(client_id)

    def require_active(self, client_id: str) -> dict[str, Any]:
        """The registered client ``client_id``, unless the owner blocked it (then, or if
        there is none, ``PermissionDenied``): the gate of every vendor's RFP work."""
        client = self.find(client_id)
        if client is None:
            raise PermissionDenied(f"no client {client_id}", {"client_id": ["Not registered."]})
        if client["status"] == BLOCKED:
            raise PermissionDenied(
                f"client {client_id} is blocked", {"client_id": ["Blocked by the owner."]}
            )
        return client

    def is_blocked(self, client_id: str) -> bool:
        """Whether ``client_id`` is a client the owner blocked."""
        client = self.find(client_id)
        return client is not None and client["status"] == BLOCKED

    def blocked_ids(self) -> set[str]:
        """The ids of the clients the owner blocked."""
        return {c["id"] for c in self._col.query(where={"status": BLOCKED})}

    def held_back_ids(self) -> set[str]:
        """The ids of the clients RFPs are held back from (see ``held_back``)."""
        if not self._ctx.rfp_vendors_need_approval:
            return set()
        return {c["id"] for c in self._col.scan() if held_back(self._ctx, c)}

    def check_secret(self, client: dict[str, Any], secret: str | None) -> bool:
        expected = client.get("secret_hash")
        if not expected or not isinstance(secret, str):
            return False
        return hmac.compare_digest(expected, secret_digest(secret))

    def list(self) -> list[dict[str, Any]]:
        """Every registered client, oldest registration first."""
        return sorted(self._col.scan(), key=lambda c: (c["registered_at"], c["id"]))

    def keep_vendor(self, client_id: str, vendor_id: str) -> dict[str, Any]:
        """Remember ``vendor_id`` as the relationship record made for this client."""
        with self._ctx.store.transaction():
            self.get(client_id)
            kept: dict[str, Any] = self._col.update(client_id, {"vendor_id": vendor_id})
        return kept

    def block(self, client_id: str, *, actor: str = "owner") -> dict[str, Any]:
        """Block a client and revoke every grant it holds, at once."""
        with self._ctx.store.transaction():
            client = self.get(client_id)
            blocked = self._col.update(
                client_id, {"status": BLOCKED, "blocked_at": self._ctx.now().isoformat()}
            )
            self._revoke_grants(client["id"], actor)
            self._ctx.audit(actor, "client.block", target=client_id)
        return blocked

    def approve(self, client_id: str, *, actor: str = "owner") -> dict[str, Any]:
        """The owner approves a vendor registered to answer RFPs (no longer new)."""
        with self._ctx.store.transaction():
            client = self.get(client_id)
            if client.get("approved_at"):
                return client
            approved = self._col.update(client_id, {"approved_at": self._ctx.now().isoformat()})
            self._ctx.audit(actor, "client.approve", target=client_id)
        return approved

    def held_back(self, client: Mapping[str, Any]) -> bool:
        """Whether RFPs are held back from ``client`` (see ``held_back``)."""
        return held_back(self._ctx, client)

    def require_approved(self, client_id: str) -> None:
        """``AwaitingApproval`` if RFPs are held back from the client ``client_id``."""
        client = self.find(client_id)
        if client is not None:
            require_approved(self._ctx, client)

    def unblock(self, client_id: str, *, actor: str = "owner") -> dict[str, Any]:
        with self._ctx.store.transaction():
            record = {**self.get(client_id), "status": ACTIVE}
            record.pop("blocked_at", None)
            unblocked = self._col.replace(client_id, record)
            self._ctx.audit(actor, "client.unblock", target=client_id)
        return unblocked


# -- vendors registered to answer RFPs: new until the owner approves them -------------


def answers_rfps(client: Mapping[str, Any]) -> bool:
    """Whether ``client`` registered for client credentials, the grant of RFP work."""
    return CLIENT_CREDENTIALS in client.get("grant_types", ())


def is_new(client: Mapping[str, Any]) -> bool:
    """A vendor registered to answer RFPs that the owner has not approved yet."""
    return answers_rfps(client) and not client.get("approved_at")


def held_back(ctx: Context, client: Mapping[str, Any]) -> bool:
    """Whether RFPs are held back from ``client``: it is new and the owner's setting
    (``PDS_RFP_VENDORS_NEED_APPROVAL``) asks for approval first."""
    return ctx.rfp_vendors_need_approval and is_new(client)


def require_approved(ctx: Context, client: Mapping[str, Any]) -> None:
    """``AwaitingApproval`` if RFPs are held back from ``client``."""
    if held_back(ctx, client):
        raise AwaitingApproval(
            f"client {client['id']} is awaiting the owner's approval to answer RFPs",
            {"client_id": ["Awaiting the owner's approval."]},
        )


def _purpose_problems(metadata: Mapping[str, Any]) -> dict[str, list[str]]:
    """A ``purpose`` names only known scopes, and only those the client registers (if it
    names its ``scope``)."""
    named = list(metadata.get("purpose", {}))
    if not named:
        return {}
    try:
        parse_scope(" ".join(named))
    except UnknownScope as exc:
        return {"purpose": [f"Unknown scope: {', '.join(exc.names)}."]}
    if "scope" in metadata:
        registered = set(metadata["scope"].split())
        extra = [name for name in named if name not in registered]
        if extra:
            return {"purpose": [f"Not among the registered scope: {', '.join(extra)}."]}
    return {}
