"""The token endpoint: PKCE verification, single-use short-lived codes, refresh rotation
with reuse detection, and the grant's state checked on every exchange."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from pds.services.identity.tokens import token_hash
from tests.auth.vendorkit import Vendor, authorized_tokens, code_from, consent

SCOPE = "openid profile offline_access purchases:read"


def fresh_code(owner: FlaskClient, vendor: Vendor, scope: str = SCOPE) -> str:
    return code_from(consent(owner, vendor.authorize_path(scope)))


def error_of(response: Any) -> tuple[int, str, str]:
    body = response.get_json()
    return response.status_code, body["error"], body.get("error_description", "")


def backdate(services: Any, collection: str, record_id: str, field: str) -> None:
    """Make time pass for one record: its ``field`` moves into the past."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    services.store.collection(collection).update(record_id, {field: past})


def test_code_exchange_gives_tokens_with_no_store(owner: FlaskClient, vendor: Vendor) -> None:
    response = vendor.exchange(fresh_code(owner, vendor))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert {"access_token", "refresh_token", "id_token"} <= set(body)
    assert body["scope"] == SCOPE


def test_no_refresh_token_without_offline_access(owner: FlaskClient, vendor: Vendor) -> None:
    body = vendor.exchange(fresh_code(owner, vendor, "openid purchases:read")).get_json()
    assert "refresh_token" not in body


def test_tokens_are_stored_only_as_hashes(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    records = list(services.store.collection("tokens").scan())
    assert {r["id"] for r in records} == {
        token_hash(tokens["access_token"]),
        token_hash(tokens["refresh_token"]),
    }
    assert tokens["access_token"] not in str(records)


def test_missing_verifier(owner: FlaskClient, vendor: Vendor) -> None:
    response = vendor.exchange(fresh_code(owner, vendor), code_verifier=None)
    assert error_of(response)[:2] == (400, "invalid_request")
    assert "code_verifier" in error_of(response)[2]


def test_wrong_verifier(owner: FlaskClient, vendor: Vendor) -> None:
    response = vendor.exchange(fresh_code(owner, vendor), code_verifier="x" * 50)
    assert error_of(response) == (400, "invalid_grant", "Code challenge failed.")


def test_reused_code_is_refused_and_revokes_what_it_issued(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    code = fresh_code(owner, vendor)
    first = vendor.exchange(code).get_json()
    assert vendor.userinfo(first["access_token"]).status_code == 200
    status, error, description = error_of(vendor.exchange(code))
    assert (status, error) == (400, "invalid_grant")
    assert "already used" in description
    assert vendor.userinfo(first["access_token"]).status_code == 401
    assert error_of(vendor.refresh(first["refresh_token"]))[1] == "invalid_grant"
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["status"] == "revoked" and grant["reason"] == "code_reused"


def test_expired_code(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    code = fresh_code(owner, vendor)
    backdate(services, "codes", token_hash(code), "expires_at")
    assert error_of(vendor.exchange(code))[:2] == (400, "invalid_grant")


def test_code_lives_sixty_seconds(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    code = fresh_code(owner, vendor)
    record = services.store.collection("codes").get(token_hash(code))
    issued = datetime.fromisoformat(record["issued_at"])
    assert datetime.fromisoformat(record["expires_at"]) - issued == timedelta(seconds=60)


def test_code_of_another_client(owner: FlaskClient, vendor: Vendor, other_vendor: Vendor) -> None:
    code = fresh_code(owner, vendor)
    other_vendor.verifier = vendor.verifier
    other_vendor.redirect_uri = vendor.redirect_uri
    assert error_of(other_vendor.exchange(code))[:2] == (400, "invalid_grant")
    assert vendor.exchange(code).status_code == 200  # not burnt by the other client


def test_redirect_uri_must_match_the_authorization_request(
    owner: FlaskClient, vendor: Vendor
) -> None:
    response = vendor.exchange(fresh_code(owner, vendor), redirect_uri="https://shop.example/x")
    assert error_of(response)[:2] == (400, "invalid_grant")


def test_unknown_client_and_wrong_secret(owner: FlaskClient, vendor: Vendor) -> None:
    code = fresh_code(owner, vendor)
    vendor.client_secret = "wrong"
    assert error_of(vendor.exchange(code))[:2] == (401, "invalid_client")
    vendor.client_id = "nobody"
    assert error_of(vendor.exchange(code))[:2] == (401, "invalid_client")


def test_refresh_rotates(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    renewed = vendor.refresh(tokens["refresh_token"]).get_json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert vendor.userinfo(renewed["access_token"]).status_code == 200
    assert vendor.refresh(renewed["refresh_token"]).status_code == 200


def test_refresh_with_fewer_scopes(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    narrowed = vendor.refresh(tokens["refresh_token"], scope="openid").get_json()
    assert narrowed["scope"] == "openid"


def test_refresh_with_more_scopes_than_granted(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    response = vendor.refresh(tokens["refresh_token"], scope="openid purchases:write")
    assert error_of(response)[:2] == (400, "invalid_scope")
    assert vendor.refresh(tokens["refresh_token"]).status_code == 200  # not burnt


def test_reused_refresh_token_revokes_the_grant(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    renewed = vendor.refresh(tokens["refresh_token"]).get_json()
    status, error, description = error_of(vendor.refresh(tokens["refresh_token"]))
    assert (status, error) == (400, "invalid_grant") and "grant is revoked" in description
    assert vendor.userinfo(renewed["access_token"]).status_code == 401
    assert error_of(vendor.refresh(renewed["refresh_token"]))[1] == "invalid_grant"
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["reason"] == "refresh_reused"


def test_revoked_grant(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    tokens = authorized_tokens(owner, vendor)
    [grant] = services.grants.list(client_id=vendor.client_id)
    services.grants.revoke(grant["id"])
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert error_of(vendor.refresh(tokens["refresh_token"]))[:2] == (400, "invalid_grant")


def test_expired_grant(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    tokens = authorized_tokens(owner, vendor)
    [grant] = services.grants.list(client_id=vendor.client_id)
    backdate(services, "grants", grant["id"], "expires_at")
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert error_of(vendor.refresh(tokens["refresh_token"]))[:2] == (400, "invalid_grant")


def test_expired_access_token(owner: FlaskClient, vendor: Vendor, services: Any) -> None:
    tokens = authorized_tokens(owner, vendor)
    backdate(services, "tokens", token_hash(tokens["access_token"]), "expires_at")
    response = vendor.userinfo(tokens["access_token"])
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_implicit_and_password_grants_do_not_exist(owner: FlaskClient, vendor: Vendor) -> None:
    response = vendor.token(grant_type="password", username="owner", password="x")
    assert error_of(response)[:2] == (400, "unsupported_grant_type")
    page = owner.get(vendor.authorize_path(response_type="token"))
    assert page.status_code in (302, 400)
    if page.status_code == 302:
        assert "error=unsupported_response_type" in page.headers["Location"]
