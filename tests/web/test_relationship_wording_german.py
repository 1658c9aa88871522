"""The relationships context's sentences on a page follow the page's language, and the
calendar feed (fetched by a calendar app, not the owner's browser) follows the owner's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from icalendar import Calendar

from pds.services import Services
from tests.historykit import log_gaps

GERMAN_BUTTON = "Sie haben etwa monatlich Kontakt (alle 21 Tage): in diesem Rhythmus erinnern"


def test_a_suggested_target_on_a_german_page(owner: FlaskClient, services: Services) -> None:
    friend = services.relationships.add({"kind": "person", "name": "Jonas"})
    log_gaps(services, friend, [21] * 10, datetime.now(UTC).date() - timedelta(days=3), kind="call")
    page = f"/relationships/{friend['id']}"
    german = owner.get(page, headers={"Accept-Language": "de"}).get_data(True)
    assert GERMAN_BUTTON in german
    english = owner.get(page, headers={"Accept-Language": "en"}).get_data(True)
    assert "You talk about monthly (every 21 days): remind me at that rhythm" in english


def test_the_feed_is_in_the_owners_language_whatever_the_calendar_asks(
    client: FlaskClient, services: Services
) -> None:
    friend = services.relationships.add({"kind": "person", "name": "Jonas"})
    services.reminders.set_target(friend["id"], 1)
    services.profile.update({"language": "de"})
    feed = f"/reminders.ics?key={services.reminders.feed_key()}"
    response = client.get(feed, headers={"Accept-Language": "en"})
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == "Melden Sie sich bei Jonas"
    services.profile.update({"language": None})
    response = client.get(feed, headers={"Accept-Language": "de"})
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == "Get in touch with Jonas"
