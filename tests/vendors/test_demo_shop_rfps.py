"""The demo shop answering RFPs: it subscribes, answers a genuine webhook with a priced
offer from its catalogue (off the webhook's request), refuses forged, old, replayed
and headless ones, declines what it cannot supply, and after an award with a consent
block gets the owner's shipping address through the consent flow.

The store runs in-process; the shop's calls reach it through the transport adapter.
Here the webhooks are signed by hand from what the store would send (or sent exactly
as the store stored them); ``test_two_shops_over_real_http`` lets the store's courier
post them to two shops listening on loopback."""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from pds.services import Services
from pds.services.intents.rfp_views import rfp_view
from tests.auth.vendorkit import consent
from tests.conftest import csrf_of
from tests.vendors.conftest import ISSUER, path_of
from vendors.demo_shop import create_app
from vendors.demo_shop.__main__ import parse_args
from vendors.demo_shop.catalogue import CATEGORIES
from vendors.demo_shop.rfp_desk import RfpDesk
from vendors.demo_shop.rfp_views import DESK
from vendors.sdk.webhooks import sign

SHOP = "http://127.0.0.1:8001"
ADDRESS = {
    "street_address": "Schönhauser Allee 112",
    "locality": "Berlin",
    "postal_code": "10437",
    "country": "Germany",
}


def instant(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def rfp_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Noise-cancelling headphones",
        "category": "electronics",
        "requirements": [{"key": "delivery_before", "operator": "before", "value": "2099-01-01"}],
        "budget": {"max": "120.00", "currency": "EUR"},
        "deadline": instant(timedelta(days=7)),
        "quantity": 1,
        **overrides,
    }


def publish(services: Services, **overrides: Any) -> dict[str, Any]:
    return services.rfps.publish(services.rfps.draft(rfp_data(**overrides))["id"])


def shop_desk(app: Flask) -> RfpDesk:
    return app.extensions[DESK]  # type: ignore[no-any-return]


class Store:
    """The store's side of the webhooks, signed exactly as the courier signs them."""

    def __init__(self, services: Services, desk: RfpDesk) -> None:
        self.services = services
        self.client_id = str(desk.connection.client.client_id)

    @property
    def secret(self) -> str:
        return str(self.services.subscriptions.get(self.client_id)["secret"])

    def body(self, event: str, data: Any) -> bytes:
        payload = {"type": event, "timestamp": instant(timedelta()), "data": data}
        return json.dumps(payload, separators=(",", ":")).encode()

    def headers(
        self, body: bytes, *, message_id: str | None = None, at: int | None = None
    ) -> dict[str, str]:
        message_id = message_id or "msg_" + secrets.token_hex(12)
        at = int(time.time()) if at is None else at
        return {
            "Content-Type": "application/json",
            "webhook-id": message_id,
            "webhook-timestamp": str(at),
            "webhook-signature": sign(self.secret, message_id, at, body),
        }

    def delivered(self, event: str) -> bytes:
        """The body the store stored for its newest delivery of ``event`` to the shop."""
        deliveries = self.services.webhooks.deliveries(client_id=self.client_id)
        return str(next(d for d in deliveries if d["event"] == event)["body"]).encode()


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"webhooks_enabled": False}  # webhooks are posted by the tests here


@pytest.fixture
def shop_app(http: requests.Session, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        ISSUER, tmp_path / "shop", SHOP, session=http, categories=["electronics", "books"]
    )
    app.config["TESTING"] = True
    shop_desk(app).start()
    yield app
    shop_desk(app).close()


@pytest.fixture
def store(services: Services, shop_app: Flask) -> Store:
    return Store(services, shop_desk(shop_app))


@pytest.fixture
def browser(shop_app: Flask) -> FlaskClient:
    return shop_app.test_client()


def deliver(browser: FlaskClient, store: Store, body: bytes, **headers: Any) -> Any:
    return browser.post("/webhooks/pds", data=body, headers=store.headers(body, **headers))


def offers_of(services: Services, rfp: dict[str, Any]) -> list[dict[str, Any]]:
    return services.offers.list_for_rfp(rfp["id"])


