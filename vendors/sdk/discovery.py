"""Finding a store from its URL: its OpenID Provider metadata, checked.

The metadata must name the very URL it was fetched for as its ``issuer``
(OpenID Connect Discovery §4.3): otherwise another server could pose as the store.
The SDK also insists on what it relies on: PKCE S256 and the endpoints it calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from vendors.sdk.errors import DiscoveryFailed, error_from_response, unreachable

WELL_KNOWN = "/.well-known/openid-configuration"
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
API_PATH = "/api/v1"


def normalise(store_url: str) -> str:
    """The store URL as an issuer: no trailing slash."""
    return store_url.strip().rstrip("/")


@dataclass(frozen=True)
class ServerMetadata:
    """The parts of the store's metadata the SDK uses; ``raw`` holds all of it."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str | None = None
    revocation_endpoint: str | None = None
    userinfo_endpoint: str | None = None
    id_token_algorithms: tuple[str, ...] = ("RS256",)
    issuer_in_response: bool = False  # RFC 9207 ``iss`` on authorization responses
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def api_base(self) -> str:
        return self.issuer + API_PATH

    @classmethod
    def from_json(cls, data: Any, expected_issuer: str) -> ServerMetadata:
        if not isinstance(data, Mapping):
            raise DiscoveryFailed(None, "invalid_metadata", "the metadata is not a JSON object")
        missing = [name for name in REQUIRED if not isinstance(data.get(name), str)]
        if missing:
            raise DiscoveryFailed(None, "invalid_metadata", f"missing: {', '.join(missing)}")
        if data["issuer"] != expected_issuer:
            raise DiscoveryFailed(
                None,
                "issuer_mismatch",
                f"the metadata names issuer {data['issuer']!r}, not {expected_issuer!r}",
            )
        if "S256" not in (data.get("code_challenge_methods_supported") or ()):
            raise DiscoveryFailed(None, "invalid_metadata", "the store does not offer PKCE S256")
        algorithms = tuple(
            alg for alg in data.get("id_token_signing_alg_values_supported") or () if alg != "none"
        )
        return cls(
            issuer=data["issuer"],
            authorization_endpoint=data["authorization_endpoint"],
            token_endpoint=data["token_endpoint"],
            jwks_uri=data["jwks_uri"],
            registration_endpoint=data.get("registration_endpoint"),
            revocation_endpoint=data.get("revocation_endpoint"),
            userinfo_endpoint=data.get("userinfo_endpoint"),
            id_token_algorithms=algorithms or ("RS256",),
            issuer_in_response=bool(data.get("authorization_response_iss_parameter_supported")),
            raw=dict(data),
        )


def discover(store_url: str, http: requests.Session, timeout: float) -> ServerMetadata:
    """Fetch and check the metadata of the store at ``store_url``."""
    issuer = normalise(store_url)
    try:
        response = http.get(
            issuer + WELL_KNOWN, headers={"Accept": "application/json"}, timeout=timeout
        )
    except requests.RequestException as exc:
        raise unreachable(exc) from exc
    if response.status_code != 200:
        raise error_from_response(response)
    try:
        data = response.json()
    except ValueError:
        raise DiscoveryFailed(200, "invalid_metadata", "the metadata is not JSON") from None
    return ServerMetadata.from_json(data, issuer)
