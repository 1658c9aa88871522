"""What the relationships context writes for the owner, in German: the insights'
explanations (real plural forms, dates in German words), the occasions, the suggested
targets, and the reminder e-mail (through a real SMTP server) and calendar feed in the
owner's language; English when the owner chose none."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from icalendar import Calendar

from pds.i18n import language, written_in
from pds.services import Services
from pds.services.relationships.drift import GAPS, SILENCE, Drift
from pds.services.relationships.occasions import Occasion, occasion_text
from pds.services.relationships.reminder_feed import owner_calendar
from pds.services.relationships.reminder_mail import MailServer, send_due
from pds.services.relationships.suggestions import SuggestedTarget
from pds.services.relationships.tiers import ORGANISATIONS, PEOPLE, Tier
from pds.services.relationships.wording import ago, every, on, period, span
from tests.smtpkit import Inbox, smtp_server

SILENT = Drift(
    "longer",
    SILENCE,
    normal_days=21.0,
    recent_days=112.0,
    gaps_counted=0,
    confidence=0.9,
    longest_days=35,
    contacts=14,
    first_day=date(2025, 3, 2),
    last_day=date(2025, 8, 12),
    baseline_gaps=6,
)
THINNING = Drift(
    "longer",
    GAPS,
    normal_days=7.0,
    recent_days=30.0,
    gaps_counted=3,
    confidence=0.9,
    longest_days=9,
    contacts=1,
    first_day=date(2024, 3, 2),
    last_day=date(2025, 8, 12),
    recent=(28, 30, 33),
    baseline_gaps=12,
)


def test_the_language_written_in_is_the_chosen_one_else_english() -> None:
    assert language() == "en"
    with written_in("de"):
        assert language() == "de"
        with written_in("en"):
            assert language() == "en"
    assert language() == "en"


def test_numbers_in_words_take_the_german_plural() -> None:
    with written_in("de"):
        assert [span(1), span(5), span(21), span(300), span(800)] == [
            "1 Tag",
            "5 Tage",
            "3 Wochen",
            "10 Monate",
            "2 Jahre",
        ]
        assert [ago(1), ago(5), ago(7 * 7), ago(800)] == [
            "vor 1 Tag",
            "vor 5 Tagen",
            "vor 7 Wochen",
            "vor 2 Jahren",
        ]
        assert [every(1), every(4), every(7), every(21), every(150), every(900)] == [
            "täglich",
            "alle 4 Tage",
            "wöchentlich",
            "alle 3 Wochen",
            "alle 5 Monate",
            "alle 2 Jahre",
        ]


def test_dates_in_words_follow_the_language() -> None:
    day = date(2025, 3, 2)
    with written_in("de"):
        assert on(day) == "2. März 2025"
        assert period(day, date(2025, 3, 30)) == "im März 2025"
        assert period(day, date(2025, 8, 12)) == "von März bis August 2025"
        assert period(date(2024, 12, 1), day) == "von Dezember 2024 bis März 2025"
    assert on(day) == "2 March 2025"
    assert period(day, date(2025, 8, 12)) == "from March to August 2025"


def test_a_silence_is_asked_about_in_german() -> None:
    with written_in("de"):
        assert SILENT.question() == (
            "Sie hatten etwa monatlich Kontakt; der letzte Kontakt war vor 4 Monaten. "
            "Beibehalten, auseinanderdriften lassen oder ein Ziel setzen?"
        )
        assert SILENT.explanation() == (
            "14 Kontakte von März bis August 2025, etwa alle 3 Wochen; keiner seit dem "
            "12. August 2025 (4 Monate). Der längste der 6 Abstände zwischen Gesprächen "
            "davor betrug 5 Wochen."
        )
    assert SILENT.explanation().startswith("14 contacts from March to August 2025, about every")


def test_thinning_gaps_are_explained_in_german_with_the_singular_where_one() -> None:
    with written_in("de"):
        assert THINNING.question() == (
            "Sie hatten etwa wöchentlich Kontakt; in den letzten drei Abständen nur noch "
            "etwa monatlich. Beibehalten, auseinanderdriften lassen oder ein Ziel setzen?"
        )
        assert THINNING.explanation() == (
            "1 Kontakt von März 2024 bis August 2025, etwa wöchentlich; die letzten drei "
            "Abstände zwischen Gesprächen betrugen 28 bis 33 Tage, keiner der 12 davor "
            "länger als 9 Tage."
        )
        assert THINNING.to_dict()["question"] == THINNING.question()


def test_tiers_are_described_in_german_with_a_decimal_comma() -> None:
    people = Tier(number=1, size=3, per_year=52.0, depth=0.78)
    shop = Tier(number=2, size=1, per_year=1.0, depth=0.3)
    with written_in("de"):
        assert people.explanation(PEOPLE) == (
            "3 Personen, Kontakt etwa wöchentlich (52 Kontakte im Jahr in der Mitte der "
            "Stufe), Tiefe 0,78 von 1."
        )
        assert shop.explanation(ORGANISATIONS) == (
            "1 Organisation, Kontakt etwa jährlich (1 Kontakt im Jahr in der Mitte der "
            "Stufe), Tiefe 0,30 von 1."
        )
        assert shop.name == "Stufe 2"
    assert people.explanation(PEOPLE) == (
        "3 people, in touch about weekly (52 contacts a year at the centre), depth 0.78 of 1."
    )


def test_occasions_and_suggestions_in_german() -> None:
    today = date(2026, 4, 30)
    birthday = Occasion("r1", "Noor", "birthday", date(2026, 5, 4), 36)
    wedding = Occasion("r1", "Noor", "Hochzeitstag", date(2026, 5, 1), None)
    suggestion = SuggestedTarget("r1", "Noor", 1, "etwa täglich")
    with written_in("de"):
        assert occasion_text(birthday, today) == "Geburtstag von Noor (36), in 4 Tagen, 2026-05-04"
        assert occasion_text(wedding, today) == "Hochzeitstag von Noor, morgen, 2026-05-01"
        assert suggestion.text == (
            "Sie haben etwa täglich Kontakt (jeden Tag): in diesem Rhythmus erinnern"
        )


# -- the reminder e-mail and the feed, in the owner's language ----------------------------


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def due(services: Services, person: dict[str, Any]) -> dict[str, Any]:
    """Jonas: last called on 1 February, to be called every 14 days (due since 15 Feb),
    with a birthday on 3 March."""
    services.relationships.update(person["id"], {"birthday": "1990-03-03"})
    services.interactions.log(
        {"kind": "call", "date": "2025-02-01", "counterpart_id": person["id"]}
    )
    services.reminders.set_target(person["id"], 14)
    return person


def _server(inbox: Inbox) -> MailServer:
    return MailServer(inbox.host, inbox.port, "pds@example.org", "owner@example.org", False)


def _subject(message: Message) -> str:
    """The subject as the owner reads it (RFC 2047 encoded words decoded)."""
    return str(make_header(decode_header(message["Subject"])))


def _body(message: Message) -> str:
    """The text as written (SMTP carries its lines with CRLF)."""
    return str(message.get_payload(decode=True).decode()).replace("\r\n", "\n")


def test_the_owners_language_is_english_until_chosen(services: Services) -> None:
    assert services.reminders.language() == "en"
    services.profile.update({"language": "de"})
    assert services.reminders.language() == "de"


def test_the_reminder_email_is_german_for_a_german_owner(
    services: Services, due: dict[str, Any], inbox: Inbox
) -> None:
    services.profile.update({"language": "de"})
    assert send_due(services.reminders, _server(inbox), occasion_days=7) == 1
    (received,) = inbox.messages
    assert _subject(received) == "pds: Kontakt mit 1 Beziehung fällig"
    assert _body(received) == (
        "Kontakt fällig am 2025-03-01:\n"
        "\n"
        "- Jonas Becker (alle 14 Tage, 14 Tage überfällig; letzter Kontakt 2025-02-01)\n"
        "\n"
        "Markieren Sie sie mit `pds remind` oder im Portal als erledigt, oder verschieben "
        "Sie sie.\n"
        "\n"
        "Demnächst:\n"
        "\n"
        "- Geburtstag von Jonas Becker (35), in 2 Tagen, 2025-03-03\n"
    )


def test_the_reminder_email_is_english_when_the_owner_chose_no_language(
    services: Services, due: dict[str, Any], inbox: Inbox
) -> None:
    send_due(services.reminders, _server(inbox), occasion_days=7)
    (received,) = inbox.messages
    assert received["Subject"] == "pds: 1 relationship due for contact"
    body = received.get_payload(decode=True).decode()
    assert "- Jonas Becker (every 14 days, 14 days overdue; last contact 2025-02-01)" in body
    assert "- Jonas Becker's birthday (35), in 2 days, 2025-03-03" in body


def test_an_empty_german_email_says_nobody_is_due(services: Services, inbox: Inbox) -> None:
    services.profile.update({"language": "de"})
    assert send_due(services.reminders, _server(inbox)) == 0
    assert _subject(inbox.messages[0]) == "pds: Mit niemandem ist Kontakt fällig"
    assert _body(inbox.messages[0]) == "Heute ist mit niemandem Kontakt fällig.\n"


def test_the_feed_is_german_for_a_german_owner(services: Services, due: dict[str, Any]) -> None:
    services.profile.update({"language": "de"})
    calendar = Calendar.from_ical(owner_calendar(services.reminders, days=60, occasion_days=7))
    assert str(calendar["x-wr-calname"]) == "pds-Erinnerungen"
    reminder, birthday = calendar.walk("VEVENT")
    assert str(reminder["summary"]) == "Melden Sie sich bei Jonas Becker"
    assert str(reminder["description"]) == (
        "Ziel: alle 14 Tage (eigenes). Letzter Kontakt: 2025-02-01. Fällig seit 2025-02-15."
    )
    assert str(birthday["summary"]) == "Geburtstag von Jonas Becker (35)"
    assert [str(c) for c in reminder["categories"].cats] == ["pds reminder"]


def test_the_feed_is_english_by_default(services: Services, due: dict[str, Any]) -> None:
    calendar = Calendar.from_ical(owner_calendar(services.reminders, days=60, occasion_days=7))
    reminder, birthday = calendar.walk("VEVENT")
    assert str(reminder["summary"]) == "Get in touch with Jonas Becker"
    assert str(reminder["description"]) == (
        "Target: every 14 days (own). Last contact: 2025-02-01. Due since 2025-02-15."
    )
    assert str(birthday["summary"]) == "Jonas Becker's birthday (35)"
