"""The webhook outbox: signing, the retry schedule, failure, and the transaction rule."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
from typing import Any

import pytest

from pds.errors import Conflict, NotFound
from pds.schemas.temporal import parse_instant
from pds.services import Services
from pds.services.intents.rfp_views import vendor_view
from pds.services.intents.rfps import public_view
from pds.services.intents.webhook_signing import new_message_id, sign, signed_headers
from pds.services.intents.webhooks import RetryPolicy
from pds.store import Store
from tests.services.conftest import FakeClock, audit_events
from tests.services.intents.test_offers import offer_data
from tests.services.intents.test_rfps import register, rfp_data

HOOK = "https://velo.example.com/hooks/pds"


def subscribe(services: Services, client_id: str, **data: Any) -> dict[str, Any]:
    record, _ = services.subscriptions.subscribe(client_id, {"url": HOOK, **data})
    return record


def published(services: Services, **overrides: Any) -> dict[str, Any]:
    return services.rfps.publish(services.rfps.draft(rfp_data(**overrides))["id"])


# -- signing ------------------------------------------------------------------------------


def test_signature_matches_the_standard_webhooks_vector() -> None:
    """The example of the Standard Webhooks specification."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_is_the_formula_of_the_contract() -> None:
    key = bytes(range(32))
    secret = "whsec_" + base64.b64encode(key).decode()
    body = b'{"type":"rfp.published","data":{"id":"rfp-x"}}'
    expected = hmac.new(key, b"msg_abc.1700000000." + body, hashlib.sha256).digest()
    assert sign(secret, "msg_abc", 1700000000, body) == "v1," + base64.b64encode(expected).decode()
    assert sign(secret, "msg_abc", 1700000001, body) != sign(secret, "msg_abc", 1700000000, body)


def test_headers_carry_nothing_but_the_contract() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    headers = signed_headers(secret, "msg_abc", 1700000000, b"{}")
    assert headers == {
        "Content-Type": "application/json",
        "User-Agent": "pds-webhooks/1",
        "webhook-id": "msg_abc",
        "webhook-timestamp": "1700000000",
        "webhook-signature": sign(secret, "msg_abc", 1700000000, b"{}"),
    }


def test_message_ids_are_random_base32() -> None:
    ids = {new_message_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"msg_[a-z2-7]{24}", i) for i in ids)


# -- the outbox ---------------------------------------------------------------------------


def test_publish_enqueues_one_delivery_per_listening_vendor(
    services: Services, clock: FakeClock
) -> None:
    shop, books, everything = (register(services, n) for n in ("Velo", "Books", "All"))
    subscribe(services, shop, categories=["bikes"])
    subscribe(services, books, categories=["books"])
    subscribe(services, everything)
    rfp = published(services)
    log = services.webhooks.deliveries(rfp_id=rfp["id"])
    assert sorted(d["client_id"] for d in log) == sorted([shop, everything])
    delivery = log[0]
    assert delivery["state"] == "pending"
    assert delivery["event"] == "rfp.published"
    assert delivery["attempts"] == []
    assert delivery["next_attempt_at"] == "2025-03-01T09:00:00Z"
    assert re.fullmatch(r"msg_[a-z2-7]{24}", delivery["message_id"])
    body = json.loads(delivery["body"])
    assert body == {
        "type": "rfp.published",
        "timestamp": "2025-03-01T09:00:00Z",
        "data": {**public_view(rfp), "status": "open"},
    }
    assert delivery["body"] == json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    assert rfp["id"] not in delivery["body"]
    assert [d["id"] for d in services.webhooks.due()] == sorted(d["id"] for d in log)


def test_outgoing_signs_with_the_current_secret(services: Services, clock: FakeClock) -> None:
    shop = register(services)
    subscribe(services, shop)
    published(services)
    rotated = services.subscriptions.rotate_secret(shop)
    [delivery] = services.webhooks.due()
    clock.advance(seconds=42)
    out = services.webhooks.outgoing(delivery)
    assert out is not None
    assert out.url == HOOK
    assert out.body == delivery["body"].encode()
    stamp = int(parse_instant("2025-03-01T09:00:42Z").timestamp())
    assert out.headers == signed_headers(rotated["secret"], delivery["message_id"], stamp, out.body)


