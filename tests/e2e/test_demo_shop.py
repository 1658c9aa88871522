"""Acceptance: the real store and the real demo shop, each its own process on loopback.

The owner connects the shop (logs in and presses Allow on the store's consent page),
the shop reads what it was granted, pushes a receipt at checkout, the owner's store
holds it (status ``new``, source ``vendor:<client_id>``), the owner revokes the grant
in the portal, and the shop's next call is refused and it tells its user so.
"""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from pds.services import Services
from pds.services.collections import SPECS
from pds.store import Store
from tests.conftest import OWNER_PASSWORD, PASSPHRASE
from tests.e2e.processes import Running, csrf, start_shop

WITHDRAWN = "The owner of this data store has withdrawn our access."


@pytest.fixture
def shop(store: Running, tmp_path: Path) -> Iterator[tuple[Running, Path]]:
    running = start_shop(store.url, tmp_path, "shop")
    yield running, tmp_path / "shop-state"
    running.stop()


def connect_through_the_store(
    browser: requests.Session, shop: str, store: str
) -> requests.Response:
    """Press Connect at the shop; log in at the store and press Allow; back at the shop."""
    home = browser.get(shop + "/")
    assert "Connect your data store" in home.text
    sent = browser.post(
        shop + "/connect", data={"csrf_token": csrf(home.text)}, allow_redirects=False
    )
    assert sent.status_code == 303
    assert sent.headers["Location"].startswith(store + "/oauth/authorize?")
    login = browser.get(sent.headers["Location"])
    assert urlsplit(login.url).path == "/login"
    consent = browser.post(
        login.url, data={"csrf_token": csrf(login.text), "password": OWNER_PASSWORD}
    )
    assert "Demo Shop" in consent.text and "asks for access to your data" in consent.text
    scopes = re.findall(r'name="grant_scope" type="checkbox" value="([^"]+)" checked', consent.text)
    assert {"purchases:read", "purchases:write", "offline_access"} <= set(scopes)
    decision = browser.post(
        consent.url,
        data={
            "csrf_token": csrf(consent.text),
            "decision": "allow",
            "grant_scope": scopes,
            "expiry": "30d",
        },
        allow_redirects=False,
    )
    assert decision.status_code == 303
    callback = decision.headers["Location"]
    assert callback.startswith(shop + "/callback?")
    assert parse_qs(urlsplit(callback).query)["iss"] == [store]
    return browser.get(callback)  # the shop finishes the flow and shows what it was granted


def buy(browser: requests.Session, shop: str, sku: str, quantity: int) -> requests.Response:
    home = browser.get(shop + "/")
    return browser.post(
        shop + "/checkout", data={"csrf_token": csrf(home.text), "sku": sku, "quantity": quantity}
    )


def revoke_in_the_portal(browser: requests.Session, store: str) -> None:
    page = browser.get(store + "/vendors")
    actions = re.findall(r'action="(/grants/[^"]+/revoke)"', page.text)
    assert len(actions) == 1, "exactly the shop's grant is active"
    response = browser.post(urljoin(store, actions[0]), data={"csrf_token": csrf(page.text)})
    assert response.ok and "revoked" in response.text


def test_connect_read_push_revoke(store: Running, shop: tuple[Running, Path], home: Path) -> None:
    shop_server, state = shop
    browser = requests.Session()  # the owner's one browser, for the shop and the store

    account = connect_through_the_store(browser, shop_server.url, store.url)
    assert urlsplit(account.url).path == "/account" and account.status_code == 200
    assert "<code>purchases:write</code>" in account.text
    assert "Mara Lindqvist" in account.text  # the demo owner's name, granted by ``profile``
    assert "Your store has no purchases we may see yet." in account.text
    assert "Demo Shop" in account.text  # the owner's relationship record of the shop

    order = buy(browser, shop_server.url, "BK-IE", 2)
    assert order.status_code == 200
    receipt = re.search(r'<code id="receipt-id">([^<]+)</code>', order.text)
    assert receipt, order.text
    order_ref = re.search(r"order (DS-[0-9A-F]{8})", order.text)
    assert order_ref
    account = browser.get(shop_server.url + "/account")
    assert order_ref.group(1) in account.text and "37.98 EUR" in account.text

    revoke_in_the_portal(browser, store.url)
    after = browser.get(shop_server.url + "/account")
    assert WITHDRAWN in after.text
    assert "Connect again" in after.text
    assert "Mara Lindqvist" not in after.text
    later = buy(browser, shop_server.url, "NB-A5", 1)
    assert "receipt-id" not in later.text and "Connect again" in later.text

    saved = json.loads((state / "shop.json").read_text())
    assert stat.S_IMODE((state / "shop.json").stat().st_mode) == 0o600
    assert saved["lost"] == "withdrawn" and not (state / "tokens.json").exists()

    store.stop()  # the owner's own look into the store: the receipt is theirs, marked new
    opened = Store.open(home, PASSPHRASE, specs=SPECS)
    try:
        purchase = Services(opened).purchases.get(receipt.group(1))
    finally:
        opened.close()
    assert purchase["status"] == "new"
    assert purchase["source"] == f"vendor:{saved['client_id']}"
    assert purchase["order_ref"] == order_ref.group(1)
    assert purchase["total"] in ("37.98", 37.98) or str(purchase["total"]) == "37.98"
