"""Browsing purchases: the sort orders (ties newest first), the pages after a purchase's
id, the count and the totals per currency of every match."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services.records.purchase_browsing import browse, sorted_purchases

NAMES = {"v1": "Zebra Shoes", "v2": "acorn bakery"}


def bought(pid: str, day: str, vendor: str, total: str, currency: str = "EUR") -> dict[str, Any]:
    return {"id": pid, "date": day, "vendor_id": vendor, "total": total, "currency": currency}


PURCHASES = [
    bought("a", "2025-01-01", "v1", "30.00"),
    bought("b", "2025-01-02", "v2", "9.50"),
    bought("c", "2025-01-02", "v1", "100.00", "USD"),
    bought("d", "2025-01-03", "v2", "9.50"),
]


def ids(records: list[dict[str, Any]]) -> list[str]:
    return [r["id"] for r in records]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-date", ["d", "c", "b", "a"]),
        ("date", ["a", "c", "b", "d"]),  # same day: newest (by id) first
        ("vendor", ["d", "b", "c", "a"]),  # by name, any case; ties newest first
        ("-total", ["c", "a", "d", "b"]),
        ("total", ["d", "b", "a", "c"]),
    ],
)
def test_sort_orders(sort: str, expected: list[str]) -> None:
    assert ids(sorted_purchases(PURCHASES, NAMES, sort)) == expected


def test_an_unknown_sort_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        sorted_purchases(PURCHASES, NAMES, "colour")
    assert "sort" in refused.value.details


def test_pages_follow_the_last_id_and_the_summary_covers_every_match() -> None:
    first = browse(PURCHASES, NAMES, sort="-total", after=None, limit=3)
    assert ids(first.items) == ["c", "a", "d"] and first.next_cursor == "d"
    assert first.count == 4
    assert first.totals == {"EUR": Decimal("49.00"), "USD": Decimal("100.00")}
    second = browse(PURCHASES, NAMES, sort="-total", after="d", limit=3)
    assert ids(second.items) == ["b"] and second.next_cursor is None
    with pytest.raises(ValidationFailed):
        browse(PURCHASES, NAMES, sort="-total", after="gone", limit=3)
