"""Vendors' webhook subscriptions: validation, one per vendor, secret rotation, audience."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pds.errors import NotFound, PermissionDenied, ValidationFailed
from pds.services import Services
from pds.services.outbound import OutboundPolicy
from pds.store import Store
from tests.services.conftest import FakeClock, audit_events
from tests.services.intents.test_rfps import register, rfp_data

URL = "https://velo.example.com/hooks/pds"


@pytest.fixture
def shop(services: Services) -> str:
    return register(services, "Velo Shop")


def published(services: Services, **overrides: Any) -> dict[str, Any]:
    return services.rfps.publish(services.rfps.draft(rfp_data(**overrides))["id"])


def test_subscribe_creates_a_record_with_a_fresh_secret(services: Services, shop: str) -> None:
    record, created = services.subscriptions.subscribe(
        shop, {"url": URL, "categories": ["Bikes", "bikes", "Tools"]}
    )
    assert created is True
    assert record["client_id"] == shop
    assert record["url"] == URL
    assert record["categories"] == ["bikes", "tools"]
    assert record["created_at"] == record["updated_at"] == "2025-03-01T09:00:00Z"
    assert record["secret"].startswith("whsec_")
    assert len(base64.b64decode(record["secret"].removeprefix("whsec_"))) == 32
    assert services.subscriptions.get(shop) == record
    assert audit_events(services.store)[-1] == {
        "actor": f"vendor:{shop}",
        "action": "subscription.create",
        "target": record["id"],
    }


def test_subscribing_again_replaces_url_and_categories_and_keeps_the_secret(
    services: Services, shop: str, clock: FakeClock
) -> None:
    first, _ = services.subscriptions.subscribe(shop, {"url": URL, "categories": ["bikes"]})
    clock.advance(minutes=5)
    second, created = services.subscriptions.subscribe(shop, {"url": "http://127.0.0.1:9/h"})
    assert created is False
    assert second["id"] == first["id"]
    assert second["secret"] == first["secret"]
    assert second["url"] == "http://127.0.0.1:9/h"
    assert second["categories"] == []
    assert second["created_at"] == "2025-03-01T09:00:00Z"
    assert second["updated_at"] == "2025-03-01T09:05:00Z"
    assert services.store.collection("subscriptions").count() == 1
    assert audit_events(services.store)[-1]["action"] == "subscription.update"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://velo.example.com/h", "Must use https (http only on a loopback address"),
        ("https://velo.example.com/h#x", "Must not contain a fragment (#...)."),
        ("https://user:pw@velo.example.com/h", "Must not contain a user name or password"),
        ("ftp://velo.example.com/h", "Not a valid absolute URL."),
    ],
)
def test_the_url_follows_the_redirect_uri_rule(
    services: Services, shop: str, url: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.subscriptions.subscribe(shop, {"url": url})
    assert caught.value.message == "invalid subscription: check url"
    assert caught.value.details["url"][0].startswith(message)


@pytest.mark.parametrize("url", ["http://localhost:8080/h", "http://[::1]:8080/h"])
def test_http_is_allowed_on_loopback(services: Services, shop: str, url: str) -> None:
    record, _ = services.subscriptions.subscribe(shop, {"url": url})
    assert record["url"] == url


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8080/h", "127.0.0.1 is a loopback address"),
        ("https://10.1.2.3/h", "10.1.2.3 is a private address"),
        ("https://169.254.169.254/latest/", "169.254.169.254 is a cloud metadata address"),
        ("https://192.168.0.1/h", "192.168.0.1 is a private address"),
    ],
)
def test_a_url_into_the_owners_network_is_refused(
    store: Store, clock: FakeClock, url: str, message: str
) -> None:
    shipped = Services(store, clock=clock)  # the store as it ships: no loopback either
    assert shipped.outbound == OutboundPolicy(allow_loopback=False)
    shop = register(shipped)
    with pytest.raises(ValidationFailed) as caught:
        shipped.subscriptions.subscribe(shop, {"url": url})
    assert caught.value.message == "invalid subscription: check url"
    assert caught.value.details == {
        "url": [f"{message}: this store does not send to its own network."]
    }
    assert shipped.subscriptions.find(shop) is None


def test_a_name_resolving_into_the_owners_network_is_refused(
    store: Store, clock: FakeClock
) -> None:
    shipped = Services(store, clock=clock)
    shop = register(shipped)
    with pytest.raises(ValidationFailed) as caught:
        shipped.subscriptions.subscribe(shop, {"url": "http://localhost:8080/h"})
    [message] = caught.value.details["url"]
    assert message.startswith("localhost resolves to ")
    assert message.endswith(", a loopback address: this store does not send to its own network.")


def test_bad_categories_and_unknown_fields_are_refused(services: Services, shop: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.subscriptions.subscribe(
            shop, {"url": URL, "categories": ["a,b"], "secret": "whsec_mine"}
        )
    assert caught.value.details == {
        "categories": {"0": ["Must not contain any of: , ; |"]},
        "secret": ["Unknown field."],
    }
    assert services.subscriptions.find(shop) is None


def test_get_and_unsubscribe_without_a_subscription_are_not_found(
    services: Services, shop: str
) -> None:
    with pytest.raises(NotFound, match="no subscription"):
        services.subscriptions.get(shop)
    with pytest.raises(NotFound, match="no subscription"):
        services.subscriptions.unsubscribe(shop)
    with pytest.raises(NotFound, match="no subscription"):
        services.subscriptions.rotate_secret(shop)


def test_unsubscribe_deletes_the_record(services: Services, shop: str) -> None:
    record, _ = services.subscriptions.subscribe(shop, {"url": URL})
    services.subscriptions.unsubscribe(shop)
    assert services.subscriptions.find(shop) is None
    assert audit_events(services.store)[-1] == {
        "actor": f"vendor:{shop}",
        "action": "subscription.delete",
        "target": record["id"],
    }


def test_rotate_secret_replaces_it(services: Services, shop: str, clock: FakeClock) -> None:
    record, _ = services.subscriptions.subscribe(shop, {"url": URL})
    clock.advance(minutes=1)
    rotated = services.subscriptions.rotate_secret(shop)
    assert rotated["secret"] != record["secret"]
    assert rotated["secret"].startswith("whsec_")
    assert rotated["updated_at"] == "2025-03-01T09:01:00Z"
    assert services.subscriptions.get(shop)["secret"] == rotated["secret"]
    assert audit_events(services.store)[-1]["action"] == "subscription.rotate"


def test_unknown_and_blocked_vendors_may_not_subscribe(services: Services, shop: str) -> None:
    with pytest.raises(PermissionDenied, match="no client nobody"):
        services.subscriptions.subscribe("nobody", {"url": URL})
    services.subscriptions.subscribe(shop, {"url": URL})
    services.clients.block(shop)
    with pytest.raises(PermissionDenied, match=f"client {shop} is blocked"):
        services.subscriptions.subscribe(shop, {"url": URL})
    with pytest.raises(PermissionDenied, match=f"client {shop} is blocked"):
        services.subscriptions.rotate_secret(shop)


def test_audience_of_a_public_rfp_is_its_category_and_the_catch_all(
    services: Services,
) -> None:
    bikes, everything, tools, blocked = (register(services, n) for n in "ABCD")
    services.subscriptions.subscribe(bikes, {"url": URL, "categories": ["bikes"]})
    services.subscriptions.subscribe(everything, {"url": URL})
    services.subscriptions.subscribe(tools, {"url": URL, "categories": ["tools"]})
    services.subscriptions.subscribe(blocked, {"url": URL, "categories": ["bikes"]})
    services.clients.block(blocked)
    audience = services.subscriptions.audience(published(services))
    assert [s["client_id"] for s in audience] == [bikes, everything]


def test_audience_of_a_chosen_rfp_is_the_chosen_vendors_whatever_their_categories(
    services: Services,
) -> None:
    chosen, other, unsubscribed, blocked = (register(services, n) for n in "ABCD")
    services.subscriptions.subscribe(chosen, {"url": URL, "categories": ["tools"]})
    services.subscriptions.subscribe(other, {"url": URL})
    services.subscriptions.subscribe(blocked, {"url": URL})
    rfp = published(services, visibility="chosen", chosen_vendors=[chosen, unsubscribed, blocked])
    services.clients.block(blocked)
    assert [s["client_id"] for s in services.subscriptions.audience(rfp)] == [chosen]
