"""Birthdays and anniversaries: the next day, 29 February, the window, the feed and e-mail."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from icalendar import Calendar

from pds.errors import ValidationFailed
from pds.services import Services
from pds.services.relationships.occasions import next_on, occasion_text, occasions_ahead
from pds.services.relationships.reminder_feed import reminder_calendar
from pds.services.relationships.reminder_mail import MailServer, reminder_message


def _record(**fields: Any) -> dict[str, Any]:
    return {"id": "r1", "name": "Noor", **fields}


def test_feb_29_falls_on_feb_28_in_other_years() -> None:
    assert next_on(2, 29, date(2026, 1, 1)) == date(2026, 2, 28)
    assert next_on(2, 29, date(2028, 1, 1)) == date(2028, 2, 29)
    assert next_on(3, 1, date(2026, 3, 2)) == date(2027, 3, 1)


def test_window_years_and_dates_without_a_year() -> None:
    records = [
        _record(birthday="1990-05-04"),
        {"id": "r2", "name": "Ada", "birthday": "--05-01"},
        {"id": "r3", "name": "Ben", "anniversaries": [{"label": "wedding", "date": "2010-05-20"}]},
    ]
    found = occasions_ahead(records, today=date(2026, 4, 30), days=7)
    assert [(o.name, o.label, o.on, o.years) for o in found] == [
        ("Ada", "birthday", date(2026, 5, 1), None),
        ("Noor", "birthday", date(2026, 5, 4), 36),
    ]
    assert (
        occasion_text(found[1], date(2026, 4, 30)) == "Noor's birthday (36), in 4 days, 2026-05-04"
    )
    later = occasions_ahead(records, today=date(2026, 5, 19), days=1)
    assert [(o.label, o.years) for o in later] == [("wedding", 16)]


def test_impossible_dates_are_refused_and_change_nothing(services: Services) -> None:
    with pytest.raises(ValidationFailed) as error:
        services.relationships.add({"kind": "person", "name": "Noor", "birthday": "2001-02-30"})
    assert "birthday" in error.value.details
    with pytest.raises(ValidationFailed):
        services.relationships.add(
            {"kind": "person", "name": "Noor", "anniversaries": [{"label": "x", "date": "--13-01"}]}
        )
    assert services.relationships.all_records() == []
    kept = services.relationships.add({"kind": "person", "name": "Noor", "birthday": "--02-29"})
    assert kept["birthday"] == "--02-29"


def test_feed_and_mail_carry_the_occasions(services: Services) -> None:
    today = services.reminders.today()
    services.relationships.add(
        {"kind": "person", "name": "Noor", "birthday": f"1990-{today:%m-%d}"}
    )
    occasions = services.reminders.occasions(7)
    assert len(occasions) == 1
    body = reminder_calendar([], today=today, now=services.clock(), occasions=occasions)
    [event] = Calendar.from_ical(body).walk("VEVENT")
    assert str(event["summary"]) == f"Noor's birthday ({today.year - 1990})"
    assert event.decoded("dtstart") == today
    server = MailServer("localhost", 25, "pds@example.org", "owner@example.org", False, None, None)
    message = reminder_message([], server, today=today, now=services.clock(), occasions=occasions)
    assert f"- Noor's birthday ({today.year - 1990}), today" in message.get_content()


@pytest.mark.parametrize(
    ("status", "shown"), [("active", True), ("paused", True), ("ended", False), ("blocked", False)]
)
def test_no_occasions_of_relationships_ended_or_blocked(
    services: Services, status: str, shown: bool
) -> None:
    today = services.reminders.today()
    services.relationships.add(
        {"kind": "person", "name": "Noor", "birthday": f"1990-{today:%m-%d}", "status": status}
    )
    assert [o.name for o in services.reminders.occasions(7)] == (["Noor"] if shown else [])
