"""Spending totals: purchases summed per month and category, and per vendor.

Money is exact: each ``total`` (a decimal string) is summed as a ``Decimal``, per
currency, never across currencies. Totals over several currencies come one per
currency; the per-month and per-vendor series are in one currency, the owner's main
one: the currency most of the period's purchases are in (ties: the larger sum, then
the code's alphabetical order).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

UNCATEGORISED = "uncategorised"
OTHER_CATEGORIES = "other categories"
OTHER_VENDORS = "other vendors"


@dataclass(frozen=True)
class CurrencyTotal:
    """What the period's purchases in one currency add up to."""

    currency: str
    amount: Decimal
    purchases: int


@dataclass(frozen=True)
class MonthlySpending:
    """Spending in ``currency`` per month (oldest first), one series per category.

    ``by_category`` holds the biggest categories first, the rest folded into
    ``OTHER_CATEGORIES``; ``totals`` covers every currency, the main one first.
    """

    currency: str | None
    months: tuple[str, ...]
    by_category: dict[str, tuple[Decimal, ...]]
    totals: tuple[CurrencyTotal, ...]

    @property
    def others(self) -> tuple[CurrencyTotal, ...]:
        """The totals in currencies the series leave out."""
        return self.totals[1:]


@dataclass(frozen=True)
class VendorAmount:
    vendor_id: str | None  # None for the folded ``OTHER_VENDORS`` row
    name: str
    amount: Decimal


@dataclass(frozen=True)
class VendorSpending:
    """Spending in ``currency`` per vendor, biggest first (the rest folded into one row)."""

    currency: str | None
    vendors: tuple[VendorAmount, ...]
    totals: tuple[CurrencyTotal, ...]

    @property
    def others(self) -> tuple[CurrencyTotal, ...]:
        return self.totals[1:]


def currency_totals(purchases: Iterable[Mapping[str, Any]]) -> tuple[CurrencyTotal, ...]:
    """The sum per currency, the main currency first, then by number of purchases."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    counts: Counter[str] = Counter()
    for purchase in purchases:
        sums[purchase["currency"]] += Decimal(str(purchase["total"]))
        counts[purchase["currency"]] += 1
    ranked = sorted(sums, key=lambda c: (-counts[c], -sums[c], c))
    return tuple(CurrencyTotal(c, sums[c], counts[c]) for c in ranked)


def per_month(
    purchases: Iterable[Mapping[str, Any]], months: Iterable[str], *, top: int = 7
) -> MonthlySpending:
    """The main currency's spending per month of ``months`` (``YYYY-MM``) and category."""
    bought = list(purchases)
    keys = tuple(months)
    totals = currency_totals(bought)
    currency = totals[0].currency if totals else None
    column = {key: i for i, key in enumerate(keys)}
    series: dict[str, list[Decimal]] = {}
    for purchase in bought:
        index = column.get(str(purchase["date"])[:7])
        if purchase["currency"] != currency or index is None:
            continue
        category = purchase.get("category") or UNCATEGORISED
        row = series.setdefault(category, [Decimal(0)] * len(keys))
        row[index] += Decimal(str(purchase["total"]))
    ranked = sorted(series, key=lambda c: (-sum(series[c]), c))
    kept = {c: tuple(series[c]) for c in ranked[:top]}
    rest = [series[c] for c in ranked[top:]]
    if rest:
        kept[OTHER_CATEGORIES] = tuple(
            sum(amounts, Decimal(0)) for amounts in zip(*rest, strict=True)
        )
    return MonthlySpending(currency, keys, kept, totals)


def per_vendor(
    purchases: Iterable[Mapping[str, Any]], names: Mapping[str, str], *, top: int = 10
) -> VendorSpending:
    """The main currency's spending per vendor; ``names`` maps vendor ids to names."""
    bought = list(purchases)
    totals = currency_totals(bought)
    currency = totals[0].currency if totals else None
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for purchase in bought:
        if purchase["currency"] == currency:
            sums[purchase["vendor_id"]] += Decimal(str(purchase["total"]))
    ranked = sorted(sums, key=lambda v: (-sums[v], names.get(v, v)))
    rows = [VendorAmount(v, names.get(v, v), sums[v]) for v in ranked[:top]]
    if len(ranked) > top:
        rest = sum((sums[v] for v in ranked[top:]), Decimal(0))
        rows.append(VendorAmount(None, f"{len(ranked) - top} {OTHER_VENDORS}", rest))
    return VendorSpending(currency, tuple(rows), totals)
