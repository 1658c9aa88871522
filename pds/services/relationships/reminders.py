"""Targets and reminders: "get in touch with X every N days", and what is due now.

The owner sets a target cadence on a relationship or on a tag; a relationship's own
target wins over its tags' (of several tagged targets, the shortest). A reminder is due
when the last interaction with the relationship (or, with none, the day it was recorded)
plus the target interval is today or earlier. A snooze hides it until a day; ``done``
logs an interaction (the owner got in touch), which restarts the clock.

The ``reminders`` collection holds one record per target or snooze (``kind`` and
``subject``: a relationship id or a tag) and the calendar feed's key.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from pds.errors import ValidationFailed
from pds.i18n import LANGUAGES
from pds.services.base import CollectionService
from pds.services.collections import REMINDERS
from pds.services.context import Context, check_actor
from pds.services.relationships.interactions import InteractionService
from pds.services.relationships.occasions import Occasion, occasions_ahead
from pds.services.relationships.relationships import RelationshipService, clean_tag
from pds.services.repointing import point_back, repoint

RELATIONSHIP, TAG, FEED = "relationship", "tag", "feed"
MAX_EVERY_DAYS = 3650
MAX_SNOOZE_DAYS = 365
#: Relationships the owner no longer keeps up get no reminders.
QUIET_STATUSES = ("ended", "blocked")
DONE_NOTE = "Got in touch (reminder done)."


@dataclass(frozen=True)
class Reminder:
    """One relationship with a target: when it is next due and why."""

    relationship_id: str
    name: str
    kind: str
    every_days: int
    source: str  # "own" or "tag:<name>"
    last_contact: date | None
    due_on: date
    snoozed_until: date | None

    def shown_on(self) -> date:
        """The day it shows: its due day, or the end of a snooze past it."""
        if self.snoozed_until is not None and self.snoozed_until > self.due_on:
            return self.snoozed_until
        return self.due_on

    def overdue_days(self, today: date) -> int:
        return max(0, (today - self.due_on).days)

    def to_dict(self, today: date) -> dict[str, Any]:
        return {
            "relationship_id": self.relationship_id,
            "name": self.name,
            "kind": self.kind,
            "every_days": self.every_days,
            "source": self.source,
            "last_contact": _iso(self.last_contact),
            "due_on": self.due_on.isoformat(),
            "snoozed_until": _iso(self.snoozed_until),
            "overdue_days": self.overdue_days(today),
        }


class OwnerProfile(Protocol):
    """The owner's profile (``ProfileService``, in the records context above)."""

    def get(self) -> Mapping[str, Any]: ...


