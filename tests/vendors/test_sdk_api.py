"""Each API endpoint through the SDK's typed calls, and errors as exceptions, against the
real app."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from pds.services import Services
from tests.vendors.conftest import ISSUER, connect
from vendors.sdk import (
    Forbidden,
    InvalidRequest,
    NotAuthorized,
    NotFound,
    PDSClient,
    Preference,
    RateLimited,
    Receipt,
    ReceiptItem,
    Relationship,
)
from vendors.sdk.errors import ServerError, error_from_response


def vendor_id_of(services: Services, sdk: PDSClient) -> str:
    (grant,) = services.grants.list(client_id=sdk.client_id)
    return str(grant["vendor_id"])


def add_purchase(services: Services, vendor_id: str, day: str, **extra: Any) -> dict[str, Any]:
    data = {"vendor_id": vendor_id, "date": day, "total": "10.00", "currency": "EUR", **extra}
    return services.purchases.add(data)


RECEIPT = Receipt(
    date=date(2024, 5, 17),
    currency="EUR",
    order_ref="ORD-17",
    category="books",
    tags=("gift",),
    items=(
        ReceiptItem("Paperback", Decimal("12.50"), Decimal(2), sku="PB-1"),
        ReceiptItem("Bookmark", Decimal("0.99")),
    ),
)


def test_me_carries_the_pairwise_subject_and_granted_claims(
    sdk: PDSClient, owner: FlaskClient, services: Services
) -> None:
    services.profile.update(
        {"name": "Ada Lovelace", "email": "ada@example.org", "phone_number": "+441234567890"}
    )
    tokens = connect(sdk, owner, scope="openid profile email")
    me = sdk.me()
    assert me.sub == tokens.subject
    assert (me.name, me.email) == ("Ada Lovelace", "ada@example.org")
    assert "phone_number" not in me.claims  # the phone scope was not granted


def test_a_pushed_receipt_lands_as_a_new_purchase_from_this_vendor(
    connected: PDSClient, services: Services
) -> None:
    pushed = connected.push_receipt(RECEIPT)
    assert pushed.total == Decimal("25.99") and isinstance(pushed.total, Decimal)
    assert pushed.date == date(2024, 5, 17)
    assert pushed.status == "new" and pushed.source == f"vendor:{connected.client_id}"
    assert pushed.items[0].quantity == Decimal(2) and pushed.items[0].sku == "PB-1"
    assert pushed.items[1].unit_price == Decimal("0.99")
    assert isinstance(pushed.created_at, datetime) and pushed.created_at.tzinfo is not None
    stored = services.purchases.get(pushed.id)
    assert stored["vendor_id"] == vendor_id_of(services, connected) == pushed.vendor_id
    assert (stored["status"], stored["source"], stored["order_ref"]) == (
        "new",
        f"vendor:{connected.client_id}",
        "ORD-17",
    )
    assert connected.purchase(pushed.id) == pushed


def test_purchases_follow_cursors_with_the_same_filters(
    connected: PDSClient, services: Services
) -> None:
    vendor = vendor_id_of(services, connected)
    days = [f"2024-0{m}-1{d}" for m in range(1, 4) for d in range(3)]
    for day in days:
        add_purchase(services, vendor, day, category="books")
    add_purchase(services, vendor, "2024-02-15", category="music")
    page = connected.purchases_page(category="books", limit=4)
    assert len(page.items) == 4 and page.next_cursor is not None
    every = list(connected.purchases(category="books", limit=4))
    assert [p.date.isoformat() for p in every] == sorted(days, reverse=True)
    since = list(connected.purchases(since=date(2024, 2, 1), until="2024-02-28", limit=2))
    assert sorted(p.date.isoformat() for p in since) == [
        "2024-02-10",
        "2024-02-11",
        "2024-02-12",
        "2024-02-15",
    ]


def test_purchases_of_other_vendors_are_not_found(connected: PDSClient, services: Services) -> None:
    other = services.relationships.add({"kind": "vendor", "name": "Someone Else"})
    theirs = add_purchase(services, other["id"], "2024-01-01")
    with pytest.raises(NotFound) as caught:
        connected.purchase(theirs["id"])
    assert caught.value.status == 404 and caught.value.code == "not_found"
    assert list(connected.purchases()) == []


def test_preferences_and_relationship_are_what_the_owner_shares(
    connected: PDSClient, services: Services
) -> None:
    services.preferences.set("clothing.size", "M", visibility="shared")
    services.preferences.set("food.avoid", ["nuts", "shellfish"], visibility="public")
    services.preferences.set("contact.channel", "email", visibility="shared")
    services.preferences.set("health.notes", "private", visibility="private")
    preferences = sorted(connected.preferences(), key=lambda p: p.key)
    assert preferences == [
        Preference("clothing.size", "M", "clothing"),
        Preference("contact.channel", "email", "contact"),
        Preference("food.avoid", ("nuts", "shellfish"), "food"),
    ]
    relationship = connected.relationship()
    assert relationship == Relationship("Example Shop", "active", None, "email")


def test_a_call_outside_the_granted_scopes_is_forbidden(sdk: PDSClient, owner: FlaskClient) -> None:
    connect(sdk, owner, scope="openid purchases:read")
    with pytest.raises(Forbidden) as caught:
        sdk.preferences()
    assert caught.value.status == 403 and caught.value.code == "insufficient_scope"
    with pytest.raises(Forbidden):
        sdk.push_receipt(RECEIPT)


def test_an_invalid_receipt_is_refused_with_field_errors(connected: PDSClient) -> None:
    wrong_total = Receipt(
        date=date(2024, 5, 17),
        currency="EUR",
        total=Decimal("99.00"),
        items=(ReceiptItem("Paperback", Decimal("12.50")),),
    )
    with pytest.raises(InvalidRequest) as caught:
        connected.push_receipt(wrong_total)
    assert caught.value.status == 422 and caught.value.code == "validation_failed"
    assert "total" in caught.value.errors
    assert "12.50" in " ".join(caught.value.errors["total"])


def test_calls_before_any_grant_are_not_authorized(sdk: PDSClient) -> None:
    with pytest.raises(NotAuthorized) as caught:
        sdk.me()
    assert caught.value.code == "not_connected"


@pytest.mark.parametrize("app_overrides", [{"api_rate_per_minute": 2}])
def test_too_many_calls_are_rate_limited_with_retry_after(connected: PDSClient) -> None:
    connected.me()
    connected.me()
    with pytest.raises(RateLimited) as caught:
        connected.me()
    assert caught.value.status == 429 and caught.value.code == "rate_limited"
    assert caught.value.retry_after is not None and caught.value.retry_after >= 1


def test_error_mapping_reads_http_dates_and_non_json_bodies() -> None:
    response = requests.Response()
    response.status_code, response.reason = 429, "Too Many Requests"
    response.headers["Retry-After"] = "Wed, 21 Oct 2099 07:28:00 GMT"
    response._content = b"slow down"
    error = error_from_response(response)
    assert isinstance(error, RateLimited) and error.retry_after and error.retry_after > 0
    response.status_code, response.reason = 502, "Bad Gateway"
    error = error_from_response(response)
    assert isinstance(error, ServerError)
    assert (error.code, error.detail) == ("server_error", "Bad Gateway")


def test_an_unknown_token_is_answered_by_the_store_with_invalid_token(
    http: requests.Session,
) -> None:
    response = http.get(f"{ISSUER}/api/v1/me", headers={"Authorization": "Bearer " + "x" * 43})
    error = error_from_response(response)
    assert isinstance(error, NotAuthorized)
    assert (error.status, error.code) == (401, "invalid_token")
