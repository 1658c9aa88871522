"""``PDSClient``: one vendor's connection to one owner's data store.

It discovers the store, registers, runs the authorization code flow (PKCE S256,
``state``, RFC 9207 ``iss``, ID token checked against ``jwks_uri``), keeps the
tokens in a ``TokenStore`` (saving every rotated refresh token), refreshes when
the access token has expired or is refused once, and turns each API endpoint into
a typed call. Authlib does the OAuth requests; joserfc the JOSE.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import quote

import requests
from authlib.integrations.requests_client import OAuth2Session

from vendors.sdk.authorization import AuthorizationRequest, code_from_callback, new_request
from vendors.sdk.discovery import ServerMetadata, discover, normalise
from vendors.sdk.errors import (
    AuthorizationFailed,
    DiscoveryFailed,
    NotAuthorized,
    PDSError,
    ServerError,
    challenge_error,
    error_from_response,
    unreachable,
)
from vendors.sdk.idtoken import IdTokenVerifier
from vendors.sdk.models import Me, Page, Preference, Purchase, Receipt, Relationship
from vendors.sdk.oauth import oauth_session
from vendors.sdk.registration import Registration, grant_types_for, register
from vendors.sdk.rfps import RfpClient
from vendors.sdk.tokens import TokenSet, TokenStore
from vendors.sdk.transport import json_answer, send_bearer

DEFAULT_TIMEOUT = 10.0
Day = date | str | None


class PDSClient:
    """A vendor's client for the store at ``store_url`` (its OAuth issuer URL)."""

    def __init__(
        self,
        store_url: str,
        *,
        token_store: TokenStore,
        client_id: str | None = None,
        client_secret: str | None = None,
        redirect_uri: str | None = None,
        session: requests.Session | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.store_url = normalise(store_url)
        self.token_store = token_store
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.timeout = timeout
        self._http = session or requests.Session()
        self._metadata: ServerMetadata | None = None
        self._id_tokens: IdTokenVerifier | None = None
        self._discovery_lock = threading.Lock()
        self._refresh_lock = threading.Lock()

    # -- the store and this client ------------------------------------------------------

    @property
    def metadata(self) -> ServerMetadata:
        """The store's checked metadata (fetched on first use)."""
        with self._discovery_lock:
            if self._metadata is None:
                self._metadata = discover(self.store_url, self._http, self.timeout)
            return self._metadata

    def discover(self) -> ServerMetadata:
        """Fetch the store's metadata again (and check it names ``store_url`` as issuer)."""
        metadata = discover(self.store_url, self._http, self.timeout)
        with self._discovery_lock:
            self._metadata, self._id_tokens = metadata, None
        return metadata

    def register(
        self,
        client_name: str,
        redirect_uris: Sequence[str],
        *,
        client_credentials: bool = False,
        **metadata: Any,
    ) -> Registration:
        """Register with the store (RFC 7591); this client then uses the new credentials.
        ``client_credentials=True`` registers for that grant too (to answer RFPs)."""
        if client_credentials:
            metadata.setdefault("grant_types", grant_types_for(client_credentials=True))
        registration = register(
            self._http, self.metadata, client_name, redirect_uris, metadata, self.timeout
        )
        self.client_id = registration.client_id
        self.client_secret = registration.client_secret
        if self.redirect_uri is None:
            self.redirect_uri = redirect_uris[0]
        return registration

    @property
    def tokens(self) -> TokenSet | None:
        return self.token_store.load()

    @property
    def session(self) -> requests.Session:
        """The ``requests.Session`` every call goes through."""
        return self._http

    def rfp_client(self) -> RfpClient:
        """The same vendor at the same store, for its RFP work (client credentials)."""
        if self.client_id is None or self.client_secret is None:
            raise PDSError(None, "not_registered", "register, or give the client its secret")
        return RfpClient(
            self.store_url,
            client_id=self.client_id,
            client_secret=self.client_secret,
            session=self._http,
            timeout=self.timeout,
            metadata=self._metadata,
        )

    # -- authorization ------------------------------------------------------------------

    def authorization_url(
        self, scope: str | Iterable[str], *, nonce: str | None = None
    ) -> AuthorizationRequest:
        """Where to send the owner: a new request with its own state and PKCE verifier."""
        if self.redirect_uri is None:
            raise PDSError(None, "not_registered", "give the client a redirect_uri")
        return new_request(self._oauth(), self.metadata, scope, self.redirect_uri, nonce)

    def finish_authorization(self, callback_url: str, request: AuthorizationRequest) -> TokenSet:
        """Check the callback, exchange its code, verify the ID token, keep the tokens."""
        code = code_from_callback(callback_url, request, self.metadata)
        oauth = self._oauth()
        try:
            body = oauth.fetch_token(
                self.metadata.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=request.code_verifier,
                redirect_uri=request.redirect_uri,
            )
        except requests.RequestException as exc:
            raise unreachable(exc) from exc
        subject = None
        if body.get("id_token"):
            try:
                claims = self._verifier().verify(
                    body["id_token"],
                    client_id=str(self.client_id),
                    nonce=request.nonce,
                    access_token=body.get("access_token"),
                )
            except AuthorizationFailed:
                self._revoke_quietly(oauth, body)  # tokens we will not use must not live on
                raise
            subject = str(claims["sub"])
        tokens = TokenSet.from_response(body, subject=subject)
        self.token_store.save(tokens)
        return tokens

    def revoke(self) -> None:
        """Give the grant back (RFC 7009 on the refresh token), then forget the tokens."""
        tokens = self.token_store.load()
        if tokens is None:
            return
        endpoint = self.metadata.revocation_endpoint
        if endpoint is None:
            raise DiscoveryFailed(None, "revocation_unsupported", "the store offers no revocation")
        token, hint = (
            (tokens.refresh_token, "refresh_token")
            if tokens.refresh_token
            else (tokens.access_token, "access_token")
        )
        try:
            response = self._oauth().revoke_token(endpoint, token=token, token_type_hint=hint)
        except requests.RequestException as exc:
            raise unreachable(exc) from exc
        if response.status_code != 200:
            raise error_from_response(response)
        self.token_store.clear()

    # -- the API ------------------------------------------------------------------------

    def me(self) -> Me:
        return Me.from_json(self._call("GET", "/me"))

    def purchases_page(
        self,
        *,
        since: Day = None,
        until: Day = None,
        category: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
    ) -> Page[Purchase]:
        """One page of the purchases the grant reaches, newest first."""
        params = {
            "since": since.isoformat() if isinstance(since, date) else since,
            "until": until.isoformat() if isinstance(until, date) else until,
            "category": category,
            "limit": limit,
            "cursor": cursor,
        }
        body = self._call("GET", "/purchases", params={k: v for k, v in params.items() if v})
        items = _list_of(body, "items")
        next_cursor = body.get("next_cursor") if isinstance(body, Mapping) else None
        return Page(tuple(Purchase.from_json(item) for item in items), next_cursor or None)

    def purchases(
        self,
        *,
        since: Day = None,
        until: Day = None,
        category: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Purchase]:
        """Every purchase the grant reaches, newest first, page by page (``limit`` per page)."""
        cursor: str | None = None
        while True:
            page = self.purchases_page(
                since=since, until=until, category=category, limit=limit, cursor=cursor
            )
            yield from page.items
            if page.next_cursor is None or page.next_cursor == cursor:
                return
            cursor = page.next_cursor

    def purchase(self, purchase_id: str) -> Purchase:
        return Purchase.from_json(self._call("GET", f"/purchases/{quote(purchase_id, safe='')}"))

    def push_receipt(self, receipt: Receipt) -> Purchase:
        """Put a receipt into the owner's store; it lands as ``new``, from this vendor."""
        body = self._call("POST", "/purchases", body=receipt.to_json(), expect=201)
        return Purchase.from_json(body)

    def preferences(self) -> list[Preference]:
        return [Preference.from_json(item) for item in _list_of(self._call("GET", "/preferences"))]

    def relationship(self) -> Relationship:
        return Relationship.from_json(self._call("GET", "/relationship"))

    # -- calls, tokens and refresh ------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        expect: int = 200,
    ) -> Any:
        url = self.metadata.api_base + path
        tokens = self._usable_tokens()
        response = self._send(method, url, tokens, params, body)
        if response.status_code == 401 and challenge_error(response) == "invalid_token":
            response = self._send(method, url, self._refreshed(tokens), params, body)
        return json_answer(response, expect)

    def _send(
        self,
        method: str,
        url: str,
        tokens: TokenSet,
        params: Mapping[str, Any] | None,
        body: Any,
    ) -> requests.Response:
        return send_bearer(
            self._http, method, url, tokens, params=params, body=body, timeout=self.timeout
        )

    def _usable_tokens(self) -> TokenSet:
        tokens = self.token_store.load()
        if tokens is None:
            raise NotAuthorized(None, "not_connected", "no tokens: ask the owner for a grant")
        if tokens.expired() and tokens.refresh_token:
            return self._refreshed(tokens)
        return tokens

    def _refreshed(self, stale: TokenSet) -> TokenSet:
        """New tokens for ``stale`` (once, under a lock: a refresh token is single-use)."""
        with self._refresh_lock:
            current = self.token_store.load()
            if current is None:
                raise NotAuthorized(None, "not_connected", "no tokens: ask the owner for a grant")
            if current.access_token != stale.access_token:
                return current  # another call refreshed meanwhile
            if not current.refresh_token:
                raise NotAuthorized(401, "invalid_token", "the access token was refused")
            try:
                body = self._oauth().refresh_token(
                    self.metadata.token_endpoint, refresh_token=current.refresh_token
                )
            except requests.RequestException as exc:
                raise unreachable(exc) from exc
            except NotAuthorized as exc:
                if exc.code != "invalid_grant":
                    raise
                self.token_store.clear()  # the grant is gone: these tokens are worthless
                raise NotAuthorized(exc.status, exc.code, exc.detail, revoked=True) from None
            fresh = TokenSet.from_response(body, subject=current.subject)
            fresh = replace(
                fresh,
                scope=fresh.scope or current.scope,
                id_token=fresh.id_token or current.id_token,
            )
            self.token_store.save(fresh)
            return fresh

    def _oauth(self) -> OAuth2Session:
        """Authlib's client for this vendor, over the same transport as every other call."""
        if self.client_id is None:
            raise PDSError(None, "not_registered", "register, or give the client its client_id")
        return oauth_session(
            self._http,
            client_id=self.client_id,
            client_secret=self.client_secret,
            redirect_uri=self.redirect_uri,
            timeout=self.timeout,
        )

    def _verifier(self) -> IdTokenVerifier:
        with self._discovery_lock:
            if self._id_tokens is None:
                assert self._metadata is not None
                self._id_tokens = IdTokenVerifier(self._metadata, self._http, self.timeout)
            return self._id_tokens

    def _revoke_quietly(self, oauth: OAuth2Session, body: Mapping[str, Any]) -> None:
        endpoint = self.metadata.revocation_endpoint
        token = body.get("refresh_token") or body.get("access_token")
        if endpoint and token:  # best effort: the code flow failed anyway
            with contextlib.suppress(requests.RequestException):
                oauth.revoke_token(endpoint, token=token)


def _list_of(body: Any, key: str = "items") -> list[Any]:
    items = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ServerError(None, "unexpected_response", f"the answer has no {key} list")
    return items
