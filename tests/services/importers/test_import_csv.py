"""Importing purchases from CSV: mapping, encodings, delimiters, per-line errors, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.importers.purchases_csv import import_purchases_csv
from pds.store import Store
from tests.services.conftest import audit_events

DATA = Path(__file__).resolve().parents[2] / "data"
GERMAN = {
    "Datum": "date",
    "Händler": "vendor",
    "Beschreibung": "description",
    "Menge": "quantity",
    "Einzelpreis": "unit_price",
    "Summe": "total",
    "Währung": "currency",
    "Kategorie": "category",
}


def purchases_of(services: Services) -> list[dict[str, Any]]:
    return services.purchases.list(limit=500, descending=False).items


def test_good_file(services: Services, vendor: dict[str, Any], store: Store) -> None:
    report = import_purchases_csv(services, DATA / "purchases_good.csv")
    assert report.ok and not report.dry_run
    assert (report.rows_read, report.purchases_created) == (6, 5)
    assert report.vendors_created == ["paperlanternbooks.com", "Nordwave Mobile", "Circuit House"]
    assert (report.delimiter, report.encoding) == (",", "utf-8")
    stored = purchases_of(services)
    assert [p["id"] for p in stored] == report.purchase_ids
    assert {p["source"] for p in stored} == {"import:csv"}
    apples, bread, books, phone, cable = stored
    assert apples["vendor_id"] == bread["vendor_id"] == vendor["id"]  # matched by name
    assert apples["total"] == "4.49"  # 1.5 x 2.99 = 4.485
    assert [i["description"] for i in books["items"]] == ["Paperback novel", "Bookmark"]
    assert (books["total"], books["tags"], books["notes"]) == (
        "28.48",
        ["gift", "reading"],
        "For Noor",
    )
    assert "items" not in phone and phone["total"] == "19.99"
    assert cable["notes"] == "Spare cable\nfor the office"
    bookshop = services.relationships.get(books["vendor_id"])
    assert bookshop["domain"] == "paperlanternbooks.com"
    assert services.counts()["interactions"] == 5
    events = audit_events(store)[-2:]
    assert events == [
        {"actor": "owner", "action": "relationship.import", "count": 3},
        {"actor": "owner", "action": "purchase.import", "count": 5},
    ]
    assert "5 purchases" in report.summary()


def test_dry_run_writes_nothing(services: Services, vendor: dict[str, Any]) -> None:
    report = import_purchases_csv(services, DATA / "purchases_good.csv", dry_run=True)
    assert report.dry_run and report.ok
    assert (report.purchases_created, len(report.vendors_created)) == (5, 3)
    assert services.counts()["purchases"] == 0
    assert services.relationships.count() == 1
    assert report.summary().startswith(
        "purchases_good.csv: 6 rows read; would create 5 purchases and 3 vendors"
    )


def test_bad_rows_name_their_lines_and_nothing_is_written(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, DATA / "purchases_bad_rows.csv")
    details = caught.value.details
    assert details == {
        "line 3": {"date": ["Not a date, or not in the form YYYY-MM-DD."]},
        "line 4": {"quantity": ["Not a number (write e.g. 12.50, 1.234,50 or $7.99)."]},
        "line 5": {"vendor": ["Missing data for required field."]},
        "line 6": {"total": ["Must equal the sum of the line items (3.29)."]},
        "line 8": {
            "unit_price": [
                "Not a number here: 1.234,56 has a decimal comma; the file's amounts have a"
                " decimal point."
            ]
        },
        "line 9": {"total": ["Give the total, or line items to sum."]},
        "line 10": {"currency": ["Not an ISO 4217 currency code (e.g. EUR)."]},
    }
    assert "purchases_bad_rows.csv: 7 row(s) have errors" in str(caught.value)
    assert services.counts()["purchases"] == 0
    assert services.relationships.count() == 0  # "Fresh Fields Market" was not created


def test_bad_rows_in_a_dry_run_are_reported(services: Services) -> None:
    report = import_purchases_csv(services, DATA / "purchases_bad_rows.csv", dry_run=True)
    assert not report.ok
    assert list(report.errors)[:2] == ["line 3", "line 4"]
    assert report.purchases_created == 1 and report.vendors_created == ["Fresh Fields Market"]
    assert "line 9: total: Give the total, or line items to sum." in report.summary()


def test_semicolons_decimal_commas_dotted_dates_and_a_mapping(services: Services) -> None:
    report = import_purchases_csv(services, DATA / "purchases_semicolon.csv", mapping=GERMAN)
    assert report.delimiter == ";" and report.purchases_created == 3
    rye, pretzels, screws = purchases_of(services)
    assert rye["date"] == "2025-01-04" and rye["items"][0]["unit_price"] == "4.50"
    assert pretzels["total"] == "2.85" and pretzels["category"] == "lebensmittel"
    assert screws["date"] == "2025-01-12" and screws["total"] == "5.99"
    assert report.vendors_created == ["Bäckerei Morgenrot", "Eisenwaren Müller"]


def test_german_headers_are_synonyms_and_the_report_says_so(services: Services) -> None:
    report = import_purchases_csv(services, DATA / "purchases_semicolon.csv")
    assert report.purchases_created == 3
    assert "'Datum' -> date (a synonym)" in report.columns
    assert "'Händler' -> vendor (a synonym)" in report.columns


def test_unknown_headers_are_named_with_a_hint(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, b"Datum;Haendlr;Betrag\n01.02.2026;Shop;3,50\n")
    [message] = caught.value.details["columns"]
    assert message.startswith("Needs a vendor (or vendor_id) column")
    assert "'Haendlr' ignored (did you mean --map Haendlr=vendor?)" in message


def test_utf8_with_bom_and_crlf(services: Services) -> None:
    report = import_purchases_csv(services, DATA / "purchases_bom.csv")
    assert report.encoding == "utf-8-sig" and report.purchases_created == 2
    assert report.vendors_created == ["Café Zuckerhut"]
    assert [p["items"][0]["description"] for p in purchases_of(services)] == [
        "Crème brûlée",
        "Café au lait",
    ]


def test_missing_column(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, DATA / "purchases_missing_column.csv")
    [message] = caught.value.details["columns"]
    assert message.startswith("Needs a vendor (or vendor_id) column ('date' -> date (by its name)")


def test_a_total_or_unit_price_column_is_needed(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, b"date,vendor,currency\n2025-01-01,Shop,EUR\n")
    assert set(caught.value.details) == {"columns"}


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf", b",,,\n"])
def test_empty_files(services: Services, content: bytes) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, content)
    assert caught.value.details == {"file": ["Empty: expected a header row."]}


def test_a_header_without_rows_imports_nothing(services: Services) -> None:
    report = import_purchases_csv(services, b"date,vendor,total,currency\n")
    assert (report.rows_read, report.purchases_created, report.ok) == (0, 0, True)


def test_other_encodings(services: Services) -> None:
    latin = "date,vendor,total,currency\n2025-01-01,Caf\xe9 Noir,3.50,EUR\n".encode("cp1252")
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, latin)
    assert "line 2" in caught.value.details["file"][0]
    report = import_purchases_csv(services, latin, encoding="cp1252")
    assert report.vendors_created == ["Café Noir"]
    utf16 = "date,vendor,total,currency\n2025-01-02,Kiosk,1,EUR\n".encode("utf-16")
    assert import_purchases_csv(services, utf16).purchases_created == 1
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, latin, encoding="no-such-codec")
    assert set(caught.value.details) == {"encoding"}


def test_mapping_mistakes(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(
            services, DATA / "purchases_good.csv", mapping={"Shop": "vendor", "notes": "remarks"}
        )
    assert caught.value.details == {
        "mapping": [
            "Unknown column names: remarks (known: date, vendor, vendor_id, order_ref,"
            " description, quantity, unit_price, line_total, items, total, currency, category,"
            " tags, notes).",
            "Not in the header: Shop.",
        ]
    }
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(
            services, b"date,Date,vendor,total,currency\n", mapping={"Date": "date"}
        )
    assert caught.value.details["columns"] == ["Both 'date' and 'Date' are the date column."]


def test_unknown_vendors_can_be_refused(services: Services, vendor: dict[str, Any]) -> None:
    data = (
        b"date,vendor,total,currency\n"
        b"2025-01-01,Fresh Fields Market,1,EUR\n"
        b"2025-01-02,Nowhere,2,EUR\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, data, create_vendors=False)
    assert caught.value.details == {
        "line 3": {"vendor": ["No vendor named 'Nowhere'; add it first."]}
    }


def test_vendors_are_matched_by_domain_and_created_once(
    services: Services, vendor: dict[str, Any]
) -> None:
    data = (
        b"date,vendor,total,currency\n"
        b"2025-01-01,www.freshfields.example.com,1,EUR\n"
        b"2025-01-02,New Shop,2,EUR\n"
        b"2025-01-03,new shop ,3,EUR\n"
    )
    report = import_purchases_csv(services, data)
    first, second, third = purchases_of(services)
    assert first["vendor_id"] == vendor["id"]
    assert second["vendor_id"] == third["vendor_id"] and report.vendors_created == ["New Shop"]


def test_rows_of_one_order_must_agree(services: Services) -> None:
    data = (
        b"date,vendor,order_ref,description,unit_price,total,currency\n"
        b"2025-01-01,Shop,A1,Tea,2.00,5.00,EUR\n"
        b"2025-01-01,Shop,A1,Cake,3.00,6.00,EUR\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, data)
    assert caught.value.details == {"line 3": {"total": ["Differs from line 2 of the same order."]}}


def test_item_errors_land_on_their_own_line(services: Services) -> None:
    data = (
        b"date,vendor,order_ref,description,quantity,unit_price,currency\n"
        b"2025-01-01,Shop,A1,Tea,1,2.00,EUR\n"
        b"2025-01-01,Shop,A1,Cake,0,3.00,EUR\n"
        b"2025-01-01,Shop,A1,,1,3.00,EUR\n"
    )
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, data)
    assert caught.value.details == {
        "line 3": {"quantity": ["Must be greater than 0."]},
        "line 4": {"description": ["Must not be blank."]},
    }


def test_too_many_cells_and_broken_quotes(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, b"date,vendor,total,currency\n2025-01-01,Shop,1,EUR,extra\n")
    assert caught.value.details == {"line 2": {"_row": ["Has 5 cells; the header (line 1) has 4."]}}
    with pytest.raises(ValidationFailed) as caught:
        import_purchases_csv(services, b'date,vendor,total,currency\n2025-01-01,"Sh"op,1,EUR\n')
    assert set(caught.value.details) == {"line 2"}
