"""One API call on the wire: a Bearer request, and its answer read as JSON or as the
SDK's exception for the store's problem details."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Auth

from vendors.sdk.errors import ServerError, error_from_response, unreachable
from vendors.sdk.tokens import TokenSet

JSON = {"Accept": "application/json"}


def send_bearer(
    http: requests.Session,
    method: str,
    url: str,
    tokens: TokenSet,
    *,
    params: Mapping[str, Any] | None,
    body: Any,
    timeout: float,
) -> requests.Response:
    """Send one request with ``tokens``' access token; ``StoreUnreachable`` if no answer."""
    try:
        return http.request(
            method,
            url,
            params=params,
            json=body,
            headers=JSON,
            auth=OAuth2Auth(tokens.for_authlib()),
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        raise unreachable(exc) from exc


def json_answer(response: requests.Response, expect: int | tuple[int, ...] = 200) -> Any:
    """The answer's JSON (``None`` for 204); the matching exception for an error status."""
    if response.status_code >= 400:
        raise error_from_response(response)
    expected = (expect,) if isinstance(expect, int) else expect
    if response.status_code not in expected:
        raise ServerError(response.status_code, "unexpected_response", "unexpected status")
    if response.status_code == 204:
        return None
    try:
        return response.json()
    except ValueError:
        raise ServerError(response.status_code, "unexpected_response", "not JSON") from None
