"""The data contract: what each schema accepts, how it normalises, how it reports errors."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.schemas import (
    InteractionSchema,
    PreferenceSchema,
    ProfileSchema,
    PurchaseQuerySchema,
    PurchaseSchema,
    RelationshipSchema,
    dump,
    is_id,
    load,
)
from pds.store import ids as store_ids
from pds.store import new_id

VENDOR = "01960000-0000-7000-8000-000000000001"


def purchase(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"vendor_id": VENDOR, "date": "2025-02-03", "currency": "EUR"}
    return {**base, **fields}


def errors_of(schema: Any, data: Any) -> dict[str, Any]:
    with pytest.raises(ValidationFailed) as caught:
        load(schema, data)
    return caught.value.details


# -- ids ---------------------------------------------------------------------------------


def test_ids_follow_the_store_format() -> None:
    for _ in range(100):
        made = new_id()
        assert is_id(made) and store_ids.is_id(made)
    for bad in ["", "x", made.upper().replace("-", ""), "01960000-0000-4000-8000-000000000001"]:
        assert is_id(bad) is store_ids.is_id(bad) is False


def test_upper_case_ids_are_normalised_and_others_refused() -> None:
    loaded = load(PurchaseSchema(), purchase(vendor_id=VENDOR.upper(), total="1"))
    assert loaded["vendor_id"] == VENDOR
    assert errors_of(PurchaseSchema(), purchase(vendor_id="42", total="1")) == {
        "vendor_id": ["Not a valid id (expected a UUIDv7)."]
    }


# -- text --------------------------------------------------------------------------------


def test_text_is_stripped_normalised_and_blank_optional_fields_dropped() -> None:
    loaded = load(
        PurchaseSchema(),
        purchase(total="1", order_ref="  A-1 ", notes="  ", category=" Groceries "),
    )
    assert loaded["order_ref"] == "A-1"
    assert "notes" not in loaded
    assert loaded["category"] == "groceries"
    composed = load(RelationshipSchema(), {"kind": "person", "name": "Jose\u0301"})
    assert composed["name"] == "José"  # NFC


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("bad\x00byte", "Must not contain control characters."),
        ("line\nbreak", "Must not contain control characters."),
        ("lone \ud800 surrogate", "Contains an invalid character (lone surrogate)."),
        ("x" * 201, "Longer than maximum length 200."),
        ("   ", "Must not be blank."),
        (42, "Not a valid string."),
    ],
)
def test_short_text_refuses(value: Any, message: str) -> None:
    details = errors_of(RelationshipSchema(), {"kind": "person", "name": value})
    assert details == {"name": [message]}


def test_notes_may_span_lines_but_not_hold_other_controls() -> None:
    loaded = load(PurchaseSchema(), purchase(total="1", notes="one\r\ntwo\tthree"))
    assert loaded["notes"] == "one\ntwo\tthree"
    assert errors_of(PurchaseSchema(), purchase(total="1", notes="bell\x07")) == {
        "notes": ["Must not contain control characters."]
    }


def test_unknown_fields_are_refused() -> None:
    details = errors_of(PurchaseSchema(), purchase(total="1", colour="red"))
    assert details == {"colour": ["Unknown field."]}


def test_non_object_input_is_refused() -> None:
    assert errors_of(PurchaseSchema(), ["not", "a", "dict"]) == {"_schema": ["Invalid input type."]}


def test_tags_are_lowercased_deduplicated_and_limited() -> None:
    loaded = load(PurchaseSchema(), purchase(total="1", tags=["Food", "food ", "Weekly"]))
    assert loaded["tags"] == ["food", "weekly"]
    details = errors_of(PurchaseSchema(), purchase(total="1", tags=[f"t{i}" for i in range(21)]))
    assert details == {"tags": ["Longer than maximum length 20."]}
    assert errors_of(PurchaseSchema(), purchase(total="1", tags=["a,b"])) == {
        "tags": {"0": ["Must not contain any of: , ; |"]}
    }


# -- money -------------------------------------------------------------------------------


def test_purchase_total_is_the_rounded_sum_of_its_items() -> None:
    loaded = load(
        PurchaseSchema(),
        purchase(
            items=[
                {"description": "Apples", "quantity": "0.75", "unit_price": "2.99"},
                {"description": "Bread", "unit_price": "3.80"},
            ]
        ),
    )
    assert loaded["total"] == Decimal("6.04")  # 2.2425 + 3.80 = 6.0425
    assert loaded["items"][1]["quantity"] == Decimal(1)
    assert {item["currency"] for item in loaded["items"]} == {"EUR"}
    assert dump(PurchaseSchema(), loaded)["total"] == "6.04"


def test_a_given_total_must_match_the_items_exactly_or_rounded() -> None:
    items = [{"description": "Apples", "quantity": "0.75", "unit_price": "2.99"}]
    assert load(PurchaseSchema(), purchase(items=items, total="2.24"))["total"] == Decimal("2.24")
    assert load(PurchaseSchema(), purchase(items=items, total="2.2425"))["total"] == Decimal(
        "2.2425"
    )
    assert errors_of(PurchaseSchema(), purchase(items=items, total="2.30")) == {
        "total": ["Must equal the sum of the line items (2.24)."]
    }


def test_totals_round_half_up_but_half_even_totals_are_accepted() -> None:
    items = [{"description": "Cheese", "quantity": "0.5", "unit_price": "3.37"}]  # 1.685
    assert load(PurchaseSchema(), purchase(items=items))["total"] == Decimal("1.69")
    assert load(PurchaseSchema(), purchase(items=items, total="1.68"))["total"] == Decimal("1.68")
    assert set(errors_of(PurchaseSchema(), purchase(items=items, total="1.67"))) == {"total"}


def test_currencies_with_other_minor_units_round_accordingly() -> None:
    items = [{"description": "Ramen", "quantity": "3", "unit_price": "333.5"}]
    assert load(PurchaseSchema(), purchase(currency="JPY", items=items))["total"] == Decimal("1001")
    items = [{"description": "Dates", "quantity": "1", "unit_price": "1.125"}]
    assert load(PurchaseSchema(), purchase(currency="BHD", items=items))["total"] == Decimal(
        "1.125"
    )


def test_an_invalid_item_is_reported_not_summed() -> None:
    items = [
        {"description": "Tea", "unit_price": "2"},
        {"description": "Cake", "quantity": "0", "unit_price": "x"},
    ]
    assert errors_of(PurchaseSchema(), purchase(items=items, total="5")) == {
        "items": {
            "1": {
                "quantity": ["Must be greater than 0."],
                "unit_price": ["Not a valid decimal number (use digits and a dot, e.g. 12.50)."],
            }
        }
    }


def test_total_or_items_are_needed() -> None:
    assert errors_of(PurchaseSchema(), purchase()) == {
        "total": ["Give the total, or line items to sum."]
    }


def test_item_currency_must_match() -> None:
    items = [{"description": "Book", "unit_price": "10", "currency": "usd"}]
    assert errors_of(PurchaseSchema(), purchase(items=items)) == {
        "items": {"0": {"currency": ["Must match the purchase currency."]}}
    }


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("12,50", "Not a valid decimal number (use digits and a dot, e.g. 12.50)."),
        ("1e3", "Not a valid decimal number (use digits and a dot, e.g. 12.50)."),
        ("NaN", "Not a valid decimal number (use digits and a dot, e.g. 12.50)."),
        (True, "Not a valid decimal number (use digits and a dot, e.g. 12.50)."),
        ("-1", "Must be at least 0."),
        ("1.1234567", "At most 6 decimal places."),
        ("1000000000000", "At most 12 digits before the decimal point."),
    ],
)
def test_bad_amounts(total: Any, message: str) -> None:
    assert errors_of(PurchaseSchema(), purchase(total=total)) == {"total": [message]}


def test_amounts_accept_decimals_ints_and_floats_and_keep_their_places() -> None:
    assert load(PurchaseSchema(), purchase(total=Decimal("12.50")))["total"] == Decimal("12.50")
    assert load(PurchaseSchema(), purchase(total=12))["total"] == Decimal(12)
    assert load(PurchaseSchema(), purchase(total=0.1))["total"] == Decimal("0.1")
    assert dump(PurchaseSchema(), load(PurchaseSchema(), purchase(total="12.50")))["total"] == (
        "12.50"
    )


def test_currency_codes() -> None:
    assert load(PurchaseSchema(), purchase(total="1", currency=" eur "))["currency"] == "EUR"
    for bad in ("EURO", "XXX", "ABC", 978):
        assert errors_of(PurchaseSchema(), purchase(total="1", currency=bad)) == {
            "currency": ["Not an ISO 4217 currency code (e.g. EUR)."]
        }


# -- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2025-02-30", "03.02.2025", "2025-02-03T10:00:00", "1899-12-31"])
def test_purchase_dates_are_plain_iso_days(value: str) -> None:
    assert set(errors_of(PurchaseSchema(), purchase(total="1", date=value))) == {"date"}


def test_interaction_dates_are_days_or_utc_instants() -> None:
    schema = InteractionSchema()
    base = {"kind": "call", "counterpart_id": VENDOR}
    day = load(schema, {**base, "date": "2025-02-03"})
    assert day["date"] == date(2025, 2, 3)
    instant = load(schema, {**base, "date": "2025-02-03T10:30:15.5+01:00"})
    assert instant["date"] == datetime(2025, 2, 3, 9, 30, 15, tzinfo=UTC)
    assert dump(schema, instant)["date"] == "2025-02-03T09:30:15Z"
    naive = load(schema, {**base, "date": "2025-02-03T10:30"})
    assert dump(schema, naive)["date"] == "2025-02-03T10:30:00Z"
    assert set(errors_of(schema, {**base, "date": "yesterday"})) == {"date"}


def test_query_dates_must_be_in_order() -> None:
    details = errors_of(PurchaseQuerySchema(), {"since": "2025-02-03", "until": "2025-02-01"})
    assert details == {"until": ["Must not be before since."]}
    assert set(errors_of(PurchaseQuerySchema(), {"limit": 0})) == {"limit"}


# -- other kinds -------------------------------------------------------------------------


def test_purchase_sources_and_status() -> None:
    assert load(PurchaseSchema(), purchase(total="1"))["status"] == "reviewed"
    pushed = load(PurchaseSchema(), purchase(total="1", source="vendor:shop-1"))
    assert pushed["status"] == "new"
    assert errors_of(PurchaseSchema(), purchase(total="1", source="someone")) == {
        "source": ["Must be owner, import, import:<format> or vendor:<client_id>."]
    }
    assert load(PurchaseSchema(), purchase(total="1", source="import:ofx"))["source"] == (
        "import:ofx"
    )
    assert set(errors_of(PurchaseSchema(), purchase(total="1", source="import:"))) == {"source"}


def test_preferences_need_namespaced_keys_and_scalar_values() -> None:
    loaded = load(PreferenceSchema(), {"key": "Clothing.Size", "value": "M"})
    assert loaded == {
        "key": "clothing.size",
        "value": "M",
        "category": "clothing",
        "visibility": "private",
    }
    assert set(errors_of(PreferenceSchema(), {"key": "size", "value": "M"})) == {"key"}
    assert set(errors_of(PreferenceSchema(), {"key": "a..b", "value": "M"})) == {"key"}
    assert set(errors_of(PreferenceSchema(), {"key": "a.b", "value": {"x": 1}})) == {"value"}
    assert set(errors_of(PreferenceSchema(), {"key": "a.b", "value": float("nan")})) == {"value"}
    assert set(errors_of(PreferenceSchema(), {"key": "a.b", "value": None})) == {"value"}
    assert set(errors_of(PreferenceSchema(), {"key": "a.b", "value": 1, "visibility": "x"})) == {
        "visibility"
    }
    listed = load(PreferenceSchema(), {"key": "diet.restrictions", "value": ["vegan", 1, True]})
    assert listed["value"] == ["vegan", 1, True]


def test_relationships_contacts_and_domains() -> None:
    loaded = load(
        RelationshipSchema(),
        {
            "kind": "Vendor",
            "name": "Bücherstube",
            "domain": "Bücherstube.DE.",
            "emails": ["Info@Example.COM", "Info@example.com"],
            "phones": ["+49 30 1234567"],
            "urls": ["https://bücherstube.de/"],
        },
    )
    assert loaded["kind"] == "vendor"
    assert loaded["domain"] == "bücherstube.de".encode("idna").decode() == "xn--bcherstube-9db.de"
    assert loaded["emails"] == ["Info@example.com"]
    assert loaded["status"] == "active"
    details = errors_of(
        RelationshipSchema(),
        {
            "kind": "vendor",
            "name": "X",
            "domain": "http://x.com/",
            "emails": ["nope"],
            "phones": ["call me"],
            "urls": ["ftp://x.com"],
            "status": "gone",
        },
    )
    assert set(details) == {"domain", "emails", "phones", "urls", "status"}
    assert details["emails"] == {"0": ["Not a valid e-mail address."]}
    person = errors_of(RelationshipSchema(), {"kind": "person", "name": "P", "domain": "p.de"})
    assert person == {"domain": ["Only vendors have a domain."]}


def test_profile_claims() -> None:
    loaded = load(
        ProfileSchema(),
        {
            "name": "Mara Lindqvist",
            "email": "mara@example.org",
            "locale": "en_gb",
            "zoneinfo": "Europe/Berlin",
            "birthdate": "1988-04-17",
            "address": {"locality": "Berlin", "country": "Germany", "region": ""},
        },
    )
    assert loaded["locale"] == "en-GB"
    assert loaded["address"] == {"locality": "Berlin", "country": "Germany"}
    details = errors_of(
        ProfileSchema(),
        {
            "zoneinfo": "Mars/Olympus",
            "birthdate": "2999-01-01",
            "address": {"planet": "Mars"},
            "locale": "english please",
        },
    )
    assert details == {
        "zoneinfo": ["Not a known time zone (e.g. Europe/Berlin)."],
        "birthdate": ["Must not be in the future."],
        "address": {"planet": ["Unknown field."]},
        "locale": ["Not a valid language tag (e.g. en-GB)."],
    }


def test_validation_failed_message_names_the_fields() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load(PurchaseSchema(), {"total": "x"}, what="purchase")
    assert str(caught.value) == "invalid purchase: check currency, date, total, vendor_id"
    assert caught.value.code == "validation_failed"
