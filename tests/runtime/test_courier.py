"""The courier thread against a real HTTP receiver on a loopback port."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pds.app import create_app
from pds.runtime.courier import PRUNE_SECONDS, TIMEOUT, Courier
from pds.runtime.current import runtime_of
from pds.services import SPECS, Services
from pds.services.intents.webhooks import RetryPolicy
from pds.services.outbound import OutboundPolicy
from pds.store import ScryptParams, Store
from tests.conftest import PASSPHRASE
from tests.services.conftest import LOOPBACK_ALLOWED, FakeClock, audit_events
from tests.services.hookkit import PUBLIC, Names, Receiver
from tests.services.intents.test_rfps import register, rfp_data


@pytest.fixture
def receivers() -> Iterator[list[Receiver]]:
    made: list[Receiver] = []
    yield made
    for receiver in made:
        receiver.close()


@pytest.fixture
def live(store: Store) -> Services:
    """Services on the real clock (the courier's timing is real), retrying after 1 s."""
    retry = RetryPolicy(retry_seconds=1, attempts=3)
    return Services(store, retry=retry, outbound=LOOPBACK_ALLOWED)


@pytest.fixture
def couriers() -> Iterator[list[Courier]]:
    made: list[Courier] = []
    yield made
    for courier in made:
        courier.stop()
        assert not courier.running


def listening(services: Services, url: str, name: str = "Velo Shop") -> dict[str, Any]:
    client = register(services, name)
    record, _ = services.subscriptions.subscribe(client, {"url": url})
    return record


def publish(services: Services) -> dict[str, Any]:
    deadline = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return services.rfps.publish(services.rfps.draft(rfp_data(deadline=deadline))["id"])


def wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def signature_of(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_a_due_delivery_is_posted_signed(live: Services, receivers: list[Receiver]) -> None:
    receivers.append(receiver := Receiver())
    sub = listening(live, receiver.url)
    rfp = publish(live)
    courier = Courier(live)
    assert courier.run_once() == 1
    [got] = receiver.received
    headers = {k.lower(): v for k, v in got["headers"].items()}
    assert set(headers) == {
        "host",
        "accept-encoding",  # urllib3's "identity": nothing that identifies anyone
        "content-length",
        "content-type",
        "user-agent",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    assert headers["content-type"] == "application/json"
    assert headers["accept-encoding"] == "identity"
    assert headers["user-agent"] == "pds-webhooks/1"
    [delivery] = live.webhooks.deliveries()
    assert headers["webhook-id"] == delivery["message_id"]
    assert abs(int(headers["webhook-timestamp"]) - time.time()) <= 5
    assert headers["webhook-signature"] == signature_of(sub["secret"], headers, got["body"])
    assert got["body"] == delivery["body"].encode()
    assert json.loads(got["body"])["data"]["id"] == rfp["pseudonym"]
    assert delivery["state"] == "delivered"
    assert delivery["attempts"][0]["status"] == 200
    assert courier.run_once() == 0
    courier.stop()


def test_a_failed_post_is_retried_by_the_thread(
    live: Services, receivers: list[Receiver], couriers: list[Courier]
) -> None:
    receivers.append(receiver := Receiver(statuses=(500,)))
    listening(live, receiver.url)
    courier = Courier(live, idle=0.05)
    couriers.append(courier)
    courier.start()
    publish(live)
    wait_for(lambda: live.webhooks.deliveries()[0]["state"] == "delivered")
    [delivery] = live.webhooks.deliveries()
    assert [a["status"] for a in delivery["attempts"]] == [500, 200]
    assert [r["headers"]["webhook-id"] for r in receiver.received] == [delivery["message_id"]] * 2
    assert receiver.received[0]["body"] == receiver.received[1]["body"]
    first, second = (datetime.fromisoformat(a["at"]) for a in delivery["attempts"])
    assert second - first >= timedelta(seconds=1)


def test_redirects_are_not_followed(live: Services, receivers: list[Receiver]) -> None:
    receivers.append(receiver := Receiver(statuses=(302, 302, 302)))
    listening(live, receiver.url)
    publish(live)
    courier = Courier(live)
    courier.run_once()
    [delivery] = live.webhooks.deliveries()
    assert delivery["attempts"][0]["status"] == 302
    assert delivery["state"] == "pending"
    assert len(receiver.received) == 1
    courier.stop()


def test_a_hanging_receiver_times_out(live: Services, receivers: list[Receiver]) -> None:
    receivers.append(receiver := Receiver(delay=2.0))
    listening(live, receiver.url)
    publish(live)
    courier = Courier(live, timeout=0.3)
    started = time.monotonic()
    courier.run_once()
    assert time.monotonic() - started < 1.5
    [delivery] = live.webhooks.deliveries()
    [attempt] = delivery["attempts"]
    assert (attempt["status"], attempt["error"]) == (None, "timed out after 0.3 s")
    assert attempt["ms"] >= 300
    assert delivery["state"] == "pending"
    assert TIMEOUT == 5.0 and Courier(live).timeout == 5.0
    courier.stop()


def test_a_slow_vendor_does_not_hold_up_the_others(
    live: Services, receivers: list[Receiver]
) -> None:
    receivers.append(slow := Receiver(delay=2.0))
    receivers.append(quick := Receiver())
    listening(live, slow.url, "Slow Shop")
    listening(live, quick.url, "Quick Shop")
    publish(live)
    courier = Courier(live, timeout=5.0)
    round_ = threading.Thread(target=courier.run_once)
    started = time.monotonic()
    round_.start()
    assert quick.arrived.wait(1.5) and slow.arrived.wait(1.5)
    assert time.monotonic() - started < 1.5  # both posted while the slow one hangs
    round_.join(10)
    assert {d["state"] for d in live.webhooks.deliveries()} == {"delivered"}
    courier.stop()


def test_an_unreachable_receiver_is_a_connection_error(live: Services) -> None:
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        port = closed.server_address[1]  # bound, then closed: nobody listens there
    listening(live, f"http://127.0.0.1:{port}/hook")
    publish(live)
    courier = Courier(live)
    courier.run_once()
    [attempt] = live.webhooks.deliveries()[0]["attempts"]
    assert (attempt["status"], attempt["error"]) == (None, "ConnectionError: could not connect")
    courier.stop()


def test_a_delivery_into_the_owners_network_fails_unsent_and_says_why(
    store: Store, receivers: list[Receiver], caplog: pytest.LogCaptureFixture
) -> None:
    """The vendor's name was public when it subscribed and points at the owner's own
    machine when the webhook is due (DNS rebinding): no connection, a failed delivery."""
    receivers.append(receiver := Receiver())
    names = Names({"hooks.shop.test": [[PUBLIC], ["127.0.0.1"]]})
    services = Services(store, outbound=OutboundPolicy(resolve=names))
    sub = listening(services, f"https://hooks.shop.test:{receiver.port}/hooks/pds")
    publish(services)
    courier = Courier(services)
    with caplog.at_level(logging.INFO, logger="pds.courier"):
        assert courier.run_once() == 1
    [delivery] = services.webhooks.deliveries()
    assert delivery["state"] == "failed" and delivery["next_attempt_at"] is None
    [attempt] = delivery["attempts"]
    assert (attempt["status"], attempt["ms"]) == (None, 0)
    assert attempt["error"] == (
        "not sent: hooks.shop.test resolves to 127.0.0.1, a loopback address: "
        "this store does not send to its own network."
    )
    assert receiver.connections == 0 and receiver.received == []
    assert names.lookups == ["hooks.shop.test", "hooks.shop.test"]  # subscribe, then post
    [logged] = [r for r in caplog.records if r.name == "pds.courier"]
    assert logged.levelno == logging.WARNING
    assert logged.getMessage() == (
        f"webhook {delivery['id']} not sent: its URL leads into the owner's network"
    )
    assert sub["url"] not in caplog.text and "hooks.shop.test" not in caplog.text
    assert courier.run_once() == 0  # failed for good: not tried again
    courier.stop()


def test_delivery_never_blocks_the_owner(
    live: Services, receivers: list[Receiver], couriers: list[Courier]
) -> None:
    receivers.append(receiver := Receiver(delay=1.5))
    listening(live, receiver.url)
    courier = Courier(live, timeout=3.0)
    couriers.append(courier)
    courier.start()
    publish(live)
    assert receiver.arrived.wait(5), "the courier did not post"
    started = time.monotonic()
    second = publish(live)  # while the courier waits on the hanging receiver
    live.rfps.close(second["id"])
    assert time.monotonic() - started < 0.5
    assert {d["state"] for d in live.webhooks.deliveries()} == {"pending"}


def test_the_sweep_expires_due_rfps_every_so_often(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock)
    rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    ticks = [0.0]
    courier = Courier(services, sweep_seconds=30, monotonic=lambda: ticks[0])
    courier.run_once()
    clock.advance(days=10)
    ticks[0] = 29.0
    courier.run_once()
    assert store.collection("rfps").get(rfp["id"])["status"] == "open"
    ticks[0] = 30.0
    courier.run_once()
    assert store.collection("rfps").get(rfp["id"])["status"] == "expired"
    courier.stop()


def test_the_delivery_log_is_pruned_about_once_an_hour(store: Store, clock: FakeClock) -> None:
    services = Services(store, clock=clock, webhook_log_days=30)
    services.subscriptions.subscribe(register(services), {"url": "https://velo.example.com/hooks"})
    rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    [delivery] = services.webhooks.deliveries(rfp_id=rfp["id"])
    services.webhooks.record_attempt(delivery["id"], 204, None, 7)  # nothing left to post
    ticks = [0.0]
    courier = Courier(services, monotonic=lambda: ticks[0])
    assert courier.prune_seconds == PRUNE_SECONDS == 3600
    courier.run_once()  # the first round prunes: nothing is 30 days old yet
    clock.advance(days=31)
    ticks[0] = 3599.0
    courier.run_once()
    assert services.webhooks.find(delivery["id"]) is not None
    ticks[0] = 3600.0
    courier.run_once()
    assert services.webhooks.find(delivery["id"]) is None
    assert audit_events(store)[-1] == {"actor": "system", "action": "webhook.prune", "count": 1}
    courier.stop()


def test_the_courier_keeps_the_log_when_told_to_keep_it_forever(
    store: Store, clock: FakeClock
) -> None:
    services = Services(store, clock=clock, webhook_log_days=0)
    services.subscriptions.subscribe(register(services), {"url": "https://velo.example.com/hooks"})
    rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    [delivery] = services.webhooks.deliveries(rfp_id=rfp["id"])
    services.webhooks.refuse(delivery["id"], "the vendor is blocked")
    clock.advance(days=3650)
    Courier(services, monotonic=lambda: 0.0).run_once()
    assert services.webhooks.find(delivery["id"]) is not None


def test_the_thread_ends_when_the_store_closes(tmp_path: Path) -> None:
    kdf = ScryptParams.fresh(n=2**10)
    store = Store.create(tmp_path / "s", "pass phrase", specs=SPECS, kdf=kdf)
    courier = Courier(Services(store), idle=0.05)
    courier.start()
    assert courier.running
    store.close()
    wait_for(lambda: not courier.running, timeout=5)
    courier.stop()


# -- the app factory starts and stops it -----------------------------------------------------


def test_the_app_runs_the_courier_when_enabled(made_store: Path) -> None:
    app = create_app({"home": made_store, "passphrase": PASSPHRASE})
    runtime = runtime_of(app)
    try:
        courier = runtime.workers.courier
        assert courier is not None and courier.running
        assert any(t.name == "pds-courier" for t in threading.enumerate())
        services = runtime.services
        assert services.webhooks.policy == RetryPolicy(30, 8)
        assert services.webhooks.log_days == 90
        assert services.issuer == "http://127.0.0.1:8000"
        assert services.outbound == OutboundPolicy(allow_loopback=False)
    finally:
        runtime.close()
    assert not courier.running


def test_the_app_can_run_without_it(made_store: Path) -> None:
    settings = {
        "webhooks_enabled": "false",
        "webhook_retry_seconds": "5",
        "webhook_attempts": "2",
        "outbound_allow_loopback": "true",
        "webhook_log_days": "0",
    }
    app = create_app({"home": made_store, "passphrase": PASSPHRASE, **settings})
    runtime = runtime_of(app)
    try:
        assert runtime.workers.courier is None
        assert not any(t.name == "pds-courier" for t in threading.enumerate())
        assert runtime.services.webhooks.policy == RetryPolicy(5, 2)
        assert runtime.services.webhooks.log_days == 0
        assert runtime.services.outbound == OutboundPolicy(allow_loopback=True)
    finally:
        runtime.close()
