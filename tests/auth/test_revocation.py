"""Revocation (RFC 7009) and introspection (RFC 7662): immediate, and only one's own."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.auth.vendorkit import Vendor, authorized_tokens


def test_vendor_revokes_its_refresh_token_and_so_the_grant(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    assert vendor.revoke(tokens["refresh_token"], "refresh_token").status_code == 200
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    [grant] = services.grants.list(client_id=vendor.client_id)
    assert grant["status"] == "revoked"


def test_vendor_revokes_one_access_token(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    assert vendor.revoke(tokens["access_token"]).status_code == 200
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert vendor.refresh(tokens["refresh_token"]).status_code == 200  # the grant lives on


def test_revoking_an_unknown_token_is_fine_but_needs_a_client(vendor: Vendor) -> None:
    assert vendor.revoke("x" * 43).status_code == 200
    vendor.client_secret = "wrong"
    assert vendor.revoke("x" * 43).status_code == 401


def test_a_vendor_cannot_revoke_another_vendors_token(
    owner: FlaskClient, vendor: Vendor, other_vendor: Vendor
) -> None:
    tokens = authorized_tokens(owner, vendor)
    other_vendor.revoke(tokens["access_token"])
    assert vendor.userinfo(tokens["access_token"]).status_code == 200


def test_introspection_of_own_token(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    body = vendor.introspect(tokens["access_token"]).get_json()
    assert body["active"] is True
    assert body["client_id"] == vendor.client_id
    assert body["scope"] == "openid profile offline_access purchases:read"
    assert body["sub"] == vendor.userinfo(tokens["access_token"]).get_json()["sub"]


def test_introspection_of_others_tokens_says_only_inactive(
    owner: FlaskClient, vendor: Vendor, other_vendor: Vendor
) -> None:
    tokens = authorized_tokens(owner, vendor)
    assert other_vendor.introspect(tokens["access_token"]).get_json() == {"active": False}
    assert vendor.introspect("y" * 43).get_json() == {"active": False}


def test_introspection_after_revocation(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    vendor.revoke(tokens["refresh_token"])
    assert vendor.introspect(tokens["access_token"]).get_json() == {"active": False}


def test_introspection_needs_client_authentication(owner: FlaskClient, vendor: Vendor) -> None:
    tokens = authorized_tokens(owner, vendor)
    response = vendor.http.post("/oauth/introspect", data={"token": tokens["access_token"]})
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_introspection_refuses_a_public_client(owner: FlaskClient, app: Flask) -> None:
    public = Vendor.register(app.test_client(), token_endpoint_auth_method="none")
    tokens = authorized_tokens(owner, public)
    assert public.revoke("x" * 43).status_code == 200  # RFC 7009 lets public clients revoke
    response = public.introspect(tokens["access_token"])  # its client_id alone proves nothing
    assert response.status_code == 401
    assert response.get_json()["error"] == "invalid_client"


def test_owner_revokes_and_the_next_call_fails(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    [grant] = services.grants.list(client_id=vendor.client_id)
    services.grants.revoke(grant["id"])
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert services.store.collection("tokens").count() == 0


def test_blocking_a_vendor_revokes_its_grants(
    owner: FlaskClient, vendor: Vendor, services: Any
) -> None:
    tokens = authorized_tokens(owner, vendor)
    services.clients.block(vendor.client_id)
    assert vendor.userinfo(tokens["access_token"]).status_code == 401
    assert vendor.refresh(tokens["refresh_token"]).get_json()["error"] == "invalid_client"
