"""The RFP side of the vendor API: open RFPs under pseudonyms, one live offer per vendor,
withdraw, questions; every refusal as problem JSON; nothing that names the owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from pds.app import create_app
from pds.runtime.current import runtime_of
from pds.services import Services
from pds.services.collections import RFPS
from pds.services.ratelimit import RateLimiter
from tests.api.rfpkit import OWNER, Caller, offer_data, problem, publish, rfp_data
from tests.conftest import HIDDEN, PASSPHRASE, services_of

RFP_FIELDS = {
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
    "status",
}


@pytest.fixture
def shop(client: FlaskClient) -> Caller:
    return Caller.register(client, "Velo Shop")


@pytest.fixture
def other(app: Flask) -> Caller:
    return Caller.register(app.test_client(), "Rad Haus")


@pytest.fixture
def rfps(services: Services, shop: Caller, other: Caller) -> dict[str, dict[str, Any]]:
    """An RFP in each situation that matters to a vendor; the owner's profile filled in."""
    services.profile.update(OWNER)
    made = {
        "bikes": publish(services, title="Wanted: bike"),
        "tools": publish(services, title="Wanted: drill", category="tools"),
        "mine": publish(
            services, title="Wanted: for shop", visibility="chosen", chosen_vendors=[shop.client_id]
        ),
        "theirs": publish(
            services,
            title="Wanted: for other",
            visibility="chosen",
            chosen_vendors=[other.client_id],
        ),
        "draft": services.rfps.draft(rfp_data(title="Draft")),
    }
    made["closed"] = services.rfps.close(publish(services, title="Wanted: closed")["id"])
    return made


def name(rfp: dict[str, Any]) -> str:
    return str(rfp["pseudonym"])


# -- reading RFPs ---------------------------------------------------------------------------


