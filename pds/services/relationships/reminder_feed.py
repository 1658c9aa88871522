"""The reminders as an iCalendar feed (RFC 5545) the owner's calendar app subscribes to.

One all-day ``VEVENT`` per due or upcoming reminder, on the day it shows; its UID is
stable per relationship, so a calendar updates the event instead of adding another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from pds.services.relationships.occasions import Occasion
from pds.services.relationships.reminders import Reminder
from pds.version import __version__

UID_DOMAIN = "reminders.pds"


def reminder_uid(relationship_id: str) -> str:
    return f"{relationship_id}@{UID_DOMAIN}"


def reminder_calendar(
    reminders: Sequence[Reminder],
    *,
    today: date,
    now: datetime,
    occasions: Sequence[Occasion] = (),
) -> bytes:
    """The ``text/calendar`` body listing ``reminders`` and the coming ``occasions``
    (birthdays, anniversaries: one all-day event each, UID stable per person, label
    and year)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//pds//reminders {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "pds reminders")
    for reminder in reminders:
        calendar.add_component(_event(reminder, today=today, now=now))
    for occasion in occasions:
        calendar.add_component(_occasion_event(occasion, now=now))
    ical: bytes = calendar.to_ical()
    return ical


def _event(reminder: Reminder, *, today: date, now: datetime) -> Event:
    day = max(reminder.shown_on(), today)
    event = Event()
    event.add("uid", reminder_uid(reminder.relationship_id))
    event.add("dtstamp", now)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", f"Get in touch with {reminder.name}")
    last = reminder.last_contact.isoformat() if reminder.last_contact else "never"
    event.add(
        "description",
        f"Target: every {reminder.every_days} days ({reminder.source}). Last contact: {last}. "
        f"Due since {reminder.due_on.isoformat()}.",
    )
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["pds reminder"])
    return event


def _occasion_event(occasion: Occasion, *, now: datetime) -> Event:
    event = Event()
    label = occasion.label.replace(" ", "-").casefold()
    event.add("uid", f"{occasion.relationship_id}-{label}-{occasion.on.year}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", occasion.on)
    event.add("dtend", occasion.on + timedelta(days=1))
    years = f" ({occasion.years})" if occasion.years else ""
    event.add("summary", f"{occasion.name}'s {occasion.label}{years}")
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["pds reminder"])
    return event
