"""Spending per month and category, and per vendor: exact sums, per currency, the main
currency charted; and the calendar periods they count in."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pds.services import Services
from pds.services.periods import first_day_after, last_days, last_months
from pds.services.records.spending import (
    OTHER_CATEGORIES,
    OTHER_VENDORS,
    UNCATEGORISED,
    CurrencyTotal,
    per_month,
    per_vendor,
)

MONTHS = ["2025-01", "2025-02", "2025-03"]


def bought(day: str, total: str, currency: str = "EUR", **more: Any) -> dict[str, Any]:
    return {"date": day, "total": total, "currency": currency, "vendor_id": "v1", **more}


def test_periods_cross_year_ends() -> None:
    assert last_months(date(2025, 2, 14), 3) == ["2024-12", "2025-01", "2025-02"]
    assert first_day_after("2024-12") == date(2025, 1, 1)
    assert first_day_after("2025-01") == date(2025, 2, 1)
    assert last_days(date(2025, 3, 1), 3) == ["2025-02-27", "2025-02-28", "2025-03-01"]


def test_per_month_sums_exactly_per_category() -> None:
    spending = per_month(
        [
            bought("2025-01-05", "0.10", category="food"),
            bought("2025-01-20", "0.20", category="food"),
            bought("2025-03-01", "5", category="books"),
            bought("2025-03-02", "1.005"),
            bought("2024-12-31", "99", category="food"),  # before the months: left out
        ],
        MONTHS,
    )
    assert spending.currency == "EUR"
    assert spending.months == tuple(MONTHS)
    assert spending.by_category == {
        "books": (Decimal(0), Decimal(0), Decimal(5)),
        UNCATEGORISED: (Decimal(0), Decimal(0), Decimal("1.005")),
        "food": (Decimal("0.30"), Decimal(0), Decimal(0)),
    }
    assert spending.totals == (CurrencyTotal("EUR", Decimal("105.305"), 5),)
    assert spending.others == ()


def test_the_main_currency_is_that_of_most_purchases_the_rest_is_only_totalled() -> None:
    spending = per_month(
        [
            bought("2025-01-05", "1000", "USD"),
            bought("2025-02-05", "2", "EUR"),
            bought("2025-02-06", "3", "EUR"),
            bought("2025-03-07", "500", "JPY"),
        ],
        MONTHS,
    )
    assert spending.currency == "EUR"
    assert spending.by_category == {UNCATEGORISED: (Decimal(0), Decimal(5), Decimal(0))}
    assert spending.others == (
        CurrencyTotal("USD", Decimal(1000), 1),
        CurrencyTotal("JPY", Decimal(500), 1),
    )


def test_small_categories_fold_into_one() -> None:
    purchases = [bought("2025-02-01", str(n), category=f"c{n}") for n in range(1, 5)]
    spending = per_month(purchases, MONTHS, top=2)
    assert list(spending.by_category) == ["c4", "c3", OTHER_CATEGORIES]
    assert spending.by_category[OTHER_CATEGORIES] == (Decimal(0), Decimal(3), Decimal(0))


def test_no_purchases_no_currency() -> None:
    spending = per_month([], MONTHS)
    assert (spending.currency, spending.by_category, spending.totals) == (None, {}, ())


def test_per_vendor_ranks_and_folds_the_rest() -> None:
    purchases = [
        bought("2025-01-01", "10.50", vendor_id="a"),
        bought("2025-01-02", "0.50", vendor_id="a"),
        bought("2025-01-03", "20", vendor_id="b"),
        bought("2025-01-04", "1", vendor_id="c"),
        bought("2025-01-05", "2", vendor_id="d"),
        bought("2025-01-06", "700", "USD", vendor_id="e"),
    ]
    names = {"a": "Alpha", "b": "Beta", "c": "Gamma", "d": "Delta"}
    spending = per_vendor(purchases, names, top=2)
    assert spending.currency == "EUR"
    assert [(r.vendor_id, r.name, r.amount) for r in spending.vendors] == [
        ("b", "Beta", Decimal(20)),
        ("a", "Alpha", Decimal("11.00")),
        (None, f"2 {OTHER_VENDORS}", Decimal(3)),
    ]
    assert spending.others == (CurrencyTotal("USD", Decimal(700), 1),)


def _vendor(services: Services, name: str) -> dict[str, Any]:
    return services.relationships.add({"kind": "vendor", "name": name})


def test_the_service_counts_the_last_months_to_this_one(services: Services) -> None:
    shop, market = _vendor(services, "Shop"), _vendor(services, "Market")
    for vendor, day, total, category in (
        (shop, "2025-03-31", "4.25", "books"),  # later this month: still this month
        (shop, "2025-01-10", "10", "books"),
        (market, "2024-04-01", "1", "food"),  # the first day of the 12 months
        (market, "2024-03-31", "1000", "food"),  # a day before them
        (market, "2025-04-01", "1000", "food"),  # next month
    ):
        data = {"vendor_id": vendor["id"], "date": day, "total": total, "currency": "EUR"}
        services.purchases.add({**data, "category": category})
    monthly = services.purchases.spending_per_month()  # the clock says 2025-03-01
    assert monthly.months[0] == "2024-04" and monthly.months[-1] == "2025-03"
    assert monthly.by_category["books"][-1] == Decimal("4.25")
    assert monthly.by_category["books"][-3] == Decimal(10)
    assert monthly.by_category["food"][0] == Decimal(1)
    assert monthly.totals == (CurrencyTotal("EUR", Decimal("15.25"), 3),)
    by_vendor = services.purchases.spending_per_vendor()
    assert [(r.name, r.amount) for r in by_vendor.vendors] == [
        ("Shop", Decimal("14.25")),
        ("Market", Decimal(1)),
    ]
    assert services.purchases.spending_per_month(months=1).totals == (
        CurrencyTotal("EUR", Decimal("4.25"), 1),
    )
