"""Import meetings from an iCalendar file (RFC 5545) as interactions.

Each ``VEVENT`` becomes a ``meeting`` interaction with every person or vendor among its
attendees and organizer (matched by e-mail address, else a vendor by the address's
domain; the owner's own addresses, from the profile and ``me``, are left out). Its date is
``DTSTART`` (a day for all-day events; a time zone's time in UTC; a floating time taken as
UTC); its note the ``SUMMARY``. Cancelled events, events with no known counterpart and
events after ``until`` (default: today, as interactions record what happened) are
skipped, each with its reason.

Recurring events (``RRULE``, ``RDATE``, less ``EXDATE``) are expanded from their start up
to ``until``, at most ``MAX_OCCURRENCES`` per event; an occurrence moved or changed by a
``RECURRENCE-ID`` event is taken from that event. Each occurrence has a stable id (from
the event's ``UID``, the occurrence's start and the counterpart), so importing a file
twice changes nothing. Any faulty event: nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, cast

from dateutil.rrule import rrule, rruleset, rrulestr
from icalendar import Calendar, Event
from icalendar.prop import vDDDTypes

from pds.errors import ValidationFailed
from pds.services.container import Services
from pds.services.context import check_actor
from pds.services.importers.outcome import (
    AddressBook,
    ImportReport,
    InteractionPlan,
    named_source,
    owner_addresses,
)

MAX_OCCURRENCES = 366
_UNTIL = re.compile(r"UNTIL=(\d{8})(T\d{6})?Z?")
When = date | datetime


def import_calendar(
    services: Services,
    source: Path | str | bytes,
    *,
    dry_run: bool = False,
    until: date | None = None,
    me: Iterable[str] = (),
    actor: str = "owner",
    name: str | None = None,
) -> ImportReport:
    """Import the events of the iCalendar file ``source`` (a path, or its bytes and
    ``name``, as uploaded); see the module doc."""
    check_actor(actor)
    path, data = named_source(source, name, "calendar.ics")
    events = _events(data, path)
    report = ImportReport(source=path.name, what="events", dry_run=dry_run)
    report.items_read = len(events)
    last_day = until or services.clock().date()
    reader = _Reader(services, report, owner_addresses(services, me), last_day, actor)
    moved = _moved(events)
    for number, event in enumerate(events, start=1):
        reader.add(number, event, moved)
    if dry_run:
        return report
    report.refuse_if_errors()
    reader.plan.write()
    return report


def _events(data: bytes, path: Path) -> list[Event]:
    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValidationFailed(
            f"{path.name} is not an iCalendar file: {exc}",
            {"file": [f"{path.name}: not readable as iCalendar ({exc})."]},
        ) from None
    if not calendars:
        raise ValidationFailed(
            f"{path.name} holds no calendar", {"file": [f"{path.name}: no VCALENDAR."]}
        )
    return [e for c in calendars for e in c.walk("VEVENT") if isinstance(e, Event)]


def _moved(events: list[Event]) -> dict[str, set[datetime]]:
    """For each UID, the starts of the occurrences a ``RECURRENCE-ID`` event replaces."""
    moved: dict[str, set[datetime]] = {}
    for event in events:
        if event.get("RECURRENCE-ID") is not None and event.get("UID"):
            start = _instant(_when(event, "RECURRENCE-ID"))
            moved.setdefault(str(event["UID"]), set()).add(start)
    return moved


def _when(event: Event, name: str) -> When:
    """The day or time ``name`` (``DTSTART``, ``RECURRENCE-ID``) holds; not a duration."""
    value = event[name]
    if not isinstance(value, vDDDTypes) or not isinstance(value.dt, date):
        raise ValueError(f"{name} is not a day or a time")
    return value.dt


def _instant(value: When) -> datetime:
    """``value`` as an aware UTC datetime (a day at midnight; a floating time as UTC)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _as_date(value: When) -> When:
    """What the interaction's ``date`` holds: the day of an all-day event, else UTC time."""
    return value if not isinstance(value, datetime) else _instant(value)


