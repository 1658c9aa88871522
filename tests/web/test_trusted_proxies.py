"""X-Forwarded-* is believed only from PDS_TRUSTED_PROXIES: then login throttling sees the
real client address; from anywhere else the headers change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import log_in

PROXY = "10.0.0.7"
ATTACKER = "203.0.113.66"
OWNER_AT_HOME = "198.51.100.20"


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"trusted_proxies": "10.0.0.0/24"}


def through(app: Flask, peer: str, forwarded_for: str | None = None) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = peer
    if forwarded_for is not None:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
        client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
        client.environ_base["HTTP_X_FORWARDED_HOST"] = "pds.example.org"
    return client


def fail_until_throttled(client: FlaskClient) -> None:
    for _ in range(5):
        assert log_in(client, password="wrong password").status_code == 401
    assert log_in(client, password="wrong password").status_code == 429


def test_behind_the_proxy_the_throttle_sees_each_client(app: Flask) -> None:
    fail_until_throttled(through(app, PROXY, ATTACKER))
    owner = through(app, PROXY, OWNER_AT_HOME)
    assert log_in(owner).status_code == 303  # not locked out by the attacker's failures
    assert log_in(through(app, PROXY, ATTACKER)).status_code == 429


def test_headers_from_an_untrusted_peer_are_ignored(app: Flask) -> None:
    spoofing = through(app, ATTACKER, "192.0.2.1")
    fail_until_throttled(spoofing)
    other_claim = through(app, ATTACKER, "192.0.2.99")  # a new claimed address: no escape
    assert log_in(other_claim, password="wrong password").status_code == 429
