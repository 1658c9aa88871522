"""Authlib's model interfaces over the store's records: clients, codes, tokens, the owner.

The records stay plain dicts in the domain; these thin wrappers give Authlib the
methods it calls. Nothing here decides policy: that is in the grant classes and
in ``policies.access``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, TokenMixin
from authlib.oauth2.rfc6749.util import scope_to_list

from pds.services import Services
from pds.services.identity.clients import ACTIVE
from pds.services.identity.grants import CLIENT_KIND


@dataclass
class Owner:
    """The resource owner, as Authlib's ``user``: the one person, under one grant."""

    grant: dict[str, Any]
    auth_time: int | None = None

    def get_user_id(self) -> str:
        return "owner"


class Client(ClientMixin):
    def __init__(self, record: dict[str, Any], services: Services) -> None:
        self.record = record
        self._services = services

    @property
    def client_id(self) -> str:
        return str(self.record["id"])

    @property
    def name(self) -> str:
        return str(self.record["client_name"])

    @property
    def active(self) -> bool:
        return self.record["status"] == ACTIVE

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        uris = self.record["redirect_uris"]
        return str(uris[0]) if len(uris) == 1 else None

    def get_allowed_scope(self, scope: str | None) -> str:
        """The requested scopes this client may ask for (its registered ``scope`` if any)."""
        if not scope:
            return ""
        registered = self.record.get("scope")
        allowed = set(scope_to_list(registered)) if registered else None
        return " ".join(s for s in scope_to_list(scope) if allowed is None or s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.record["redirect_uris"]  # exact match, nothing else

    def check_client_secret(self, client_secret: str) -> bool:
        return self._services.clients.check_secret(self.record, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return bool(method == self.record["token_endpoint_auth_method"])

    def check_response_type(self, response_type: str) -> bool:
        return response_type in self.record["response_types"]

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.record["grant_types"]


class AuthorizationCode(AuthorizationCodeMixin):
    def __init__(self, record: dict[str, Any]) -> None:
        self.record = record

    def get_redirect_uri(self) -> str:
        return str(self.record["redirect_uri"])

    def get_scope(self) -> str:
        return " ".join(self.record["scopes"])

    def get_nonce(self) -> str | None:
        return self.record.get("nonce")

    def get_auth_time(self) -> int | None:
        return self.record.get("auth_time")

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str] | None:
        return None

    @property
    def code_challenge(self) -> str | None:
        return self.record.get("code_challenge")

    @property
    def code_challenge_method(self) -> str | None:
        return self.record.get("code_challenge_method")


class Token(TokenMixin):
    """An access or refresh token record (found by the hash of the presented string)."""

    def __init__(self, record: dict[str, Any], grant: dict[str, Any] | None, now: datetime) -> None:
        self.record = record
        self.grant = grant  # None when the grant is revoked, expired or gone
        self._now = now

    @property
    def client_id(self) -> str:
        return str(self.record["client_id"])

    @property
    def kind(self) -> str:
        return str(self.record["kind"])

    @property
    def standing(self) -> bool:
        """A token of the client's standing grant (client credentials, RFP work): no
        owner's consent is behind it, so it says nothing of the owner."""
        return (self.grant or {}).get("kind") == CLIENT_KIND

    def check_client(self, client: ClientMixin) -> bool:
        return bool(self.client_id == client.get_client_id())

    def get_scope(self) -> str:
        return " ".join(self.record["scopes"])

    def get_expires_in(self) -> int:
        return int(self.expires_at.timestamp() - self.issued_at.timestamp())

    @property
    def issued_at(self) -> datetime:
        return datetime.fromisoformat(self.record["issued_at"])

    @property
    def expires_at(self) -> datetime:
        return datetime.fromisoformat(self.record["expires_at"])

    def is_expired(self) -> bool:
        return self.expires_at <= self._now

    def is_revoked(self) -> bool:
        return self.grant is None or bool(self.record.get("used_at"))

    def get_user(self) -> Owner | None:
        return Owner(self.grant) if self.grant else None
