"""Client credentials for RFP work: registration, tokens for ``rfp:respond`` only under
a standing grant of kind ``client``, blocked and revoked clients refused."""

from __future__ import annotations

from typing import Any

import pytest
from authlib.integrations.requests_client import OAuth2Session
from flask import Flask
from flask.testing import FlaskClient

from pds.services.identity.tokens import token_hash
from tests.auth.clientkit import RfpVendor
from tests.auth.vendorkit import Vendor
from tests.vendors.flask_transport import FlaskTransport

ISSUER = "http://127.0.0.1:8000"  # the test app's issuer (loopback: Authlib allows http)
REFUSED = (
    "The client cannot authenticate with methods: ['client_secret_basic', 'client_secret_post']"
)


@pytest.fixture
def rfp_vendor(client: FlaskClient) -> RfpVendor:
    return RfpVendor.register(client)


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["error"], body.get("error_description", "")


def standing_grants(services: Any, client_id: str) -> list[dict[str, Any]]:
    return [g for g in services.grants.list(client_id=client_id) if g.get("kind") == "client"]


# -- registration ---------------------------------------------------------------------------


def test_a_vendor_may_register_for_client_credentials_alone(client: FlaskClient) -> None:
    response = client.post(
        "/oauth/register", json={"client_name": "Velo Shop", "grant_types": ["client_credentials"]}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["grant_types"] == ["client_credentials"]
    assert body["response_types"] == []
    assert body["redirect_uris"] == []
    assert body["token_endpoint_auth_method"] == "client_secret_basic"
    assert body["client_secret"]


def test_a_code_client_may_add_client_credentials(client: FlaskClient) -> None:
    vendor = Vendor.register(
        client, grant_types=["authorization_code", "refresh_token", "client_credentials"]
    )
    rfp_vendor = RfpVendor(client, vendor.client_id, str(vendor.client_secret))
    assert rfp_vendor.request_token().status_code == 200


@pytest.mark.parametrize(
    ("metadata", "error", "description"),
    [
        (
            {"grant_types": ["client_credentials"], "token_endpoint_auth_method": "none"},
            "invalid_client_metadata",
            "token_endpoint_auth_method: client_credentials needs a client secret: "
            "client_secret_basic or client_secret_post.",
        ),
        (
            {"grant_types": ["client_credentials", "refresh_token"]},
            "invalid_client_metadata",
            "grant_types: refresh_token needs authorization_code "
            "(client credentials are not refreshed).",
        ),
        (
            {"grant_types": ["client_credentials"], "response_types": ["code"]},
            "invalid_client_metadata",
            "response_types: Must be empty without authorization_code.",
        ),
        (
            {"grant_types": ["refresh_token"]},
            "invalid_client_metadata",
            "grant_types: Must include authorization_code or client_credentials.",
        ),
        (
            {"grant_types": ["authorization_code"]},
            "invalid_redirect_uri",
            "redirect_uris: Missing data for required field.",
        ),
    ],
)
def test_registration_rules_of_the_two_flows(
    client: FlaskClient, metadata: dict[str, Any], error: str, description: str
) -> None:
    response = client.post("/oauth/register", json={"client_name": "Velo Shop", **metadata})
    assert response.status_code == 400
    assert response.get_json() == {"error": error, "error_description": description}


# -- tokens ---------------------------------------------------------------------------------


def test_authlib_session_gets_an_rfp_token(app: Flask, rfp_vendor: RfpVendor) -> None:
    session = OAuth2Session(rfp_vendor.client_id, rfp_vendor.client_secret, scope="rfp:respond")
    session.mount(ISSUER + "/", FlaskTransport(app))
    token = session.fetch_token(f"{ISSUER}/oauth/token", grant_type="client_credentials")
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 600
    assert token["scope"] == "rfp:respond"
    assert "refresh_token" not in token and "id_token" not in token


def test_client_secret_post_works_too(client: FlaskClient) -> None:
    vendor = RfpVendor.register(client, token_endpoint_auth_method="client_secret_post")
    form = {
        "grant_type": "client_credentials",
        "client_id": vendor.client_id,
        "client_secret": vendor.client_secret,
    }
    response = client.post("/oauth/token", data=form)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["scope"] == "rfp:respond"  # the default scope


def test_tokens_hang_off_one_standing_grant(rfp_vendor: RfpVendor, services: Any) -> None:
    first, second = rfp_vendor.access_token(), rfp_vendor.access_token()
    [grant] = standing_grants(services, rfp_vendor.client_id)
    assert grant["scopes"] == ["rfp:respond"]
    assert grant["status"] == "active" and grant["expires_at"] is None
    assert grant["vendor_id"] is None
    records = list(services.store.collection("tokens").scan())
    assert {r["id"] for r in records} == {token_hash(first), token_hash(second)}
    assert {r["grant_id"] for r in records} == {grant["id"]}
    assert first not in str(records)


@pytest.mark.parametrize("scope", ["purchases:read", "rfp:respond openid", "nonsense"])
def test_any_other_scope_is_invalid(rfp_vendor: RfpVendor, scope: str) -> None:
    assert error_of(rfp_vendor.request_token(scope=scope)) == (
        400,
        "invalid_scope",
        "Client credentials give rfp:respond only.",
    )


def test_a_code_only_client_may_not_use_client_credentials(vendor: Vendor) -> None:
    rfp_vendor = RfpVendor(vendor.http, vendor.client_id, str(vendor.client_secret))
    assert error_of(rfp_vendor.request_token()) == (
        400,
        "unauthorized_client",
        "The client is not authorized to use 'grant_type=client_credentials'",
    )


def test_a_wrong_secret_is_an_invalid_client(rfp_vendor: RfpVendor) -> None:
    rfp_vendor.client_secret = "not-the-secret"
    assert error_of(rfp_vendor.request_token()) == (401, "invalid_client", REFUSED)


def test_a_blocked_client_is_refused_and_its_tokens_die(
    rfp_vendor: RfpVendor, services: Any
) -> None:
    token = rfp_vendor.access_token()
    services.clients.block(rfp_vendor.client_id)
    assert error_of(rfp_vendor.request_token()) == (
        401,
        "invalid_client",
        "The client does not exist on this server.",
    )
    assert services.tokens.find(token, "access") is None
    [grant] = standing_grants(services, rfp_vendor.client_id)
    assert grant["status"] == "revoked"


def test_revoking_the_standing_grant_ends_its_tokens(rfp_vendor: RfpVendor, services: Any) -> None:
    token = rfp_vendor.access_token()
    [grant] = standing_grants(services, rfp_vendor.client_id)
    services.grants.revoke(grant["id"])
    assert services.tokens.find(token, "access") is None
    rfp_vendor.access_token()  # a new request makes a new standing grant
    assert [g["status"] for g in standing_grants(services, rfp_vendor.client_id)] == [
        "active",
        "revoked",
    ]


def test_introspection_of_an_rfp_token_names_no_subject(rfp_vendor: RfpVendor) -> None:
    token = rfp_vendor.access_token()
    response = rfp_vendor.http.post(
        "/oauth/introspect", data={"token": token}, headers=rfp_vendor.basic_auth()
    )
    body = response.get_json()
    assert body["active"] is True and body["scope"] == "rfp:respond"
    assert body["client_id"] == rfp_vendor.client_id
    assert "sub" not in body


def test_an_rfp_token_reads_no_owner_data(rfp_vendor: RfpVendor) -> None:
    headers = {"Authorization": f"Bearer {rfp_vendor.access_token()}"}
    userinfo = rfp_vendor.http.get("/oauth/userinfo", headers=headers)
    assert userinfo.status_code == 403
    assert userinfo.get_json()["error"] == "insufficient_scope"
    purchases = rfp_vendor.http.get("/api/v1/purchases", headers=headers)
    assert purchases.status_code == 403


def test_a_client_credentials_client_cannot_start_the_code_flow(
    rfp_vendor: RfpVendor, owner: FlaskClient
) -> None:
    query = {
        "response_type": "code",
        "client_id": rfp_vendor.client_id,
        "redirect_uri": "https://velo.example/cb",
        "scope": "openid",
        "code_challenge": "x" * 43,
        "code_challenge_method": "S256",
    }
    response = owner.get("/oauth/authorize", query_string=query)
    assert response.status_code == 400
    assert "redirect_uri is not one this client registered." in response.get_data(as_text=True)
