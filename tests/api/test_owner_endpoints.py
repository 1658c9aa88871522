"""/me, /preferences and /relationship; rate limits, CORS and the 401s of the API."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.runtime.current import runtime_of
from tests.api.conftest import Api, seed
from tests.auth.vendorkit import Vendor, authorized_tokens
from tests.conftest import PASSPHRASE, log_in, services_of


def test_me_gives_the_pairwise_sub_and_granted_claims(api: Api) -> None:
    body = api.get("/me").get_json()
    assert isinstance(body.pop("updated_at"), int)  # OIDC: seconds since the epoch
    assert body == {
        "sub": api.vendor.userinfo(api.token).get_json()["sub"],
        "name": "Ada Owner",
        "email": "ada@example.org",
    }


def test_me_without_profile_scopes(grant_with: Any) -> None:
    assert set(grant_with(scope="purchases:read").get("/me").get_json()) == {"sub"}


def test_preferences_only_the_shared_ones(api: Api) -> None:
    items = api.get("/preferences").get_json()["items"]
    assert {p["key"] for p in items} == {"clothing.size", "contact.channel"}
    assert {"key": "clothing.size", "category": "clothing", "value": "M"} in items


def test_relationship_is_the_public_record(api: Api) -> None:
    body = api.get("/relationship").get_json()
    assert body == {
        "name": "Example Shop",
        "status": "active",
        "since": None,
        "preferred_channel": "email",
        "shared": None,
    }


def test_each_endpoint_needs_its_scope(grant_with: Any) -> None:
    api = grant_with(scope="openid")
    for path in ("/purchases", "/preferences", "/relationship"):
        response = api.get(path)
        assert response.status_code == 403, path
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_no_token_or_a_bad_one(client: FlaskClient) -> None:
    bare = client.get("/api/v1/purchases")
    assert bare.status_code == 401 and bare.headers["WWW-Authenticate"] == 'Bearer realm="pds"'
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer " + "x" * 43})
    assert bad.status_code == 401 and 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    assert bad.mimetype == "application/problem+json"


def test_no_cors_unless_configured(api: Api) -> None:
    response = api.get("/me", headers={"Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def _app(made_store: Any, **settings: Any) -> Flask:
    app = create_app({"home": made_store, "passphrase": PASSPHRASE, **settings})
    app.config["TESTING"] = True
    return app


def _api_on(app: Flask) -> Api:
    records = seed(services_of(app))
    owner = app.test_client()
    log_in(owner)
    vendor = Vendor.register(app.test_client())
    return Api(vendor, authorized_tokens(owner, vendor)["access_token"], records)


def test_cors_for_configured_origins(made_store: Any) -> None:
    app = _app(made_store, api_cors_origins=("https://shop.example",))
    try:
        api = _api_on(app)
        allowed = api.get("/me", headers={"Origin": "https://shop.example"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://shop.example"
        other = api.get("/me", headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in other.headers
    finally:
        runtime_of(app).close()


def test_rate_limit_per_vendor(made_store: Any) -> None:
    app = _app(made_store, api_rate_per_minute=3)
    try:
        api = _api_on(app)
        statuses = [api.get("/me").status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = api.get("/me")
        assert limited.get_json()["code"] == "rate_limited"
        assert int(limited.headers["Retry-After"]) >= 1
    finally:
        runtime_of(app).close()
