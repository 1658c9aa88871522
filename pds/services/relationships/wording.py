"""Numbers in words for the insights' explanations (pure): "every 3 weeks", "16 weeks",
"from March 2024 to August 2025", "12 August 2025"."""

from __future__ import annotations

from datetime import date

WEEK, MONTH, YEAR = 7.0, 30.44, 365.25


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an ``s`` unless one: "1 week", "3 weeks"."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def every(days: float) -> str:
    """An interval between contacts in words: "daily", "every 4 days", "weekly",
    "every 3 weeks", "monthly", "every 5 months", "yearly", "every 2 years"."""
    if days < 1.5:
        return "daily"
    if days < 10.5:
        return "weekly" if round(days) == 7 else f"every {round(days)} days"
    if days < 26:
        weeks = round(days / WEEK)
        return "weekly" if weeks == 1 else f"every {weeks} weeks"
    if days < 1.75 * YEAR:
        months = round(days / MONTH)
        return {1: "monthly", 12: "yearly"}.get(months, f"every {months} months")
    years = round(days / YEAR)
    return "yearly" if years == 1 else f"every {years} years"


def span(days: float) -> str:
    """A length of time in words: "5 days", "3 weeks", "9 months", "2 years"."""
    if days < 14:
        return plural(round(days), "day")
    if days < 9 * WEEK:
        return plural(round(days / WEEK), "week")
    if days < 2 * YEAR:
        return plural(round(days / MONTH), "month")
    return plural(round(days / YEAR), "year")


def on(day: date) -> str:
    """A day in words: "12 August 2025"."""
    return f"{day.day} {day:%B %Y}"


def period(first: date, last: date) -> str:
    """When something happened: "in August 2025", "from March to August 2025",
    "from March 2024 to August 2025"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"in {last:%B %Y}"
    if first.year == last.year:
        return f"from {first:%B} to {last:%B %Y}"
    return f"from {first:%B %Y} to {last:%B %Y}"