def answered(browser: FlaskClient, shop_app: Flask, store: Store, rfp: dict[str, Any]) -> Any:
    """Post the RFP's ``rfp.published`` webhook, wait for the shop's offer, its JSON page."""
    response = deliver(browser, store, store.body("rfp.published", rfp_view(rfp)))
    assert response.status_code == 200, response.get_json()
    assert shop_desk(shop_app).drain()
    return browser.get("/rfps.json").get_json()


# -- setting up ----------------------------------------------------------------------------


def test_the_shop_registers_for_both_flows_and_subscribes(
    shop_app: Flask, services: Services, store: Store
) -> None:
    client = services.clients.get(store.client_id)
    assert client["grant_types"] == ["authorization_code", "refresh_token", "client_credentials"]
    assert {"address", "rfp:respond"} <= set(client["scope"].split())
    subscription = services.subscriptions.get(store.client_id)
    assert subscription["url"] == f"{SHOP}/webhooks/pds"
    assert subscription["categories"] == ["electronics", "books"]
    assert shop_desk(shop_app).subscription is not None


def test_a_restarted_shop_keeps_its_client_and_gets_a_new_secret(
    http: requests.Session, tmp_path: Path, services: Services, store: Store
) -> None:
    before = store.secret
    again = create_app(ISSUER, tmp_path / "shop", SHOP, session=http, categories=["books"])
    subscription = shop_desk(again).start()
    assert str(shop_desk(again).connection.client.client_id) == store.client_id
    assert subscription.categories == ("books",) and store.secret != before
    assert len(services.clients.list()) == 1
    shop_desk(again).close()


def test_two_shops_side_by_side_have_their_own_names_and_cookies(
    http: requests.Session, tmp_path: Path
) -> None:
    first = create_app(ISSUER, tmp_path / "a", "http://127.0.0.1:8001", session=http)
    second = create_app(
        ISSUER, tmp_path / "b", "http://127.0.0.1:8002", session=http, name="Budget Shop"
    )
    assert first.config["SESSION_COOKIE_NAME"] == "demo_shop_session8001"
    assert second.config["SESSION_COOKIE_NAME"] == "demo_shop_session8002"
    page = second.test_client().get("/").get_data(as_text=True)
    assert "<title>Catalogue · Budget Shop</title>" in page and "Demo Shop" not in page
    assert 'href="/rfps"' not in page  # this one does not answer RFPs


def test_the_command_line_chooses_the_categories() -> None:
    assert parse_args([]).categories is None  # no RFPs unless asked
    assert parse_args(["--categories"]).categories == list(CATEGORIES)
    assert parse_args(["--categories", "Electronics, books"]).categories == [
        "electronics",
        "books",
    ]
    assert parse_args(["--categories", ""]).categories == []  # every category
    assert "electronics" in CATEGORIES
    assert parse_args(["--markup", "-10"]).markup == Decimal(-10)
    with pytest.raises(SystemExit):
        parse_args(["--markup", "500"])


# -- answering -----------------------------------------------------------------------------


