"""Bank and card statements: OFX, camt.053, MT940 — debits become purchases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.importers.bank import detect_format, import_statement

DATA = Path(__file__).resolve().parents[2] / "data"


def purchases_of(services: Services) -> list[dict[str, Any]]:
    return services.purchases.list(limit=500, descending=False).items


def test_ofx_card_statement(services: Services) -> None:
    report = import_statement(services, DATA / "card.ofx")
    assert report.format == "ofx" and report.purchases_created == 2
    assert report.vendors_created == ["CORNER HARDWARE #112", "CIRCUIT HOUSE"]
    assert set(report.skipped) == {"transaction 3", "transaction 4"}  # a return, a payment
    hardware, laptop = purchases_of(services)
    assert (hardware["date"], hardware["total"], hardware["currency"]) == (
        "2026-02-03",
        "42.17",
        "USD",
    )
    assert (hardware["order_ref"], hardware["notes"]) == ("2026020324692160", "POS PURCHASE")
    assert "items" not in hardware and hardware["source"] == "import:ofx"
    assert laptop["total"] == "1299.00"
    again = import_statement(services, DATA / "card.ofx")
    assert (again.purchases_created, len(again.duplicates)) == (0, 2)


def test_camt053_with_a_known_vendor_close_by(services: Services, vendor: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_statement(services, DATA / "statement_camt053.xml")
    assert "close to 'Fresh Fields Market'" in caught.value.details["entry 1"]["vendor"][0]
    report = import_statement(services, DATA / "statement_camt053.xml", matching="accept")
    assert report.format == "camt053" and report.purchases_created == 2
    assert report.skipped == {
        "entry 3": "a credit of 3250.00 (money in: salary, refund...), not a purchase",
        "entry 4": "not booked yet (status PDNG)",
    }
    groceries, bike = purchases_of(services)
    assert groceries["vendor_id"] == vendor["id"] and groceries["total"] == "23.47"
    assert groceries["order_ref"] == "2026020200012345"  # EndToEndId NOTPROVIDED
    assert (bike["order_ref"], bike["notes"]) == ("RE-4471", "Inspektion und Kette RE 4471")
    again = import_statement(services, DATA / "statement_camt053.xml", matching="accept")
    assert again.purchases_created == 0 and len(again.duplicates) == 2


def test_mt940_structured_details(services: Services) -> None:
    report = import_statement(services, DATA / "statement.sta", matching="ignore")
    assert report.format == "mt940" and report.purchases_created == 2
    assert list(report.skipped) == ["transaction 3"]
    groceries, phone = purchases_of(services)
    assert groceries["total"] == "23.47" and phone["order_ref"] == "RG-2026-0117"
    assert report.vendors_created == ["Fresh Fields Market GmbH", "Nordwave Mobile"]
    assert phone["notes"] == "Rechnung 2026-0117 Mobilfunk"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("card.ofx", "ofx"), ("statement_camt053.xml", "camt053"), ("statement.sta", "mt940")],
)
def test_formats_are_told_by_their_content(name: str, expected: str) -> None:
    assert detect_format((DATA / name).read_bytes()) == expected


def test_broken_statements_are_refused_naming_the_file(services: Services) -> None:
    broken = (DATA / "card.ofx").read_bytes().replace(b"<TRNAMT>-42.17", b"<TRNAMT>forty")
    with pytest.raises(ValidationFailed) as caught:
        import_statement(services, broken, "ofx", name="card.ofx")
    assert caught.value.message.startswith("card.ofx: not a readable OFX file")
    with pytest.raises(ValidationFailed) as caught:
        import_statement(services, b"<Document><x/></Document>", "camt053", name="s.xml")
    assert caught.value.message == "s.xml: not a camt.053 statement"
    with pytest.raises(ValidationFailed) as caught:
        import_statement(services, b"date,vendor\n", name="x.csv")
    assert "Neither OFX/QFX, camt.053 nor MT940" in caught.value.details["file"][0]
    bomb = b'<!DOCTYPE d [<!ENTITY a "aaaa">]><Document>&a;</Document>'
    with pytest.raises(ValidationFailed):
        import_statement(services, bomb, "camt053")
    assert services.counts()["purchases"] == 0
