"""Searching purchases by text, and the import preview's planned purchases."""

from __future__ import annotations

from typing import Any

from pds.services import Services
from pds.services.importers.purchases_csv import import_purchases_csv


def _add(services: Services, vendor: dict[str, Any], **more: Any) -> dict[str, Any]:
    data = {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", **more}
    return services.purchases.add(data)


def test_text_matches_items_skus_order_refs_notes_and_category_in_any_case(
    services: Services, vendor: dict[str, Any]
) -> None:
    socks = _add(services, vendor, items=[{"description": "Wool Socks", "unit_price": "7.50"}])
    sku = _add(services, vendor, items=[{"description": "x", "sku": "AB-12", "unit_price": "1"}])
    ref = _add(services, vendor, total="1.00", order_ref="ORD-77")
    note = _add(services, vendor, total="2.00", notes="For the Garden", category="home")

    def found(text: str, **filters: Any) -> list[str]:
        return [p["id"] for p in services.purchases.list(text=text, **filters).items]

    assert found("socks") == [socks["id"]]
    assert found("ab-12") == [sku["id"]]
    assert found("ord-7") == [ref["id"]]
    assert found("GARDEN") == [note["id"]] == found("hom")
    assert found("   ") == [p["id"] for p in services.purchases.list().items]
    assert found("garden", within=lambda record: record["id"] != note["id"]) == []
    assert found("nothing") == []


def test_a_dry_run_reports_the_purchases_it_would_create(
    services: Services, vendor: dict[str, Any]
) -> None:
    data = b"date,vendor,total,currency\n2025-01-02,Fresh Fields Market,4.20,EUR\n"
    data += b"2025-01-03,New Shop,1.00,EUR\n"
    report = import_purchases_csv(services, data, dry_run=True)
    assert [(p["vendor"], p["total"]) for p in report.planned] == [
        ("Fresh Fields Market", "4.20"),
        ("New Shop", "1.00"),
    ]
    assert report.planned[0]["vendor_id"] == vendor["id"]
    assert services.purchases.count() == 0
