"""The portal's relationships and reminders: list, filter, bulk tag, record page, targets,
snooze/done, "e-mail me", and the calendar feed behind its secret key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from pds.services import Services
from tests.conftest import csrf_of
from tests.smtpkit import Inbox, smtp_server

MISSING = "01900000-0000-7000-8000-000000000000"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def app_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    if "inbox" not in request.fixturenames:
        return {"webhooks_enabled": False}
    inbox: Inbox = request.getfixturevalue("inbox")
    return {
        "webhooks_enabled": False,
        "smtp_host": inbox.host,
        "smtp_port": inbox.port,
        "smtp_starttls": False,
        "smtp_from": "pds@example.org",
        "reminder_email_to": "owner@example.org",
    }


@pytest.fixture
def people(services: Services) -> dict[str, dict[str, Any]]:
    ada = services.relationships.add({"kind": "person", "name": "Ada", "tags": ["friends"]})
    bob = services.relationships.add({"kind": "person", "name": "Bob"})
    shop = services.relationships.add({"kind": "vendor", "name": "Velo Shop"})
    last = (date.today() - timedelta(days=30)).isoformat()
    services.interactions.log({"kind": "call", "date": last, "counterpart_id": ada["id"]})
    services.reminders.set_target(ada["id"], 7)
    return {"ada": ada, "bob": bob, "shop": shop}


def _post(owner: FlaskClient, page: str, path: str, **form: Any) -> Any:
    return owner.post(path, data={"csrf_token": csrf_of(owner.get(page).get_data(True)), **form})


def test_pages_are_for_the_owner_only(client: FlaskClient, people: dict[str, Any]) -> None:
    for path in ("/relationships", f"/relationships/{people['ada']['id']}", "/reminders"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_forms_need_the_csrf_token(owner: FlaskClient, people: dict[str, Any]) -> None:
    response = owner.post(f"/reminders/{people['ada']['id']}/done", data={})
    assert response.status_code == 400
    assert "the form expired" in response.get_data(True)


def test_list_filters_by_kind_and_tag(owner: FlaskClient, people: dict[str, Any]) -> None:
    page = owner.get("/relationships?kind=person").get_data(True)
    assert "Ada" in page and "Bob" in page and "Velo Shop" not in page
    page = owner.get("/relationships?tag=friends").get_data(True)
    assert "Ada" in page and "Bob" not in page
    response = owner.get("/relationships?tag=a,b")
    assert response.status_code == 200
    assert 'id="filter-tag-error">Must not contain any of: , ; |' in response.get_data(True)


def test_bulk_tag_applies_and_removes(
    owner: FlaskClient, people: dict[str, Any], services: Services
) -> None:
    ids = [people["bob"]["id"], people["shop"]["id"]]
    response = _post(owner, "/relationships", "/relationships/bulk-tag", ids=ids, tag="Local")
    assert response.status_code == 303
    assert services.relationships.get(people["bob"]["id"])["tags"] == ["local"]
    assert "Applied the tag on 2 relationships." in owner.get("/relationships").get_data(True)
    _post(
        owner,
        "/relationships",
        "/relationships/bulk-tag",
        ids=ids[:1],
        tag="local",
        action="remove",
    )
    assert services.relationships.get(people["bob"]["id"])["tags"] == []


def test_bulk_tag_errors_show_beside_the_fields(owner: FlaskClient, people: dict[str, Any]) -> None:
    response = _post(owner, "/relationships", "/relationships/bulk-tag", tag="local")
    assert response.status_code == 422
    assert 'id="ids-error">Select at least one.' in response.get_data(True)
    response = _post(
        owner, "/relationships", "/relationships/bulk-tag", ids=[people["bob"]["id"]], tag="a;b"
    )
    assert response.status_code == 422
    assert 'id="bulk-tag-error">' in response.get_data(True)


def test_record_page_shows_timeline_and_target(owner: FlaskClient, people: dict[str, Any]) -> None:
    page = owner.get(f"/relationships/{people['ada']['id']}").get_data(True)
    assert "Target every 7 days (its own)" in page
    assert "call" in page
    assert owner.get(f"/relationships/{MISSING}").status_code == 404


def test_set_target_tags_and_errors(
    owner: FlaskClient, people: dict[str, Any], services: Services
) -> None:
    bob = people["bob"]["id"]
    page = f"/relationships/{bob}"
    assert _post(owner, page, f"{page}/target", every_days="14").status_code == 303
    assert services.reminders.target_of(bob) == 14
    response = _post(owner, page, f"{page}/target", every_days="0")
    assert response.status_code == 422
    assert 'id="every_days-error">Must be between 1 and 3650.' in response.get_data(True)
    assert _post(owner, page, f"{page}/target", every_days="").status_code == 303
    assert services.reminders.target_of(bob) is None
    assert _post(owner, page, f"{page}/tags", tags="family, close").status_code == 303
    assert services.relationships.get(bob)["tags"] == ["family", "close"]


def test_shared_block_of_a_vendor(
    owner: FlaskClient, people: dict[str, Any], services: Services
) -> None:
    shop = people["shop"]["id"]
    page = f"/relationships/{shop}"
    form = {"contact_every_days": "30", "channel": "email", "note": "Newsletters only"}
    assert _post(owner, page, f"{page}/shared", **form).status_code == 303
    assert services.relationships.get(shop)["shared"] == {
        "contact_every_days": 30,
        "channel": "email",
        "note": "Newsletters only",
    }
    response = _post(owner, page, f"{page}/shared", contact_every_days="0", channel="email")
    assert response.status_code == 422
    assert 'id="contact_every_days-error">Must be greater than or equal to 1' in response.get_data(
        True
    )


def test_reminders_page_snooze_and_done(
    owner: FlaskClient, people: dict[str, Any], services: Services
) -> None:
    ada = people["ada"]["id"]
    page = owner.get("/reminders").get_data(True)
    assert "Ada" in page and "Nobody is due" not in page
    response = _post(owner, "/reminders", f"/reminders/{ada}/snooze", days="400")
    assert response.status_code == 422
    assert "Must be within 365 days." in response.get_data(True)
    assert _post(owner, "/reminders", f"/reminders/{ada}/snooze", days="3").status_code == 303
    assert services.reminders.due() == []
    assert _post(owner, "/reminders", f"/reminders/{ada}/done").status_code == 303
    (latest,) = services.interactions.list(counterpart_id=ada, limit=1).items
    assert (latest["kind"], latest["date"]) == ("conversation", date.today().isoformat())


def test_dashboard_counts_due_reminders(owner: FlaskClient, people: dict[str, Any]) -> None:
    assert "1 due for contact</a>" in owner.get("/").get_data(True)


def test_email_me_my_reminders(owner: FlaskClient, people: dict[str, Any], inbox: Inbox) -> None:
    response = _post(owner, "/reminders", "/reminders/email")
    assert response.status_code == 303
    (message,) = inbox.messages
    assert message["Subject"] == "pds: 1 relationship due for contact"
    assert "E-mailed 1 due reminder to owner@example.org." in owner.get("/reminders").get_data(True)


def test_email_without_settings_says_what_is_missing(
    owner: FlaskClient, people: dict[str, Any]
) -> None:
    response = _post(owner, "/reminders", "/reminders/email")
    assert response.status_code == 409
    assert (
        'id="email-error">reminder e-mail is not configured: set PDS_SMTP_HOST, PDS_SMTP_FROM, '
        "PDS_REMINDER_EMAIL_TO"
    ) in response.get_data(True)


def test_calendar_feed_behind_its_key(
    client: FlaskClient, owner: FlaskClient, people: dict[str, Any], services: Services, app: Flask
) -> None:
    key = services.reminders.feed_key()
    assert f"/reminders.ics?key={key}" in owner.get("/reminders").get_data(True)
    response = client.get(f"/reminders.ics?key={key}")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    (event,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert str(event["summary"]) == "Get in touch with Ada"
    assert event.decoded("dtstart") == date.today()
    assert client.get("/reminders.ics?key=wrong").status_code == 404
    assert client.get("/reminders.ics").status_code == 404
    _post(owner, "/reminders", "/reminders/feed-key")
    assert client.get(f"/reminders.ics?key={key}").status_code == 404
    new_key = services.reminders.feed_key()
    assert client.get(f"/reminders.ics?key={new_key}").status_code == 200
