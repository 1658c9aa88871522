"""``/api/v1/subscription``: one webhook subscription per vendor; the secret shown at
creation and rotation only; every refusal as problem JSON."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from tests.api.rfpkit import Caller, problem

URL = "https://velo.example/hooks/pds"


@pytest.fixture
def shop(client: FlaskClient) -> Caller:
    return Caller.register(client, "Velo Shop")


def test_put_subscribes_and_shows_the_secret_once(shop: Caller, services: Services) -> None:
    response = shop.put("/subscription", {"url": URL, "categories": ["Bikes"]})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert set(body) == {"url", "categories", "secret", "created_at", "updated_at"}
    assert body["url"] == URL and body["categories"] == ["bikes"]
    assert body["secret"] == services.subscriptions.get(shop.client_id)["secret"]
    shown = shop.get("/subscription")
    assert shown.status_code == 200
    assert shown.get_json() == {k: v for k, v in body.items() if k != "secret"}


def test_put_again_replaces_url_and_categories_without_the_secret(
    shop: Caller, services: Services
) -> None:
    secret = shop.put("/subscription", {"url": URL, "categories": ["bikes"]}).get_json()["secret"]
    response = shop.put("/subscription", {"url": "http://127.0.0.1:9000/hook"})
    assert response.status_code == 200
    body = response.get_json()
    assert "secret" not in body
    assert body["url"] == "http://127.0.0.1:9000/hook" and body["categories"] == []
    assert services.subscriptions.get(shop.client_id)["secret"] == secret


def test_without_a_subscription_get_delete_and_rotate_are_404(shop: Caller) -> None:
    for response in (
        shop.get("/subscription"),
        shop.call("DELETE", "/subscription"),
        shop.post("/subscription/secret"),
    ):
        assert problem(response) == (404, "not_found", "no subscription")


def test_delete_unsubscribes(shop: Caller, services: Services) -> None:
    shop.put("/subscription", {"url": URL})
    response = shop.call("DELETE", "/subscription")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert services.subscriptions.find(shop.client_id) is None
    assert problem(shop.get("/subscription")) == (404, "not_found", "no subscription")


def test_rotating_the_secret_replaces_it_at_once(shop: Caller, services: Services) -> None:
    old = shop.put("/subscription", {"url": URL}).get_json()["secret"]
    response = shop.post("/subscription/secret")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    new = response.get_json()["secret"]
    assert new != old and new.startswith("whsec_")
    assert services.subscriptions.get(shop.client_id)["secret"] == new


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"url": "http://velo.example/hook"},
            {"url": ["Must use https (http only on a loopback address such as 127.0.0.1)."]},
        ),
        (
            {"url": "https://user:pw@velo.example/hook"},
            {"url": ["Must not contain a user name or password (user:pass@...)."]},
        ),
        ({"categories": ["bikes"]}, {"url": ["Missing data for required field."]}),
        ({"url": URL, "secret": "whsec_x"}, {"secret": ["Unknown field."]}),
        (["not", "an", "object"], {"_schema": ["Invalid input type."]}),
    ],
)
def test_invalid_subscriptions_are_422(shop: Caller, body: Any, errors: dict[str, Any]) -> None:
    response = shop.put("/subscription", body)
    status, code, detail = problem(response)
    assert (status, code) == (422, "validation_failed")
    assert detail == f"invalid subscription: check {', '.join(sorted(errors))}"
    assert response.get_json()["errors"] == errors


def test_a_body_that_is_not_json_is_415_and_broken_json_400(shop: Caller) -> None:
    as_form = shop.call("PUT", "/subscription", data="url=x")
    assert problem(as_form) == (415, "unsupported_media_type", "send the body as application/json")
    broken = shop.call(
        "PUT", "/subscription", data="{", headers={"Content-Type": "application/json"}
    )
    assert problem(broken) == (400, "malformed_request", "the body is not valid JSON")


def test_no_token_is_401_and_a_token_without_the_scope_403(
    client: FlaskClient, services: Services, shop: Caller
) -> None:
    response = client.put("/api/v1/subscription", json={"url": URL})
    assert problem(response) == (
        401,
        "unauthorized",
        "Send an access token: Authorization: Bearer <token>.",
    )
    grant = services.grants.create(
        client_id=shop.client_id, scopes=["openid"], terms_version=1, vendor_id=None
    )
    token = services.tokens.issue(grant, ["openid"], refresh=False)["access_token"]
    response = client.get("/api/v1/subscription", headers={"Authorization": f"Bearer {token}"})
    assert problem(response) == (
        403,
        "insufficient_scope",
        "The grant does not include the scope this call needs.",
    )


def test_a_blocked_vendor_is_refused(shop: Caller, services: Services) -> None:
    shop.put("/subscription", {"url": URL})
    services.clients.block(shop.client_id)
    response = shop.post("/subscription/secret")
    assert problem(response) == (
        401,
        "invalid_token",
        "The access token is missing, unknown, expired or revoked.",
    )


def test_each_vendor_has_its_own_subscription(
    shop: Caller, client: FlaskClient, services: Services
) -> None:
    other = Caller.register(client, "Rad Haus")
    shop.put("/subscription", {"url": URL})
    assert problem(other.get("/subscription")) == (404, "not_found", "no subscription")
    other.put("/subscription", {"url": "https://rad.example/hook"})
    assert shop.get("/subscription").get_json()["url"] == URL
    calls = [e.endpoint for e in services.access_log.entries(client_id=shop.client_id)]
    assert calls[:2] == ["GET /api/v1/subscription", "PUT /api/v1/subscription"]


@pytest.mark.parametrize("app_overrides", [{"outbound_allow_loopback": False}])
def test_a_url_into_the_owners_network_is_422_naming_the_url(
    shop: Caller, services: Services, app_overrides: dict[str, Any]
) -> None:
    refused = {
        "http://127.0.0.1:9000/hook": "127.0.0.1 is a loopback address",
        "https://10.0.0.7/hook": "10.0.0.7 is a private address",
        "https://169.254.169.254/latest/meta-data/": "169.254.169.254 is a cloud metadata address",
        "https://[fe80::1]/hook": "fe80::1 is a link-local address",
    }
    for url, reason in refused.items():
        response = shop.put("/subscription", {"url": url})
        assert problem(response) == (422, "validation_failed", "invalid subscription: check url")
        assert response.get_json()["errors"] == {
            "url": [f"{reason}: this store does not send to its own network."]
        }
    assert services.subscriptions.find(shop.client_id) is None
    assert shop.put("/subscription", {"url": URL}).status_code == 201  # a public name: yes
