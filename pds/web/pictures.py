"""The portal's pictures from the domain's numbers: spending per month and per vendor,
interaction cadence per relationship, vendor access per day (see ``charts``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from markupsafe import Markup

from pds.services.periods import first_day, last_months
from pds.services.records.spending import CurrencyTotal, MonthlySpending, VendorSpending
from pds.web.charts import area_chart, horizontal_bars, money_text, sparkline, stacked_bars

CADENCE_MONTHS = 24
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_long(key: str) -> str:
    """``2025-03`` as ``Mar 2025``."""
    day = first_day(key)
    return f"{MONTH_NAMES[day.month - 1]} {day.year}"


def month_short(key: str) -> str:
    """``2025-03`` as ``Mar 25``."""
    day = first_day(key)
    return f"{MONTH_NAMES[day.month - 1]} {day.year % 100:02d}"


def currency_note(currency: str, others: Sequence[CurrencyTotal]) -> str:
    """Which currency a spending chart is in, and what it leaves out."""
    note = f"In {currency}, the currency of most of your purchases."
    if others:
        left = ", ".join(
            f"{money_text(t.currency)(t.amount)} ({t.purchases} purchase"
            f"{'s' if t.purchases != 1 else ''})"
            for t in others
        )
        note += f" Not shown: {left}."
    return note


def spending_per_month(spending: MonthlySpending) -> Markup | None:
    """Stacked bars of the months' spending by category, or ``None`` without purchases."""
    if spending.currency is None:
        return None
    return stacked_bars(
        "spending-month",
        f"Spending per month by category, {spending.currency}",
        [month_long(m) for m in spending.months],
        list(spending.by_category.items()),
        ticks=[month_short(m) for m in spending.months],
        value_text=money_text(spending.currency),
        caption=currency_note(spending.currency, spending.others),
    )


def spending_per_vendor(spending: VendorSpending) -> Markup | None:
    """Horizontal bars of spending per vendor, or ``None`` without purchases."""
    if spending.currency is None:
        return None
    return horizontal_bars(
        "spending-vendor",
        f"Spending per vendor, {spending.currency}",
        [(row.name, row.amount) for row in spending.vendors],
        value_text=money_text(spending.currency),
        caption=currency_note(spending.currency, spending.others),
    )


def cadence_sparklines(
    records: Iterable[Mapping[str, Any]], counts: Mapping[str, list[int]], today: date
) -> dict[str, Markup]:
    """A sparkline of interactions per month for each record, by record id."""
    months = last_months(today, CADENCE_MONTHS)
    return {
        record["id"]: sparkline(
            f"cadence-{record['id']}",
            f"Interactions per month with {record['name']}",
            months,
            counts.get(record["id"], [0] * CADENCE_MONTHS),
        )
        for record in records
    }


def access_per_day(points: Sequence[tuple[str, int]], who: str) -> Markup:
    """The area chart of vendor API calls per day."""
    return area_chart(
        "access-per-day",
        f"API calls per day by {who}, last {len(points)} days (UTC)",
        points,
    )
