"""OpenID Connect: signed ID tokens, UserInfo limited to the grant, pairwise subjects."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.auth.vendorkit import Vendor, authorized_tokens, code_from, consent


def id_token_claims(client: FlaskClient, token: str) -> dict[str, Any]:
    keys = KeySet.import_key_set(client.get("/jwks.json").get_json())
    return dict(jwt.decode(token, keys, algorithms=["RS256"]).claims)


def test_id_token_is_signed_and_carries_the_oidc_claims(
    owner: FlaskClient, vendor: Vendor, client: FlaskClient
) -> None:
    path = vendor.authorize_path("openid profile", nonce="n-0S6_WzA2Mj")
    response = vendor.exchange(code_from(consent(owner, path)))
    claims = id_token_claims(client, response.get_json()["id_token"])
    assert claims["iss"] == "http://127.0.0.1:8000"
    assert claims["aud"] == vendor.client_id and claims["azp"] == vendor.client_id
    assert claims["nonce"] == "n-0S6_WzA2Mj"
    assert claims["exp"] - claims["iat"] == 3600
    assert isinstance(claims["auth_time"], int) and claims["auth_time"] <= claims["iat"]
    assert claims["at_hash"]


def test_nonce_cannot_be_replayed(owner: FlaskClient, vendor: Vendor) -> None:
    path = vendor.authorize_path("openid", nonce="same-nonce")
    code_from(consent(owner, path))
    response = owner.get(path)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "Replay attack" in response.get_data(as_text=True)


def test_userinfo_releases_only_the_granted_claims(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    services.profile.update(
        {"name": "Ada Owner", "email": "ada@example.org", "phone_number": "+44 20 7946 0000"}
    )
    tokens = authorized_tokens(owner, vendor, scope="openid email")
    claims = vendor.userinfo(tokens["access_token"]).get_json()
    assert set(claims) == {"sub", "email"}
    assert claims["email"] == "ada@example.org"


def test_userinfo_needs_openid(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor, scope="purchases:read")
    response = vendor.userinfo(tokens["access_token"])
    assert response.status_code == 403
    assert response.get_json()["error"] == "insufficient_scope"


def test_userinfo_without_token(vendor: Vendor) -> None:
    response = vendor.http.get("/oauth/userinfo")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="pds"'
    assert response.mimetype == "application/problem+json"


def test_pairwise_subjects(
    owner: FlaskClient, vendor: Vendor, other_vendor: Vendor, client: FlaskClient
) -> None:
    first = authorized_tokens(owner, vendor, scope="openid")
    second = authorized_tokens(owner, vendor, scope="openid")
    other = authorized_tokens(owner, other_vendor, scope="openid")
    sub = id_token_claims(client, first["id_token"])["sub"]
    assert id_token_claims(client, second["id_token"])["sub"] == sub
    assert vendor.userinfo(first["access_token"]).get_json()["sub"] == sub
    other_sub = id_token_claims(client, other["id_token"])["sub"]
    assert other_sub != sub
    assert other_vendor.userinfo(other["access_token"]).get_json()["sub"] == other_sub
