"""Checking an ID token: signature against the store's ``jwks_uri``, then the claims.

joserfc does the JOSE work. The checks are OpenID Connect Core §3.1.3.7: ``iss`` is
the store, ``aud`` names this client (``azp`` too when there are several), the
token has not expired, ``nonce`` is the one sent, and ``at_hash`` (when present)
matches the access token it came with.
"""

from __future__ import annotations

import hmac
import threading
from typing import Any

import requests
from authlib.oidc.core.util import create_half_hash
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from vendors.sdk.discovery import ServerMetadata
from vendors.sdk.errors import AuthorizationFailed, error_from_response, unreachable

CLOCK_SKEW_SECONDS = 60


def _invalid(detail: str) -> AuthorizationFailed:
    return AuthorizationFailed(None, "invalid_id_token", detail)


class IdTokenVerifier:
    """Verifies ID tokens of one store; its signing keys are fetched once and again
    only when a token names a key the cached set does not have (key rotation)."""

    def __init__(self, metadata: ServerMetadata, http: requests.Session, timeout: float) -> None:
        self._metadata = metadata
        self._http = http
        self._timeout = timeout
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def verify(
        self, id_token: str, *, client_id: str, nonce: str | None, access_token: str | None
    ) -> dict[str, Any]:
        """The token's claims, once every check passed; ``AuthorizationFailed`` otherwise."""
        token = self._decode(id_token)
        claims = token.claims
        expected: dict[str, Any] = {
            "iss": {"essential": True, "value": self._metadata.issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }
        try:
            jwt.JWTClaimsRegistry(leeway=CLOCK_SKEW_SECONDS, **expected).validate(claims)
        except JoseError as exc:
            raise _invalid(f"claim check failed: {exc.description or exc.error}") from None
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != client_id:
            raise _invalid("the token has several audiences and azp is not this client")
        if nonce is not None and not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise _invalid("the nonce is not the one this client sent")
        if access_token and "at_hash" in claims:
            expected_hash = create_half_hash(access_token, token.header["alg"])
            if expected_hash is None or not hmac.compare_digest(
                expected_hash.decode("ascii"), str(claims["at_hash"])
            ):
                raise _invalid("at_hash does not match the access token")
        return claims

    def _decode(self, id_token: str) -> Any:
        algorithms = list(self._metadata.id_token_algorithms)
        try:
            try:
                return jwt.decode(id_token, self._key_set(refresh=False), algorithms=algorithms)
            except InvalidKeyIdError:  # a key newer than the cached set: fetch it once
                return jwt.decode(id_token, self._key_set(refresh=True), algorithms=algorithms)
        except JoseError as exc:
            raise _invalid(f"signature check failed: {exc.description or exc.error}") from None
        except ValueError as exc:
            raise _invalid(f"not a readable JWT: {exc}") from None

    def _key_set(self, *, refresh: bool) -> KeySet:
        with self._lock:
            if self._keys is None or refresh:
                self._keys = self._fetch()
            return self._keys

    def _fetch(self) -> KeySet:
        try:
            response = self._http.get(self._metadata.jwks_uri, timeout=self._timeout)
        except requests.RequestException as exc:
            raise unreachable(exc) from exc
        if response.status_code != 200:
            raise error_from_response(response)
        try:
            return KeySet.import_key_set(response.json())
        except (ValueError, KeyError, TypeError, JoseError):
            raise _invalid("the store's jwks_uri does not hold a usable key set") from None
