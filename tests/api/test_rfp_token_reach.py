"""Nothing identifying reaches an RFP-only token (issue 14.6).

A client-credentials token (scope ``rfp:respond``) stands for no owner's consent: it
gets no ``sub`` and no claim from any endpoint. A vendor holding both kinds of token
(an OIDC grant's and an RFP one) learns nothing through the RFP one that ties it to
the other: not its pairwise ``sub``, its grant id, its tokens or their ids, nor any
claim of the owner, in any status line, header or body.
"""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.services.identity.tokens import token_hash
from tests.api.rfpkit import Caller, problem
from tests.auth.clientkit import RfpVendor
from tests.conftest import services_of
from tests.urlmapkit import Walker, World, build_world, walk


@pytest.fixture
def app_overrides() -> dict[str, object]:
    return {"webhooks_enabled": False, "api_rate_per_minute": 10**6}


@pytest.fixture
def world(app: Flask, owner: FlaskClient) -> World:
    return build_world(app, owner)


def test_me_refuses_an_rfp_token(client: FlaskClient) -> None:
    caller = Caller.register(client)
    response = caller.get("/me")
    assert problem(response)[:2] == (403, "insufficient_scope")
    assert response.headers["WWW-Authenticate"].startswith(
        'Bearer realm="pds", error="insufficient_scope"'
    )
    assert "sub" not in response.get_json()


def test_the_grant_token_of_the_same_vendor_still_reads_me(world: World) -> None:
    bearer = {"Authorization": f"Bearer {world.tokens['access_token']}"}
    body = world.vendor.http.get("/api/v1/me", headers=bearer).get_json()
    assert body["sub"] == world.vendor.userinfo(world.tokens["access_token"]).get_json()["sub"]


def identifying(world: World) -> dict[str, str]:
    """What ties the vendor's RFP work to its OIDC grant, or names the owner."""
    services = services_of(world.app)
    tokens = world.tokens
    found = {
        "pairwise sub": services.subjects.for_client(world.vendor.client_id),
        "grant id": world.ids["grant_id"],
        "access token": tokens["access_token"],
        "refresh token": tokens["refresh_token"],
        "id token": tokens["id_token"],
        "access token id": token_hash(tokens["access_token"]),
        "refresh token id": token_hash(tokens["refresh_token"]),
    }
    profile = services.profile.get()
    found.update({f"claim {k}": str(v) for k, v in profile.items() if k in ("name", "email")})
    return found


def leaks(received: list[bytes], secrets: dict[str, str]) -> list[str]:
    """Each secret found in a response (as is, or as a JSON string would hold it)."""
    found = []
    for blob in received:
        text = blob.decode("utf-8", errors="replace").lower()
        for label, value in secrets.items():
            forms = {value, json.dumps(value)[1:-1]}
            if any(form.lower() in text for form in forms):
                found.append(f"{label} in {text[:160]!r}")
    return found


def rfp_work(world: World, walker: Walker) -> None:
    """What a vendor does with its RFP token besides the walk: a new token, its
    introspection, the RFP calls, userinfo and ``/me``."""
    vendor = world.vendor
    basic = RfpVendor(vendor.http, vendor.client_id, str(vendor.client_secret)).basic_auth()
    http = world.app.test_client(use_cookies=False)
    for path, form in (
        ("/oauth/token", {"grant_type": "client_credentials", "scope": "rfp:respond"}),
        ("/oauth/introspect", {"token": world.rfp_token}),
    ):
        response = http.post(path, data=form, headers=basic)
        assert response.status_code == 200
        walker.received.append(response.get_data())
    for path in ("/api/v1/rfps", "/api/v1/offers", "/api/v1/me", "/oauth/userinfo"):
        walker.send("GET", path)


def test_a_vendor_with_both_tokens_learns_nothing_from_the_rfp_one(world: World) -> None:
    bearer = {"Authorization": f"Bearer {world.rfp_token}"}
    walker = Walker(world.app.test_client(use_cookies=False), headers=bearer)
    rfp_work(world, walker)
    walk(world, walker)
    assert len(walker.received) > 1000
    assert leaks(walker.received, identifying(world)) == []
