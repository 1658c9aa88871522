"""Engagement with a vendor over time: what the owner did with it, quarter by quarter (pure).

Interactions are counted per quarter in groups (purchases, subscriptions, support,
complaints, returns, other) and purchases' totals summed per currency. A series'
``trend`` compares its last ``WINDOW`` quarters with the ``WINDOW`` before them:
``up`` when at least ``RISE`` times as much (and by at least ``MIN_CHANGE`` for
counts), ``down`` when at most ``1 / RISE`` times, else ``flat``.

Signals put it in words the owner can check, never a verdict:

- ``fading``: all activity is going down (the relationship is quieter);
- ``souring``: complaints or returns are going up, or support is going up while
  purchases are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

WINDOW = 2
RISE = 1.5
MIN_CHANGE = 2
PERIODS = 8

GROUPS = ("purchases", "subscriptions", "support", "complaints", "returns", "other")
_GROUP_OF = {
    "purchase": "purchases",
    "subscription": "subscriptions",
    "support": "support",
    "complaint": "complaints",
    "return": "returns",
}
UP, DOWN, FLAT = "up", "down", "flat"
FADING, SOURING = "fading", "souring"


def group_of(kind: str) -> str:
    """The engagement group an interaction kind counts in."""
    return _GROUP_OF.get(kind, "other")


def quarter_of(day: date) -> tuple[int, int]:
    return (day.year, (day.month - 1) // 3 + 1)


def quarters_until(day: date, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters ending with the one holding ``day``, oldest first."""
    year, quarter = quarter_of(day)
    index = year * 4 + quarter - 1
    return [(i // 4, i % 4 + 1) for i in range(index - count + 1, index + 1)]


@dataclass(frozen=True)
class Period:
    label: str  # 2025-Q3
    counts: dict[str, int]
    spending: dict[str, Decimal]  # currency -> total


@dataclass(frozen=True)
class Engagement:
    vendor_id: str
    periods: tuple[Period, ...]
    trends: dict[str, str]  # group (and "activity", "spending:<currency>") -> up|down|flat
    signals: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "vendor_id": self.vendor_id,
            "periods": [
                {
                    "period": p.label,
                    "counts": p.counts,
                    "spending": {c: str(v) for c, v in sorted(p.spending.items())},
                }
                for p in self.periods
            ],
            "trends": self.trends,
            "signals": list(self.signals),
        }


def trend(series: Sequence[float], *, min_change: float = MIN_CHANGE) -> str:
    """up, down or flat: the last ``WINDOW`` values against the ``WINDOW`` before."""
    recent = sum(series[-WINDOW:])
    before = sum(series[-2 * WINDOW : -WINDOW])
    if abs(recent - before) < min_change:
        return FLAT
    if recent >= RISE * before:
        return UP
    if recent * RISE <= before:
        return DOWN
    return FLAT


def engagement(
    vendor_id: str,
    interactions: Iterable[tuple[date, str]],
    purchases: Iterable[tuple[date, Decimal, str]],
    today: date,
    periods: int = PERIODS,
) -> Engagement:
    """The engagement with one vendor over the ``periods`` quarters up to ``today``:
    ``interactions`` as (day, kind), ``purchases`` as (day, total, currency)."""
    quarters = quarters_until(today, periods)
    at = {q: i for i, q in enumerate(quarters)}
    counts = [dict.fromkeys(GROUPS, 0) for _ in quarters]
    spending: list[dict[str, Decimal]] = [{} for _ in quarters]
    for day, kind in interactions:
        i = at.get(quarter_of(day))
        if i is not None:
            counts[i][group_of(kind)] += 1
    for day, total, currency in purchases:
        i = at.get(quarter_of(day))
        if i is not None:
            spending[i][currency] = spending[i].get(currency, Decimal(0)) + total
    trends = {g: trend([c[g] for c in counts]) for g in GROUPS}
    trends["activity"] = trend([sum(c.values()) for c in counts])
    for currency in sorted({c for s in spending for c in s}):
        series = [float(s.get(currency, 0)) for s in spending]
        trends[f"spending:{currency}"] = trend(series, min_change=0.01)
    return Engagement(
        vendor_id=vendor_id,
        periods=tuple(
            Period(f"{y}-Q{q}", counts[i], spending[i]) for i, (y, q) in enumerate(quarters)
        ),
        trends=trends,
        signals=_signals(trends, counts),
    )


def _signals(trends: dict[str, str], counts: list[dict[str, int]]) -> tuple[str, ...]:
    signals = []
    if trends["activity"] == DOWN:
        signals.append(FADING)
    trouble = trend([c["complaints"] + c["returns"] for c in counts])
    if trouble == UP or (trends["support"] == UP and trends["purchases"] != UP):
        signals.append(SOURING)
    return tuple(signals)
