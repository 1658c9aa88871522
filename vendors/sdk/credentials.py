"""Client credentials (RFC 6749 §4.4): the vendor's own token, with no owner's grant in
between, for the work that is the vendor's (answering the owner's RFPs).

``ClientCredentials`` fetches a token for its scope, keeps it in memory until it
expires (30 s early), then fetches a new one. There is no refresh token: asking
again with the client's secret is the refresh. A token the store refuses is
dropped (``invalidate``) and the next call fetches a fresh one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests

from vendors.sdk.errors import ServerError, unreachable
from vendors.sdk.oauth import oauth_session
from vendors.sdk.tokens import TokenSet

RFP_SCOPE = "rfp:respond"


class ClientCredentials:
    """A token source for ``client_id`` at ``token_endpoint``, cached until it expires."""

    def __init__(
        self,
        http: requests.Session,
        token_endpoint: Callable[[], str],
        *,
        client_id: str,
        client_secret: str,
        scope: str = RFP_SCOPE,
        auth_method: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        self._token_endpoint = token_endpoint
        self.client_id = client_id
        self._client_secret = client_secret
        self.scope = scope
        self._auth_method = auth_method
        self._timeout = timeout
        self._tokens: TokenSet | None = None
        self._lock = threading.Lock()
        self.fetched = 0  # tokens fetched so far (for monitoring and tests)

    @property
    def tokens(self) -> TokenSet | None:
        """The cached token, if any (it may have expired)."""
        return self._tokens

    def get(self) -> TokenSet:
        """A token that has not expired: the cached one, or a new one."""
        with self._lock:
            if self._tokens is None or self._tokens.expired():
                self._tokens = self._fetch()
            return self._tokens

    def invalidate(self, stale: TokenSet) -> None:
        """Forget ``stale`` (the store refused it), unless a newer token replaced it."""
        with self._lock:
            if self._tokens is not None and self._tokens.access_token == stale.access_token:
                self._tokens = None

    def _fetch(self) -> TokenSet:
        oauth = oauth_session(
            self._http,
            client_id=self.client_id,
            client_secret=self._client_secret,
            timeout=self._timeout,
            auth_method=self._auth_method,
        )
        try:
            body = oauth.fetch_token(
                self._token_endpoint(), grant_type="client_credentials", scope=self.scope
            )
        except requests.RequestException as exc:
            raise unreachable(exc) from exc
        if not body.get("access_token"):
            raise ServerError(None, "unexpected_response", "the token answer has no access_token")
        self.fetched += 1
        return TokenSet.from_response({"scope": self.scope, **body}, now=time.time())