def test_a_signed_webhook_gets_a_priced_offer_from_the_catalogue(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(
        services,
        requirements=[
            {
                "key": "delivery_before",
                "operator": "before",
                "value": (date.today() + timedelta(days=2)).isoformat(),
            }
        ],
        quantity=1,
    )
    page = answered(browser, shop_app, store, rfp)
    (offer,) = offers_of(services, rfp)
    assert offer["client_id"] == store.client_id and offer["status"] == "live"
    assert (offer["price"], offer["currency"]) == ("89.00", "EUR")
    assert offer["delivery_date"] == (date.today() + timedelta(days=1)).isoformat()  # express
    (item,) = offer["line_items"]
    assert (item["sku"], item["quantity"], item["unit_price"]) == ("HP-NC", "1", "89.00")
    assert offer["message"].startswith("Demo Shop: 1 x Noise-cancelling headphones at 89.00 EUR")
    (answer,) = page["answers"]
    assert (answer["rfp"], answer["state"], answer["offer_id"]) == (
        rfp["pseudonym"],
        "submitted",
        offer["id"],
    )
    (event,) = page["events"]
    assert (event["type"], event["rfp"]) == ("rfp.published", rfp["pseudonym"])
    assert page["name"] == "Demo Shop" and page["subscribed"] is True
    html = browser.get("/rfps").get_data(as_text=True)
    assert "Noise-cancelling headphones" in html and "89.00 EUR" in html


def test_the_offer_is_in_the_budgets_currency_and_for_the_quantity(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services, budget={"max": "900", "currency": "USD"}, quantity=3, category="books")
    answered(browser, shop_app, store, rfp)
    (offer,) = offers_of(services, rfp)
    assert (offer["price"], offer["currency"]) == ("61.53", "USD")  # 3 x 18.99 EUR x 1.08
    assert offer["line_items"][0]["quantity"] == "3"


def test_an_update_is_answered_by_updating_the_offer_and_a_misfit_withdraws_it(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services)
    answered(browser, shop_app, store, rfp)
    amended = services.rfps.amend(
        rfp["id"], {"quantity": 2, "budget": {"max": "200", "currency": "EUR"}}
    )
    deliver(browser, store, store.body("rfp.updated", rfp_view(amended)))
    assert shop_desk(shop_app).drain()
    (offer,) = offers_of(services, rfp)
    assert offer["price"] == "178.00"
    assert browser.get("/rfps.json").get_json()["answers"][0]["state"] == "updated"
    cheaper = services.rfps.amend(rfp["id"], {"budget": {"max": "100", "currency": "EUR"}})
    deliver(browser, store, store.body("rfp.updated", rfp_view(cheaper)))
    assert shop_desk(shop_app).drain()
    (offer,) = offers_of(services, rfp)
    assert offer["status"] == "withdrawn"
    (answer,) = browser.get("/rfps.json").get_json()["answers"]
    assert (answer["state"], answer["reason"]) == (
        "withdrawn",
        "nothing within the budget in electronics",
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"category": "bikes"}, "we do not serve bikes"),
        ({"budget": {"max": "50", "currency": "EUR"}}, "nothing within the budget in electronics"),
        ({"budget": {"max": "5000", "currency": "JPY"}}, "we do not sell in JPY"),
        ({"quantity": 21}, "we cannot supply 21 (at most 20)"),
        (
            {
                "requirements": [
                    {"key": "delivery_before", "operator": "before", "value": "2020-01-01"}
                ]
            },
            "we cannot deliver before 2020-01-01",
        ),
    ],
)
def test_what_the_shop_cannot_supply_is_declined_without_an_offer(
    browser: FlaskClient,
    shop_app: Flask,
    services: Services,
    store: Store,
    overrides: dict[str, Any],
    reason: str,
) -> None:
    rfp = publish(services, **overrides)
    page = answered(browser, shop_app, store, rfp)
    assert offers_of(services, rfp) == []
    (answer,) = page["answers"]
    assert (answer["state"], answer["reason"]) == ("declined", reason)


# -- refusing ------------------------------------------------------------------------------


def test_a_forged_webhook_is_refused_and_not_acted_on(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services)
    body = store.body("rfp.published", rfp_view(rfp))
    forged = store.headers(body)
    forged["webhook-signature"] = sign(
        "whsec_" + "A" * 43 + "=", forged["webhook-id"], int(forged["webhook-timestamp"]), body
    )
    response = browser.post("/webhooks/pds", data=body, headers=forged)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "invalid_signature",
        "detail": "no webhook-signature matches",
    }
    assert shop_desk(shop_app).drain()
    assert offers_of(services, rfp) == []
    page = browser.get("/rfps.json").get_json()
    assert page["events"] == [] and page["answers"] == []
    assert [r["code"] for r in page["refused"]] == ["invalid_signature"]


