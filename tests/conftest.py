"""Shared fixtures in the flaskr style: a real store on disk, the app, its clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.services.collections import SPECS
from pds.services.credentials import OwnerCredentials
from pds.store import ScryptParams, Store

PASSPHRASE = "test passphrase 1"
OWNER_PASSWORD = "owner password 1"
CHEAP_KDF_N = 2**10


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
    OwnerCredentials(store).set_password(OWNER_PASSWORD)
    store.close()
    return home


@pytest.fixture
def app(made_store: Path) -> Iterator[Flask]:
    application = create_app({"home": made_store, "passphrase": PASSPHRASE})
    application.config["TESTING"] = True
    yield application
    application.extensions["pds"].store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
