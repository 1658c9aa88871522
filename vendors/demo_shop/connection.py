"""The shop's connection to its customer's data store, through the SDK.

The shop keeps what it must between runs under its state directory, readable by
its own user only: ``shop.json`` (its registration: client id and secret, for this
store and this callback address; and whether the owner withdrew access) and
``tokens.json`` (the SDK's token file). It registers itself on first start, and
again if the store, its own address, its name or its flows changed (a shop that
answers RFPs registers for client credentials too, and may ask for ``address`` to
ship an award). Pending authorization requests (their PKCE verifiers are secrets)
stay in memory, keyed by ``state``, with what they are for.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from vendors.sdk import (
    AuthorizationRequest,
    JSONFileTokenStore,
    MemoryTokenStore,
    NotAuthorized,
    PDSClient,
    TokenSet,
)
from vendors.sdk.registration import CODE_FLOW, grant_types_for
from vendors.sdk.tokens import read_json, write_private_json

CLIENT_NAME = "Demo Shop"
SCOPES = (
    "openid",
    "profile",
    "email",
    "offline_access",
    "purchases:read",
    "purchases:write",
    "preferences:read",
    "relationship:read",
)
RFP_SCOPES = ("address", "rfp:respond")  # to ship an award; to answer RFPs
#: Why the shop asks for each scope (the ``purpose`` registration metadata), shown to the
#: owner on the consent page.
PURPOSES = {
    "openid": "To let you sign in to the shop with your data store.",
    "profile": "To greet you by name and show prices in your language.",
    "email": "To send your order confirmations.",
    "offline_access": "To file your receipts while you are away.",
    "purchases:read": "To show your order history with us in one place.",
    "purchases:write": "To put the receipt of each order into your store.",
    "preferences:read": "To suggest sizes and styles that suit you.",
    "relationship:read": "To know how you like to be contacted.",
    "address": "To ship the order you awarded us.",
    "rfp:respond": "To answer your requests for proposals.",
}
CONNECT = "connect"  # what a pending authorization is for (else "award:<offer id>")
PENDING_SECONDS = 600  # an owner has ten minutes to answer the consent page
STATE_FILE = "shop.json"
TOKEN_FILE = "tokens.json"


@dataclass(frozen=True)
class Pending:
    request: AuthorizationRequest
    purpose: str


@dataclass(frozen=True)
class Lost:
    """Why the shop no longer has access: the owner withdrew it, or it lapsed."""

    withdrawn: bool


class ShopConnection:
    def __init__(
        self,
        pds_url: str,
        state_dir: Path,
        redirect_uri: str,
        *,
        client_uri: str | None = None,
        session: requests.Session | None = None,
        client_name: str = CLIENT_NAME,
        answer_rfps: bool = False,
    ) -> None:
        self._state_path = state_dir / STATE_FILE
        self._redirect_uri = redirect_uri
        self._client_uri = client_uri
        self.client_name = client_name
        self.answer_rfps = answer_rfps
        self._grant_types = grant_types_for(client_credentials=answer_rfps)
        self.tokens = JSONFileTokenStore(state_dir / TOKEN_FILE)
        saved = read_json(self._state_path) or {}
        self.client = PDSClient(
            pds_url,
            token_store=self.tokens,
            client_id=saved.get("client_id"),
            client_secret=saved.get("client_secret"),
            redirect_uri=redirect_uri,
            session=session,
        )
        self._pending: dict[str, tuple[float, Pending]] = {}
        self._lock = threading.Lock()

    # -- registration -------------------------------------------------------------------

    def _saved(self) -> dict[str, Any]:
        return read_json(self._state_path) or {}

    def _save(self, **changes: Any) -> None:
        write_private_json(self._state_path, {**self._saved(), **changes})

    def ensure_registered(self) -> str:
        """The shop's client id at this store, registering first if needed."""
        with self._lock:
            saved = self._saved()
            same = (
                saved.get("issuer") == self.client.store_url
                and saved.get("redirect_uri") == self._redirect_uri
                and saved.get("client_name", CLIENT_NAME) == self.client_name
                and saved.get("grant_types", list(CODE_FLOW)) == self._grant_types
            )
            if same and saved.get("client_id"):
                return str(saved["client_id"])
            extra = {"client_uri": self._client_uri} if self._client_uri else {}
            scopes = SCOPES + RFP_SCOPES if self.answer_rfps else SCOPES
            registration = self.client.register(
                self.client_name,
                [self._redirect_uri],
                scope=" ".join(scopes),
                purpose={scope: PURPOSES[scope] for scope in scopes},
                grant_types=self._grant_types,
                software_id="pds-demo-shop",
                **extra,
            )
            self.tokens.clear()  # tokens of an earlier registration open nothing here
            write_private_json(
                self._state_path,
                {
                    "issuer": self.client.store_url,
                    "redirect_uri": self._redirect_uri,
                    "client_id": registration.client_id,
                    "client_secret": registration.client_secret,
                    "client_name": self.client_name,
                    "grant_types": self._grant_types,
                    "lost": None,
                },
            )
            return registration.client_id

    # -- the authorization flow ---------------------------------------------------------

    def start(
        self, scopes: tuple[str, ...] | str = SCOPES, purpose: str = CONNECT
    ) -> AuthorizationRequest:
        """A new authorization request for ``scopes``, kept (with ``purpose``) until used."""
        self.ensure_registered()
        request = self.client.authorization_url(scopes)
        now = time.monotonic()
        with self._lock:
            for state, (since, _) in list(self._pending.items()):
                if now - since > PENDING_SECONDS:
                    del self._pending[state]
            self._pending[request.state] = (now, Pending(request, purpose))
        return request

    def take(self, state: str) -> Pending | None:
        """The request this browser started (its ``state``) and its purpose, once."""
        with self._lock:
            entry = self._pending.pop(state, None)
        if entry is None or time.monotonic() - entry[0] > PENDING_SECONDS:
            return None
        return entry[1]

    def pending(self, state: str) -> AuthorizationRequest | None:
        """The request this browser started (its ``state``), once; ``None`` if unknown."""
        taken = self.take(state)
        return None if taken is None else taken.request

    def one_off_client(self) -> PDSClient:
        """This shop's client with its own tokens in memory: for a grant used once (an
        award's shipping address), apart from the shop's standing connection."""
        self.ensure_registered()
        return PDSClient(
            self.client.store_url,
            token_store=MemoryTokenStore(),
            client_id=self.client.client_id,
            client_secret=self.client.client_secret,
            redirect_uri=self._redirect_uri,
            session=self.client.session,
            timeout=self.client.timeout,
        )

    def finish(self, callback_url: str, request: AuthorizationRequest) -> TokenSet:
        tokens = self.client.finish_authorization(callback_url, request)
        self._save(lost=None)
        return tokens

    # -- the state of the connection ----------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.tokens.load() is not None

    @property
    def granted(self) -> tuple[str, ...]:
        tokens = self.tokens.load()
        return tokens.scope if tokens else ()

    @property
    def lost(self) -> Lost | None:
        reason = self._saved().get("lost")
        return None if reason is None else Lost(withdrawn=reason == "withdrawn")

    def mark_lost(self, refusal: NotAuthorized) -> Lost:
        """Access ended (the store refused our tokens): forget them, remember why.

        Withdrawn when the SDK found the grant gone, or when a token that has not yet
        expired was refused; lapsed when an expired one could not be renewed."""
        tokens = self.tokens.load()
        withdrawn = refusal.revoked or (tokens is not None and not tokens.expired())
        self.tokens.clear()
        self._save(lost="withdrawn" if withdrawn else "lapsed")
        return Lost(withdrawn)

    def disconnect(self) -> None:
        """The shop gives its grant back itself (RFC 7009)."""
        self.client.revoke()
        self._save(lost=None)