def test_a_tampered_old_replayed_or_headless_webhook_is_refused(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services)
    body = store.body("rfp.published", rfp_view(rfp))
    cheap = body.replace(b'"120.00"', b'"999.00"')
    tampered = browser.post("/webhooks/pds", data=cheap, headers=store.headers(body))
    assert tampered.get_json()["error"] == "invalid_signature"
    old = deliver(browser, store, body, at=int(time.time()) - 301)
    assert old.status_code == 400 and old.get_json() == {
        "error": "timestamp_out_of_tolerance",
        "detail": "webhook-timestamp is more than 300 s from now",
    }
    headless = browser.post(
        "/webhooks/pds", data=body, headers={"Content-Type": "application/json"}
    )
    assert headless.status_code == 400 and headless.get_json() == {
        "error": "missing_headers",
        "detail": "missing webhook-id, webhook-timestamp, webhook-signature",
    }
    assert deliver(browser, store, body, message_id="msg_once").status_code == 200
    replayed = deliver(browser, store, body, message_id="msg_once")
    assert replayed.status_code == 400 and replayed.get_json() == {
        "error": "replayed",
        "detail": "webhook msg_once was received before",
    }
    assert shop_desk(shop_app).drain()
    assert len(offers_of(services, rfp)) == 1
    assert len(browser.get("/rfps.json").get_json()["events"]) == 1


def test_the_webhook_needs_no_csrf_token_but_the_shops_forms_still_do(
    browser: FlaskClient, store: Store
) -> None:
    body = store.body("rfp.closed", {"id": "rfp-aaaaaaaaaaaaaaaa", "status": "closed"})
    assert deliver(browser, store, body).status_code == 200
    refused = browser.post("/rfps/awards/whatever/connect")
    assert refused.status_code == 400 and "form has expired" in refused.get_data(as_text=True)


def test_a_shop_that_does_not_answer_rfps_has_no_webhook(
    http: requests.Session, tmp_path: Path
) -> None:
    plain = create_app(ISSUER, tmp_path / "plain", SHOP, session=http).test_client()
    assert plain.post("/webhooks/pds", data=b"{}").status_code == 404
    assert plain.get("/rfps.json").status_code == 404


# -- the award and the shipping address ---------------------------------------------------


def test_an_award_with_consent_gets_the_shipping_address_after_the_owners_allow(
    browser: FlaskClient,
    shop_app: Flask,
    services: Services,
    store: Store,
    owner: FlaskClient,
    tmp_path: Path,
) -> None:
    services.profile.update({"name": "Ada Lovelace", "address": ADDRESS})
    rfp = publish(services)
    answered(browser, shop_app, store, rfp)
    (offer,) = offers_of(services, rfp)
    services.rfps.award(rfp["id"], offer["id"], share_shipping=True)
    assert deliver(browser, store, store.delivered("offer.awarded")).status_code == 200
    page = browser.get("/rfps.json").get_json()
    (award,) = page["awards"]
    assert (award["offer_id"], award["state"], award["shipping_address"]) == (
        offer["id"],
        "awaiting_consent",
        None,
    )
    assert award["consent"]["issuer"] == ISSUER and award["consent"]["scope"] == "openid address"
    assert page["answers"][0]["state"] == "awarded"

    html = browser.get("/rfps").get_data(as_text=True)
    action = re.search(r'action="(/rfps/awards/[^"]+/connect)"', html)
    assert action and "Share your shipping address with us" in html
    sent = browser.post(action.group(1), data={"csrf_token": csrf_of(html)})
    assert sent.status_code == 303 and sent.headers["Location"].startswith(
        ISSUER + "/oauth/authorize?"
    )
    assert "scope=openid+address" in sent.headers["Location"]
    answer = consent(owner, path_of(sent.headers["Location"]))
    assert answer.status_code == 303
    back = browser.get(path_of(answer.headers["Location"]))
    assert back.status_code == 303 and back.headers["Location"] == "/rfps"
    (award,) = browser.get("/rfps.json").get_json()["awards"]
    assert award["state"] == "shipping_address_received"
    assert award["shipping_address"] == ADDRESS
    assert "Schönhauser Allee 112" in browser.get("/rfps").get_data(as_text=True)
    assert not (tmp_path / "shop" / "tokens.json").exists()  # the grant was for this alone


