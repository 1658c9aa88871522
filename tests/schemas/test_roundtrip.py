"""Property: every valid record survives load -> dump (storage form) -> load unchanged."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from pds.schemas import InteractionSchema, PreferenceSchema, PurchaseSchema, dump, is_id, load
from pds.schemas.currencies import CODES
from pds.schemas.interaction import CHANNELS, KINDS

ids = st.builds(
    lambda ms, seq, rand: str(
        uuid.UUID(int=(ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand)
    ),
    st.integers(0, 2**48 - 1),
    st.integers(0, 2**12 - 1),
    st.integers(0, 2**62 - 1),
)
printable = st.characters(blacklist_categories=("Cc", "Cs"))
label_chars = st.characters(blacklist_categories=("Cc", "Cs", "Zs"), blacklist_characters=",;|")


def text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(printable, min_size=1, max_size=max_size).filter(lambda s: s.strip())


labels = st.text(label_chars, min_size=1, max_size=20)
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31))
zones = st.sampled_from([None, UTC, timezone(timedelta(hours=5, minutes=30))])
instants = st.datetimes(
    min_value=datetime(1901, 1, 1), max_value=datetime(2998, 12, 31), timezones=zones
)
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
line_items = st.fixed_dictionaries(
    {
        "description": text(200),
        "unit_price": st.decimals(min_value=0, max_value=10**4, places=4, allow_nan=False),
    },
    optional={
        "quantity": st.decimals(min_value=Decimal("0.001"), max_value=1000, places=3),
        "sku": text(64),
    },
)
optional_purchase_fields = {
    "id": ids,
    "order_ref": text(100),
    "category": labels,
    "tags": st.lists(labels, max_size=20),
    "notes": st.text(printable, max_size=400),
    "source": st.sampled_from(["owner", "import", "vendor:shop-42", "vendor:a.b~c"]),
    "status": st.sampled_from(["new", "reviewed"]),
    "created_at": instants,
    "updated_at": instants,
}


@st.composite
def purchases(draw: st.DrawFn) -> dict[str, Any]:
    data = draw(
        st.fixed_dictionaries(
            {"vendor_id": ids, "date": days, "currency": st.sampled_from(sorted(CODES))},
            optional=optional_purchase_fields,
        )
    )
    items = draw(st.lists(line_items, max_size=5))
    if items:
        data["items"] = items
    else:
        data["total"] = draw(amounts)
    return data


def assert_round_trip(schema: Any, raw: dict[str, Any]) -> None:
    loaded = load(schema, raw)
    stored = dump(schema, loaded)
    assert orjson.loads(orjson.dumps(stored)) == stored  # JSON-compatible
    assert load(schema, stored) == loaded
    assert dump(schema, load(schema, stored)) == stored


@settings(max_examples=300, deadline=None)
@given(purchases())
def test_any_valid_purchase_round_trips(raw: dict[str, Any]) -> None:
    assert_round_trip(PurchaseSchema(), raw)


@settings(max_examples=150, deadline=None)
@given(purchases())
def test_stored_amounts_are_plain_decimal_strings(raw: dict[str, Any]) -> None:
    stored = dump(PurchaseSchema(), load(PurchaseSchema(), raw))
    assert is_id(stored["vendor_id"])
    amounts_seen = [stored["total"]]
    for item in stored.get("items", []):
        amounts_seen += [item["quantity"], item["unit_price"]]
    for amount in amounts_seen:
        assert isinstance(amount, str) and re.fullmatch(r"-?\d+(\.\d+)?", amount), amount


scalars = st.one_of(
    text(100),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "key": st.from_regex(r"\A[a-z][a-z0-9_]{0,10}(\.[a-z][a-z0-9_]{0,10}){1,3}\Z"),
            "value": st.one_of(scalars, st.lists(scalars, max_size=10)),
        },
        optional={
            "category": labels,
            "visibility": st.sampled_from(["private", "shared", "public"]),
            "note": text(500),
        },
    )
)
def test_any_valid_preference_round_trips(raw: dict[str, Any]) -> None:
    assert_round_trip(PreferenceSchema(), raw)


@settings(max_examples=150, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "kind": st.sampled_from(KINDS),
            "date": st.one_of(days, instants),
            "counterpart_id": ids,
        },
        optional={
            "channel": st.sampled_from(CHANNELS),
            "purchase_id": ids,
            "note": text(4000),
        },
    )
)
def test_any_valid_interaction_round_trips(raw: dict[str, Any]) -> None:
    assert_round_trip(InteractionSchema(), raw)
