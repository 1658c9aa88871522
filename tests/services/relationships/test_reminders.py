"""Targets, tags, snooze and done: which relationships are due for contact, and when."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from pds.services import Services
from tests.services.conftest import FakeClock

TODAY = date(2025, 3, 1)  # the FakeClock's day


def _talk(services: Services, who: dict[str, Any], day: str) -> None:
    services.interactions.log({"kind": "call", "date": day, "counterpart_id": who["id"]})


def _due_ids(services: Services) -> list[str]:
    return [r.relationship_id for r in services.reminders.due()]


def test_due_when_last_contact_plus_target_has_passed(
    services: Services, person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    _talk(services, person, "2025-02-01")
    _talk(services, vendor, "2025-02-20")
    services.reminders.set_target(person["id"], 14)
    services.reminders.set_target(vendor["id"], 14)
    (due,) = services.reminders.due()
    assert due.relationship_id == person["id"]
    assert (due.last_contact, due.due_on, due.source) == (
        date(2025, 2, 1),
        date(2025, 2, 15),
        "own",
    )
    assert due.overdue_days(TODAY) == 14
    assert due.to_dict(TODAY)["overdue_days"] == 14


def test_due_exactly_on_the_day(services: Services, person: dict[str, Any]) -> None:
    _talk(services, person, "2025-02-22")
    services.reminders.set_target(person["id"], 7)
    assert _due_ids(services) == [person["id"]]


def test_without_interactions_the_clock_starts_when_recorded(
    services: Services, person: dict[str, Any], clock: FakeClock
) -> None:
    services.reminders.set_target(person["id"], 10)
    assert _due_ids(services) == []
    clock.advance(days=10)
    assert _due_ids(services) == [person["id"]]


def test_tag_target_applies_and_own_target_wins(
    services: Services, person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    services.relationships.tag(person["id"], add=["Family"])
    services.relationships.tag(vendor["id"], add=["family", "close"])
    _talk(services, person, "2025-02-10")
    _talk(services, vendor, "2025-02-10")
    services.reminders.set_tag_target("family", 30)
    services.reminders.set_tag_target("close", 14)
    assert _due_ids(services) == [vendor["id"]]  # shortest of its tags: 14 days
    assert services.reminders.due()[0].source == "tag:close"
    services.reminders.set_target(vendor["id"], 60)  # its own target wins over its tags'
    assert _due_ids(services) == []
    services.reminders.clear_target(vendor["id"])
    services.reminders.clear_tag_target("close")
    assert services.reminders.tag_targets() == {"family": 30}
    assert _due_ids(services) == []


def test_ended_relationships_get_no_reminders(services: Services, person: dict[str, Any]) -> None:
    services.reminders.set_target(person["id"], 1)
    services.relationships.update(person["id"], {"status": "ended"})
    assert services.reminders.schedule() == []


def test_snooze_hides_until_the_day(
    services: Services, person: dict[str, Any], clock: FakeClock
) -> None:
    _talk(services, person, "2025-01-01")
    services.reminders.set_target(person["id"], 7)
    assert services.reminders.snooze(person["id"], 3) == date(2025, 3, 4)
    assert _due_ids(services) == []
    assert [r.relationship_id for r in services.reminders.upcoming(7)] == [person["id"]]
    clock.advance(days=3)
    assert _due_ids(services) == [person["id"]]


def test_done_logs_an_interaction_and_restarts_the_clock(
    services: Services, person: dict[str, Any]
) -> None:
    _talk(services, person, "2025-01-01")
    services.reminders.set_target(person["id"], 7)
    services.reminders.snooze(person["id"], "2025-03-02")
    logged = services.reminders.done(person["id"], channel="phone")
    assert (logged["kind"], logged["date"], logged["channel"]) == (
        "conversation",
        "2025-03-01",
        "phone",
    )
    assert logged["note"] == "Got in touch (reminder done)."
    (next_one,) = services.reminders.schedule()
    assert (next_one.due_on, next_one.snoozed_until) == (date(2025, 3, 8), None)


@pytest.mark.parametrize(
    ("every_days", "message"),
    [
        (0, "Must be between 1 and 3650."),
        (3651, "Must be between 1 and 3650."),
        ("weekly", "Not a whole number of days."),
        (True, "Not a whole number of days."),
    ],
)
def test_bad_targets_are_refused(
    services: Services, person: dict[str, Any], every_days: Any, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.reminders.set_target(person["id"], every_days)
    assert caught.value.details == {"every_days": [message]}


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (0, "Must be a day after today."),
        ("2025-03-01", "Must be a day after today."),
        (366, "Must be within 365 days."),
        ("soon", "Not a valid day (YYYY-MM-DD)."),
    ],
)
def test_bad_snoozes_are_refused(
    services: Services, person: dict[str, Any], until: Any, message: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.reminders.snooze(person["id"], until)
    assert caught.value.details == {"until": [message]}


def test_unknown_relationship_is_not_found(services: Services) -> None:
    missing = "01900000-0000-7000-8000-000000000000"
    with pytest.raises(NotFound, match=f"no relationship {missing}"):
        services.reminders.set_target(missing, 7)
    with pytest.raises(NotFound, match=f"no relationship {missing}"):
        services.reminders.done(missing)


def test_bad_tag_target_is_refused(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.reminders.set_tag_target("a,b", 7)
    assert caught.value.details == {"tag": ["Must not contain any of: , ; |"]}


def test_feed_key_is_stable_until_regenerated(services: Services) -> None:
    key = services.reminders.feed_key()
    assert services.reminders.feed_key() == key
    assert services.reminders.feed_key_matches(key)
    new = services.reminders.regenerate_feed_key()
    assert new != key
    assert not services.reminders.feed_key_matches(key)
    assert services.reminders.feed_key_matches(new)
    assert not services.reminders.feed_key_matches("")


def test_tags_add_remove_and_bulk(
    services: Services, person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    tagged = services.relationships.tag(person["id"], add=["Friends", "book-club"])
    assert tagged["tags"] == ["friends", "book-club"]
    assert services.relationships.tag(person["id"], remove=["friends"])["tags"] == ["book-club"]
    assert services.relationships.bulk_tag([person["id"], vendor["id"]], "local") == 2
    assert services.relationships.bulk_tag([person["id"], vendor["id"]], "local") == 0
    page = services.relationships.list(tag="local")
    assert {r["id"] for r in page.items} == {person["id"], vendor["id"]}
    assert services.relationships.bulk_tag([vendor["id"]], "local", remove=True) == 1
    assert services.relationships.get(vendor["id"]).get("tags") == []


def test_bulk_tag_is_all_or_none(services: Services, person: dict[str, Any]) -> None:
    missing = "01900000-0000-7000-8000-000000000000"
    with pytest.raises(NotFound):
        services.relationships.bulk_tag([person["id"], missing], "local")
    assert services.relationships.get(person["id"]).get("tags", []) == []
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.bulk_tag([], "local")
    assert caught.value.details == {"ids": ["Select at least one."]}


def test_share_sets_and_clears_the_shared_block(services: Services, vendor: dict[str, Any]) -> None:
    shared = services.relationships.share(
        vendor["id"], {"contact_every_days": 30, "channel": "email", "note": ""}
    )
    assert shared["shared"] == {"contact_every_days": 30, "channel": "email"}
    assert "shared" not in services.relationships.share(vendor["id"], {})
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.share(vendor["id"], {"channel": "pigeon"})
    assert list(caught.value.details) == ["shared"]
