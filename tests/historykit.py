"""Interaction histories for the relationship-insight tests (services, CLI, portal)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from pds.services import Services

#: Weekly for twenty weeks, then three gaps of about a month: a fading relationship.
FADING_GAPS = [7] * 20 + [30, 31, 29]


def log_gaps(
    services: Services, who: dict[str, Any], gaps: list[int], last: date, **fields: Any
) -> None:
    """Interactions with ``who`` (each with ``fields``) separated by ``gaps`` days, the
    last on ``last``."""
    day, days = last, [last]
    for gap in reversed(gaps):
        day -= timedelta(days=gap)
        days.append(day)
    services.interactions.log_many(
        [{**fields, "counterpart_id": who["id"], "date": d.isoformat()} for d in sorted(days)]
    )


def add_fading_person(services: Services, kind: str = "meeting") -> dict[str, Any]:
    """Ada Weekly: ``FADING_GAPS``, the last contact 5 days before today."""
    person = services.relationships.add({"kind": "person", "name": "Ada Weekly"})
    last = datetime.now(UTC).date() - timedelta(days=5)
    log_gaps(services, person, FADING_GAPS, last, kind=kind)
    return person
