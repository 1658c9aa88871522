"""Dynamic Client Registration (RFC 7591): clear errors, and registering grants nothing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.auth.vendorkit import Vendor

GOOD = {"client_name": "Example Shop", "redirect_uris": ["https://shop.example/cb"]}


def register(client: FlaskClient, **changes: Any) -> Any:
    body = {**GOOD, **changes}
    return client.post("/oauth/register", json={k: v for k, v in body.items() if v is not None})


def test_confidential_client_gets_id_and_secret_once(client: FlaskClient, services: Any) -> None:
    response = register(
        client, contacts=["ops@shop.example"], logo_uri="https://shop.example/l.png"
    )
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["client_secret"] and body["client_secret_expires_at"] == 0
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["grant_types"] == ["authorization_code", "refresh_token"]
    stored = services.clients.get(body["client_id"])
    assert body["client_secret"] not in str(stored)  # only its hash is kept
    assert services.clients.check_secret(stored, body["client_secret"])


def test_public_client_gets_no_secret(client: FlaskClient) -> None:
    body = register(client, token_endpoint_auth_method="none").get_json()
    assert "client_secret" not in body


def test_unknown_metadata_is_ignored(client: FlaskClient) -> None:
    body = register(client, frobnicate=True).get_json()
    assert "frobnicate" not in body


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        (["http://shop.example/cb"], "Must use https"),
        (["https://shop.example/cb#frag"], "fragment"),
        (["not a url"], "Not a valid absolute URL"),
        ([], "Length must be between 1 and 10"),
        (None, "Missing data for required field"),
    ],
)
def test_bad_redirect_uris(client: FlaskClient, uris: Any, message: str) -> None:
    response = register(client, redirect_uris=uris)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_redirect_uri"
    assert message in body["error_description"]


def test_http_is_allowed_on_loopback_only(client: FlaskClient) -> None:
    for uri in ("http://127.0.0.1:9000/cb", "http://localhost/cb", "http://[::1]:8080/cb"):
        assert register(client, redirect_uris=[uri]).status_code == 201, uri


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"client_name": None}, "client_name"),
        ({"client_uri": "ftp://shop.example"}, "client_uri"),
        ({"contacts": ["not-an-email"]}, "contacts"),
        ({"token_endpoint_auth_method": "private_key_jwt"}, "token_endpoint_auth_method"),
        ({"grant_types": ["implicit"]}, "grant_types"),
        ({"grant_types": ["refresh_token"]}, "grant_types"),
        ({"response_types": ["token"]}, "response_types"),
        ({"scope": "openid everything"}, "scope"),
        ({"id_token_signed_response_alg": "none"}, "id_token_signed_response_alg"),
    ],
)
def test_bad_metadata(client: FlaskClient, changes: dict[str, Any], field: str) -> None:
    response = register(client, **changes)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_client_metadata"
    assert body["error_description"].startswith(field)


def test_body_must_be_a_json_object(client: FlaskClient) -> None:
    response = client.post("/oauth/register", data="client_name=x")
    assert response.status_code == 400
    assert response.get_json()["error"] == "invalid_client_metadata"


def test_registering_grants_nothing(client: FlaskClient, services: Any) -> None:
    vendor = Vendor.register(client)
    assert services.grants.list(client_id=vendor.client_id) == []
    response = vendor.token(grant_type="client_credentials", scope="purchases:read")
    assert response.status_code == 400
    assert response.get_json()["error"] == "unauthorized_client"  # not registered for it
    response = vendor.token(grant_type="password", username="owner", password="x")
    assert response.status_code == 400
    assert response.get_json()["error"] == "unsupported_grant_type"
    assert services.grants.list(client_id=vendor.client_id) == []


# -- a vendor is who it can prove to be: the domain of its https redirect URIs ------------


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        (["https://shop.example/cb", "https://other.example/cb"], "must be on one domain"),
        (["https://203.0.113.9/cb"], "203.0.113.9 is not a domain anyone registers"),
        (["https://github.io/cb"], "github.io is not a domain anyone registers"),
        (["https://co.uk/cb"], "co.uk is not a domain anyone registers"),
        (["https://intranet/cb"], "intranet is not a domain anyone registers"),
        (["https://paperlanternbooks.com@attacker.example/cb"], "Must not contain a user name"),
    ],
)
def test_https_redirect_uris_prove_one_registrable_domain(
    client: FlaskClient, uris: list[str], message: str
) -> None:
    response = register(client, redirect_uris=uris)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_redirect_uri"
    assert body["error_description"].startswith("redirect_uris")
    assert message in body["error_description"]


@pytest.mark.parametrize("field", ["client_uri", "logo_uri", "policy_uri", "tos_uri"])
def test_pages_a_client_names_must_be_on_its_redirect_domain(
    client: FlaskClient, field: str
) -> None:
    response = register(
        client,
        redirect_uris=["https://attacker.example/cb"],
        **{field: "https://paperlanternbooks.com/"},
    )
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_client_metadata"
    assert body["error_description"] == (
        f"{field}: Must be on attacker.example, the domain of the redirect URIs."
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"redirect_uris": ["http://127.0.0.1:9000/cb"]},  # a local app
        {"grant_types": ["client_credentials"], "redirect_uris": None},  # answers RFPs only
    ],
)
def test_a_client_without_a_verified_domain_names_no_web_page(
    client: FlaskClient, changes: dict[str, Any]
) -> None:
    response = register(client, client_uri="https://paperlanternbooks.com", **changes)
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "invalid_client_metadata"
    assert body["error_description"].startswith("client_uri: Must be on a loopback address")


@pytest.mark.parametrize(
    ("changes", "domain"),
    [
        (
            {
                "redirect_uris": ["https://www.lantern.co.uk/cb", "https://app.lantern.co.uk/cb"],
                "client_uri": "https://lantern.co.uk/",
                "logo_uri": "https://cdn.lantern.co.uk/logo.png",
                "policy_uri": "http://www.lantern.co.uk/privacy",
            },
            "lantern.co.uk",
        ),
        ({"redirect_uris": ["https://ada.github.io/cb"]}, "ada.github.io"),
        ({"redirect_uris": ["https://SHOP.example./cb"]}, "shop.example"),
        (
            {
                "redirect_uris": ["http://127.0.0.1:8001/callback"],
                "client_uri": "http://127.0.0.1:8001",  # the demo shop
            },
            None,
        ),
    ],
)
def test_registration_keeps_the_verified_domain(
    client: FlaskClient, services: Any, changes: dict[str, Any], domain: str | None
) -> None:
    response = register(client, verified_domain="paperlanternbooks.com", **changes)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    stored = services.clients.get(body["client_id"])
    assert stored["verified_domain"] == body["verified_domain"] == domain  # not its own claim


@pytest.mark.parametrize("app_overrides", [{"registrations_per_hour": 3}])
def test_registration_is_rate_limited_per_client_address(app: Any, services: Any) -> None:
    """Three tries an hour per address here (PDS_REGISTRATIONS_PER_HOUR): the fourth is
    429 in the OAuth error format with Retry-After; another address is not held up."""
    flood, other = app.test_client(), app.test_client()
    flood.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    other.environ_base["REMOTE_ADDR"] = "198.51.100.2"
    before = len(services.clients.list())
    tries = [register(flood).status_code, register(flood, client_name="").status_code]
    tries.append(register(flood).status_code)  # a refused registration counts too
    assert tries == [201, 400, 201]
    refused = register(flood)
    assert refused.status_code == 429
    wait = int(refused.headers["Retry-After"])
    assert 1100 < wait <= 1200  # the next try of three an hour (less what has passed)
    assert refused.get_json() == {
        "error": "rate_limited",
        "error_description": f"too many requests; try again in {wait} s",
    }
    assert refused.headers["Cache-Control"] == "no-store"
    assert len(services.clients.list()) == before + 2
    assert register(other).status_code == 201
