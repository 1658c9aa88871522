"""Tokens: found by the token itself (the store keeps its hash as the id)."""

from __future__ import annotations

import pytest

from pds.errors import NotFound
from pds.services import Services

WEB_VENDOR = {"client_name": "Rad Haus", "redirect_uris": ["https://rad.example.com/cb"]}


def test_tokens_are_found_by_the_token_and_never_echoed(services: Services) -> None:
    client, _ = services.clients.register(WEB_VENDOR)
    grant = services.grants.create(
        client_id=client["id"], scopes=["openid"], terms_version=1, vendor_id=None
    )
    issued = services.tokens.issue(grant, ["openid"], refresh=True)
    access, refresh = issued["access_token"], issued["refresh_token"]
    assert services.tokens.find(access, "access")["kind"] == "access"  # type: ignore[index]
    assert services.tokens.find(access, "refresh") is None
    assert services.tokens.find(refresh)["kind"] == "refresh"  # type: ignore[index]
    assert services.tokens.get(access)["grant_id"] == grant["id"]
    assert services.tokens.count() == 2
    with pytest.raises(NotFound) as caught:
        services.tokens.get(access[::-1])
    assert access[::-1] not in caught.value.message
    assert access[::-1] not in str(caught.value.details)
