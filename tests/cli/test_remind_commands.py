"""pds remind: the due table, --snooze, --done, --email (to a real SMTP server on loopback)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke
from tests.smtpkit import smtp_server

MISSING = "01900000-0000-7000-8000-000000000000"


@pytest.fixture
def due(on_disk: Callable[[], Any]) -> dict[str, Any]:
    """Ada, last called 20 days ago with a 7-day target: due, 13 days overdue."""
    last = (date.today() - timedelta(days=20)).isoformat()
    with on_disk() as services:
        ada = services.relationships.add({"kind": "person", "name": "Ada Lovelace"})
        services.interactions.log({"kind": "call", "date": last, "counterpart_id": ada["id"]})
        services.reminders.set_target(ada["id"], 7)
    return {"ada": ada, "last": last}


def test_lists_the_due_reminders_as_a_table(pds: Invoke, due: dict[str, Any]) -> None:
    result = pds("remind")
    assert result.exit_code == 0, result.output
    header, row = result.output.splitlines()
    assert header.split() == ["ID", "NAME", "EVERY", "LAST", "CONTACT", "OVERDUE", "DAYS"]
    assert row.split() == [due["ada"]["id"], "Ada", "Lovelace", "7d", due["last"], "13"]


def test_json_output(pds: Invoke, due: dict[str, Any]) -> None:
    (item,) = json.loads(pds("remind", "--json").output)
    assert (item["relationship_id"], item["overdue_days"], item["source"]) == (
        due["ada"]["id"],
        13,
        "own",
    )


def test_nobody_due(pds: Invoke, initialised: Path) -> None:
    result = pds("remind")
    assert (result.exit_code, result.output) == (0, "nobody is due for contact\n")


def test_snooze_then_done(pds: Invoke, due: dict[str, Any], on_disk: Callable[[], Any]) -> None:
    ada = due["ada"]["id"]
    until = (date.today() + timedelta(days=3)).isoformat()
    result = pds("remind", "--snooze", ada, "3")
    assert (result.exit_code, result.output) == (0, f"snoozed {ada} until {until}\n")
    assert pds("remind").output == "nobody is due for contact\n"
    result = pds("remind", "--done", ada, "--note", "Coffee")
    assert (result.exit_code, result.output) == (
        0,
        f"done: logged a conversation with {ada} today\n",
    )
    with on_disk() as services:
        (latest,) = services.interactions.list(counterpart_id=ada, limit=1).items
        assert (latest["kind"], latest["note"]) == ("conversation", "Coffee")


def test_unknown_id_is_exit_4(pds: Invoke, initialised: Path) -> None:
    result = pds("remind", "--done", MISSING)
    assert (result.exit_code, result.output) == (4, f"error: no relationship {MISSING}\n")


def test_bad_snooze_days_are_refused(pds: Invoke, due: dict[str, Any]) -> None:
    result = pds("remind", "--snooze", due["ada"]["id"], "400")
    assert result.exit_code == 2
    assert "400 is not in the range 1<=x<=365" in result.output


def remind_by_email(pds: Invoke, inbox: Any) -> Any:
    """``pds remind --email`` to the SMTP server ``inbox`` on loopback."""
    return pds("remind", "--email", **inbox.settings())


def test_email_arrives_at_the_smtp_server(pds: Invoke, due: dict[str, Any]) -> None:
    with smtp_server() as inbox:
        result = remind_by_email(pds, inbox)
    assert (result.exit_code, result.output) == (
        0,
        "e-mailed 1 due reminder to owner@example.org\n",
    )
    (message,) = inbox.messages
    assert message["To"] == "owner@example.org"
    assert "Ada Lovelace" in message.get_payload(decode=True).decode()


def test_email_is_written_in_the_owners_language(
    pds: Invoke, due: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    with on_disk() as services:
        services.profile.update({"language": "de"})
    with smtp_server() as inbox:
        result = remind_by_email(pds, inbox)
    assert result.exit_code == 0, result.output
    (message,) = inbox.messages
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == "pds: Kontakt mit 1 Beziehung fällig"
    body = message.get_payload(decode=True).decode()
    assert "- Ada Lovelace (alle 7 Tage, 13 Tage überfällig; letzter Kontakt " in body


def test_email_without_settings_is_a_config_error(pds: Invoke, initialised: Path) -> None:
    result = pds("remind", "--email")
    assert result.exit_code == 3
    assert result.output == (
        "error: reminder e-mail is not configured: set PDS_SMTP_HOST, PDS_SMTP_FROM, "
        "PDS_REMINDER_EMAIL_TO\n"
    )
