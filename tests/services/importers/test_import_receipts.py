"""E-mail receipts: schema.org Order (JSON-LD) and Invoice (microdata) become purchases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.importers.receipts import REST, import_receipts

DATA = Path(__file__).resolve().parents[2] / "data"
MBOX = DATA / "receipts.mbox"


def purchases_of(services: Services) -> list[dict[str, Any]]:
    return services.purchases.list(limit=500, descending=False).items


def test_receipts_with_json_ld_and_microdata(services: Services) -> None:
    report = import_receipts(services, MBOX)
    assert report.remarks == [
        "2 receipt(s) found in 3 message(s); 1 without receipt markup left alone"
    ]
    assert report.vendors_created == ["Paper Lantern Books", "Nordwave Mobile"]
    phone, books = purchases_of(services)
    assert (books["order_ref"], books["date"], books["total"]) == (
        "PLB-2044",
        "2026-02-14",
        "31.48",
    )
    assert [(i["description"], i["quantity"], i["unit_price"]) for i in books["items"]] == [
        ("The Long Walk (paperback)", "2", "12.99"),
        ("Linen bookmark", "1", "5.50"),
    ]
    assert books["items"][0]["sku"] == "978-0307743657"
    assert books["source"] == "import:receipt"
    assert (phone["order_ref"], phone["date"], phone["total"]) == (
        "INV-2026-0117",
        "2026-02-05",
        "19.99",
    )
    [mail] = services.interactions.list(purchase_id=books["id"], kind="message").items
    assert mail["note"] == "Receipt: Your order PLB-2044" and mail["channel"] == "email"
    assert mail["counterpart_id"] == books["vendor_id"]
    again = import_receipts(services, MBOX)
    assert again.purchases_created == 0 and len(again.duplicates) == 2
    assert services.counts()["interactions"] == 4  # two purchases, two mails


def test_a_total_beyond_the_items_is_a_named_line(services: Services, tmp_path: Path) -> None:
    text = MBOX.read_text(encoding="utf-8").replace('"price": "31.48"', '"price": "35.43"')
    (tmp_path / "shipping.mbox").write_text(text, encoding="utf-8")
    report = import_receipts(services, tmp_path / "shipping.mbox", dry_run=True)
    books = next(p for p in report.planned if p["order_ref"] == "PLB-2044")
    assert books["items"][-1]["description"] == REST
    assert books["items"][-1]["unit_price"] == "3.95"
    assert "message 1" in report.adjustments


def test_a_receipt_without_a_merchant_is_refused_naming_the_message(
    services: Services, tmp_path: Path
) -> None:
    text = MBOX.read_text(encoding="utf-8").replace('"merchant"', '"x"')
    (tmp_path / "nameless.mbox").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        import_receipts(services, tmp_path / "nameless.mbox")
    assert caught.value.details == {"message 1": {"vendor": ["Missing data for required field."]}}
    assert services.counts()["purchases"] == 0


def test_a_deleted_receipt_comes_back_without_a_second_mail_entry(services: Services) -> None:
    import_receipts(services, MBOX)
    books = next(p for p in purchases_of(services) if p["order_ref"] == "PLB-2044")
    services.purchases.delete(books["id"])
    report = import_receipts(services, MBOX)
    assert report.purchases_created == 1 and len(report.duplicates) == 1
    assert services.counts()["interactions"] == 4  # the mail's entry was kept, not doubled


def test_an_uploaded_mbox_reads_as_the_file(services: Services) -> None:
    data = MBOX.read_bytes()
    dry = import_receipts(services, data, name="inbox.mbox", dry_run=True)
    assert dry.source == "inbox.mbox" and dry.purchases_created == 2
    assert dry.remarks == [
        "2 receipt(s) found in 3 message(s); 1 without receipt markup left alone"
    ]
    assert services.counts()["purchases"] == 0
    import_receipts(services, data, name="inbox.mbox")
    assert [p["order_ref"] for p in purchases_of(services)] == ["INV-2026-0117", "PLB-2044"]