def test_a_delivered_attempt_leaves_the_queue(services: Services, clock: FakeClock) -> None:
    shop = register(services)
    subscribe(services, shop)
    published(services)
    [delivery] = services.webhooks.due()
    clock.advance(seconds=1)
    done = services.webhooks.record_attempt(delivery["id"], 204, None, 12)
    assert done["state"] == "delivered"
    assert done["next_attempt_at"] is None
    attempt = {"at": "2025-03-01T09:00:01Z", "status": 204, "error": None, "ms": 12}
    assert done["attempts"] == [attempt]
    assert services.webhooks.due() == []
    assert services.webhooks.next_due() is None
    with pytest.raises(Conflict) as caught:
        services.webhooks.record_attempt(delivery["id"], 200, None, 1)
    assert caught.value.message == f"delivery {delivery['id']} is delivered, not pending"
    assert audit_events(services.store)[-1] == {
        "actor": "system",
        "action": "webhook.delivered",
        "target": delivery["id"],
    }


def test_retries_back_off_exponentially_then_fail(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock, retry=RetryPolicy(retry_seconds=10, attempts=4))
    shop = register(services)
    subscribe(services, shop)
    published(services)
    [delivery] = services.webhooks.due()
    waits = []
    for attempt, (status, error) in enumerate([(500, None), (None, "timed out"), (302, None)]):
        before = clock.now
        updated = services.webhooks.record_attempt(delivery["id"], status, error, 5)
        assert updated["state"] == "pending"
        assert len(updated["attempts"]) == attempt + 1
        due_at = parse_instant(updated["next_attempt_at"])
        waits.append((due_at - before).total_seconds())
        clock.now = due_at
        assert [d["id"] for d in services.webhooks.due()] == [delivery["id"]]
    for wait, base in zip(waits, (10, 20, 40), strict=True):
        assert base <= wait <= base * 1.1
    failed = services.webhooks.record_attempt(delivery["id"], 503, None, 5)
    assert failed["state"] == "failed"
    assert failed["next_attempt_at"] is None
    assert [a["status"] for a in failed["attempts"]] == [500, None, 302, 503]
    assert failed["attempts"][1]["error"] == "timed out"
    assert services.webhooks.due() == []


def test_backoff_schedule_and_jitter_bounds() -> None:
    policy = RetryPolicy(retry_seconds=30, attempts=8)
    assert [policy.delay(n, 0.0) for n in range(1, 8)] == [30, 60, 120, 240, 480, 960, 1920]
    assert policy.delay(3, 0.999) == pytest.approx(120 * 1.0999)
    assert RetryPolicy() == policy


def test_jitter_comes_from_the_injected_source(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock, retry=RetryPolicy(retry_seconds=100, attempts=3))
    services.webhooks.jitter = random.Random(7)
    expected = 100 * (1 + 0.1 * random.Random(7).random())
    shop = register(services)
    subscribe(services, shop)
    published(services)
    [delivery] = services.webhooks.due()
    updated = services.webhooks.record_attempt(delivery["id"], 500, None, 1)
    wait = (parse_instant(updated["next_attempt_at"]) - clock.now).total_seconds()
    assert wait == int(expected)


def test_not_due_before_its_time(services: Services, clock: FakeClock) -> None:
    shop = register(services)
    subscribe(services, shop)
    published(services)
    [delivery] = services.webhooks.due()
    services.webhooks.record_attempt(delivery["id"], 500, None, 1)
    assert services.webhooks.due() == []
    assert services.webhooks.due(clock.now.replace(minute=1)) != []


def test_unsubscribed_or_blocked_vendors_are_not_posted(
    services: Services, clock: FakeClock
) -> None:
    gone, blocked = register(services, "Gone"), register(services, "Blocked")
    for client in (gone, blocked):
        subscribe(services, client)
    published(services)
    services.subscriptions.unsubscribe(gone)
    services.clients.block(blocked)
    for delivery in services.webhooks.due():
        assert services.webhooks.outgoing(delivery) is None
    states = {d["client_id"]: d for d in services.webhooks.deliveries()}
    assert states[gone]["state"] == states[blocked]["state"] == "failed"
    assert states[gone]["attempts"][-1]["error"] == "the vendor unsubscribed"
    assert states[blocked]["attempts"][-1]["error"] == "the vendor is blocked"


