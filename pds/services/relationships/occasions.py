"""Birthdays and anniversaries coming up: pure functions over relationship records.

A record may carry ``birthday`` (``YYYY-MM-DD``, or ``--MM-DD`` without a year, as
vCard writes it) and ``anniversaries`` (``[{"label": ..., "date": ...}]``, the same
two forms). A date on 29 February falls on 28 February in years without one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from pds.i18n import N_, gettext, ngettext, translated
from pds.schemas.temporal import parse_yearly_day

BIRTHDAY, ANNIVERSARY = "birthday", "anniversary"
#: the occasions pds names itself, in words (an anniversary's own label is the owner's)
LABELS = {BIRTHDAY: N_("birthday"), ANNIVERSARY: N_("anniversary")}


@dataclass(frozen=True)
class Occasion:
    """One birthday or anniversary of a relationship, on its next day from ``today``."""

    relationship_id: str
    name: str
    label: str  # "birthday" or the anniversary's label
    on: date
    years: int | None  # how many years it marks, when the year is known

    def in_days(self, today: date) -> int:
        return (self.on - today).days


def next_on(month: int, day: int, today: date) -> date:
    """The next ``month``/``day`` on or after ``today``; 29 February -> 28 in other years."""
    for year in (today.year, today.year + 1):
        if month == 2 and day == 29 and not calendar.isleap(year):
            candidate = date(year, 2, 28)
        else:
            candidate = date(year, month, day)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable: next year always has the day")


def occasions_ahead(
    relationships: Iterable[Mapping[str, Any]], *, today: date, days: int
) -> list[Occasion]:
    """Every birthday and anniversary from ``today`` to ``days`` days ahead, soonest first."""
    last = today + timedelta(days=days)
    found = [
        occasion
        for record in relationships
        for occasion in _occasions_of(record, today)
        if occasion.on <= last
    ]
    return sorted(found, key=lambda o: (o.on, o.name.casefold(), o.label))


def _occasions_of(record: Mapping[str, Any], today: date) -> list[Occasion]:
    dates = [(BIRTHDAY, record.get("birthday"))]
    dates += [
        (a.get("label") or ANNIVERSARY, a.get("date")) for a in record.get("anniversaries") or ()
    ]
    found = []
    for label, text in dates:
        parsed = parse_yearly_day(text) if isinstance(text, str) else None
        if parsed is None:
            continue
        year, month, day = parsed
        on = next_on(month, day, today)
        years = on.year - year if year is not None else None
        found.append(Occasion(str(record["id"]), str(record.get("name", "")), label, on, years))
    return found


def occasion_title(occasion: Occasion) -> str:
    """``"Ada's birthday (40)"``: whose occasion, what it is and how many years it marks."""
    label = translated(LABELS, occasion.label)
    if occasion.years:
        return gettext(
            "%(name)s's %(occasion)s (%(years)d)",
            name=occasion.name,
            occasion=label,
            years=occasion.years,
        )
    return gettext("%(name)s's %(occasion)s", name=occasion.name, occasion=label)


def occasion_text(occasion: Occasion, today: date) -> str:
    """``"Ada's birthday (40), in 3 days, 2026-05-04"``: one line for a list."""
    days = occasion.in_days(today)
    if days == 0:
        when = gettext("today")
    elif days == 1:
        when = gettext("tomorrow")
    else:
        when = ngettext("in %(num)d day", "in %(num)d days", days)
    return f"{occasion_title(occasion)}, {when}, {occasion.on.isoformat()}"