def test_the_consent_is_asked_only_for_an_award_waiting_for_it(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services)
    answered(browser, shop_app, store, rfp)
    (offer,) = offers_of(services, rfp)
    services.rfps.award(rfp["id"], offer["id"])  # no shipping details shared
    deliver(browser, store, store.delivered("offer.awarded"))
    (award,) = browser.get("/rfps.json").get_json()["awards"]
    assert (award["state"], award["consent"]) == ("awarded", None)
    html = browser.get("/").get_data(as_text=True)
    refused = browser.post(
        f"/rfps/awards/{offer['id']}/connect", data={"csrf_token": csrf_of(html)}
    )
    assert refused.status_code == 409
    assert "This award is not waiting for the buyer&#39;s consent." in refused.get_data(True)


def test_a_consent_block_naming_another_store_is_not_followed(
    browser: FlaskClient, shop_app: Flask, services: Services, store: Store
) -> None:
    rfp = publish(services)
    answered(browser, shop_app, store, rfp)
    (offer,) = offers_of(services, rfp)
    data = {
        "offer": {**offer, "status": "awarded"},
        "rfp": rfp_view(rfp),
        "consent": {"issuer": "https://evil.example", "scope": "openid address", "note": "."},
    }
    deliver(browser, store, store.body("offer.awarded", data))
    html = browser.get("/").get_data(as_text=True)
    refused = browser.post(
        f"/rfps/awards/{offer['id']}/connect", data={"csrf_token": csrf_of(html)}
    )
    assert refused.status_code == 409
    assert "names another data store than ours" in refused.get_data(as_text=True)


# -- for real: the courier posts to two shops on loopback ---------------------------------


class Served:
    """A shop app behind a real HTTP server on a free loopback port."""

    def __init__(self, build: Callable[[str], Flask]) -> None:
        self._app: Flask | None = None
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.app = self._app = build(self.url)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _dispatch(self, environ: Any, start_response: Any) -> Any:
        assert self._app is not None
        return self._app(environ, start_response)

    def status(self) -> dict[str, Any]:
        return requests.get(self.url + "/rfps.json", timeout=5).json()  # type: ignore[no-any-return]

    def stop(self) -> None:
        self.server.shutdown()
        shop_desk(self.app).close()


def wait_for(check: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize("app_overrides", [{"webhooks_enabled": True}])
def test_two_shops_over_real_http(
    http: requests.Session, tmp_path: Path, services: Services
) -> None:
    def shop(name: str, markup: str) -> Callable[[str], Flask]:
        def build(url: str) -> Flask:
            return create_app(
                ISSUER,
                tmp_path / name,
                url,
                session=http,
                name=name,
                categories=["electronics"],
                markup=Decimal(markup),
            )

        return build

    corner, budget = Served(shop("Corner Shop", "0")), Served(shop("Budget Shop", "-10"))
    try:
        for served in (corner, budget):
            shop_desk(served.app).start()
        rfp = publish(services)
        wait_for(lambda: len(offers_of(services, rfp)) == 2)
        prices = {o["price"] for o in offers_of(services, rfp)}
        assert prices == {"89.00", "80.10"}
        winner = next(o for o in offers_of(services, rfp) if o["price"] == "80.10")
        services.rfps.award(rfp["id"], winner["id"], share_shipping=True)
        wait_for(lambda: bool(budget.status()["awards"]))
        wait_for(lambda: any(e["type"] == "offer.not_selected" for e in corner.status()["events"]))
        (award,) = budget.status()["awards"]
        assert award["state"] == "awaiting_consent" and award["offer_id"] == winner["id"]
        assert corner.status()["awards"] == []
        assert corner.status()["answers"][0]["state"] == "not_selected"
        deliveries = services.webhooks.deliveries(rfp_id=rfp["id"])
        assert {d["state"] for d in deliveries} == {"delivered"}
    finally:
        corner.stop()
        budget.stop()