def test_the_log_filters_by_rfp_and_vendor_newest_first(services: Services) -> None:
    shop, other = register(services, "Velo"), register(services, "Rad")
    subscribe(services, shop)
    subscribe(services, other)
    first, second = published(services), published(services)
    log = services.webhooks.deliveries()
    assert [d["id"] for d in log] == sorted((d["id"] for d in log), reverse=True)
    assert {d["rfp_id"] for d in services.webhooks.deliveries(rfp_id=first["id"])} == {first["id"]}
    mine = services.webhooks.deliveries(client_id=shop)
    assert [d["rfp_id"] for d in mine] == [second["id"], first["id"]]
    [theirs] = services.webhooks.deliveries(rfp_id=second["id"], client_id=other)
    assert theirs["rfp_id"] == second["id"]
    with pytest.raises(NotFound) as caught:
        services.webhooks.get("nope")
    assert caught.value.message == "no delivery nope"


def test_unknown_events_are_a_programming_error(services: Services) -> None:
    with pytest.raises(ValueError, match=r"unknown webhook event rfp\.deleted"):
        services.webhooks.enqueue("rfp.deleted", {}, [], rfp_id="x")


# -- the transaction rule -----------------------------------------------------------------


def test_deliveries_are_part_of_the_callers_transaction(services: Services) -> None:
    shop = register(services)
    subscribe(services, shop)
    rfp = services.rfps.draft(rfp_data())
    with pytest.raises(RuntimeError), services.store.transaction():
        services.rfps.publish(rfp["id"])
        assert len(services.webhooks.deliveries()) == 1  # inside: there
        raise RuntimeError("the caller fails after the move")
    assert services.webhooks.deliveries() == []
    assert services.rfps.get(rfp["id"])["status"] == "draft"


def test_a_refused_move_enqueues_nothing(services: Services, clock: FakeClock) -> None:
    shop = register(services)
    subscribe(services, shop)
    rfp = services.rfps.draft(rfp_data(disclosure=["missing.preference"]))
    with pytest.raises(Exception, match="invalid rfp: check disclosure"):
        services.rfps.publish(rfp["id"])
    open_rfp = published(services)
    before = len(services.webhooks.deliveries())
    with pytest.raises(Exception, match="is not a live offer"):
        services.rfps.award(open_rfp["id"], "no-such-offer")
    with pytest.raises(Exception, match="only an open rfp can be amended"):
        services.rfps.amend(rfp["id"], {"quantity": 3})
    assert len(services.webhooks.deliveries()) == before == 1


def test_what_vendors_are_sent_tells_the_time_to_the_minute_only(
    services: Services, clock: FakeClock
) -> None:
    """Like the RFP's published_at: a body's timestamp and an offer's times (the owner's
    answer, say) never say the second, which could tie the RFP to the owner's activity
    elsewhere. The webhook-timestamp header keeps its seconds (see docs/rfps.md)."""
    shop = register(services, "Velo")
    subscribe(services, shop)
    clock.advance(minutes=7, seconds=33)
    rfp = published(services)
    [told] = services.webhooks.deliveries(rfp_id=rfp["id"])
    sent = services.webhooks.outgoing(told)
    assert sent is not None
    body = json.loads(sent.body)
    assert body["timestamp"] == body["data"]["published_at"] == "2025-03-01T09:07:00Z"
    assert sent.headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    clock.advance(seconds=49)
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.ask(offer["id"], shop, "Does it come in L?")
    clock.advance(minutes=3, seconds=43)
    services.offers.answer(offer["id"], "Yes.")
    answered = services.webhooks.deliveries(rfp_id=rfp["id"])[0]
    assert answered["event"] == "offer.answered"
    body = json.loads(answered["body"])
    assert body["timestamp"] == "2025-03-01T09:12:00Z"
    for seen in (body["data"]["offer"], vendor_view(services.offers.own(offer["id"], shop))):
        assert (seen["created_at"], seen["updated_at"]) == (
            "2025-03-01T09:08:00Z",
            "2025-03-01T09:12:00Z",
        )
        assert [said["at"] for said in seen["thread"]] == [
            "2025-03-01T09:08:00Z",
            "2025-03-01T09:12:00Z",
        ]