class _Reader:
    def __init__(
        self, services: Services, report: ImportReport, me: set[str], last_day: date, actor: str
    ) -> None:
        self.report = report
        self.me = me
        self.last_day = last_day
        self.book = AddressBook(services)
        self.plan = InteractionPlan(services, report, actor)

    def add(self, number: int, event: Event, moved: dict[str, set[datetime]]) -> None:
        uid = str(event.get("UID") or "")
        label = f"event {number}" + (f" ({uid})" if uid else "")
        errors = _errors_of(event)
        if errors:
            self.report.errors[label] = errors
            return
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            self.report.add(label, "skipped", "cancelled")
            return
        counterparts, unknown = self.book.counterparts(_addresses(event), self.me)
        if not counterparts:
            others = f" ({', '.join(unknown)})" if unknown else ""
            self.report.add(label, "skipped", f"no attendee is a known person or vendor{others}")
            return
        start = _when(event, "DTSTART")
        if _day_of(start) > self.last_day:
            self.report.add(label, "skipped", f"after {self.last_day.isoformat()}")
            return
        key = uid or f"{start.isoformat()} {event.get('SUMMARY', '')}"
        recurring = event.get("RRULE") is not None or event.get("RDATE") is not None
        occurrences = list(self._occurrences(label, event, start, moved.get(uid, set())))
        for when in occurrences:
            item = f"{label} on {_day_of(when)}" if recurring else label
            data: dict[str, Any] = {"kind": "meeting", "date": _as_date(when)}
            summary = str(event.get("SUMMARY", "")).strip()
            if summary:
                data["note"] = summary
            for counterpart in counterparts:
                self.plan.add(item, data, counterpart, f"{key} {_instant(when).isoformat()}")

    def _occurrences(
        self, label: str, event: Event, start: When, moved: set[datetime]
    ) -> Iterator[When]:
        if event.get("RRULE") is None and event.get("RDATE") is None:
            yield start
            return
        limit = _instant(datetime.combine(self.last_day, time.max))
        count = 0
        for when in _expand(event, start):
            if _instant(when) > limit:
                return
            if _instant(when) in moved:
                continue
            count += 1
            if count > MAX_OCCURRENCES:
                self.report.add(
                    label, "skipped", f"occurrences after the first {MAX_OCCURRENCES} left out"
                )
                return
            yield when


def _expand(event: Event, start: When) -> Iterator[When]:
    """The starts of a recurring event, in order (all-day events as days)."""
    all_day = not isinstance(start, datetime)
    anchor = start if isinstance(start, datetime) else datetime.combine(start, time())
    rules = rruleset()
    for rule in _list(event.get("RRULE")):
        # cast: rrulestr gives a set only for several lines or forceset, one RRULE is a rule
        parsed = rrulestr(_until_like(rule.to_ical().decode(), anchor), dtstart=anchor)
        rules.rrule(cast(rrule, parsed))
    for dates in _list(event.get("RDATE")):
        for value in dates.dts:
            rules.rdate(_align(value.dt, anchor))
    for dates in _list(event.get("EXDATE")):
        for value in dates.dts:
            rules.exdate(_align(value.dt, anchor))
    for when in rules:
        yield when.date() if all_day else when


def _until_like(text: str, anchor: datetime) -> str:
    """``text`` (an RRULE) with ``UNTIL`` in the form dateutil wants for ``anchor``."""
    if anchor.tzinfo is None:  # a day or a floating time: UNTIL without Z
        return _UNTIL.sub(lambda m: f"UNTIL={m[1]}{m[2] or 'T235959'}", text)
    return _UNTIL.sub(lambda m: f"UNTIL={m[1]}{m[2] or 'T235959'}Z", text)


def _align(value: When, anchor: datetime) -> datetime:
    """``value`` in the form of ``anchor`` (naive or aware), for ``rruleset`` to compare."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, anchor.time())
    if anchor.tzinfo is None:
        return value.replace(tzinfo=None)
    return value if value.tzinfo else value.replace(tzinfo=anchor.tzinfo)


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _day_of(value: When) -> date:
    return _instant(value).date() if isinstance(value, datetime) else value


def _addresses(event: Event) -> list[str]:
    found: list[str] = []
    for value in [*_list(event.get("ORGANIZER")), *_list(event.get("ATTENDEE"))]:
        text = str(value).strip()
        if text.lower().startswith("mailto:"):
            text = text[7:]
        if "@" in text and text not in found:
            found.append(text)
    return found


def _errors_of(event: Event) -> dict[str, list[str]]:
    """What makes ``event`` unusable: a property that could not be read, no ``DTSTART``."""
    errors: dict[str, list[str]] = {}
    for name, message in getattr(event, "errors", ()):
        errors.setdefault(str(name or "event"), []).append(f"Not readable: {message}.")
    if errors:
        return errors
    if event.get("DTSTART") is None:
        return {"DTSTART": ["Missing: every event needs a start."]}
    try:
        start = _when(event, "DTSTART")
        if event.get("RRULE") is not None or event.get("RDATE") is not None:
            next(iter(_expand(event, start)), None)
    except (ValueError, TypeError, AttributeError) as exc:
        return {"RRULE": [f"Not a usable recurrence: {exc}."]}
    return {}
