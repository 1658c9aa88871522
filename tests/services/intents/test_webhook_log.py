"""The delivery log's retention: ``prune`` removes the finished deliveries (never a
pending one) whose last attempt ended before a cutoff; ``prune_log`` applies the days the
store keeps them (``PDS_WEBHOOK_LOG_DAYS``, 0 = forever)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from pds.schemas.temporal import format_instant
from pds.services import Services
from pds.services.intents.webhooks import LOG_DAYS
from pds.store import Store
from tests.services.conftest import START, FakeClock, audit_events
from tests.services.intents.test_rfps import register
from tests.services.intents.test_webhooks import published, subscribe


@pytest.fixture
def shop(services: Services) -> str:
    """A vendor subscribed to every RFP: each one published is one delivery to it."""
    client = register(services)
    subscribe(services, client)
    return client


def new_delivery(services: Services) -> dict[str, Any]:
    """The pending delivery of an RFP published now (by the services' clock)."""
    rfp = published(services, deadline=format_instant(services.clock() + timedelta(days=3)))
    [delivery] = services.webhooks.deliveries(rfp_id=rfp["id"])
    return delivery


def delivered(services: Services) -> dict[str, Any]:
    return services.webhooks.record_attempt(new_delivery(services)["id"], 204, None, 9)


def log_ids(services: Services) -> set[str]:
    return {d["id"] for d in services.webhooks.deliveries()}


def test_prune_removes_only_finished_deliveries_older_than_the_cutoff(
    services: Services, clock: FakeClock, store: Store, shop: str
) -> None:
    old_delivered = delivered(services)
    old_failed = services.webhooks.refuse(new_delivery(services)["id"], "the vendor is blocked")
    old_retrying = services.webhooks.record_attempt(new_delivery(services)["id"], 503, None, 9)
    old_untried = new_delivery(services)
    clock.advance(days=30)
    recent = delivered(services)
    assert (old_delivered["state"], old_failed["state"]) == ("delivered", "failed")
    assert services.webhooks.prune(clock.now - timedelta(days=10)) == 2
    assert log_ids(services) == {old_retrying["id"], old_untried["id"], recent["id"]}
    assert audit_events(store)[-1] == {"actor": "system", "action": "webhook.prune", "count": 2}
    assert [d["id"] for d in services.webhooks.due()] == [old_untried["id"], old_retrying["id"]]


def test_the_cutoff_is_when_the_last_attempt_ended_not_when_it_was_queued(
    services: Services, clock: FakeClock, shop: str
) -> None:
    delivery = new_delivery(services)
    clock.advance(hours=1)
    services.webhooks.record_attempt(delivery["id"], 200, None, 5)
    ended = START + timedelta(hours=1)
    assert services.webhooks.prune(ended) == 0
    assert log_ids(services) == {delivery["id"]}
    assert services.webhooks.prune(ended + timedelta(seconds=1)) == 1
    assert log_ids(services) == set()


def test_nothing_to_prune_is_not_audited(
    services: Services, clock: FakeClock, store: Store, shop: str
) -> None:
    delivered(services)
    before = audit_events(store)
    assert services.webhooks.prune(START - timedelta(days=1)) == 0
    assert audit_events(store) == before


def test_many_finished_deliveries_go_in_one_audited_removal(
    services: Services, clock: FakeClock, store: Store, shop: str
) -> None:
    """A store that served many vendors: every old delivery goes, one audit event says
    how many."""
    for _ in range(5):
        subscribe(services, register(services, "Another Shop"))
    rfp = published(services)
    for delivery in services.webhooks.deliveries(rfp_id=rfp["id"]):
        services.webhooks.record_attempt(delivery["id"], 204, None, 3)
    clock.advance(days=1)
    assert services.webhooks.prune(clock.now) == 6
    prunes = [e for e in audit_events(store) if e["action"] == "webhook.prune"]
    assert prunes == [{"actor": "system", "action": "webhook.prune", "count": 6}]


# -- the retention the store keeps ---------------------------------------------------------


def test_the_log_keeps_finished_deliveries_ninety_days_by_default(
    services: Services, clock: FakeClock, shop: str
) -> None:
    assert services.webhooks.log_days == LOG_DAYS == 90
    delivery = delivered(services)
    clock.advance(days=90)
    assert services.webhooks.prune_log() == 0
    clock.advance(seconds=1)
    assert services.webhooks.prune_log() == 1
    assert services.webhooks.find(delivery["id"]) is None


def test_a_shorter_log_is_pruned_sooner(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock, webhook_log_days=7)
    subscribe(services, register(services))
    delivery = delivered(services)
    clock.advance(days=7, seconds=1)
    assert services.using(clock=clock).webhooks.log_days == 7
    assert services.webhooks.prune_log() == 1
    assert services.webhooks.find(delivery["id"]) is None


def test_zero_days_keeps_the_log_forever(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock, webhook_log_days=0)
    subscribe(services, register(services))
    delivery = delivered(services)
    before = audit_events(store)
    clock.advance(days=3650)
    assert services.webhooks.prune_log() == 0
    assert log_ids(services) == {delivery["id"]}
    assert audit_events(store) == before


def test_negative_days_are_a_programming_error(store: Store) -> None:
    with pytest.raises(ValueError, match=r"log_days must be 0 \(forever\) or more, not -1"):
        Services(store, webhook_log_days=-1)