class ReminderService(CollectionService):
    collection_name = REMINDERS
    noun = "reminder"

    def __init__(
        self,
        ctx: Context,
        relationships: RelationshipService,
        interactions: InteractionService,
        profile: OwnerProfile | None = None,
    ) -> None:
        super().__init__(ctx)
        self._relationships = relationships
        self._interactions = interactions
        self._profile = profile

    def language(self) -> str:
        """The language the owner reads reminders in: their profile's ``language``, else
        English (the e-mail and the calendar feed are written in it)."""
        chosen = self._profile.get().get("language") if self._profile is not None else None
        return chosen if isinstance(chosen, str) and chosen in LANGUAGES else LANGUAGES[0]

    def now(self) -> datetime:
        return self._ctx.now()

    def today(self) -> date:
        return self._ctx.now().date()

    # -- targets -----------------------------------------------------------------------

    def set_target(
        self, relationship_id: str, every_days: Any, *, actor: str = "owner"
    ) -> dict[str, Any]:
        """Aim to be in touch with this relationship every ``every_days`` days."""
        check_actor(actor)
        days = _every_days(every_days)
        record = self._relationships.get(relationship_id)
        saved = self._save(RELATIONSHIP, record["id"], every_days=days)
        self._ctx.audit(actor, "reminder.target", target=record["id"])
        return saved

    def set_tag_target(self, tag: Any, every_days: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Aim to be in touch with every relationship tagged ``tag`` every ``every_days`` days."""
        check_actor(actor)
        days = _every_days(every_days)
        saved = self._save(TAG, clean_tag(tag), every_days=days)
        self._ctx.audit(actor, "reminder.tag_target")
        return saved

    def clear_target(self, relationship_id: str, *, actor: str = "owner") -> None:
        """Remove the relationship's own target (its tags' targets still apply)."""
        check_actor(actor)
        self._save(RELATIONSHIP, relationship_id, every_days=None)
        self._ctx.audit(actor, "reminder.target_clear", target=relationship_id)

    def clear_tag_target(self, tag: Any, *, actor: str = "owner") -> None:
        check_actor(actor)
        self._save(TAG, clean_tag(tag), every_days=None)
        self._ctx.audit(actor, "reminder.tag_target_clear")

    def target_of(self, relationship_id: str) -> int | None:
        """The relationship's own target in days, if it has one."""
        record = self._find(RELATIONSHIP, relationship_id)
        return record.get("every_days") if record else None

    def tag_targets(self) -> dict[str, int]:
        """Every tag that has a target, with its interval in days."""
        return {
            r["subject"]: r["every_days"]
            for r in self._col.query(where={"kind": TAG})
            if r.get("every_days")
        }

    # -- snooze and done ---------------------------------------------------------------

    def snooze(self, relationship_id: str, until: Any, *, actor: str = "owner") -> date:
        """Hide the relationship's reminder until the day ``until`` (a day, or days from today)."""
        check_actor(actor)
        day = self._snooze_day(until)
        record = self._relationships.get(relationship_id)
        self._save(RELATIONSHIP, record["id"], snoozed_until=day.isoformat())
        self._ctx.audit(actor, "reminder.snooze", target=record["id"])
        return day

    def done(
        self,
        relationship_id: str,
        *,
        note: str | None = None,
        channel: str | None = None,
        actor: str = "owner",
    ) -> dict[str, Any]:
        """Record that the owner got in touch: a ``conversation`` logged today (clock restarts)."""
        check_actor(actor)
        record = self._relationships.get(relationship_id)
        entry = {
            "kind": "conversation",
            "date": self.today().isoformat(),
            "counterpart_id": record["id"],
            "note": note or DONE_NOTE,
            "channel": channel,
        }
        logged = self._interactions.log(entry, actor=actor)
        self._save(RELATIONSHIP, record["id"], snoozed_until=None)
        return logged

    # -- what is due -------------------------------------------------------------------

    def schedule(self) -> list[Reminder]:
        """Every relationship with a target, soonest first (snoozed ones included)."""
        own, snoozes = self._own_records()
        tagged = self.tag_targets()
        reminders = []
        for relationship in self._relationships_with_targets(own, tagged):
            target = _effective_target(relationship, own, tagged)
            if target is None:
                continue
            days, source = target
            last = self._last_contact(relationship["id"])
            start = last or _recorded_on(relationship)
            reminders.append(
                Reminder(
                    relationship_id=relationship["id"],
                    name=relationship["name"],
                    kind=relationship["kind"],
                    every_days=days,
                    source=source,
                    last_contact=last,
                    due_on=start + timedelta(days=days),
                    snoozed_until=snoozes.get(relationship["id"]),
                )
            )
        return sorted(reminders, key=lambda r: (r.shown_on(), r.name.casefold()))

    def due(self, today: date | None = None) -> list[Reminder]:
        """The reminders due on ``today`` (default: the clock's day); snoozed ones hidden."""
        day = today or self.today()
        return [r for r in self.schedule() if r.shown_on() <= day]

    def upcoming(self, days: int = 60, today: date | None = None) -> list[Reminder]:
        """The reminders due now or within ``days`` days (for the calendar feed)."""
        horizon = (today or self.today()) + timedelta(days=days)
        return [r for r in self.schedule() if r.shown_on() <= horizon]

    def occasions(self, days: int, today: date | None = None) -> list[Occasion]:
        """Birthdays and anniversaries from today to ``days`` days ahead, soonest first;
        none of relationships the owner ended or blocked (as for targets)."""
        current = (
            r for r in self._relationships.all_records() if r.get("status") not in QUIET_STATUSES
        )
        return occasions_ahead(current, today=today or self.today(), days=days)

    # -- the calendar feed's key -------------------------------------------------------

    def feed_key(self) -> str:
        """The secret key of the calendar feed URL (made on first use)."""
        record = self._find(FEED, FEED)
        if record and record.get("key"):
            return str(record["key"])
        return self.regenerate_feed_key()

    def regenerate_feed_key(self, *, actor: str = "owner") -> str:
        """A new feed key: the old URL stops working."""
        check_actor(actor)
        key = secrets.token_urlsafe(24)
        self._save(FEED, FEED, key=key)
        self._ctx.audit(actor, "reminder.feed_key")
        return key

    def feed_key_matches(self, given: str | None) -> bool:
        record = self._find(FEED, FEED)
        if not given or not record or not record.get("key"):
            return False
        return hmac.compare_digest(given.encode(), str(record["key"]).encode())

    # -- merging relationships (``repointing.Repointer``) --------------------------------

    def pointing_at(self, relationship_id: str) -> int:
        """1 if the relationship has its own target or snooze, else 0."""
        return 0 if self._find(RELATIONSHIP, relationship_id) is None else 1

    def repoint_relationship(self, old_id: str, new_id: str) -> list[str]:
        """Give ``old_id``'s target and snooze to ``new_id``, unless it has its own (then
        that one wins, and ``old_id``'s stays with the removed record, for an undo)."""
        with self._ctx.store.transaction():
            own = self._find(RELATIONSHIP, old_id)
            if own is None or self._find(RELATIONSHIP, new_id) is not None:
                return []
            return repoint(self._col, [own], "subject", new_id)

    def point_back(self, record_ids: Sequence[str], old_id: str, new_id: str) -> None:
        """Give the targets ``record_ids`` back to ``old_id`` (a merge undone)."""
        with self._ctx.store.transaction():
            point_back(self._col, record_ids, "subject", old_id, new_id)

    # -- internals ---------------------------------------------------------------------

    def _find(self, kind: str, subject: str) -> dict[str, Any] | None:
        found = self._col.query(where={"kind": kind, "subject": subject}, limit=1)
        return found[0] if found else None

    def _save(self, kind: str, subject: str, **values: Any) -> dict[str, Any]:
        """Set (``None``: remove) ``values`` on the record of ``subject``; drop it if empty."""
        with self._ctx.store.transaction():
            current = self._find(kind, subject)
            record = {**(current or {"id": self._ctx.ids(), "kind": kind, "subject": subject})}
            record.update(values)
            record = {k: v for k, v in record.items() if v is not None}
            if set(record) <= {"id", "kind", "subject", "updated_at"}:
                if current:
                    self._col.delete(current["id"])
                return record
            record["updated_at"] = self._ctx.now().isoformat()
            if current:
                self._col.replace(current["id"], record)
            else:
                self._col.insert(record)
        return record

    def _own_records(self) -> tuple[dict[str, int], dict[str, date]]:
        own: dict[str, int] = {}
        snoozes: dict[str, date] = {}
        for record in self._col.query(where={"kind": RELATIONSHIP}):
            if record.get("every_days"):
                own[record["subject"]] = record["every_days"]
            if record.get("snoozed_until"):
                snoozes[record["subject"]] = date.fromisoformat(record["snoozed_until"])
        return own, snoozes

    def _relationships_with_targets(
        self, own: Mapping[str, int], tagged: Mapping[str, int]
    ) -> list[dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for relationship_id in own:
            record = self._relationships.find(relationship_id)
            if record is not None:
                found[record["id"]] = record
        for tag in tagged:
            for record in self._relationships.tagged(tag):
                found[record["id"]] = record
        return [r for r in found.values() if r.get("status") not in QUIET_STATUSES]

    def _last_contact(self, relationship_id: str) -> date | None:
        latest = self._interactions.latest_with(relationship_id)
        return date.fromisoformat(latest["date"][:10]) if latest else None

    def _snooze_day(self, until: Any) -> date:
        today = self.today()
        if isinstance(until, date):
            day = until
        elif isinstance(until, int) and not isinstance(until, bool):
            day = today + timedelta(days=until)
        else:
            try:
                day = date.fromisoformat(str(until).strip())
            except ValueError:
                raise _invalid("until", "Not a valid day (YYYY-MM-DD).") from None
        if day <= today:
            raise _invalid("until", "Must be a day after today.")
        if day > today + timedelta(days=MAX_SNOOZE_DAYS):
            raise _invalid("until", f"Must be within {MAX_SNOOZE_DAYS} days.")
        return day


def _effective_target(
    relationship: Mapping[str, Any], own: Mapping[str, int], tagged: Mapping[str, int]
) -> tuple[int, str] | None:
    if relationship["id"] in own:
        return own[relationship["id"]], "own"
    candidates = [(tagged[t], f"tag:{t}") for t in relationship.get("tags", []) if t in tagged]
    return min(candidates) if candidates else None


def _recorded_on(relationship: Mapping[str, Any]) -> date:
    since = relationship.get("since")
    if since:
        return date.fromisoformat(since)
    return date.fromisoformat(str(relationship["created_at"])[:10])


def _every_days(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid("every_days", "Not a whole number of days.")
    if not 1 <= value <= MAX_EVERY_DAYS:
        raise _invalid("every_days", f"Must be between 1 and {MAX_EVERY_DAYS}.")
    return value


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", {field: [message]})


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
