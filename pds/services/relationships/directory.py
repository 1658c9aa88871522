"""The relationship list a person scans: one row per relationship with when you last
talked, the rhythm you keep, when contact is next due and its tier; searched, filtered
and sorted.

A read model over what the store already keeps: the insights' cached report (cadence
and tier of every relationship, one pass over the interactions index) and the reminders'
schedule (next due). No relationship's log is read row by row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pds.errors import ValidationFailed
from pds.i18n import gettext, ngettext
from pds.schemas import RelationshipQuerySchema, load
from pds.services.relationships.cadence import about
from pds.services.relationships.insights import InsightService
from pds.services.relationships.name_match import folded
from pds.services.relationships.relationships import RelationshipService
from pds.services.relationships.reminders import ReminderService

SORTS = ("name", "last_contact", "next_due", "tier")
FILTERS = ("kind", "status", "tag")


@dataclass(frozen=True)
class Row:
    """One relationship as the list shows it."""

    record: dict[str, Any]
    last_contact: date | None
    rhythm: str | None  # "about monthly"; None until there is a rhythm to tell
    next_due: date | None
    tier: int | None
    tier_label: str | None

    def last_contact_words(self, today: date) -> str:
        """When you last talked, as a person says it ("3 weeks ago"); "never" if not."""
        return ago(self.last_contact, today) if self.last_contact else gettext("never")


@dataclass(frozen=True)
class DirectoryQuery:
    """What the owner asked of the list: a search text, filters, a sort and its order."""

    search: str = ""
    kind: str | None = None
    status: str | None = None
    tag: str | None = None
    tier: int | None = None
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> DirectoryQuery:
        """Read a query from strings (a query string, options); bad values are refused."""
        sort = args.get("sort", "") or "name"
        if sort not in SORTS:
            raise ValidationFailed(
                "unknown sort", {"sort": [f"Must be one of: {', '.join(SORTS)}."]}
            )
        tier = args.get("tier", "").strip()
        if tier and not tier.isdigit():
            raise ValidationFailed("bad tier", {"tier": ["Must be a tier number."]})
        given = {k: v for k in FILTERS if (v := args.get(k, "").strip())}
        filters = load(RelationshipQuerySchema(), given, what="query")
        return cls(
            search=args.get("q", "").strip(),
            tier=int(tier) if tier else None,
            sort=sort,
            descending=args.get("order", "") == "desc",
            **{k: filters[k] for k in FILTERS if k in filters},
        )


class DirectoryService:
    """The list of relationships with the columns a person scans (``list_rows``)."""

    def __init__(
        self,
        relationships: RelationshipService,
        insights: InsightService,
        reminders: ReminderService,
    ) -> None:
        self._relationships = relationships
        self._insights = insights
        self._reminders = reminders

    def today(self) -> date:
        return self._reminders.today()

    def list_rows(self, query: DirectoryQuery) -> list[Row]:
        """Every relationship that matches ``query``, sorted as it asks (missing values last)."""
        report = self._insights.report()
        due = {r.relationship_id: r.shown_on() for r in self._reminders.schedule()}
        rows = []
        for record in self._relationships.all_records():
            if not _matches(record, query):
                continue
            found = report.cadences.get(record["id"])
            named = report.tier_of.get(record["id"])
            tier = named.number if named else None  # within its group (people, organisations)
            if query.tier is not None and tier != query.tier:
                continue
            interval = found.interval_days if found else None
            rows.append(
                Row(
                    record=record,
                    last_contact=found.last_day if found else None,
                    rhythm=about(interval) if interval else None,
                    next_due=due.get(record["id"]),
                    tier=tier,
                    tier_label=named.label if named else None,
                )
            )
        return _sorted(rows, query.sort, query.descending)


def _matches(record: Mapping[str, Any], query: DirectoryQuery) -> bool:
    if query.kind and record.get("kind") != query.kind:
        return False
    if query.status and record.get("status") != query.status:
        return False
    tags = [folded(t) for t in record.get("tags") or []]
    if query.tag and folded(query.tag) not in tags:
        return False
    if not query.search:
        return True
    wanted = folded(query.search)
    haystack = [folded(record.get("name", "")), *tags]
    haystack += [folded(e) for e in record.get("emails") or []]
    return any(wanted in text for text in haystack)


_KEYS: Mapping[str, Callable[[Row], Any]] = {
    "last_contact": lambda row: row.last_contact,
    "next_due": lambda row: row.next_due,
    "tier": lambda row: row.tier,
}


def _sorted(rows: list[Row], sort: str, descending: bool) -> list[Row]:
    by_name = sorted(rows, key=lambda row: folded(row.record.get("name", "")), reverse=descending)
    key = _KEYS.get(sort)
    if key is None:
        return by_name
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=descending) + unknown


def ago(day: date, today: date) -> str:
    """How long ago ``day`` was, in the words a person uses: "today", "3 weeks ago"."""
    days = (today - day).days
    if days <= 0:
        return gettext("today") if days == 0 else gettext("in the future")
    if days == 1:
        return gettext("yesterday")
    if days >= 365:
        return ngettext("%(num)d year ago", "%(num)d years ago", days // 365)
    if days >= 30:
        return ngettext("%(num)d month ago", "%(num)d months ago", days // 30)
    if days >= 7:
        return ngettext("%(num)d week ago", "%(num)d weeks ago", days // 7)
    return ngettext("%(num)d day ago", "%(num)d days ago", days)
