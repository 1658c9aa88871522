"""Grants: the owner's consent decisions, recorded. Tokens hang off grants.

A grant names the vendor (client), the scopes, the constraints that narrow them
(``policies.access`` evaluates them), its expiry and the version of the owner's
personal terms the vendor accepted. Revoking a grant deletes every token and code
issued under it in the same transaction, so the very next request is refused.

A vendor registered for client credentials answers the owner's RFPs under a standing
grant of kind ``client`` (scope ``rfp:respond`` only, no constraints, no terms), made
on its first token request. Revoking it ends its tokens; blocking the vendor stops it.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from pds.errors import ValidationFailed
from pds.services.collections import GRANTS
from pds.services.context import Context
from pds.services.identity.tokens import TokenService
from pds.services.repointing import PointsAtVendor
from policies.access import ConstraintsInvalid, grant_status, validate_constraints
from policies.scopes import UnknownScope, parse_scope

ACTIVE, REVOKED = "active", "revoked"
#: The kind of a vendor's standing grant for RFP work (client credentials), its scopes
#: and how the owner's lists name it. Grants the owner gave on the consent screen have
#: no ``kind``.
CLIENT_KIND = "client"
CLIENT_SCOPES = ("rfp:respond",)
CLIENT_LABEL = "may answer your RFPs"
#: The expiry choices the consent screen offers (``None``: until revoked).
EXPIRY_CHOICES: dict[str, timedelta | None] = {
    "1d": timedelta(days=1),
    "30d": timedelta(days=30),
    "1y": timedelta(days=365),
    "never": None,
}
LAST_USED_RESOLUTION = timedelta(minutes=1)  # last_used_at is written at most this often


class GrantService(PointsAtVendor):
    collection_name = GRANTS
    noun = "grant"

    def __init__(self, ctx: Context, tokens: TokenService) -> None:
        super().__init__(ctx)
        self._tokens = tokens

    def create(
        self,
        *,
        client_id: str,
        scopes: Iterable[str],
        constraints: Any = None,
        expiry: str = "never",
        terms_version: int,
        vendor_id: str | None,
        actor: str = "owner",
        purposes: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Record the owner's decision to let ``client_id`` reach ``scopes`` (with the
        vendor's stated ``purposes`` of the scopes granted, as the owner saw them)."""
        problems: dict[str, list[str]] = {}
        try:
            granted = parse_scope(" ".join(scopes))
        except UnknownScope as exc:
            problems["scopes"] = [f"Unknown scope: {', '.join(exc.names)}."]
            granted = ()
        if not granted and "scopes" not in problems:
            problems["scopes"] = ["Choose at least one scope."]
        try:
            narrowed = validate_constraints(constraints or {})
        except ConstraintsInvalid as exc:
            problems.update({f"constraints.{k}": v for k, v in exc.details.items()})
            narrowed = {}
        if expiry not in EXPIRY_CHOICES:
            problems["expiry"] = [f"Must be one of: {', '.join(EXPIRY_CHOICES)}."]
        if problems:
            raise ValidationFailed(f"invalid grant: check {', '.join(problems)}", problems)
        now = self._ctx.now()
        lifetime = EXPIRY_CHOICES[expiry]
        grant: dict[str, Any] = {
            "id": self._ctx.ids(),
            "client_id": client_id,
            "vendor_id": vendor_id,
            "scopes": list(granted),
            "purposes": {s: purposes[s] for s in granted if purposes and s in purposes},
            "constraints": narrowed,
            "expires_at": (now + lifetime).isoformat() if lifetime else None,
            "terms_version": terms_version,
            "status": ACTIVE,
            "created_at": now.isoformat(),
            "last_used_at": None,
            "revoked_at": None,
        }
        with self._ctx.store.transaction():
            self._col.insert(grant)
            self._ctx.audit(actor, "grant.allow", target=grant["id"])
        return grant

    def standing_for_client(self, client_id: str) -> dict[str, Any]:
        """``client_id``'s active standing grant for RFP work, made if it has none."""
        with self._ctx.store.transaction():
            for grant in self.list(client_id=client_id, status=ACTIVE):
                if grant.get("kind") == CLIENT_KIND and self.usable(grant["id"]):
                    return grant
            grant = {
                "id": self._ctx.ids(),
                "client_id": client_id,
                "kind": CLIENT_KIND,
                "vendor_id": None,
                "scopes": list(CLIENT_SCOPES),
                "constraints": validate_constraints({}),
                "expires_at": None,
                "terms_version": None,
                "status": ACTIVE,
                "created_at": self._ctx.now().isoformat(),
                "last_used_at": None,
                "revoked_at": None,
            }
            self._col.insert(grant)
            self._ctx.audit(f"vendor:{client_id}", "grant.standing", target=grant["id"])
        return grant

    def usable(self, grant_id: Any, now: datetime | None = None) -> dict[str, Any] | None:
        """The grant if it is active and unexpired now, else ``None``."""
        grant = self.find(grant_id)
        if grant is None or not grant_status(grant, now or self._ctx.now()).allowed:
            return None
        return grant

    def list(
        self, *, client_id: str | None = None, status: str | None = None
    ) -> list[dict[str, Any]]:
        """Grants, newest first, optionally of one client and/or in one status."""
        where = {k: v for k, v in (("client_id", client_id), ("status", status)) if v}
        return sorted(self._col.query(where=where or None), key=lambda g: g["id"], reverse=True)

    def expiring(
        self, within: timedelta, now: datetime | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Active grants that expire between now and ``within`` from now, soonest first."""
        start = now or self._ctx.now()
        end = start + within
        found = [
            g
            for g in self.list(status=ACTIVE)
            if g.get("expires_at") and start <= datetime.fromisoformat(g["expires_at"]) <= end
        ]
        return sorted(found, key=lambda g: g["expires_at"])

    def revoke(
        self, grant_id: str, *, actor: str = "owner", reason: str = "revoked"
    ) -> dict[str, Any]:
        """Revoke a grant and delete its tokens and codes, in one transaction."""
        with self._ctx.store.transaction():
            grant = self.get(grant_id)
            if grant["status"] == REVOKED:
                return grant
            revoked = self._col.update(
                grant_id,
                {"status": REVOKED, "revoked_at": self._ctx.now().isoformat(), "reason": reason},
            )
            self._tokens.delete_for_grant(grant_id)
            self._ctx.audit(actor, f"grant.{reason}", target=grant_id)
        return revoked

    def revoke_for_client(self, client_id: str, actor: str = "owner") -> int:
        """Revoke every active grant of ``client_id``; returns how many."""
        with self._ctx.store.transaction():
            active = self.list(client_id=client_id, status=ACTIVE)
            for grant in active:
                self.revoke(grant["id"], actor=actor)
        return len(active)

    def touch(self, grant: dict[str, Any]) -> None:
        """Note that the grant was used now (written at most once a minute)."""
        now = self._ctx.now()
        last = grant.get("last_used_at")
        if last and now - datetime.fromisoformat(last) < LAST_USED_RESOLUTION:
            return
        with self._ctx.store.transaction():
            if self.find(grant["id"]) is not None:
                self._col.update(grant["id"], {"last_used_at": now.isoformat()})


def grant_label(grant: Mapping[str, Any]) -> str:
    """How the owner's lists name ``grant``: what a standing grant lets the vendor do,
    else its scopes."""
    if grant.get("kind") == CLIENT_KIND:
        return CLIENT_LABEL
    return " ".join(grant["scopes"])
