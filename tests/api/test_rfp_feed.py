"""The public intent feed: only open public RFPs, only what public_view says, JSON and Atom."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from flask.testing import FlaskClient

from pds.services import Services
from pds.services.collections import RFPS

ATOM = "{http://www.w3.org/2005/Atom}"
DEADLINE = "2099-03-10T12:00:00Z"
OWNER = {"name": "Xaviera Quillfeather", "email": "xaviera@quill.example"}


def rfp_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A silver road bike",
        "description": "Light, for commuting.",
        "category": "bikes",
        "requirements": [{"key": "colour", "operator": "in", "value": ["silver", "grey"]}],
        "budget": {"min": "500", "max": "900.50", "currency": "EUR"},
        "deadline": DEADLINE,
    }
    return {**data, **overrides}


def register(services: Services) -> str:
    client, _ = services.clients.register(
        {"client_name": "Velo Shop", "redirect_uris": ["https://velo.example.com/cb"]}
    )
    return str(client["id"])


@pytest.fixture
def rfps(services: Services) -> dict[str, dict[str, Any]]:
    """One RFP in each situation that matters to the feed; the owner's profile filled in.

    Made a minute ago at 37 seconds past: the feed gives times to the minute, and an
    instant on a whole minute would read as the exact ``created_at`` it must not show."""
    services.profile.update(OWNER)
    then = (datetime.now(UTC) - timedelta(minutes=1)).replace(second=37, microsecond=0)
    rfps = services.using(clock=lambda: then).rfps
    made = {name: rfps.draft(rfp_data(title=f"Wanted: {name}")) for name in ("open", "draft")}
    made["open"] = rfps.publish(made["open"]["id"])
    made["second"] = rfps.publish(rfps.draft(rfp_data(title="Wanted: second"))["id"])
    closed = rfps.publish(rfps.draft(rfp_data(title="Wanted: closed"))["id"])
    made["closed"] = rfps.close(closed["id"])
    chosen = rfps.draft(
        rfp_data(title="Wanted: chosen", visibility="chosen", chosen_vendors=[register(services)])
    )
    made["chosen"] = rfps.publish(chosen["id"])
    return made


def test_json_feed_lists_only_open_public_rfps(
    client: FlaskClient, rfps: dict[str, dict[str, Any]]
) -> None:
    response = client.get("/rfps/feed")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert {item["id"] for item in body["items"]} == {
        rfps["open"]["pseudonym"],
        rfps["second"]["pseudonym"],
    }
    titles = {item["title"] for item in body["items"]}
    assert titles == {"Wanted: open", "Wanted: second"}
    item = next(i for i in body["items"] if i["id"] == rfps["open"]["pseudonym"])
    assert set(item) == {
        "id",
        "title",
        "description",
        "category",
        "requirements",
        "budget",
        "deadline",
        "quantity",
        "disclosed",
        "published_at",
    }
    assert item["budget"] == {"min": "500", "max": "900.50", "currency": "EUR"}
    assert body["updated"] == max(i["published_at"] for i in body["items"])


def test_atom_feed_parses_and_has_one_entry_per_open_public_rfp(
    client: FlaskClient, rfps: dict[str, dict[str, Any]]
) -> None:
    response = client.get("/rfps/feed.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Open requests for proposals"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/rfps/feed.atom"
    assert feed.findtext(f"{ATOM}updated")
    entries = {e.findtext(f"{ATOM}id"): e for e in feed.findall(f"{ATOM}entry")}
    assert set(entries) == {
        f"urn:pds:rfp:{rfps['open']['pseudonym']}",
        f"urn:pds:rfp:{rfps['second']['pseudonym']}",
    }
    entry = entries[f"urn:pds:rfp:{rfps['open']['pseudonym']}"]
    assert entry.findtext(f"{ATOM}title") == "Wanted: open"
    assert entry.findtext(f"{ATOM}summary") == "Light, for commuting."
    assert entry.findtext(f"{ATOM}updated") == rfps["open"]["published_at"]
    assert entry.findtext(f"{ATOM}content") == (
        f"- colour in silver, grey\nBudget: 500 to 900.50 EUR\nQuantity: 1\nOffers by: {DEADLINE}"
    )


@pytest.mark.parametrize("path", ["/rfps/feed", "/rfps/feed.atom"])
def test_feeds_leak_nothing_of_the_owner(
    client: FlaskClient, services: Services, rfps: dict[str, dict[str, Any]], path: str
) -> None:
    response = client.get(path)
    sent = response.get_data(as_text=True) + str(response.headers)
    secrets = [
        OWNER["name"],
        OWNER["email"],
        "xaviera",
        services.profile.get()["id"],
        services.store.stats().store_id,
        *(rfp["id"] for rfp in rfps.values()),
        rfps["draft"]["pseudonym"],
        rfps["closed"]["pseudonym"],
        rfps["chosen"]["pseudonym"],
        rfps["open"]["created_at"],
        "Wanted: draft",
        "Wanted: closed",
        "Wanted: chosen",
    ]
    assert [value for value in secrets if value in sent] == []
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", ["/rfps/feed", "/rfps/feed.atom"])
def test_feeds_answer_304_while_unchanged(
    client: FlaskClient, services: Services, rfps: dict[str, dict[str, Any]], path: str
) -> None:
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    services.rfps.withdraw(rfps["second"]["id"])
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert rfps["second"]["pseudonym"] not in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != etag


def test_empty_feeds_are_still_valid(client: FlaskClient) -> None:
    assert client.get("/rfps/feed").get_json()["items"] == []
    feed = ET.fromstring(client.get("/rfps/feed.atom").data)
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated").endswith(":00Z")


def test_feed_carries_the_security_headers_and_needs_no_login(client: FlaskClient) -> None:
    response = client.get("/rfps/feed")
    assert response.status_code == 200
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert client.post("/rfps/feed").status_code in (400, 405)


def test_reading_the_feed_expires_rfps_past_their_deadline(
    client: FlaskClient, services: Services, rfps: dict[str, dict[str, Any]]
) -> None:
    rfp_id = rfps["second"]["id"]
    with services.store.transaction():
        services.store.collection(RFPS).update(rfp_id, {"deadline": "2020-01-01T00:00:00Z"})
    ids = {item["id"] for item in client.get("/rfps/feed").get_json()["items"]}
    assert ids == {rfps["open"]["pseudonym"]}
    assert services.store.collection(RFPS).find(rfp_id)["status"] == "expired"
