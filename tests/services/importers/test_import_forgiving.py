"""The forgiving CSV import: synonyms, detected conventions, debits, duplicates, vendor
matching, --skip-invalid, the archive's own CSV."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.importers.purchases_csv import import_purchases_csv
from pds.store import Store

DATA = Path(__file__).resolve().parents[2] / "data"
BANK = DATA / "bank_de.csv"


def purchases_of(services: Services) -> list[dict[str, Any]]:
    return services.purchases.list(limit=500, descending=False).items


def test_a_german_bank_export(services: Services, vendor: dict[str, Any]) -> None:
    report = import_purchases_csv(services, BANK, debits_as_purchases=True, matching="accept")
    assert (report.delimiter, report.date_format, report.decimal) == (";", "%d.%m.%Y", ",")
    assert "'Buchungstag' -> date (a synonym)" in report.columns
    assert "'Beguenstigter/Zahlungspflichtiger' -> vendor (a synonym)" in report.columns
    assert "'Betrag' -> total (a synonym)" in report.columns
    assert "'Valutadatum' ignored" in report.columns
    assert set(report.skipped) == {"line 2", "line 6"}  # the salary and a refund
    assert "a credit of 3.250,00" in report.skipped["line 2"]
    [(proposal, decision)] = report.matches
    assert (proposal.name, proposal.vendor_name, decision) == (
        "Fresh Fields Market GmbH",
        "Fresh Fields Market",
        "accepted",
    )
    groceries, phone, bike = purchases_of(services)
    assert (groceries["vendor_id"], groceries["total"]) == (vendor["id"], "23.47")
    assert groceries["notes"] == "2026-02-01T18:42 Debitk.7 VISA Debit"
    assert (phone["date"], phone["total"], bike["total"]) == ("2026-02-05", "19.99", "1234.50")
    assert report.vendors_created == ["Nordwave Mobile", "Radwerk Berlin"]
    assert {p["source"] for p in (groceries, phone, bike)} == {"import:csv"}


def test_debits_without_the_flag_are_refused_by_line(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, BANK, matching="ignore")
    assert "line 3" in caught.value.details
    [message] = caught.value.details["line 3"]["total"]
    assert message.startswith("-23,47 is negative: a debit from a bank statement?")
    assert services.counts()["purchases"] == 0


def test_a_close_vendor_name_is_a_question_until_answered(
    services: Services, vendor: dict[str, Any]
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, BANK, debits_as_purchases=True)
    [message] = caught.value.details["line 3"]["vendor"]
    assert "close to 'Fresh Fields Market'" in message and "--accept-matches" in message
    answered = {"Fresh Fields Market GmbH": "Fresh Fields Market"}
    report = import_purchases_csv(services, BANK, debits_as_purchases=True, vendor_names=answered)
    assert report.purchases_created == 3 and not report.matches
    assert purchases_of(services)[0]["vendor_id"] == vendor["id"]
    report = import_purchases_csv(
        services, BANK, debits_as_purchases=True, matching="ignore", dry_run=True
    )
    assert report.vendors_created == ["Fresh Fields Market GmbH"]  # a new vendor, as told
    assert set(report.duplicates) == {"line 4", "line 5"}


def test_importing_twice_adds_nothing(services: Services, vendor: dict[str, Any]) -> None:
    first = import_purchases_csv(services, DATA / "purchases_good.csv")
    second = import_purchases_csv(services, DATA / "purchases_good.csv")
    assert (first.purchases_created, second.purchases_created) == (5, 0)
    assert len(second.duplicates) == 5 and second.vendors_created == []
    assert services.counts()["purchases"] == 5
    assert "line 2: already imported (Fresh Fields Market, 2025-01-04, 4.49 EUR)" in (
        second.summary()
    )


def test_the_same_purchase_twice_in_one_file_is_two_purchases(services: Services) -> None:
    data = b"date,vendor,total,currency\n2026-01-02,Kiosk,2.50,EUR\n2026-01-02,Kiosk,2.50,EUR\n"
    assert import_purchases_csv(services, data).purchases_created == 2
    assert import_purchases_csv(services, data).purchases_created == 0
    more = data + b"2026-01-02,Kiosk,2.50,EUR\n"
    report = import_purchases_csv(services, more)
    assert (report.purchases_created, len(report.duplicates)) == (1, 2)


def test_skip_invalid_imports_the_good_rows_and_names_the_others(services: Services) -> None:
    report = import_purchases_csv(services, DATA / "purchases_bad_rows.csv", skip_invalid=True)
    assert report.ok and report.purchases_created == 1
    assert list(report.skipped)[:2] == ["line 3", "line 4"]
    assert report.skipped["line 5"] == "vendor: Missing data for required field."
    assert services.counts()["purchases"] == 1


def test_an_amazon_style_file_with_symbols_us_dates_and_line_totals(services: Services) -> None:
    data = (
        b"Order Date,Order ID,Product,Qty,Item Total,Shop\n"
        b"11/02/2026,A-1,Tea,2,$7.98,Corner Shop\n"
        b"11/02/2026,A-1,Cake,1,$3.50,Corner Shop\n"
        b"11/14/2026,A-2,Candles,3,$10.00,Corner Shop\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, data)
    assert "'$' names no single currency" in caught.value.details["line 2"]["currency"][0]
    report = import_purchases_csv(services, data, default_currency="USD", date_format="%m/%d/%Y")
    tea_and_cake, candles = purchases_of(services)
    assert tea_and_cake["date"] == "2026-11-02" and tea_and_cake["total"] == "11.48"
    assert tea_and_cake["items"][0]["unit_price"] == "3.99"
    assert candles["items"][0]["description"] == "3 × Candles"
    assert candles["total"] == "10.00"
    assert "line 4" in report.adjustments


def test_ambiguous_dates_are_an_error_not_a_guess(services: Services) -> None:
    data = b"date,vendor,total,currency\n11/02/2026,Kiosk,1,EUR\n03/04/2026,Kiosk,1,EUR\n"
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, data)
    [message] = caught.value.details["date_format"]
    assert "could be day/month or month/day" in message and "--date-format" in message
    later = data + b"25/04/2026,Kiosk,1,EUR\n"
    report = import_purchases_csv(services, later)
    assert report.date_format == "%d/%m/%Y"
    assert next(p["date"] for p in purchases_of(services)) == "2026-02-11"


def test_ambiguous_thousands_are_an_error_not_a_guess(services: Services) -> None:
    data = b"date;vendor;total;currency\n2026-01-02;Kiosk;1.234;EUR\n"
    report = import_purchases_csv(services, data, dry_run=True)
    assert "--decimal" in report.errors["line 2"]["total"][0]
    report = import_purchases_csv(services, data, decimal=",")
    assert purchases_of(services)[0]["total"] == "1234"


def test_a_refused_import_leaves_the_store_byte_for_byte(
    services: Services, vendor: dict[str, Any], store: Store
) -> None:
    def digest() -> str:
        files = sorted(p for p in store.home.rglob("*") if p.is_file() and p.name != "store.lock")
        return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()

    before = digest()
    for source, options in (
        (BANK, {}),
        (BANK, {"debits_as_purchases": True}),
        (DATA / "purchases_bad_rows.csv", {}),
        (b"date,vendor,total,currency\n2026-01-02,Kiosk,0,EUR\n", {"debits_as_purchases": True}),
    ):
        with pytest.raises(ValidationFailed):
            import_purchases_csv(services, source, **options)
    assert digest() == before
