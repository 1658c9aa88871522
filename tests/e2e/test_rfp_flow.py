"""Acceptance (issue 5): a personal RFP from publish to award, every party its own process.

The owner writes and publishes an RFP in the portal; two demo shops, subscribed to its
category, receive signed webhooks and answer with offers; the owner compares them,
awards the cheaper one and asks to share the shipping address; the winner is told, and
after the owner's consent at the store reads the address; the other shop is told "not
selected" and learns nothing of the winner.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.conftest import OWNER_PASSWORD
from tests.e2e.processes import Running, csrf, start_shop

CATEGORY = "electronics"
DEMO_STREET = "Schönhauser Allee 112"  # the demo owner's address (pds demo)


@pytest.fixture
def shops(store: Running, tmp_path: Path) -> Iterator[dict[str, Running]]:
    """Two shops answering RFPs in the category, one 10 % cheaper than the other."""
    running = {
        "Budget Shop": start_shop(
            store.url, tmp_path, "budget", "--name", "Budget Shop", "--categories", CATEGORY,
            "--markup", "-10",
        ),
        "Corner Shop": start_shop(
            store.url, tmp_path, "corner", "--name", "Corner Shop", "--categories", CATEGORY
        ),
    }  # fmt: skip
    yield running
    for shop in running.values():
        shop.stop()


def eventually(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    """``check()`` once it is truthy (the courier and the shops work in the background)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


def desk(shop: Running) -> dict[str, Any]:
    return requests.get(shop.url + "/rfps.json", timeout=5).json()  # type: ignore[no-any-return]


def log_in(browser: requests.Session, store: str) -> None:
    page = browser.get(store + "/login")
    done = browser.post(
        store + "/login", data={"csrf_token": csrf(page.text), "password": OWNER_PASSWORD}
    )
    assert urlsplit(done.url).path == "/" and done.status_code == 200


def publish_rfp(browser: requests.Session, store: str) -> tuple[str, str]:
    """Write and publish the RFP in the portal; (its record id, its pseudonym)."""
    form = browser.get(store + "/rfps/new")
    deadline = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page = browser.post(
        store + "/rfps/new",
        data={
            "csrf_token": csrf(form.text),
            "title": "Noise-cancelling headphones for the train",
            "description": "Over-ear, comfortable for two hours.",
            "category": CATEGORY,
            "budget_max": "150",
            "budget_currency": "EUR",
            "deadline": deadline,
            "quantity": "1",
            "visibility": "public",
            "action": "publish",
        },
    )
    assert page.status_code == 200, page.text
    published = re.search(r"Published: vendors see it as (rfp-[a-z2-7]{16})", page.text)
    assert published, page.text
    return urlsplit(page.url).path.rsplit("/", 1)[1], published.group(1)


def offer_of(shop: Running, pseudonym: str) -> dict[str, Any] | None:
    for answer in desk(shop)["answers"]:
        if answer["rfp"] == pseudonym and answer.get("offer_id"):
            return answer  # type: ignore[no-any-return]
    return None


def test_publish_offers_award_and_shipping_after_consent(
    store: Running, shops: dict[str, Running]
) -> None:
    browser = requests.Session()  # the owner's one browser, for the store and the shop
    log_in(browser, store.url)
    rfp_id, pseudonym = publish_rfp(browser, store.url)

    offers = {
        name: eventually(lambda shop=shop: offer_of(shop, pseudonym), f"{name}'s offer")
        for name, shop in shops.items()
    }
    for shop in shops.values():  # each offer followed a webhook the shop verified
        seen = desk(shop)
        assert {"type": "rfp.published", "rfp": pseudonym} in [
            {"type": e["type"], "rfp": e["rfp"]} for e in seen["events"]
        ]
        assert seen["refused"] == []

    compared = browser.get(f"{store.url}/rfps/{rfp_id}?sort=price").text
    assert compared.index("Budget Shop") < compared.index("Corner Shop")  # cheaper first
    winner_offer = offers["Budget Shop"]["offer_id"]
    loser_offer = offers["Corner Shop"]["offer_id"]
    award = browser.post(
        f"{store.url}/rfps/{rfp_id}/offers/{winner_offer}/award",
        data={"csrf_token": csrf(compared), "share_shipping": "yes"},
    )
    assert award.status_code == 200 and "awarded" in award.text

    winner, loser = shops["Budget Shop"], shops["Corner Shop"]
    won = eventually(lambda: desk(winner)["awards"], "the winner's award")[0]
    assert won["offer_id"] == winner_offer and won["state"] == "awaiting_consent"
    told = eventually(
        lambda: [e for e in desk(loser)["events"] if e["type"] == "offer.not_selected"],
        "the other shop's not-selected",
    )
    assert told[0]["offer"] == loser_offer
    loser_view = requests.get(loser.url + "/rfps.json", timeout=5).text
    assert winner_offer not in loser_view and "Budget Shop" not in loser_view

    shop_page = browser.get(winner.url + "/rfps")
    action = re.search(r'action="(/rfps/awards/[^"]+/connect)"', shop_page.text)
    assert action, shop_page.text
    consent = browser.post(winner.url + action.group(1), data={"csrf_token": csrf(shop_page.text)})
    assert urlsplit(consent.url).path == "/oauth/authorize" and "Budget Shop" in consent.text
    scopes = re.findall(r'name="grant_scope" type="checkbox" value="([^"]+)"', consent.text)
    assert "address" in scopes
    allowed = browser.post(
        consent.url,
        data={
            "csrf_token": csrf(consent.text),
            "decision": "allow",
            "grant_scope": scopes,
            "expiry": "30d",
        },
    )
    assert allowed.url.startswith(winner.url)
    shipped = desk(winner)["awards"][0]
    assert shipped["state"] == "shipping_address_received"
    assert shipped["shipping_address"]["street_address"] == DEMO_STREET
    assert DEMO_STREET not in requests.get(loser.url + "/rfps.json", timeout=5).text
