"""Calendar periods the charts count in: the last N months (``YYYY-MM``) or days."""

from __future__ import annotations

from datetime import date, timedelta


def last_months(today: date, count: int) -> list[str]:
    """The ``count`` months up to and including ``today``'s, oldest first, as ``YYYY-MM``."""
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return keys[::-1]


def first_day(month_key: str) -> date:
    """The first day of a ``YYYY-MM`` month."""
    return date.fromisoformat(f"{month_key}-01")


def first_day_after(month_key: str) -> date:
    """The first day of the month after a ``YYYY-MM`` month."""
    start = first_day(month_key)
    return (start + timedelta(days=31)).replace(day=1)


def last_days(today: date, count: int) -> list[str]:
    """The ``count`` days up to and including ``today``, oldest first, as ``YYYY-MM-DD``."""
    return [(today - timedelta(days=n)).isoformat() for n in range(count - 1, -1, -1)]
