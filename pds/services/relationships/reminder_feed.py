"""The reminders as an iCalendar feed (RFC 5545) the owner's calendar app subscribes to.

One all-day ``VEVENT`` per due or upcoming reminder, on the day it shows; its UID is
stable per relationship, so a calendar updates the event instead of adding another.
Titles and descriptions are in the owner's language (``owner_calendar``); the category
stays "pds reminder" in every language, so a calendar's filter on it keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from pds.i18n import gettext, written_in
from pds.services.relationships.occasions import Occasion, occasion_title
from pds.services.relationships.reminders import Reminder, ReminderService
from pds.services.relationships.wording import every_days
from pds.version import __version__

UID_DOMAIN = "reminders.pds"
TAG_SOURCE = "tag:"


def reminder_uid(relationship_id: str) -> str:
    return f"{relationship_id}@{UID_DOMAIN}"


def owner_calendar(reminders: ReminderService, *, days: int, occasion_days: int) -> bytes:
    """The feed of the reminders shown in the next ``days`` days and the occasions of the
    next ``occasion_days``, in the owner's language."""
    with written_in(reminders.language()):
        return reminder_calendar(
            reminders.upcoming(days),
            today=reminders.today(),
            now=reminders.now(),
            occasions=reminders.occasions(occasion_days),
        )


def reminder_calendar(
    reminders: Sequence[Reminder],
    *,
    today: date,
    now: datetime,
    occasions: Sequence[Occasion] = (),
) -> bytes:
    """The ``text/calendar`` body listing ``reminders`` and the coming ``occasions``
    (birthdays, anniversaries: one all-day event each, UID stable per person, label
    and year), in the language the text is written in (``pds.i18n``)."""
    calendar = Calendar()
    calendar.add("prodid", f"-//pds//reminders {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", gettext("pds reminders"))
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
    event.add("summary", gettext("Get in touch with %(name)s", name=reminder.name))
    last = reminder.last_contact.isoformat() if reminder.last_contact else gettext("never")
    event.add(
        "description",
        gettext(
            "Target: %(rhythm)s (%(source)s). Last contact: %(last)s. Due since %(due)s.",
            rhythm=every_days(reminder.every_days),
            source=_source(reminder.source),
            last=last,
            due=reminder.due_on.isoformat(),
        ),
    )
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["pds reminder"])
    return event


def _source(source: str) -> str:
    """Where a target comes from: "own", or "tag:<name>" (German "Schlagwort:<name>")."""
    if source.startswith(TAG_SOURCE):
        return gettext("tag:%(tag)s", tag=source.removeprefix(TAG_SOURCE))
    return gettext("own") if source == "own" else source


def _occasion_event(occasion: Occasion, *, now: datetime) -> Event:
    event = Event()
    label = occasion.label.replace(" ", "-").casefold()
    event.add("uid", f"{occasion.relationship_id}-{label}-{occasion.on.year}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", occasion.on)
    event.add("dtend", occasion.on + timedelta(days=1))
    event.add("summary", occasion_title(occasion))
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["pds reminder"])
    return event
