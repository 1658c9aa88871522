"""The SDK against the real app, in-process: the Flask app is mounted as a ``requests``
transport on the store's issuer URL, so the SDK's HTTP reaches the real routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.runtime.current import runtime_of
from tests.auth.vendorkit import consent
from tests.conftest import PASSPHRASE, TEST_SETTINGS
from tests.vendors.flask_transport import FlaskTransport
from vendors.sdk import AuthorizationRequest, MemoryTokenStore, PDSClient, TokenSet

ISSUER = "http://localhost:8765"  # loopback http: Authlib refuses plain http elsewhere
REDIRECT_URI = "https://shop.example/callback"
ALL_SCOPES = (
    "openid profile email offline_access purchases:read purchases:write "
    "preferences:read relationship:read"
)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Settings for the app under test (a test may parametrize this)."""
    return {}


@pytest.fixture
def app(made_store: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(
        {
            "home": made_store,
            "passphrase": PASSPHRASE,
            "issuer": ISSUER,
            **TEST_SETTINGS,
            **app_overrides,
        }
    )
    application.config["TESTING"] = True
    yield application
    runtime_of(application).close()


@pytest.fixture
def transport(app: Flask) -> FlaskTransport:
    return FlaskTransport(app)


@pytest.fixture
def http(transport: FlaskTransport) -> requests.Session:
    session = requests.Session()
    session.mount(ISSUER + "/", transport)
    return session


@pytest.fixture
def sdk(http: requests.Session) -> PDSClient:
    """A vendor's client, registered with the store (tokens in memory)."""
    client = PDSClient(ISSUER, token_store=MemoryTokenStore(), session=http)
    client.register("Example Shop", [REDIRECT_URI], client_uri="https://shop.example")
    return client


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def owner_answers(owner: FlaskClient, request: AuthorizationRequest, **choices: Any) -> str:
    """The owner presses Allow (or ``decision="deny"``) on the consent page: the callback."""
    response = consent(owner, path_of(request.url), **choices)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]  # type: ignore[no-any-return]


def connect(
    sdk: PDSClient, owner: FlaskClient, scope: str = ALL_SCOPES, **choices: Any
) -> TokenSet:
    """The whole flow through the SDK and the owner's consent page."""
    request = sdk.authorization_url(scope)
    return sdk.finish_authorization(owner_answers(owner, request, **choices), request)


@pytest.fixture
def connected(sdk: PDSClient, owner: FlaskClient) -> PDSClient:
    connect(sdk, owner)
    return sdk
