"""Acceptance (issue 5): before award, vendors learn nothing that names the owner.

Two vendors (the SDK, over a recording ``requests`` session, and a recording webhook
receiver) do everything a vendor can before an award: register, get tokens (and fail
to), subscribe, read the feed (JSON and Atom) and the API, offer, ask, get errors of
every kind, receive webhooks for publish, amend, answer and a decline. Then the store
is opened and every identifier of the owner is looked for in every byte they received:
name, email, phone, address, the store id, each vendor's pairwise ``sub``, the RFPs'
record ids and the values of preferences the RFPs did not disclose.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from pds.services import Services
from pds.services.collections import SPECS
from pds.store import Store
from tests.conftest import PASSPHRASE
from tests.e2e.processes import Running, csrf
from tests.e2e.test_rfp_flow import eventually, log_in
from vendors.sdk import RfpClient

DISCLOSED = {"electronics": ["delivery.window"], "books": ["books.genres"]}


class Recorder(requests.Session):
    """A session that keeps every response a vendor gets: status line, headers, body."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[bytes] = []
        self.hooks["response"].append(self._keep)

    def _keep(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        head = f"{response.status_code} {response.reason}\n" + "".join(
            f"{name}: {value}\n" for name, value in response.headers.items()
        )
        self.received.append(head.encode() + response.content)


class Inbox(ThreadingHTTPServer):
    """A vendor's webhook endpoint on loopback: keeps each request's headers and body."""

    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.events: list[dict[str, Any]] = []
        super().__init__(("127.0.0.1", 0), _InboxHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class _InboxHandler(BaseHTTPRequestHandler):
    server: Inbox

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.received.append(str(self.headers).encode() + body)
        self.server.events.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def inboxes() -> Iterator[list[Inbox]]:
    boxes = [Inbox(), Inbox()]
    for box in boxes:
        threading.Thread(target=box.serve_forever, daemon=True).start()
    yield boxes
    for box in boxes:
        box.shutdown()
        box.server_close()


def publish(browser: requests.Session, store: str, category: str) -> tuple[str, str]:
    """Publish an RFP in the portal, disclosing one preference; (record id, pseudonym)."""
    form = browser.get(store + "/rfps/new")
    page = browser.post(
        store + "/rfps/new",
        data={
            "csrf_token": csrf(form.text),
            "title": f"Looking for {category}",
            "category": category,
            "budget_max": "200",
            "budget_currency": "EUR",
            "deadline": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "quantity": "2",
            "visibility": "public",
            "disclosure": DISCLOSED[category],
            "action": "publish",
        },
    )
    published = re.search(r"Published: vendors see it as (rfp-[a-z2-7]{16})", page.text)
    assert published, page.text
    return page.url.rsplit("/", 1)[1], published.group(1)


def owner_acts(browser: requests.Session, store: str, rfp_id: str, path: str, **form: str) -> None:
    page = browser.get(f"{store}/rfps/{rfp_id}")
    done = browser.post(f"{store}{path}", data={"csrf_token": csrf(page.text), **form})
    assert done.status_code == 200, done.text


def probe_errors(vendor: RfpClient, http: Recorder, store: str, pseudonym: str) -> None:
    """Every kind of refusal a vendor can provoke (each response is recorded)."""
    api = f"{store}/api/v1"
    bearer = {"Authorization": f"Bearer {vendor.credentials.get().access_token}"}
    dollars = {"price": "10.00", "currency": "USD", "delivery_date": "2030-01-01"}
    expected = [
        (http.get(f"{api}/rfps"), 401),  # no token
        (http.get(f"{api}/rfps", headers={"Authorization": "Bearer nope" * 4}), 401),
        (http.get(f"{api}/purchases", headers=bearer), 403),  # a scope it does not have
        (http.get(f"{api}/rfps/rfp-aaaaaaaaaaaaaaaa", headers=bearer), 404),
        (http.get(f"{api}/offers/unknown", headers=bearer), 404),
        (http.put(f"{api}/rfps/{pseudonym}/offer", data="{", headers=bearer), 415),
        (
            http.put(
                f"{api}/rfps/{pseudonym}/offer",
                data="{",
                headers={**bearer, "Content-Type": "application/json"},
            ),
            400,
        ),
        (http.put(f"{api}/rfps/{pseudonym}/offer", json=dollars, headers=bearer), 422),
        (http.put(f"{api}/rfps/{pseudonym}/offer", json={"price": -1}, headers=bearer), 422),
        (http.post(f"{store}/oauth/token", data={"grant_type": "client_credentials"}), 401),
        (http.post(f"{store}/oauth/register", json={"client_name": ""}), 400),
    ]
    for response, status in expected:
        assert response.status_code == status, (response.request.url, response.text)
    http.get(f"{store}/.well-known/openid-configuration")


def identifiers(
    home: Path, rfp_ids: list[str], client_ids: list[str], vocabulary: str
) -> dict[str, str]:
    """What names the owner (or joins RFPs to them): label -> the value looked for.
    Preference values that are words of the store's public ``vocabulary`` (the discovery
    document: "email" is a claim name there) say nothing of the owner and are skipped."""
    store = Store.open(home, PASSPHRASE, specs=SPECS)
    try:
        services = Services(store)
        profile = services.profile.get()
        found = {
            f"profile.{key}": str(value)
            for key, value in profile.items()
            if key in ("name", "given_name", "family_name", "email", "phone_number")
        }
        for key, value in profile["address"].items():
            found[f"address.{key}"] = str(value)
        found["store id"] = store.vault.header.store_id
        for client_id in client_ids:
            found[f"sub of {client_id}"] = services.subjects.for_client(client_id)
        for rfp_id in rfp_ids:
            found[f"rfp record {rfp_id}"] = rfp_id
        disclosed = {key for keys in DISCLOSED.values() for key in keys}
        for preference in services.preferences.list():
            if preference["key"] in disclosed:
                continue
            value = preference["value"]
            values = value if isinstance(value, list) else [value]
            for one in values:
                if isinstance(one, str) and json.dumps(one) not in vocabulary:
                    found[f"preference {preference['key']}"] = json.dumps(one)  # a JSON string
    finally:
        store.close()
    return found


def leaks(received: list[bytes], secrets: dict[str, str]) -> list[str]:
    found = []
    for blob in received:
        text = blob.decode("utf-8", errors="replace")
        for label, value in secrets.items():
            forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
            if any(form and form.lower() in text.lower() for form in forms):
                found.append(f"{label} in: {text[:200]!r}")
    return found


def test_nothing_vendors_receive_before_award_names_the_owner(
    store: Running, inboxes: list[Inbox], home: Path
) -> None:
    browser = requests.Session()
    log_in(browser, store.url)
    recorders = [Recorder(), Recorder()]
    vendors = [RfpClient(store.url, session=http) for http in recorders]
    for number, (vendor, inbox) in enumerate(zip(vendors, inboxes, strict=True)):
        vendor.register(f"Leak Test Vendor {number}")
        vendor.subscribe(inbox.url, ["electronics", "books"])

    (rfp_id, pseudonym), (other_id, other) = (
        publish(browser, store.url, "electronics"),
        publish(browser, store.url, "books"),
    )
    views = {view.id: view for view in vendors[0].open_rfps()}
    assert set(views) == {pseudonym, other}
    for http in recorders:
        http.get(store.url + "/rfps/feed")
        http.get(store.url + "/rfps/feed.atom")
    offers = [
        vendor.submit_offer(pseudonym, price="99.00", currency="EUR", delivery_date="2030-01-10")
        for vendor in vendors
    ]
    vendors[0].ask(offers[0].id, "Is a white one all right?")
    for vendor, http in zip(vendors, recorders, strict=True):
        probe_errors(vendor, http, store.url, pseudonym)
        vendor.offers()
        vendor.rfp(other)

    answer, decline = (f"/rfps/{rfp_id}/offers/{offer.id}/" for offer in offers)
    owner_acts(browser, store.url, rfp_id, answer + "answer", text="Yes.")
    owner_acts(browser, store.url, rfp_id, decline + "decline")
    expected = [{"rfp.published", "offer.answered"}, {"rfp.published", "offer.not_selected"}]
    for inbox, events in zip(inboxes, expected, strict=True):
        eventually(lambda: events <= {e["type"] for e in inbox.events}, "the webhooks")  # noqa: B023
    vocabulary = requests.get(store.url + "/.well-known/openid-configuration", timeout=5).text
    store.stop()  # nothing was awarded: everything so far is "before award"

    received = [blob for http in recorders for blob in http.received]
    received += [blob for inbox in inboxes for blob in inbox.received]
    client_ids = [str(vendor.client_id) for vendor in vendors]
    assert len(received) > 40
    assert leaks(received, identifiers(home, [rfp_id, other_id], client_ids, vocabulary)) == []
    assert not any(re.search(rb"(?im)^set-cookie:", blob) for blob in received)
    first, second = (
        {v for v in _strings(e["data"]) if re.fullmatch(r"[A-Za-z0-9_-]{12,}", v)}
        for e in inboxes[0].events
        if e["type"] == "rfp.published"
    )
    assert {pseudonym, other} == first | second and not first & second  # no id joins them


def _strings(value: Any) -> set[str]:
    """The string values in a webhook's data."""
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value))
    return {value} if isinstance(value, str) else set()
