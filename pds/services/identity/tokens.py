"""Access tokens, refresh tokens and authorization codes, kept only as hashes.

Each is a random string handed out once; the store keeps its SHA-256 as the
record id (so a lookup is one index probe and a stolen store file yields no
usable token). Access tokens are short-lived. Refresh tokens rotate: each use
marks the token used and issues a new one; presenting a used one again is
reported as reuse, and the caller revokes the whole grant. Codes live 60
seconds and are consumed atomically under the store's writer lock.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pds.errors import NotFound
from pds.services.base import CollectionService
from pds.services.collections import CODES, TOKENS
from pds.store import Collection

ACCESS, REFRESH = "access", "refresh"
ACCESS_TOKEN_LIFETIME = timedelta(minutes=10)
REFRESH_TOKEN_LIFETIME = timedelta(days=90)  # and never beyond the grant's own expiry
CODE_LIFETIME = timedelta(seconds=60)
CODE_KEPT = timedelta(minutes=10)  # a consumed code is remembered this long to detect replay


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Consumed:
    """What consuming a code gave: its record, or why not (``replayed`` names the grant)."""

    code: dict[str, Any] | None
    replayed_grant: str | None = None


class TokenService(CollectionService):
    """The tokens (its collection, named by the token: the id is its hash) and the
    authorization codes (``_codes``, which it owns too)."""

    collection_name = TOKENS
    noun = "token"

    @property
    def _codes(self) -> Collection:
        return self._ctx.collection(CODES)

    def now(self) -> datetime:
        return self._ctx.now()

    def _expired(self, record: dict[str, Any], now: datetime) -> bool:
        return datetime.fromisoformat(record["expires_at"]) <= now

    # -- tokens ------------------------------------------------------------------------

    def issue(
        self,
        grant: dict[str, Any],
        scopes: Iterable[str],
        *,
        refresh: bool,
        action: str = "token.issue",
    ) -> dict[str, Any]:
        """New access (and refresh) token for ``grant``; returns the token response fields."""
        now = self._ctx.now()
        scope_list = list(scopes)
        access = new_secret()
        base = {"grant_id": grant["id"], "client_id": grant["client_id"], "scopes": scope_list}
        records = [
            {
                **base,
                "id": token_hash(access),
                "kind": ACCESS,
                "family": grant["id"],
                "issued_at": now.isoformat(),
                "expires_at": (now + ACCESS_TOKEN_LIFETIME).isoformat(),
            }
        ]
        response: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": access,
            "expires_in": int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            "scope": " ".join(scope_list),
        }
        if refresh:
            token = new_secret()
            until = now + REFRESH_TOKEN_LIFETIME
            if grant.get("expires_at"):
                until = min(until, datetime.fromisoformat(grant["expires_at"]))
            records.append(
                {
                    **base,
                    "id": token_hash(token),
                    "kind": REFRESH,
                    "family": grant["id"],
                    "issued_at": now.isoformat(),
                    "expires_at": until.isoformat(),
                    "used_at": None,
                }
            )
            response["refresh_token"] = token
        with self._ctx.store.transaction():
            self._purge_expired(grant["id"], now)
            self._col.insert_many(records)
            self._ctx.audit(f"vendor:{grant['client_id']}", action, target=grant["id"])
        return response

    def find(self, token: Any, kind: str | None = None) -> dict[str, Any] | None:
        """The live token record (of this ``kind`` if given), or ``None`` (unknown, expired,
        wrong kind)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 200:
            return None
        record = self._col.find(token_hash(token))
        if record is None or self._expired(record, self._ctx.now()):
            return None
        return record if kind is None or record["kind"] == kind else None

    def not_found(self, key: Any) -> NotFound:
        return NotFound("no such token", {"token": ["Unknown or expired."]})  # never echo it

    def use_refresh(self, token: str) -> tuple[dict[str, Any] | None, bool]:
        """Mark a refresh token used; returns (record, reused).

        ``reused`` is true when the token had been used before: the caller must then
        revoke the whole grant (someone holds a copy of a rotated token).
        """
        with self._ctx.store.transaction():
            record = self.find(token, REFRESH)
            if record is None:
                return None, False
            if record.get("used_at"):
                return record, True
            self._col.update(record["id"], {"used_at": self._ctx.now().isoformat()})
        return record, False

    def delete(self, record_id: str, *, actor: str) -> None:
        """Delete one token (by its record id, the hash)."""
        with self._ctx.store.transaction():
            record = self._col.find(record_id)
            if record is not None:
                self._col.delete(record_id)
                self._ctx.audit(actor, "token.revoke", target=record["grant_id"])

    def delete_for_grant(self, grant_id: str) -> int:
        """Delete every token and code of ``grant_id``; returns how many tokens."""
        with self._ctx.store.transaction():
            tokens = self._col.query(where={"grant_id": grant_id})
            for record in tokens:
                self._col.delete(record["id"])
            for code in self._codes.query(where={"grant_id": grant_id}):
                self._codes.delete(code["id"])
        return len(tokens)

    def live_count(self, grant_id: str) -> int:
        now = self._ctx.now()
        return sum(not self._expired(t, now) for t in self._col.query(where={"grant_id": grant_id}))

    def _purge_expired(self, grant_id: str, now: datetime) -> None:
        for record in self._col.query(where={"grant_id": grant_id}):
            if self._expired(record, now):
                self._col.delete(record["id"])

    # -- authorization codes -----------------------------------------------------------

    def save_code(self, code: str, **fields: Any) -> dict[str, Any]:
        """Keep a new authorization code (by hash) with what the token request must match."""
        now = self._ctx.now()
        record = {
            **fields,
            "id": token_hash(code),
            "issued_at": now.isoformat(),
            "expires_at": (now + CODE_LIFETIME).isoformat(),
            "used_at": None,
        }
        with self._ctx.store.transaction():
            for old in self._codes.query():
                if datetime.fromisoformat(old["expires_at"]) + CODE_KEPT <= now:
                    self._codes.delete(old["id"])
            self._codes.insert(record)
        return record

    def nonce_used(self, client_id: str, nonce: str) -> bool:
        """Whether a live or recently used code of ``client_id`` carried ``nonce`` (replay)."""
        return bool(
            self._codes.query(
                predicate=lambda c: c["client_id"] == client_id and c.get("nonce") == nonce,
                limit=1,
            )
        )

    def consume_code(self, code: Any, client_id: str) -> Consumed:
        """Use a code once, atomically. A second use reports the grant it created."""
        if not isinstance(code, str) or not 20 <= len(code) <= 200:
            return Consumed(None)
        with self._ctx.store.transaction():
            record = self._codes.find(token_hash(code))
            if record is None or record["client_id"] != client_id:
                return Consumed(None)
            if record["used_at"]:
                return Consumed(None, replayed_grant=record["grant_id"])
            if self._expired(record, self._ctx.now()):
                return Consumed(None)
            self._codes.update(record["id"], {"used_at": self._ctx.now().isoformat()})
        return Consumed(record)
