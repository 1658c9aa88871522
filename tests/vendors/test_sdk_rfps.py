"""``RfpClient`` against the real app: registration for client credentials, the token
(fetched once, kept until it expires, fetched again when refused), the subscription,
RFPs and offers, and the store's refusals as the SDK's exceptions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from pds.services import Services
from tests.vendors.conftest import ISSUER, REDIRECT_URI
from tests.vendors.flask_transport import FlaskTransport
from vendors.sdk import (
    Conflict,
    InvalidRequest,
    MemoryTokenStore,
    NotAuthorized,
    NotFound,
    PDSClient,
    PDSError,
    ReceiptItem,
    RfpClient,
)

DELIVERY = date.today() + timedelta(days=5)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"webhooks_enabled": False}  # subscriptions here name hosts that do not exist


def instant(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def rfp_data(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Noise-cancelling headphones",
        "description": "Over-ear, for the train.",
        "category": "electronics",
        "requirements": [{"key": "delivery_before", "operator": "before", "value": "2099-01-01"}],
        "budget": {"min": "50", "max": "120.00", "currency": "EUR"},
        "deadline": instant(timedelta(days=7)),
        "quantity": 1,
        **overrides,
    }


def publish(services: Services, **overrides: Any) -> dict[str, Any]:
    rfp = services.rfps.draft(rfp_data(**overrides))
    return services.rfps.publish(rfp["id"])


def token_requests(transport: FlaskTransport) -> int:
    return sum(1 for r in transport.sent if urlsplit(r.url or "").path == "/oauth/token")


@pytest.fixture
def vendor(http: requests.Session) -> RfpClient:
    client = RfpClient(ISSUER, session=http)
    client.register("Velo Shop")
    return client


def offer_of(vendor: RfpClient, pseudonym: str, **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "price": Decimal("89.00"),
        "currency": "EUR",
        "delivery_date": DELIVERY,
        "line_items": [ReceiptItem("Headphones", Decimal("89.00"), Decimal(1), sku="HP-NC")],
        "message": "In stock.",
        **changes,
    }
    return vendor.submit_offer(pseudonym, **fields)


# -- registration and the token ------------------------------------------------------------


def test_a_client_credentials_client_registers_without_redirect_uris(
    vendor: RfpClient, services: Services, transport: FlaskTransport
) -> None:
    record = services.clients.get(str(vendor.client_id))
    assert record["grant_types"] == ["client_credentials"]
    assert record["redirect_uris"] == []
    (registration,) = [r for r in transport.sent if r.url == f"{ISSUER}/oauth/register"]
    assert b"redirect_uris" not in (registration.body or b"")


def test_the_token_is_fetched_once_and_kept_until_it_expires(
    vendor: RfpClient, services: Services, transport: FlaskTransport
) -> None:
    publish(services)
    assert vendor.open_rfps() and vendor.open_rfps() and vendor.offers() == []
    assert token_requests(transport) == 1 and vendor.credentials.fetched == 1
    tokens = vendor.credentials.tokens
    assert tokens is not None and tokens.scope == ("rfp:respond",) and not tokens.refresh_token
    assert tokens.expires_at is not None
    assert 590 <= tokens.expires_at - datetime.now(UTC).timestamp() <= 600
    vendor.credentials._tokens = replace(tokens, expires_at=int(tokens.expires_at) - 600)
    assert len(vendor.open_rfps()) == 1
    assert token_requests(transport) == 2
    fresh = vendor.credentials.tokens
    assert fresh is not None and fresh.access_token != tokens.access_token


def test_a_refused_token_is_fetched_again_once_and_the_call_retried(
    vendor: RfpClient, http: requests.Session, services: Services, transport: FlaskTransport
) -> None:
    publish(services)
    first = vendor.credentials.get()
    revoked = http.post(
        f"{ISSUER}/oauth/revoke",
        data={"token": first.access_token, "token_type_hint": "access_token"},
        auth=(str(vendor.client_id), str(vendor.client_secret)),
    )
    assert revoked.status_code == 200
    assert len(vendor.open_rfps()) == 1  # 401 invalid_token, a new token, 200
    assert token_requests(transport) == 2
    calls = [r for r in transport.sent if urlsplit(r.url or "").path == "/api/v1/rfps"]
    assert len(calls) == 2


def test_a_blocked_vendor_gets_no_token(vendor: RfpClient, services: Services) -> None:
    services.clients.block(str(vendor.client_id))
    with pytest.raises(NotAuthorized) as refused:
        vendor.open_rfps()
    assert (refused.value.status, refused.value.code) == (401, "invalid_client")


def test_a_wrong_secret_gets_no_token(vendor: RfpClient, http: requests.Session) -> None:
    impostor = RfpClient(ISSUER, client_id=vendor.client_id, client_secret="guess", session=http)
    with pytest.raises(NotAuthorized) as refused:
        impostor.offers()
    assert (refused.value.status, refused.value.code) == (401, "invalid_client")


def test_an_unregistered_client_is_told_so_before_any_call(http: requests.Session) -> None:
    with pytest.raises(PDSError) as refused:
        RfpClient(ISSUER, session=http).open_rfps()
    assert (refused.value.status, refused.value.code) == (None, "not_registered")


def test_a_code_flow_client_registered_for_both_answers_rfps_too(
    http: requests.Session, services: Services
) -> None:
    shop = PDSClient(ISSUER, token_store=MemoryTokenStore(), session=http)
    registration = shop.register("Example Shop", [REDIRECT_URI], client_credentials=True)
    assert registration.grant_types == ("authorization_code", "refresh_token", "client_credentials")
    rfp = publish(services)
    assert [r.id for r in shop.rfp_client().open_rfps()] == [rfp["pseudonym"]]


# -- the subscription ---------------------------------------------------------------------


def test_subscribe_read_replace_rotate_unsubscribe(vendor: RfpClient) -> None:
    created = vendor.subscribe("https://velo.example/webhooks", ["electronics", "bikes"])
    assert created.url == "https://velo.example/webhooks"
    assert created.categories == ("electronics", "bikes")
    assert created.secret is not None and created.secret.startswith("whsec_")
    assert "secret" not in repr(created) and created.secret not in repr(created)
    read = vendor.subscription()
    assert (read.url, read.categories, read.secret) == (created.url, created.categories, None)
    replaced = vendor.subscribe("https://velo.example/hooks", [])
    assert (replaced.url, replaced.categories, replaced.secret) == (
        "https://velo.example/hooks",
        (),
        None,
    )
    rotated = vendor.rotate_secret()
    assert rotated.startswith("whsec_") and rotated != created.secret
    vendor.unsubscribe()
    with pytest.raises(NotFound) as missing:
        vendor.subscription()
    assert missing.value.status == 404


def test_a_subscription_to_plain_http_elsewhere_than_loopback_is_refused(
    vendor: RfpClient,
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        vendor.subscribe("http://velo.example/webhooks", ["bikes"])
    assert refused.value.status == 422 and set(refused.value.errors) == {"url"}


# -- RFPs and offers ------------------------------------------------------------------------


def test_open_rfps_are_listed_by_pseudonym_with_typed_fields(
    vendor: RfpClient, services: Services
) -> None:
    headphones = publish(services)
    books = publish(services, title="A novel", category="books")
    draft = services.rfps.draft(rfp_data(title="Not yet"))
    theirs = publish(services, visibility="chosen", chosen_vendors=[_other(services)])
    listed = {rfp.id for rfp in vendor.open_rfps()}
    assert listed == {headphones["pseudonym"], books["pseudonym"]}
    assert theirs["pseudonym"] not in listed and draft["pseudonym"] not in listed
    (only,) = vendor.open_rfps(category="books")
    assert only.id == books["pseudonym"] and only.category == "books"
    rfp = vendor.rfp(headphones["pseudonym"])
    assert rfp.status == "open" and rfp.title == "Noise-cancelling headphones"
    assert (rfp.budget.min, rfp.budget.max, rfp.budget.currency) == (
        Decimal("50"),
        Decimal("120.00"),
        "EUR",
    )
    (requirement,) = rfp.requirements_for("delivery_before")
    assert (requirement.operator, requirement.value) == ("before", "2099-01-01")
    assert rfp.deadline.tzinfo is not None and rfp.quantity == 1 and rfp.buyer is None


def _other(services: Services) -> str:
    client, _ = services.clients.register(
        {"client_name": "Other", "grant_types": ["client_credentials"]}
    )
    return str(client["id"])


@pytest.mark.parametrize("name", ["rfp-unknown0000000000", "not a pseudonym"])
def test_an_unknown_rfp_is_not_found(vendor: RfpClient, name: str) -> None:
    with pytest.raises(NotFound) as missing:
        vendor.rfp(name)
    assert missing.value.status == 404
    assert missing.value.detail == f"no rfp {name}"


def test_an_rfp_chosen_for_others_is_not_found(vendor: RfpClient, services: Services) -> None:
    theirs = publish(services, visibility="chosen", chosen_vendors=[_other(services)])
    with pytest.raises(NotFound):
        vendor.rfp(theirs["pseudonym"])
    with pytest.raises(NotFound):
        offer_of(vendor, theirs["pseudonym"])


def test_an_offer_is_made_updated_read_questioned_and_withdrawn(
    vendor: RfpClient, services: Services
) -> None:
    pseudonym = publish(services)["pseudonym"]
    made = offer_of(vendor, pseudonym)
    assert made.created and made.status == "live" and made.rfp == pseudonym
    assert (made.price, made.currency, made.delivery_date) == (Decimal("89.00"), "EUR", DELIVERY)
    (item,) = made.line_items
    assert (item.description, item.quantity, item.unit_price, item.sku) == (
        "Headphones",
        Decimal(1),
        Decimal("89.00"),
        "HP-NC",
    )
    updated = offer_of(
        vendor, pseudonym, price="79.50", valid_until=datetime.now(UTC) + timedelta(days=9)
    )
    assert not updated.created and updated.id == made.id and updated.price == Decimal("79.50")
    assert updated.valid_until is not None and updated.valid_until > datetime.now(UTC)
    assert [o.id for o in vendor.offers()] == [made.id]
    asked = vendor.ask(made.id, "Would you like the white ones?")
    assert asked.open_question == "Would you like the white ones?"
    assert asked.thread[0].sender == "vendor" and asked.thread[0].at is not None
    services.offers.answer(made.id, "Black, please.")
    answered = vendor.offer(made.id)
    assert answered.open_question is None and answered.thread[-1].text == "Black, please."
    withdrawn = vendor.withdraw_offer(made.id)
    assert withdrawn.status == "withdrawn"
    with pytest.raises(Conflict) as again:
        vendor.withdraw_offer(made.id)
    assert again.value.status == 409
    assert again.value.detail == f"offer {made.id} cannot go from withdrawn to withdrawn"


def test_an_offer_in_another_currency_is_refused_field_by_field(
    vendor: RfpClient, services: Services
) -> None:
    pseudonym = publish(services)["pseudonym"]
    with pytest.raises(InvalidRequest) as refused:
        offer_of(vendor, pseudonym, currency="USD")
    assert refused.value.status == 422
    assert refused.value.errors == {"currency": ["Must be EUR, the currency of the rfp's budget."]}


def test_an_offer_on_a_closed_rfp_is_a_conflict(vendor: RfpClient, services: Services) -> None:
    rfp = publish(services)
    services.rfps.close(rfp["id"])
    with pytest.raises(Conflict) as refused:
        offer_of(vendor, rfp["pseudonym"])
    assert refused.value.status == 409
    assert refused.value.detail == f"rfp {rfp['pseudonym']} is closed, not open"


def test_someone_elses_offer_is_not_found(
    vendor: RfpClient, http: requests.Session, services: Services
) -> None:
    pseudonym = publish(services)["pseudonym"]
    made = offer_of(vendor, pseudonym)
    other = RfpClient(ISSUER, session=http)
    other.register("Other Shop")
    for call in (other.offer, other.withdraw_offer):
        with pytest.raises(NotFound) as missing:
            call(made.id)
        assert missing.value.detail == f"no offer {made.id}"
