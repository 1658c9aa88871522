"""Offers on personal RFPs: validation against the RFP, one live offer, Q&A, award."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pds.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from pds.services import Services
from pds.services.intents.rfp_events import SHIPPING_NOTE
from pds.services.intents.rfps import public_view
from pds.store import Store
from tests.services.conftest import FakeClock, audit_events
from tests.services.intents.test_rfps import register, rfp_data


def offer_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "price": "799.00",
        "currency": "EUR",
        "line_items": [{"description": "Road bike, size M", "unit_price": "799.00"}],
        "delivery_date": "2025-03-20",
        "conditions": "Two years warranty.",
        "valid_until": "2025-03-15T00:00:00Z",
        "message": "In stock in silver.",
    }
    return {**data, **overrides}


@pytest.fixture
def shop(services: Services) -> str:
    return register(services, "Velo Shop")


@pytest.fixture
def other_shop(services: Services) -> str:
    return register(services, "Rad Haus")


@pytest.fixture
def rfp(services: Services) -> dict[str, Any]:
    drafted = services.rfps.draft(rfp_data())
    return services.rfps.publish(drafted["id"])


def test_submit_makes_a_live_offer_the_vendor_sees_by_pseudonym(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert offer["status"] == "live"
    assert offer["rfp"] == rfp["pseudonym"]
    assert "rfp_id" not in offer
    assert offer["line_items"][0]["currency"] == "EUR"
    assert services.offers.for_vendor(shop) == [offer]
    assert audit_events(services.store)[-1] == {
        "actor": f"vendor:{shop}",
        "action": "offer.submit",
        "target": offer["id"],
    }


def test_a_second_submit_updates_the_live_offer(
    services: Services, rfp: dict[str, Any], shop: str, clock: FakeClock
) -> None:
    first = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    clock.advance(minutes=5)
    second = services.offers.submit(rfp["pseudonym"], shop, offer_data(price="749.00"))
    assert second["id"] == first["id"]
    assert second["price"] == "749.00"
    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] == "2025-03-01T09:05:00Z"
    assert len(services.offers.list_for_rfp(rfp["id"])) == 1


def test_offer_currency_must_match_the_budget(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.offers.submit(rfp["pseudonym"], shop, offer_data(currency="USD", line_items=None))
    assert caught.value.message == "invalid offer: check currency"
    assert caught.value.details == {"currency": ["Must be EUR, the currency of the rfp's budget."]}


def test_offer_fields_are_validated(services: Services, rfp: dict[str, Any], shop: str) -> None:
    data = offer_data(price="-1", delivery_date="soon", valid_until="2025-02-01T00:00:00Z")
    with pytest.raises(ValidationFailed) as caught:
        services.offers.submit(rfp["pseudonym"], shop, data)
    assert caught.value.message == "invalid offer: check delivery_date, price"
    assert caught.value.details["price"] == ["Must be at least 0."]
    with pytest.raises(ValidationFailed) as caught:
        services.offers.submit(
            rfp["pseudonym"], shop, offer_data(valid_until="2025-02-01T00:00:00Z")
        )
    assert caught.value.details == {"valid_until": ["Must be in the future."]}
    items = [{"description": "Bike", "unit_price": "1", "currency": "USD"}]
    with pytest.raises(ValidationFailed) as caught:
        services.offers.submit(rfp["pseudonym"], shop, offer_data(line_items=items))
    assert caught.value.details == {
        "line_items": {"0": {"currency": ["Must match the offer currency."]}}
    }


def test_offers_after_the_deadline_are_refused(
    services: Services, rfp: dict[str, Any], shop: str, clock: FakeClock
) -> None:
    clock.advance(days=10)
    with pytest.raises(Conflict) as caught:
        services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert caught.value.message == f"the deadline of rfp {rfp['pseudonym']} has passed"
    assert caught.value.details == {"deadline": ["Passed at 2025-03-10T12:00:00Z."]}
    assert services.rfps.get(rfp["id"])["status"] == "expired"


def test_offers_on_a_closed_rfp_are_refused(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    services.rfps.close(rfp["id"])
    with pytest.raises(Conflict) as caught:
        services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert caught.value.message == f"rfp {rfp['pseudonym']} is closed, not open"
    assert caught.value.details == {"rfp": ["Is closed; offers are taken only while open."]}


def test_drafts_and_unknown_rfps_do_not_exist_for_vendors(services: Services, shop: str) -> None:
    draft = services.rfps.draft(rfp_data())
    for name in (draft["pseudonym"], "rfp-aaaaaaaaaaaaaaaa", draft["id"]):
        with pytest.raises(NotFound) as caught:
            services.offers.submit(name, shop, offer_data())
        assert caught.value.message == f"no rfp {name}"


def test_blocked_vendors_are_refused_and_hidden(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    services.clients.block(shop)
    with pytest.raises(PermissionDenied) as caught:
        services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert caught.value.message == f"client {shop} is blocked"
    assert caught.value.details == {"client_id": ["Blocked by the owner."]}
    with pytest.raises(PermissionDenied):
        services.offers.withdraw(offer["id"], shop)
    assert [o["client_id"] for o in services.offers.list_for_rfp(rfp["id"])] == [other_shop]


def test_chosen_rfps_exist_only_for_chosen_vendors(
    services: Services, shop: str, other_shop: str
) -> None:
    drafted = services.rfps.draft(rfp_data(visibility="chosen", chosen_vendors=[shop]))
    rfp = services.rfps.publish(drafted["id"])
    assert services.offers.submit(rfp["pseudonym"], shop, offer_data())["status"] == "live"
    with pytest.raises(NotFound) as caught:
        services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    assert caught.value.message == f"no rfp {rfp['pseudonym']}"


def test_withdraw_then_a_new_offer(services: Services, rfp: dict[str, Any], shop: str) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert services.offers.withdraw(offer["id"], shop)["status"] == "withdrawn"
    with pytest.raises(Conflict) as caught:
        services.offers.withdraw(offer["id"], shop)
    assert caught.value.message == f"offer {offer['id']} cannot go from withdrawn to withdrawn"
    fresh = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    assert fresh["id"] != offer["id"]


def test_vendors_cannot_touch_each_others_offers(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    with pytest.raises(NotFound) as caught:
        services.offers.withdraw(offer["id"], other_shop)
    assert caught.value.message == f"no offer {offer['id']}"
    with pytest.raises(NotFound):
        services.offers.ask(offer["id"], other_shop, "Who are you?")
    assert services.offers.for_vendor(other_shop) == []


def test_withdraw_after_the_rfp_closed_is_refused(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.rfps.close(rfp["id"])
    with pytest.raises(Conflict) as caught:
        services.offers.withdraw(offer["id"], shop)
    assert caught.value.message == f"rfp {rfp['pseudonym']} is closed, not open"


def test_owner_sorts_offers_by_price_or_delivery(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    services.offers.submit(rfp["pseudonym"], shop, offer_data(price="900", line_items=None))
    services.offers.submit(
        rfp["pseudonym"],
        other_shop,
        offer_data(price="95.5", delivery_date="2025-04-01", line_items=None),
    )
    by_price = services.offers.list_for_rfp(rfp["id"], sort="price")
    assert [o["client_id"] for o in by_price] == [other_shop, shop]
    by_delivery = services.offers.list_for_rfp(rfp["id"], sort="delivery_date")
    assert [o["client_id"] for o in by_delivery] == [shop, other_shop]
    with pytest.raises(ValidationFailed) as caught:
        services.offers.list_for_rfp(rfp["id"], sort="vendor")
    assert caught.value.details == {"sort": ["Must be one of: price, delivery_date."]}


def test_question_and_answer_thread(
    services: Services, rfp: dict[str, Any], shop: str, clock: FakeClock
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    with pytest.raises(Conflict) as caught:
        services.offers.answer(offer["id"], "Nothing was asked.")
    assert caught.value.message == f"offer {offer['id']} has no question awaiting an answer"
    asked = services.offers.ask(offer["id"], shop, "Is a frame size of 54 cm right?")
    clock.advance(minutes=1)
    answered = services.offers.answer(offer["id"], "Yes, 54 cm.")
    assert answered["thread"] == [
        {"from": "vendor", "text": "Is a frame size of 54 cm right?", "at": asked["updated_at"]},
        {"from": "owner", "text": "Yes, 54 cm.", "at": "2025-03-01T09:01:00Z"},
    ]
    assert services.offers.for_vendor(shop)[0]["thread"] == answered["thread"]
    with pytest.raises(ValidationFailed) as caught:
        services.offers.ask(offer["id"], shop, "   ")
    assert caught.value.details == {"text": ["Must not be blank."]}
    events = audit_events(services.store)
    assert [e["action"] for e in events[-2:]] == ["offer.ask", "offer.answer"]
    assert all("text" not in e for e in events)


def test_award_selects_one_and_tells_the_others(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    winner = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    loser = services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    awarded = services.rfps.award(rfp["id"], winner["id"])
    assert awarded["status"] == "awarded"
    assert awarded["awarded_offer_id"] == winner["id"]
    assert services.offers.for_vendor(shop)[0]["status"] == "awarded"
    told = services.offers.for_vendor(other_shop)[0]
    assert told["status"] == "not_selected"
    assert shop not in str(told) and winner["id"] not in str(told)
    assert services.offers.get(loser["id"])["status"] == "not_selected"


def test_award_needs_a_live_offer_of_this_rfp(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    other = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    elsewhere = services.offers.submit(other["pseudonym"], shop, offer_data())
    withdrawn = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.withdraw(withdrawn["id"], shop)
    for offer_id in (elsewhere["id"], withdrawn["id"], "missing"):
        with pytest.raises(Conflict) as caught:
            services.rfps.award(rfp["id"], offer_id)
        assert caught.value.message == f"offer {offer_id} is not a live offer for rfp {rfp['id']}"
        assert caught.value.details == {"offer_id": ["Must be a live offer for this rfp."]}
    assert services.rfps.get(rfp["id"])["status"] == "open"


def test_award_after_the_deadline_is_refused(
    services: Services, rfp: dict[str, Any], shop: str, clock: FakeClock
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    clock.advance(days=10)
    with pytest.raises(Conflict) as caught:
        services.rfps.award(rfp["id"], offer["id"])
    assert caught.value.message == f"rfp {rfp['id']} cannot go from expired to awarded"
    assert services.rfps.get(rfp["id"])["status"] == "expired"


# -- award, decline and answers tell the vendors -------------------------------------------

ISSUER = "https://pds.example.org"


@pytest.fixture
def told(store: Store, clock: FakeClock) -> Services:
    """Services that know the store's issuer (for the award's consent block)."""
    return Services(store, clock=clock, issuer=ISSUER)


def listening(services: Services, name: str, **client: Any) -> str:
    registered, _ = services.clients.register(
        {"client_name": name, "redirect_uris": ["https://shop.example.com/cb"], **client}
    )
    services.subscriptions.subscribe(registered["id"], {"url": "https://shop.example.com/hook"})
    return str(registered["id"])


def events(services: Services, rfp_id: str, after: int = 0) -> list[tuple[str, str, Any]]:
    log = list(reversed(services.webhooks.deliveries(rfp_id=rfp_id)))[after:]
    return [(d["event"], d["client_id"], json.loads(d["body"])["data"]) for d in log]


@pytest.mark.parametrize("share_shipping", [False, True])
def test_award_tells_winner_losers_and_the_rest(told: Services, share_shipping: bool) -> None:
    winner_shop, loser_shop, watcher, quitter = (
        listening(told, name) for name in ("Velo Shop", "Rad Haus", "Watcher", "Quitter")
    )
    rfp = told.rfps.publish(told.rfps.draft(rfp_data())["id"])
    winner = told.offers.submit(rfp["pseudonym"], winner_shop, offer_data())
    loser = told.offers.submit(rfp["pseudonym"], loser_shop, offer_data(price="850"))
    gave_up = told.offers.submit(rfp["pseudonym"], quitter, offer_data())
    told.offers.withdraw(gave_up["id"], quitter)
    told.rfps.award(rfp["id"], winner["id"], share_shipping=share_shipping)

    sent = events(told, rfp["id"], after=4)  # after the four rfp.published
    by_client = {client: (event, data) for event, client, data in sent}
    assert len(sent) == 4
    event, data = by_client[winner_shop]
    assert event == "offer.awarded"
    assert data["offer"] == {**told.offers.for_vendor(winner_shop)[0]}
    assert data["offer"]["status"] == "awarded"
    assert data["rfp"] == {**public_view(told.rfps.get(rfp["id"])), "status": "awarded"}
    if share_shipping:
        assert data["consent"] == {
            "issuer": ISSUER,
            "scope": "openid address",
            "note": SHIPPING_NOTE,
        }
    else:
        assert data["consent"] is None
    assert by_client[loser_shop] == (
        "offer.not_selected",
        {"offer": {"id": loser["id"], "rfp": rfp["pseudonym"], "status": "not_selected"}},
    )
    closed = {"id": rfp["pseudonym"], "status": "awarded"}
    assert by_client[watcher] == ("rfp.closed", closed)
    assert by_client[quitter] == ("rfp.closed", closed)
    loser_body = json.dumps(by_client[loser_shop])
    assert winner["id"] not in loser_body and winner_shop not in loser_body


def test_award_creates_the_winners_relationship_and_logs_it(
    services: Services, rfp: dict[str, Any], shop: str
) -> None:
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.rfps.award(rfp["id"], offer["id"])
    [vendor] = services.relationships.list(kind="vendor").items
    assert vendor["name"] == "Velo Shop"
    assert vendor["how_known"] == "Won my RFP: A silver road bike"
    assert vendor["tags"] == ["rfp"]
    entries = services.interactions.list(kind="rfp").items
    assert entries[0]["note"] == "rfp awarded: A silver road bike"
    assert entries[0]["counterpart_id"] == vendor["id"]
    assert entries[0]["rfp_id"] == rfp["id"]
    assert [e["id"] for e in services.interactions.list(counterpart_id=vendor["id"]).items] == [
        entries[0]["id"]
    ]
    assert audit_events(services.store)[-1] == {
        "actor": "owner",
        "action": "rfp.awarded",
        "target": rfp["id"],
    }


def test_award_updates_the_relationship_a_grant_links(services: Services) -> None:
    client, _ = services.clients.register(
        {
            "client_name": "Velo Shop",
            "client_uri": "https://velo.example.com",
            "redirect_uris": ["https://velo.example.com/cb"],
        }
    )
    grant = services.consent.allow(
        client, requested=["openid"], chosen=["openid"], constraints={}, expiry="30d"
    )
    vendor = services.relationships.update(grant["vendor_id"], {"name": "My bike people"})
    rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    offer = services.offers.submit(rfp["pseudonym"], client["id"], offer_data())
    services.rfps.award(rfp["id"], offer["id"])
    [only] = services.relationships.list(kind="vendor").items
    assert only["id"] == vendor["id"]
    assert only["tags"] == ["rfp"]
    assert only["how_known"] == "Asked for access to my data store."
    [entry] = services.interactions.list(counterpart_id=vendor["id"]).items
    assert entry["note"] == "rfp awarded: A silver road bike"


def test_an_award_links_no_vendor_by_name_and_keeps_the_winners_own_record(
    services: Services,
) -> None:
    known = services.relationships.add(
        {"kind": "vendor", "name": "Velo Shop", "domain": "velo.example"}
    )
    client, _ = services.clients.register(  # answers RFPs only: it proves no domain
        {"client_name": "Velo Shop", "grant_types": ["client_credentials"]}
    )
    for title in ("A silver road bike", "A child seat"):
        rfp = services.rfps.publish(services.rfps.draft(rfp_data(title=title))["id"])
        offer = services.offers.submit(rfp["pseudonym"], client["id"], offer_data())
        services.rfps.award(rfp["id"], offer["id"])
    [own] = [v for v in services.relationships.list(kind="vendor").items if v["id"] != known["id"]]
    assert own["how_known"] == "Won my RFP: A silver road bike" and own["tags"] == ["rfp"]
    assert services.relationships.get(known["id"]).get("tags", []) == []
    notes = [e["note"] for e in services.interactions.list(counterpart_id=own["id"]).items]
    assert sorted(notes) == ["rfp awarded: A child seat", "rfp awarded: A silver road bike"]


def test_decline_tells_the_vendor_only_not_selected(
    services: Services, rfp: dict[str, Any]
) -> None:
    shop = listening(services, "Velo Shop")
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    declined = services.offers.decline(offer["id"])
    assert declined["status"] == "not_selected"
    assert services.offers.for_vendor(shop)[0]["status"] == "not_selected"
    assert events(services, rfp["id"])[-1] == (
        "offer.not_selected",
        shop,
        {"offer": {"id": offer["id"], "rfp": rfp["pseudonym"], "status": "not_selected"}},
    )
    assert audit_events(services.store)[-1] == {
        "actor": "owner",
        "action": "offer.decline",
        "target": offer["id"],
    }
    assert services.rfps.get(rfp["id"])["status"] == "open"


def test_decline_needs_a_live_offer_of_an_open_rfp(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    withdrawn = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.withdraw(withdrawn["id"], shop)
    with pytest.raises(Conflict) as caught:
        services.offers.decline(withdrawn["id"])
    assert caught.value.message == (
        f"offer {withdrawn['id']} cannot go from withdrawn to not_selected"
    )
    assert caught.value.details == {"status": ["Is withdrawn; only a live offer can be declined."]}
    live = services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    services.rfps.close(rfp["id"])
    with pytest.raises(Conflict) as caught:
        services.offers.decline(live["id"])
    assert caught.value.message == f"rfp {rfp['id']} is closed; offers are declined only while open"
    assert caught.value.details == {"rfp": ["Is closed, not open."]}
    with pytest.raises(NotFound) as missing:
        services.offers.decline("nope")
    assert missing.value.message == "no offer nope"


def test_answer_tells_the_vendor(services: Services, rfp: dict[str, Any]) -> None:
    shop = listening(services, "Velo Shop")
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.offers.ask(offer["id"], shop, "Which frame size?")
    services.offers.answer(offer["id"], "M, please.")
    event, client, data = events(services, rfp["id"])[-1]
    assert (event, client) == ("offer.answered", shop)
    assert data == {"offer": services.offers.for_vendor(shop)[0]}
    assert [m["text"] for m in data["offer"]["thread"]] == ["Which frame size?", "M, please."]
    assert "rfp_id" not in data["offer"]


def test_an_update_reaches_vendors_with_live_offers_outside_the_audience(
    services: Services, rfp: dict[str, Any]
) -> None:
    bidder = register(services, "Velo Shop")
    offer = services.offers.submit(rfp["pseudonym"], bidder, offer_data())
    services.subscriptions.subscribe(
        bidder, {"url": "https://shop.example.com/hook", "categories": ["books"]}
    )
    services.rfps.amend(rfp["id"], {"quantity": 2})
    assert [(e, c) for e, c, _ in events(services, rfp["id"])] == [("rfp.updated", bidder)]
    services.offers.withdraw(offer["id"], bidder)
    services.rfps.amend(rfp["id"], {"quantity": 3})
    assert len(events(services, rfp["id"])) == 1  # no live offer: no longer told


def test_blocked_vendors_hear_nothing(services: Services, rfp: dict[str, Any]) -> None:
    shop = listening(services, "Velo Shop")
    offer = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    services.clients.block(shop)
    services.rfps.amend(rfp["id"], {"quantity": 2})
    services.rfps.close(rfp["id"])
    assert events(services, rfp["id"]) == []
    assert services.offers.get(offer["id"])["status"] == "live"


# -- what an RFP's moves ask of the offers ----------------------------------------------


def test_settle_moves_the_live_offers_of_one_rfp(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    third = register(services, "Bike Barn")
    winner = services.offers.submit(rfp["pseudonym"], shop, offer_data())
    loser = services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    withdrawn = services.offers.submit(rfp["pseudonym"], third, offer_data())
    services.offers.withdraw(withdrawn["id"], third)
    other_rfp = services.rfps.publish(services.rfps.draft(rfp_data())["id"])
    elsewhere = services.offers.submit(other_rfp["pseudonym"], other_shop, offer_data())

    won, others = services.offers.settle(rfp["id"], winner["id"])
    assert (won["id"], won["status"]) == (winner["id"], "awarded")
    assert [(o["id"], o["status"]) for o in others] == [(loser["id"], "not_selected")]
    assert services.offers.get(withdrawn["id"])["status"] == "withdrawn"
    assert services.offers.get(elsewhere["id"])["status"] == "live"
    with pytest.raises(Conflict):  # no longer live
        services.offers.settle(rfp["id"], winner["id"])


def test_bidders_are_the_vendors_with_offers_on_an_rfp(
    services: Services, rfp: dict[str, Any], shop: str, other_shop: str
) -> None:
    assert services.offers.bidders(rfp["id"]) == []
    services.offers.submit(rfp["pseudonym"], shop, offer_data())
    withdrawn = services.offers.submit(rfp["pseudonym"], other_shop, offer_data())
    services.offers.withdraw(withdrawn["id"], other_shop)
    assert services.offers.bidders(rfp["id"]) == [shop, other_shop]
    assert services.offers.bidders(rfp["id"], live_only=True) == [shop]
