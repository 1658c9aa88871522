"""Reading amounts and dates the way files write them, and refusing what would be a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pds.services.importers.cells import (
    CellError,
    check_date_format,
    detect_date_format,
    detect_decimal,
    parse_amount,
    parse_date,
)


@pytest.mark.parametrize(
    ("text", "decimal", "value", "currency"),
    [
        ("12.50", None, "12.50", None),
        ("12,50", None, "12.50", None),
        ("-1.234,50", ",", "-1234.50", None),
        ("1,234.50", ".", "1234.50", None),
        ("1 234,50", ",", "1234.50", None),
        ("1'234.50", ".", "1234.50", None),
        ("$7.99", None, "7.99", None),
        ("7,99 €", None, "7.99", "EUR"),
        ("EUR 12.50", None, "12.50", "EUR"),
        ("£3", None, "3", "GBP"),
        ("(12.50)", ".", "-12.50", None),
        ("12,50-", ",", "-12.50", None),
        ("\u221212", None, "-12", None),
        ("+4", None, "4", None),
        ("1,234", ".", "1234", None),
        ("1.234", ",", "1234", None),
    ],
)
def test_amounts(text: str, decimal: str | None, value: str, currency: str | None) -> None:
    amount = parse_amount(text, decimal)
    assert (amount.value, amount.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    ("text", "decimal", "says"),
    [
        ("1,234", None, "--decimal"),
        ("12,50", ".", "decimal comma"),
        ("1.234,56", ".", "decimal comma"),
        ("12.5.3", ".", "more than one decimal separator"),
        ("two", None, "Not a number"),
        ("XYZ 12", None, "not an ISO 4217"),
        ("€12 EUR", None, "both before and after"),
        ("", None, "Missing"),
        ("1e3", None, "Not a number"),
    ],
)
def test_amounts_refused(text: str, decimal: str | None, says: str) -> None:
    with pytest.raises(CellError, match=says):
        parse_amount(text, decimal)


def test_the_decimal_separator_is_what_most_cells_show() -> None:
    assert detect_decimal(["1.234,50", "3,20", "7,5", "2.99"]) == ","
    assert detect_decimal(["1,234", "1.000"]) is None  # nothing tells
    with pytest.raises(CellError, match="--decimal"):
        detect_decimal(["3,20", "2.99"])


def test_date_formats_are_detected_or_refused() -> None:
    assert detect_date_format(["2026-02-11", "2026-02-12T10:00:00Z"]) == "%Y-%m-%d"
    assert detect_date_format(["11.02.2026", "1.3.2026"]) == "%d.%m.%Y"
    assert detect_date_format(["11/02/2026", "11/14/2026"]) == "%m/%d/%Y"
    assert detect_date_format(["11/02/2026", "25/02/2026"]) == "%d/%m/%Y"
    assert detect_date_format(["", " "]) is None
    with pytest.raises(CellError, match="day/month or month/day"):
        detect_date_format(["11/02/2026", "01/03/2026"])
    with pytest.raises(CellError, match="several ways"):
        detect_date_format(["2026-02-11", "11.02.2026"])


def test_dates() -> None:
    assert parse_date("11/02/2026", "%m/%d/%Y") == "2026-11-02"
    assert parse_date("3.2.2026", None) == "2026-02-03"
    assert parse_date("2026-02-11T23:59:00+01:00", None) == "2026-02-11"
    with pytest.raises(CellError, match="not in the form DD/MM/YYYY"):
        parse_date("31/02/2026", "%d/%m/%Y")
    with pytest.raises(CellError, match="Not a date"):
        parse_date("11/02/2026", None)
    assert check_date_format("%d/%m/%Y") == "%d/%m/%Y"
    with pytest.raises(CellError):
        check_date_format("DD/MM/YYYY")
