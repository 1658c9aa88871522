"""The owner's purchase list: every match of a filter, sorted by date, vendor or total,
counted and totalled per currency, and cut into pages.

A page continues ``after`` the id of the previous page's last purchase, so a purchase
added or deleted between two pages shifts nothing already seen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pds.errors import ValidationFailed

#: sort name -> what orders the purchases (ties: newest first, then by id); ``-``: descending
SORTS = ("-date", "date", "vendor", "-vendor", "-total", "total")
Key = Callable[[Mapping[str, Any], Mapping[str, str]], Any]
_KEYS: dict[str, Key] = {
    "date": lambda p, _: p["date"],
    "vendor": lambda p, names: names.get(p["vendor_id"], "").casefold(),
    "total": lambda p, _: Decimal(str(p["total"])),
}


@dataclass(frozen=True)
class Browsing:
    """One page of the matching purchases, how many match and their totals per currency."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    count: int
    totals: dict[str, Decimal]  # currency -> sum of the matches' totals, by currency code


def totals_per_currency(purchases: Sequence[Mapping[str, Any]]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for purchase in purchases:
        currency = purchase["currency"]
        sums[currency] = sums.get(currency, Decimal(0)) + Decimal(str(purchase["total"]))
    return dict(sorted(sums.items()))


def sorted_purchases(
    purchases: Sequence[dict[str, Any]], names: Mapping[str, str], sort: str
) -> list[dict[str, Any]]:
    """``purchases`` in the ``sort`` order (one of ``SORTS``)."""
    if sort not in SORTS:
        message = f"Must be one of: {', '.join(SORTS)}."
        raise ValidationFailed(f"invalid sort: {message}", {"sort": [message]})
    key = _KEYS[sort.removeprefix("-")]
    # ties newest first: sort by the tie-breaker, then (stably) by the key
    newest = sorted(purchases, key=lambda p: (p["date"], p["id"]), reverse=True)
    return sorted(newest, key=lambda p: key(p, names), reverse=sort.startswith("-"))


def browse(
    purchases: Sequence[dict[str, Any]],
    names: Mapping[str, str],
    *,
    sort: str,
    after: str | None,
    limit: int,
) -> Browsing:
    ordered = sorted_purchases(purchases, names, sort)
    start = 0
    if after is not None:
        ids = [p["id"] for p in ordered]
        if after not in ids:
            raise ValidationFailed("unknown cursor", {"after": ["unknown cursor"]})
        start = ids.index(after) + 1
    page = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return Browsing(
        items=page,
        next_cursor=page[-1]["id"] if more and page else None,
        count=len(ordered),
        totals=totals_per_currency(ordered),
    )
