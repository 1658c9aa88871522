"""The reminder e-mail through a real SMTP server, and the iCalendar feed parsed back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar

from pds.errors import ConfigError, DeliveryFailed
from pds.services import Services
from pds.services.relationships.reminder_feed import reminder_calendar, reminder_uid
from pds.services.relationships.reminder_mail import MailServer, mail_server, reminder_message, send
from tests.smtpkit import Inbox, smtp_server

TODAY = date(2025, 3, 1)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def due_person(services: Services, person: dict[str, Any]) -> dict[str, Any]:
    services.interactions.log(
        {"kind": "call", "date": "2025-02-01", "counterpart_id": person["id"]}
    )
    services.reminders.set_target(person["id"], 14)
    return person


def _server(inbox: Inbox, **changes: Any) -> MailServer:
    values = {
        "host": inbox.host,
        "port": inbox.port,
        "sender": "pds@example.org",
        "recipient": "owner@example.org",
        "starttls": False,
        **changes,
    }
    return MailServer(**values)


def test_the_due_list_arrives_at_the_smtp_server(
    services: Services, due_person: dict[str, Any], inbox: Inbox
) -> None:
    server = _server(inbox)
    message = reminder_message(services.reminders.due(), server, today=TODAY, now=services.clock())
    send(message, server)
    (received,) = inbox.messages
    assert inbox.recipients == [["owner@example.org"]]
    assert received["Subject"] == "pds: 1 relationship due for contact"
    assert received["From"] == "pds@example.org"
    body = received.get_payload(decode=True).decode()
    assert "- Jonas Becker (every 14 days, 14 days overdue; last contact 2025-02-01)" in body


def test_an_empty_due_list_says_so(services: Services, inbox: Inbox) -> None:
    server = _server(inbox)
    send(reminder_message([], server, today=TODAY, now=services.clock()), server)
    assert inbox.messages[0]["Subject"] == "pds: nobody is due for contact"


def test_starttls_refused_by_the_server_is_a_delivery_failure(
    services: Services, inbox: Inbox
) -> None:
    server = _server(inbox, starttls=True)
    message = reminder_message([], server, today=TODAY, now=services.clock())
    with pytest.raises(DeliveryFailed) as caught:
        send(message, server)
    assert caught.value.message == (
        f"the mail server 127.0.0.1:{inbox.port} does not offer STARTTLS "
        "(set PDS_SMTP_STARTTLS=false only for a server on this machine)"
    )
    assert inbox.messages == []


def test_no_server_listening_is_a_delivery_failure(services: Services) -> None:
    with smtp_server() as gone:
        port = gone.port
    server = MailServer("127.0.0.1", port, "pds@example.org", "owner@example.org", False)
    with pytest.raises(DeliveryFailed) as caught:
        send(reminder_message([], server, today=TODAY, now=services.clock()), server)
    assert caught.value.message == (
        f"could not send through 127.0.0.1:{port}: ConnectionRefusedError"
    )


def test_missing_settings_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        mail_server(host=None, port=25, sender="a@b.org", recipient=None)
    assert caught.value.message == (
        "reminder e-mail is not configured: set PDS_SMTP_HOST, PDS_REMINDER_EMAIL_TO"
    )


def test_the_feed_parses_with_stable_uids(
    services: Services, due_person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    services.reminders.set_target(vendor["id"], 20)  # recorded today: due on 2025-03-21
    upcoming = services.reminders.upcoming(60)
    body = reminder_calendar(upcoming, today=TODAY, now=services.clock())
    calendar = Calendar.from_ical(body)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["uid"]) for e in events] == [
        reminder_uid(due_person["id"]),
        reminder_uid(vendor["id"]),
    ]
    assert [e.decoded("dtstart") for e in events] == [TODAY, date(2025, 3, 21)]
    assert str(events[0]["summary"]) == "Get in touch with Jonas Becker"
    again = Calendar.from_ical(reminder_calendar(upcoming, today=TODAY, now=services.clock()))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
