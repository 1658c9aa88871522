"""Discovery (RFC 8414 / OIDC Discovery) and the published keys tell the truth."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient

from tests.auth.vendorkit import Vendor, authorized_tokens

PRIVATE = {"d", "p", "q", "dp", "dq", "qi"}
PROTOCOL_CLAIMS = {"sub", "iss", "aud", "azp", "exp", "iat", "auth_time", "nonce", "at_hash"}
FULL_PROFILE = {
    "name": "Ada Lovelace",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "middle_name": "Augusta",
    "nickname": "Ada",
    "email": "ada@example.org",
    "phone_number": "+44 20 7946 0000",
    "website": "https://ada.example",
    "address": {"street_address": "12 St James's Square", "locality": "London"},
    "birthdate": "1985-12-10",
    "locale": "en-GB",
    "zoneinfo": "Europe/London",
}


def test_both_documents_are_the_same_and_name_this_issuer(client: FlaskClient) -> None:
    oidc = client.get("/.well-known/openid-configuration").get_json()
    rfc8414 = client.get("/.well-known/oauth-authorization-server").get_json()
    assert oidc == rfc8414
    assert oidc["issuer"] == "http://127.0.0.1:8000"


def test_capabilities_are_only_what_is_enforced(client: FlaskClient) -> None:
    meta = client.get("/.well-known/openid-configuration").get_json()
    assert meta["response_types_supported"] == ["code"]
    assert meta["grant_types_supported"] == [
        "authorization_code",
        "refresh_token",
        "client_credentials",
    ]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["subject_types_supported"] == ["pairwise"]
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert "none" not in meta["id_token_signing_alg_values_supported"]
    for scope in ("openid", "offline_access", "purchases:read", "rfp:respond"):
        assert scope in meta["scopes_supported"]


def test_every_listed_endpoint_exists(client: FlaskClient) -> None:
    meta = client.get("/.well-known/openid-configuration").get_json()
    endpoints = {k: v for k, v in meta.items() if k.endswith(("_endpoint", "_uri"))}
    assert len(endpoints) == 7
    for name, url in endpoints.items():
        path = urlsplit(url).path
        response = client.open(path, method="GET" if name in ("jwks_uri",) else "POST")
        assert response.status_code not in (404, 405), (name, response.status_code)


def test_jwks_publishes_the_signing_key_without_private_parts(client: FlaskClient) -> None:
    keys = client.get("/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kid"] and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"
    assert not PRIVATE & set(keys[0])


def test_request_objects_and_public_introspection_are_not_offered(client: FlaskClient) -> None:
    meta = client.get("/.well-known/openid-configuration").get_json()
    assert meta["request_parameter_supported"] is False
    assert meta["request_uri_parameter_supported"] is False
    assert meta["claims_parameter_supported"] is False
    assert "none" not in meta["introspection_endpoint_auth_methods_supported"]
    assert "none" in meta["revocation_endpoint_auth_methods_supported"]  # RFC 7009 allows it


def test_claims_supported_are_the_claims_a_full_profile_releases(
    owner: FlaskClient, vendor: Vendor, services: Any, client: FlaskClient
) -> None:
    services.profile.update(FULL_PROFILE)
    tokens = authorized_tokens(owner, vendor, scope="openid profile email phone address")
    released = set(vendor.userinfo(tokens["access_token"]).get_json())
    advertised = set(client.get("/.well-known/openid-configuration").get_json()["claims_supported"])
    assert advertised - PROTOCOL_CLAIMS == released - {"sub"}
    assert not {"email_verified", "phone_number_verified", "picture", "gender"} & advertised
