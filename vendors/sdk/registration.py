"""Dynamic Client Registration (RFC 7591): a vendor introduces itself to a store.

Registering grants nothing; it gives the vendor a ``client_id`` (and, for a
confidential client, a ``client_secret``) to keep and use in every flow after.
A vendor that answers the owner's RFPs also registers for the client credentials
grant (``grant_types_for``): on its own (no redirect URIs) or beside the code flow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from vendors.sdk.discovery import ServerMetadata
from vendors.sdk.errors import DiscoveryFailed, ServerError, error_from_response, unreachable

CODE_FLOW = ("authorization_code", "refresh_token")
CLIENT_CREDENTIALS = "client_credentials"


def grant_types_for(*, code_flow: bool = True, client_credentials: bool = False) -> list[str]:
    """The ``grant_types`` to register: the code flow (with refresh), client credentials."""
    types = [*CODE_FLOW] if code_flow else []
    if client_credentials:
        types.append(CLIENT_CREDENTIALS)
    if not types:
        raise ValueError("register for at least one flow")
    return types


@dataclass(frozen=True)
class Registration:
    """What the store answered: keep ``client_id`` and ``client_secret`` (shown once)."""

    client_id: str
    client_secret: str | None = field(default=None, repr=False)
    redirect_uris: tuple[str, ...] = ()
    token_endpoint_auth_method: str = "client_secret_basic"
    metadata: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def grant_types(self) -> tuple[str, ...]:
        return tuple(self.metadata.get("grant_types") or CODE_FLOW)

    @classmethod
    def from_json(cls, data: Any) -> Registration:
        if not isinstance(data, Mapping) or not isinstance(data.get("client_id"), str):
            raise ServerError(None, "unexpected_response", "registration without a client_id")
        return cls(
            client_id=data["client_id"],
            client_secret=data.get("client_secret"),
            redirect_uris=tuple(data.get("redirect_uris") or ()),
            token_endpoint_auth_method=data.get("token_endpoint_auth_method")
            or ("client_secret_basic" if data.get("client_secret") else "none"),
            metadata={k: v for k, v in data.items() if k != "client_secret"},
        )


def register(
    http: requests.Session,
    metadata: ServerMetadata,
    client_name: str,
    redirect_uris: Sequence[str],
    extra: Mapping[str, Any],
    timeout: float,
) -> Registration:
    """POST the client metadata to the registration endpoint; the store's answer.
    Without ``redirect_uris`` (a client credentials client) the field is left out."""
    if not metadata.registration_endpoint:
        raise DiscoveryFailed(None, "registration_unsupported", "the store offers no registration")
    body: dict[str, Any] = {"client_name": client_name, **extra}
    if redirect_uris:
        body["redirect_uris"] = list(redirect_uris)
    try:
        response = http.post(metadata.registration_endpoint, json=body, timeout=timeout)
    except requests.RequestException as exc:
        raise unreachable(exc) from exc
    if response.status_code not in (200, 201):
        raise error_from_response(response)
    return Registration.from_json(response.json())
