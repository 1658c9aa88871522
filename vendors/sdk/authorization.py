"""The authorization request a vendor sends the owner to, and the checks on the way back.

PKCE is always S256 (Authlib computes the challenge). On the way back the callback
must carry this request's ``state`` (else it is a forged or crossed response) and
the store's RFC 9207 ``iss`` (else it may come from another server: a mix-up
attack); only then is its ``code`` worth exchanging.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from vendors.sdk.discovery import ServerMetadata
from vendors.sdk.errors import AuthorizationFailed

VERIFIER_LENGTH = 64  # RFC 7636: 43..128 characters
STATE_LENGTH = 32


@dataclass(frozen=True)
class AuthorizationRequest:
    """One authorization attempt. Keep it server-side until the callback comes back:
    ``code_verifier`` is a secret of this attempt."""

    url: str
    state: str
    code_verifier: str = field(repr=False)
    nonce: str | None
    redirect_uri: str
    scope: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = list(self.scope)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> AuthorizationRequest:
        return cls(**{**data, "scope": tuple(data["scope"])})


def scope_list(scope: str | Iterable[str]) -> tuple[str, ...]:
    names = scope.split() if isinstance(scope, str) else [str(s) for s in scope]
    if not names:
        raise ValueError("ask for at least one scope")
    return tuple(dict.fromkeys(names))


def new_request(
    oauth: OAuth2Session,
    metadata: ServerMetadata,
    scope: str | Iterable[str],
    redirect_uri: str,
    nonce: str | None,
) -> AuthorizationRequest:
    """A fresh request: new state, new PKCE verifier, a nonce when OpenID is asked for."""
    scopes = scope_list(scope)
    verifier = generate_token(VERIFIER_LENGTH)
    if nonce is None and "openid" in scopes:
        nonce = generate_token(STATE_LENGTH)
    extra = {"nonce": nonce} if nonce is not None else {}
    url, state = oauth.create_authorization_url(
        metadata.authorization_endpoint,
        state=generate_token(STATE_LENGTH),
        code_verifier=verifier,
        scope=" ".join(scopes),
        redirect_uri=redirect_uri,
        **extra,
    )
    return AuthorizationRequest(url, state, verifier, nonce, redirect_uri, scopes)


def code_from_callback(
    callback_url: str, request: AuthorizationRequest, metadata: ServerMetadata
) -> str:
    """The authorization code of a callback, once ``state`` and ``iss`` are checked."""
    params = _single_params(callback_url)
    if not hmac.compare_digest(params.get("state", ""), request.state):
        raise AuthorizationFailed(
            None, "state_mismatch", "the callback's state is not this request's"
        )
    issuer = params.get("iss")
    if (issuer is not None or metadata.issuer_in_response) and issuer != metadata.issuer:
        raise AuthorizationFailed(
            None,
            "issuer_mismatch",
            f"the callback comes from issuer {issuer!r}, not {metadata.issuer!r} (mix-up?)",
        )
    if "error" in params:
        raise AuthorizationFailed(None, params["error"], params.get("error_description", ""))
    if not params.get("code"):
        raise AuthorizationFailed(None, "invalid_callback", "the callback carries no code")
    return params["code"]


def _single_params(callback_url: str) -> dict[str, str]:
    """The callback's query parameters; a repeated one makes the callback invalid."""
    parsed = parse_qs(urlsplit(callback_url).query, keep_blank_values=True)
    repeated = sorted(name for name, values in parsed.items() if len(values) > 1)
    if repeated:
        raise AuthorizationFailed(
            None, "invalid_callback", f"repeated parameters: {', '.join(repeated)}"
        )
    return {name: values[0] for name, values in parsed.items()}
