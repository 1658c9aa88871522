"""Discovery and registration through the SDK, against the real app."""

from __future__ import annotations

import pytest
import requests
from flask import Flask

from pds.services import Services
from tests.vendors.conftest import ISSUER, REDIRECT_URI
from tests.vendors.flask_transport import FlaskTransport
from vendors.sdk import (
    DiscoveryFailed,
    InvalidRequest,
    MemoryTokenStore,
    PDSClient,
    StoreUnreachable,
)


def test_discovery_reads_the_stores_metadata(http: requests.Session) -> None:
    client = PDSClient(ISSUER + "/", token_store=MemoryTokenStore(), session=http)
    metadata = client.metadata
    assert metadata.issuer == ISSUER
    assert metadata.token_endpoint == f"{ISSUER}/oauth/token"
    assert metadata.registration_endpoint == f"{ISSUER}/oauth/register"
    assert metadata.revocation_endpoint == f"{ISSUER}/oauth/revoke"
    assert metadata.jwks_uri == f"{ISSUER}/jwks.json"
    assert metadata.issuer_in_response is True
    assert metadata.api_base == f"{ISSUER}/api/v1"
    assert "none" not in metadata.id_token_algorithms


def test_discovery_refuses_metadata_naming_another_issuer(app: Flask) -> None:
    """The same store reached under another name says it is ``ISSUER``: not this URL."""
    session = requests.Session()
    session.mount("http://impostor.test/", FlaskTransport(app))
    client = PDSClient("http://impostor.test", token_store=MemoryTokenStore(), session=session)
    with pytest.raises(DiscoveryFailed) as caught:
        client.discover()
    assert caught.value.code == "issuer_mismatch"
    assert ISSUER in caught.value.detail


def test_an_unreachable_store_is_reported_as_such() -> None:
    client = PDSClient("http://127.0.0.1:9", token_store=MemoryTokenStore(), timeout=2)
    with pytest.raises(StoreUnreachable) as caught:
        client.discover()
    assert caught.value.status is None and caught.value.code == "unreachable"


def test_register_returns_credentials_the_store_knows(
    http: requests.Session, services: Services
) -> None:
    client = PDSClient(ISSUER, token_store=MemoryTokenStore(), session=http)
    registration = client.register(
        "Corner Books", [REDIRECT_URI], client_uri="https://shop.example"
    )
    assert registration.client_secret and registration.client_id
    assert registration.redirect_uris == (REDIRECT_URI,)
    assert registration.token_endpoint_auth_method == "client_secret_basic"
    assert "client_secret" not in registration.metadata
    assert registration.client_secret not in repr(registration)
    assert (client.client_id, client.client_secret) == (
        registration.client_id,
        registration.client_secret,
    )
    assert client.redirect_uri == REDIRECT_URI
    record = services.clients.find(registration.client_id)
    assert record is not None and record["client_name"] == "Corner Books"


def test_register_refusal_carries_the_oauth_error(http: requests.Session) -> None:
    client = PDSClient(ISSUER, token_store=MemoryTokenStore(), session=http)
    with pytest.raises(InvalidRequest) as caught:
        client.register("Plain HTTP Shop", ["http://shop.example/callback"])
    assert caught.value.status == 400
    assert caught.value.code == "invalid_redirect_uri"
    assert "https" in caught.value.detail
    assert client.client_id is None
