"""Suggested targets: offered at the observed rhythm, accepted in one click, then gone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from pds.services import Services
from tests.conftest import csrf_of
from tests.historykit import log_gaps

BUTTON = re.compile(r"You talk (about [a-z ]+) \(every (\d+) days\): remind me at that rhythm")


def _regular_friend(services: Services) -> dict[str, Any]:
    friend = services.relationships.add({"kind": "person", "name": "Jonas"})
    last = datetime.now(UTC).date() - timedelta(days=3)
    log_gaps(services, friend, [21] * 10, last, kind="call")
    return friend


def test_accept_on_the_relationship_page(owner: FlaskClient, services: Services) -> None:
    friend = _regular_friend(services)
    page = owner.get(f"/relationships/{friend['id']}").get_data(as_text=True)
    match = BUTTON.search(page)
    assert match is not None and match[2] == "21"
    response = owner.post(
        f"/reminders/suggested/{friend['id']}",
        data={
            "csrf_token": csrf_of(page),
            "every_days": match[2],
            "back": f"/relationships/{friend['id']}",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/relationships/{friend['id']}")
    assert services.reminders.target_of(friend["id"]) == 21
    assert not BUTTON.search(owner.get(f"/relationships/{friend['id']}").get_data(as_text=True))


def test_not_offered_with_a_target_or_without_a_rhythm(
    owner: FlaskClient, services: Services
) -> None:
    friend = _regular_friend(services)
    services.relationships.add({"kind": "person", "name": "Stranger"})
    page = owner.get("/reminders").get_data(as_text=True)
    assert len(BUTTON.findall(page)) == 1  # Jonas only: Stranger has no rhythm
    services.reminders.set_tag_target("family", 30)
    services.relationships.update(friend["id"], {"tags": ["family"]})
    assert not BUTTON.search(owner.get("/reminders").get_data(as_text=True))
