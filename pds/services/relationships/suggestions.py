"""Suggested targets: "You talk about monthly (every 30 days): remind me at that rhythm".

Offered for an active relationship whose rhythm is known (``Cadence.interval_days``)
and that has no target yet (its own or a tag's); accepting one sets it through
``ReminderService.set_target``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pds.i18n import gettext
from pds.services.relationships.cadence import Cadence
from pds.services.relationships.wording import every_days


@dataclass(frozen=True)
class SuggestedTarget:
    relationship_id: str
    name: str
    every_days: int
    rhythm: str  # "about monthly"

    @property
    def text(self) -> str:
        return gettext(
            "You talk %(rhythm)s (%(every)s): remind me at that rhythm",
            rhythm=self.rhythm,
            every=every_days(self.every_days),
        )


def suggested_targets(
    relationships: Iterable[Mapping[str, Any]],
    cadences: Mapping[str, Cadence],
    targeted: Collection[str],
) -> list[SuggestedTarget]:
    """One suggestion per active relationship with a known rhythm and no target."""
    found = []
    for record in relationships:
        rhythm = cadences.get(record["id"])
        if record["id"] in targeted or record.get("status", "active") != "active":
            continue
        if rhythm is None or rhythm.is_new or rhythm.interval_days is None:
            continue
        every = max(1, round(rhythm.interval_days))
        found.append(SuggestedTarget(record["id"], record["name"], every, rhythm.rhythm))
    return sorted(found, key=lambda s: s.name.casefold())
