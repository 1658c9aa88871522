"""Acceptance (issue 14, point 2): the store never sends into the owner's own network.

The real ``pds serve``, as it ships (``PDS_OUTBOUND_ALLOW_LOOPBACK`` off), and a vendor
using the SDK: subscribing with a loopback, private, link-local or cloud metadata
address, or a name that resolves to one, is a 422 naming ``url``. And a subscription
that was fine when it was made (loopback allowed then) but leads into the owner's
network when a webhook is due is not posted to: the receiver gets no connection, the
owner's delivery log shows the failure and why, and the server log names the delivery
only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.processes import Running, serve
from tests.e2e.test_rfp_flow import CATEGORY, eventually, log_in, publish_rfp
from tests.services.hookkit import Receiver
from vendors.sdk import RfpClient
from vendors.sdk.errors import InvalidRequest, NotFound

WHY = ": this store does not send to its own network."
SHIPPED = {"PDS_OUTBOUND_ALLOW_LOOPBACK": "false"}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A vendor's webhook endpoint on this machine, counting every connection."""
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def servers() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for running in started:
        running.stop()


def refusals(port: int) -> dict[str, str]:
    """URL -> why the store refuses it (``localhost`` is looked at on its own)."""
    return {
        f"http://127.0.0.1:{port}/hooks/pds": "127.0.0.1 is a loopback address",
        f"http://[::1]:{port}/hooks/pds": "::1 is a loopback address",
        "https://2130706433/hooks": "2130706433 resolves to 127.0.0.1, a loopback address",
        "https://[::ffff:7f00:1]/hooks": "::ffff:7f00:1 is a loopback address",
        "https://10.0.0.7/hooks": "10.0.0.7 is a private address",
        "https://192.168.178.1/hooks": "192.168.178.1 is a private address",
        "https://[fd12:3456::1]/hooks": "fd12:3456::1 is a private address",
        "https://100.64.0.1/hooks": "100.64.0.1 is a shared address (carrier-grade NAT)",
        "https://169.254.169.254/latest/meta-data/": "169.254.169.254 is a cloud metadata address",
        "https://[fd00:ec2::254]/latest/meta-data/": "fd00:ec2::254 is a cloud metadata address",
        "https://[fe80::1]/hooks": "fe80::1 is a link-local address",
        "https://0.0.0.0/hooks": "0.0.0.0 is the unspecified address",
        "https://224.0.0.251/hooks": "224.0.0.251 is a multicast address",
    }


def refused(vendor: RfpClient, url: str) -> str:
    """The one reason the store gives for refusing ``url`` (a 422 naming ``url``)."""
    with pytest.raises(InvalidRequest) as caught:
        vendor.subscribe(url, [CATEGORY])
    assert (caught.value.status, caught.value.code) == (422, "validation_failed")
    assert set(caught.value.errors) == {"url"}
    [reason] = caught.value.errors["url"]
    return str(reason)


def test_a_vendor_cannot_subscribe_into_the_owners_network(
    env: dict[str, str],
    demo_store: None,
    tmp_path: Path,
    receiver: Receiver,
    servers: list[Running],
) -> None:
    servers.append(store := serve({**env, **SHIPPED}, tmp_path / "pds.log"))
    vendor = RfpClient(store.url)
    vendor.register("Curious Vendor")
    for url, reason in refusals(receiver.port).items():
        assert refused(vendor, url) == reason + WHY, url
    by_name = refused(vendor, f"http://localhost:{receiver.port}/hooks/pds")
    loopback = r"localhost resolves to (127\.0\.0\.1|::1), a loopback address" + re.escape(WHY)
    assert re.fullmatch(loopback, by_name)
    with pytest.raises(NotFound):
        vendor.subscription()
    assert receiver.connections == 0


def deliveries_row(browser: requests.Session, store: str, rfp_id: str) -> str | None:
    """The (one) row of the RFP's delivery log once the delivery is no longer pending."""
    page = browser.get(f"{store}/rfps/{rfp_id}/deliveries").text
    rows = re.findall(r"<tbody>(.*?)</tbody>", page, re.S)
    return rows[0] if rows and "<td>pending</td>" not in rows[0] else None


def test_a_subscription_leading_inside_at_delivery_gets_no_connection_and_a_visible_failure(
    env: dict[str, str],
    demo_store: None,
    tmp_path: Path,
    receiver: Receiver,
    servers: list[Running],
) -> None:
    url = f"http://localhost:{receiver.port}/hooks/pds"
    allowed = serve({**env, "PDS_OUTBOUND_ALLOW_LOOPBACK": "true"}, tmp_path / "allowed.log")
    servers.append(allowed)
    vendor = RfpClient(allowed.url)
    vendor.register("Loopback Vendor")
    vendor.subscribe(url, [CATEGORY])
    browser = requests.Session()
    log_in(browser, allowed.url)
    publish_rfp(browser, allowed.url)
    eventually(lambda: receiver.received, "the webhook while loopback is allowed")
    allowed.stop()
    connections = receiver.connections

    shipped = serve({**env, **SHIPPED}, tmp_path / "shipped.log")
    servers.append(shipped)
    browser = requests.Session()
    log_in(browser, shipped.url)
    rfp_id, _ = publish_rfp(browser, shipped.url)
    row = eventually(lambda: deliveries_row(browser, shipped.url, rfp_id), "the refusal")
    assert "<td>Loopback Vendor</td>" in row and "<td>failed</td>" in row
    [attempt] = re.findall(r"<li>[^<]*?\d\d: (.*?)</li>", row, re.S)  # after the time
    assert re.fullmatch(
        r"not sent: localhost resolves to (127\.0\.0\.1|::1), a loopback address"
        + re.escape(WHY)
        + r" \(0 ms\)",
        attempt,
    )
    assert receiver.connections == connections and len(receiver.received) == 1
    shipped.stop()
    log = (tmp_path / "shipped.log").read_text()
    assert re.search(r"webhook \S+ not sent: its URL leads into the owner's network", log)
    assert "localhost" not in log and "/hooks/pds" not in log  # ids only, never the URL