def test_list_shows_the_open_rfps_this_vendor_may_see(
    shop: Caller, other: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    response = shop.get("/rfps")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert {i["id"] for i in items} == {name(rfps[k]) for k in ("bikes", "tools", "mine")}
    assert all(i["status"] == "open" for i in items)
    assert set(items[0]) == RFP_FIELDS
    seen_by_other = {i["id"] for i in other.get("/rfps").get_json()["items"]}
    assert seen_by_other == {name(rfps[k]) for k in ("bikes", "tools", "theirs")}


def test_list_filters_by_category(shop: Caller, rfps: dict[str, dict[str, Any]]) -> None:
    response = shop.get("/rfps?category=Tools")
    assert [i["id"] for i in response.get_json()["items"]] == [name(rfps["tools"])]


def test_list_refuses_unknown_parameters(shop: Caller, rfps: dict[str, Any]) -> None:
    response = shop.get("/rfps?owner=me")
    assert problem(response) == (422, "validation_failed", "invalid query: check owner")
    assert response.get_json()["errors"] == {"owner": ["Unknown field."]}


def test_one_rfp_by_its_pseudonym_with_its_status(
    shop: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    response = shop.get(f"/rfps/{name(rfps['closed'])}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == name(rfps["closed"]) and body["status"] == "closed"
    assert body["budget"] == {"min": "500", "max": "900.50", "currency": "EUR"}
    assert "ETag" in response.headers


@pytest.mark.parametrize("which", ["theirs", "draft", "unknown"])
def test_an_rfp_the_vendor_may_not_see_does_not_exist(
    shop: Caller, rfps: dict[str, dict[str, Any]], which: str
) -> None:
    pseudonym = name(rfps[which]) if which != "unknown" else "rfp-aaaaaaaaaaaaaaaa"
    response = shop.get(f"/rfps/{pseudonym}")
    assert problem(response) == (404, "not_found", f"no rfp {pseudonym}")


def test_no_token_is_401_and_a_token_without_the_scope_403(
    client: FlaskClient, services: Services, shop: Caller, rfps: dict[str, Any]
) -> None:
    response = client.get("/api/v1/rfps")
    assert problem(response) == (
        401,
        "unauthorized",
        "Send an access token: Authorization: Bearer <token>.",
    )
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="pds"'
    grant = services.grants.create(
        client_id=shop.client_id, scopes=["purchases:read"], terms_version=1, vendor_id=None
    )
    token = services.tokens.issue(grant, ["purchases:read"], refresh=False)["access_token"]
    response = client.get("/api/v1/rfps", headers={"Authorization": f"Bearer {token}"})
    assert problem(response) == (
        403,
        "insufficient_scope",
        "The grant does not include the scope this call needs.",
    )
    assert 'scope="rfp:respond"' in response.headers["WWW-Authenticate"]


# -- offers ---------------------------------------------------------------------------------


def test_put_makes_an_offer_then_updates_the_same_live_one(
    shop: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    path = f"/rfps/{name(rfps['bikes'])}/offer"
    made = shop.put(path, offer_data())
    assert made.status_code == 201
    offer = made.get_json()
    assert made.headers["Location"] == f"/api/v1/offers/{offer['id']}"
    assert offer["rfp"] == name(rfps["bikes"]) and offer["status"] == "live"
    assert offer["client_id"] == shop.client_id and offer["thread"] == []
    assert "rfp_id" not in offer
    updated = shop.put(path, offer_data(price="749.00"))
    assert updated.status_code == 200
    assert updated.get_json()["id"] == offer["id"]
    assert updated.get_json()["price"] == "749.00"
    listed = shop.get("/offers").get_json()["items"]
    assert [(o["id"], o["price"]) for o in listed] == [(offer["id"], "749.00")]
    assert shop.get(f"/offers/{offer['id']}").get_json() == updated.get_json()


def test_an_offer_in_the_wrong_currency_is_422(
    shop: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    response = shop.put(
        f"/rfps/{name(rfps['bikes'])}/offer", offer_data(currency="USD", line_items=None)
    )
    assert problem(response) == (422, "validation_failed", "invalid offer: check currency")
    assert response.get_json()["errors"] == {
        "currency": ["Must be EUR, the currency of the rfp's budget."]
    }


def test_an_offer_missing_fields_is_422(shop: Caller, rfps: dict[str, dict[str, Any]]) -> None:
    response = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", {"price": "1"})
    assert problem(response) == (
        422,
        "validation_failed",
        "invalid offer: check currency, delivery_date",
    )


def test_a_body_that_is_not_json_is_415_and_broken_json_400(
    shop: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    path = f"/rfps/{name(rfps['bikes'])}/offer"
    as_form = shop.call("PUT", path, data="price=1")
    assert problem(as_form) == (
        415,
        "unsupported_media_type",
        "send the body as application/json",
    )
    broken = shop.call("PUT", path, data="{", headers={"Content-Type": "application/json"})
    assert problem(broken) == (400, "malformed_request", "the body is not valid JSON")


@pytest.mark.parametrize("which", ["theirs", "draft"])
def test_no_offer_on_an_rfp_the_vendor_may_not_see(
    shop: Caller, rfps: dict[str, dict[str, Any]], which: str
) -> None:
    response = shop.put(f"/rfps/{name(rfps[which])}/offer", offer_data())
    assert problem(response) == (404, "not_found", f"no rfp {name(rfps[which])}")


def test_no_offer_on_an_rfp_that_is_not_open(shop: Caller, rfps: dict[str, dict[str, Any]]) -> None:
    response = shop.put(f"/rfps/{name(rfps['closed'])}/offer", offer_data())
    assert problem(response) == (409, "conflict", f"rfp {name(rfps['closed'])} is closed, not open")


def test_no_offer_after_the_deadline(
    shop: Caller, services: Services, rfps: dict[str, dict[str, Any]]
) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    services.store.collection(RFPS).update(rfps["bikes"]["id"], {"deadline": past})
    response = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data())
    assert problem(response) == (
        409,
        "conflict",
        f"the deadline of rfp {name(rfps['bikes'])} has passed",
    )


def test_another_vendors_offer_does_not_exist(
    shop: Caller, other: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    offer = other.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data()).get_json()
    for response in (
        shop.get(f"/offers/{offer['id']}"),
        shop.post(f"/offers/{offer['id']}/withdraw"),
        shop.post(f"/offers/{offer['id']}/questions", {"text": "Hello?"}),
    ):
        assert problem(response) == (404, "not_found", f"no offer {offer['id']}")
    assert shop.get("/offers").get_json() == {"items": []}
    unknown = "01920000-0000-7000-8000-000000000000"
    assert problem(shop.get(f"/offers/{unknown}")) == (404, "not_found", f"no offer {unknown}")


def test_withdraw_then_a_new_offer(shop: Caller, rfps: dict[str, dict[str, Any]]) -> None:
    path = f"/rfps/{name(rfps['bikes'])}/offer"
    first = shop.put(path, offer_data()).get_json()
    withdrawn = shop.post(f"/offers/{first['id']}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.get_json()["status"] == "withdrawn"
    again = shop.post(f"/offers/{first['id']}/withdraw")
    assert problem(again) == (
        409,
        "conflict",
        f"offer {first['id']} cannot go from withdrawn to withdrawn",
    )
    second = shop.put(path, offer_data())
    assert second.status_code == 201
    assert second.get_json()["id"] != first["id"]
    statuses = {o["id"]: o["status"] for o in shop.get("/offers").get_json()["items"]}
    assert statuses == {first["id"]: "withdrawn", second.get_json()["id"]: "live"}


def test_a_question_goes_on_the_offers_thread(
    shop: Caller, rfps: dict[str, dict[str, Any]]
) -> None:
    offer = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data()).get_json()
    response = shop.post(f"/offers/{offer['id']}/questions", {"text": " Would L suit too? "})
    assert response.status_code == 201
    [entry] = response.get_json()["thread"]
    assert entry["from"] == "vendor" and entry["text"] == "Would L suit too?"
    empty = shop.post(f"/offers/{offer['id']}/questions", {"text": " "})
    assert problem(empty) == (422, "validation_failed", "invalid question: check text")
    extra = shop.post(f"/offers/{offer['id']}/questions", {"text": "Hi", "to": "owner"})
    assert extra.get_json()["errors"] == {"to": ["Unknown field."]}


# -- the vendor, the owner's decisions, the log ---------------------------------------------


def test_a_blocked_vendor_is_refused(
    shop: Caller, services: Services, rfps: dict[str, dict[str, Any]]
) -> None:
    services.clients.block(shop.client_id)
    response = shop.get("/rfps")
    assert problem(response) == (
        401,
        "invalid_token",
        "The access token is missing, unknown, expired or revoked.",
    )
    assert shop.vendor.request_token().status_code == 401


def test_every_call_is_in_the_access_log(
    shop: Caller, services: Services, rfps: dict[str, dict[str, Any]]
) -> None:
    shop.get("/rfps")
    shop.get(f"/rfps/{name(rfps['theirs'])}")  # refused calls are logged too
    shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data())
    entries = services.access_log.entries(client_id=shop.client_id)
    calls = [(e.endpoint, e.count) for e in entries if e.action == "api.call"]
    assert calls == [  # each with the records it answered with: the offer made is one
        ("PUT /api/v1/rfps/<pseudonym>/offer", 1),
        ("GET /api/v1/rfps/<pseudonym>", 0),
        ("GET /api/v1/rfps", 3),
    ]


def test_the_rate_limit_is_per_vendor(
    app: Flask, shop: Caller, other: Caller, rfps: dict[str, Any]
) -> None:
    runtime_of(app).limits.api = RateLimiter(2)
    assert [shop.get("/offers").status_code for _ in range(2)] == [200, 200]
    limited = shop.get("/offers")
    assert problem(limited) == (429, "rate_limited", "too many requests; try again in 30 s")
    assert limited.headers["Retry-After"] == "30"
    assert other.get("/offers").status_code == 200


def test_nothing_a_vendor_receives_names_the_owner(
    shop: Caller, services: Services, rfps: dict[str, dict[str, Any]]
) -> None:
    offer = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data()).get_json()
    responses = [
        shop.get("/rfps"),
        shop.get(f"/rfps/{name(rfps['mine'])}"),
        shop.get(f"/rfps/{name(rfps['theirs'])}"),
        shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data(currency="USD")),
        shop.put(f"/rfps/{name(rfps['closed'])}/offer", offer_data()),
        shop.get("/offers"),
        shop.post(f"/offers/{offer['id']}/questions", {"text": "Colour?"}),
        shop.post(f"/offers/{offer['id']}/withdraw"),
    ]
    received = "\n".join(f"{r.headers}\n{r.get_data(as_text=True)}" for r in responses)
    secrets = [
        OWNER["name"],
        OWNER["email"],
        services.subjects.for_client(shop.client_id),
        services.store_facts().store_id,
        *(rfp["id"] for rfp in rfps.values()),
    ]
    assert [s for s in secrets if s in received] == []


def test_an_rfp_that_reveals_its_buyer_says_who_it_is(
    shop: Caller, services: Services, rfps: dict[str, Any]
) -> None:
    revealed = publish(services, title="Wanted: known buyer", reveal_identity=True)
    body = shop.get(f"/rfps/{name(revealed)}").get_json()
    assert body["buyer"] == OWNER
    assert revealed["id"] not in str(body)


def test_a_vendor_let_in_before_the_owner_asked_for_approval_is_held_back_after(
    made_store: Path,
) -> None:
    """The owner turns PDS_RFP_VENDORS_NEED_APPROVAL on over a store where an unapproved
    vendor already has a token and a subscription: its calls are 403 awaiting_approval and
    it hears of no RFP, until the owner approves it."""
    settings = {"home": made_store, "passphrase": PASSPHRASE, "webhooks_enabled": False}
    before = create_app(settings)
    shop = Caller.register(before.test_client(), "Velo Shop")
    assert shop.put("/subscription", {"url": "https://velo.example/hooks"}).status_code == 201
    runtime_of(before).close()
    after = create_app({**settings, "rfp_vendors_need_approval": True})
    try:
        services: Services = services_of(after)
        shop.vendor.http = after.test_client()
        refused = shop.get("/rfps")
        assert problem(refused) == (
            403,
            "awaiting_approval",
            f"client {shop.client_id} is awaiting the owner's approval to answer RFPs",
        )
        assert problem(shop.put("/subscription", {"url": "https://velo.example/h"}))[0] == 403
        held = publish(services, title="Wanted: bike")
        assert services.webhooks.deliveries(rfp_id=held["id"]) == []
        services.clients.approve(shop.client_id)
        assert [rfp["id"] for rfp in shop.get("/rfps").get_json()["items"]] == [held["pseudonym"]]
        heard = publish(services, title="Wanted: another bike")
        [delivery] = services.webhooks.deliveries(rfp_id=heard["id"])
        assert delivery["client_id"] == shop.client_id
    finally:
        runtime_of(after).close()


def test_offers_and_questions_lose_invisible_characters(
    shop: Caller, rfps: dict[str, dict[str, Any]], owner: FlaskClient
) -> None:
    sneaky = offer_data(
        message="In stock\u202e kcots ni ton",
        conditions="\u200fTwo years\ufeff warranty.",
        line_items=[{"description": "Road bike\u2066, size M", "unit_price": "799.00"}],
    )
    offer = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", sneaky).get_json()
    assert offer["message"] == "In stock kcots ni ton"
    assert offer["conditions"] == "Two years warranty."
    asked = shop.post(f"/offers/{offer['id']}/questions", {"text": "Size\u2060 L\u061c?"})
    assert asked.get_json()["thread"][0]["text"] == "Size L?"
    html = owner.get(f"/rfps/{rfps['bikes']['id']}").get_data(as_text=True)
    assert "In stock kcots ni ton" in html and "Road bike, size M" in html
    assert "Size L?" in html and not set(HIDDEN) & set(html)


def test_an_offers_times_are_told_to_the_minute(
    shop: Caller, rfps: dict[str, dict[str, Any]], services: Services
) -> None:
    offer = shop.put(f"/rfps/{name(rfps['bikes'])}/offer", offer_data()).get_json()
    shop.post(f"/offers/{offer['id']}/questions", {"text": "Does it come in L?"})
    services.offers.answer(offer["id"], "Yes.")
    seen = shop.get(f"/offers/{offer['id']}").get_json()
    times = [seen["created_at"], seen["updated_at"], *(said["at"] for said in seen["thread"])]
    assert len(times) == 4 and all(time.endswith(":00Z") for time in times)
    stored = services.offers.get(offer["id"])
    assert seen["updated_at"] == stored["updated_at"][:17] + "00Z"
