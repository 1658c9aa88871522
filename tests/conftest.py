"""Shared fixtures in the flaskr style: a real store on disk, the app, its clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher, profiles
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.runtime.current import runtime_of
from pds.services import Services
from pds.services.collections import SPECS
from pds.services.identity.credentials import OwnerCredentials
from pds.store import ScryptParams, Store
from tests.auth.vendorkit import Vendor

PASSPHRASE = "test passphrase 1"
OWNER_PASSWORD = "owner password 1"
CHEAP_KDF_N = 2**10
#: argon2id at its cheapest (RFC 9106 parameters are for real stores): the hash carries
#: its parameters, so every later check of this password in the app is as cheap.
CHEAP_HASHER = PasswordHasher.from_parameters(profiles.CHEAPEST)
#: The characters no vendor-supplied text keeps: bidi embeddings, overrides and isolates,
#: direction marks, zero-width characters.
HIDDEN = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
HIDDEN += "\u200b\u200c\u200d\u2060\ufeff"
#: Settings every app under test starts from: the suite's vendors are on 127.0.0.1, and
#: tests register many clients from there (the registration limit and the outbound rule
#: as shipped are tested by overriding these through ``app_overrides``).
TEST_SETTINGS = {"registrations_per_hour": 100_000, "outbound_allow_loopback": True}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def store_env(home: Path) -> dict[str, str]:
    """The variables that let ``pds`` commands run against ``home`` without a terminal."""
    return {
        "PDS_HOME": str(home),
        "PDS_PASSPHRASE": PASSPHRASE,
        "PDS_OWNER_PASSWORD": OWNER_PASSWORD,
    }


@pytest.fixture
def made_store(home: Path) -> Path:
    """A new store on disk (closed), with the owner's portal password set."""
    store = Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=CHEAP_KDF_N))
    OwnerCredentials(store, hasher=CHEAP_HASHER).set_password(OWNER_PASSWORD)
    store.close()
    return home


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """Settings for the app under test (a module may override this fixture), e.g.
    ``{"webhooks_enabled": False}`` to keep the courier thread from posting webhooks.
    They go over ``TEST_SETTINGS``: ``{"outbound_allow_loopback": False}`` tests the
    store as it ships."""
    return {}


@pytest.fixture
def app(made_store: Path, app_overrides: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(
        {"home": made_store, "passphrase": PASSPHRASE, **TEST_SETTINGS, **app_overrides}
    )
    application.config["TESTING"] = True
    yield application
    runtime_of(application).close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_of(html: str) -> str:
    """The CSRF token of the (first) form in ``html``."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def log_in(client: FlaskClient, password: str = OWNER_PASSWORD, code: str | None = None) -> Any:
    """Log in through the real login form; the response to the form's POST."""
    form = {"password": password, "csrf_token": csrf_of(client.get("/login").get_data(True))}
    if code is not None:
        form["code"] = code
    return client.post("/login", data=form)


@pytest.fixture
def owner(client: FlaskClient) -> FlaskClient:
    """A test client logged in as the owner through the real login form."""
    response = log_in(client)
    assert response.status_code == 303, response.get_data(as_text=True)
    return client


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def services(app: Flask) -> Services:
    return services_of(app)


def services_of(app: Flask) -> Services:
    """The services of ``app``'s runtime."""
    return runtime_of(app).services


@pytest.fixture
def vendor(app: Flask) -> Vendor:
    """A confidential client registered through the registration endpoint."""
    return Vendor.register(app.test_client())


@pytest.fixture
def other_vendor(app: Flask) -> Vendor:
    return Vendor.register(
        app.test_client(),
        client_name="Other Outfitters",
        client_uri="https://other.example",
        redirect_uris=["https://other.example/cb"],
    )
