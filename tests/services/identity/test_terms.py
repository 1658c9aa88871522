"""The terms service: the default until published, numbered versions, history, audit."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store
from policies.terms import default_terms
from tests.services.conftest import FakeClock, audit_events


def _edited(**changes: Any) -> dict[str, Any]:
    terms = default_terms()
    del terms["version"]
    return {**terms, **changes}


def test_the_default_is_version_1_until_the_owner_publishes(services: Services) -> None:
    current = services.terms.current()
    assert current == {**default_terms(), "id": None, "published_at": None}
    assert services.terms.get(1) == current
    assert services.terms.history() == [current]


def test_publish_numbers_versions_and_keeps_the_old_ones(
    services: Services, clock: FakeClock
) -> None:
    first = services.terms.publish(_edited(retention_days=90))
    clock.advance(days=1)
    second = services.terms.publish(_edited(retention_days=30, tracking=True))
    assert (first["version"], second["version"]) == (2, 3)
    assert first["published_at"] == "2025-03-01T09:00:00Z"
    assert second["published_at"] == "2025-03-02T09:00:00Z"
    assert services.terms.current() == second
    assert services.terms.get(2) == first
    assert services.terms.get(2)["retention_days"] == 90
    assert [v["version"] for v in services.terms.history()] == [3, 2, 1]
    pinned = services.terms.get(1)  # stored with the first publication, as it was
    assert pinned["id"] and pinned["published_at"] == "2025-03-01T09:00:00Z"
    assert {k: v for k, v in pinned.items() if k not in ("id", "published_at")} == (default_terms())


def test_pin_stores_the_built_in_default_once(
    store: Store, services: Services, clock: FakeClock
) -> None:
    pinned = services.terms.pin()
    assert pinned["version"] == 1 and pinned["id"]
    assert pinned["published_at"] == "2025-03-01T09:00:00Z"
    clock.advance(hours=1)
    assert services.terms.pin() == pinned
    assert services.terms.current() == pinned == services.terms.get(1)
    assert services.terms.history() == [pinned]
    assert [e["action"] for e in audit_events(store)].count("terms.pin") == 1
    published = services.terms.publish(_edited(retention_days=7))
    assert published["version"] == 2
    assert services.terms.pin() == published


def test_published_terms_are_normalised_and_survive_reopening(
    store: Store, services: Services
) -> None:
    record = services.terms.publish(_edited(title="  Mine  ", purposes=["support-me"] * 2))
    assert record["title"] == "Mine" and record["purposes"] == ["support-me"]
    assert Services(store).terms.current() == record


def test_a_copy_of_the_current_version_can_be_republished(services: Services) -> None:
    current = services.terms.current()
    again = services.terms.publish({**current, "version": 99, "title": "Edited"})
    assert again["version"] == 2 and again["title"] == "Edited"
    assert again["id"] != current["id"]


def test_invalid_terms_are_a_validation_failure_with_field_details(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.terms.publish(_edited(retention_days=100_000, title=""))
    assert set(caught.value.details) == {"retention_days", "title"}
    assert caught.value.details["title"] == ["Must not be blank."]
    assert services.terms.history()[0]["version"] == 1  # nothing was published
    assert services.terms.current()["id"] is None


def test_unknown_versions_are_not_found(services: Services) -> None:
    for version in (0, 2, -1, "1", True):
        with pytest.raises(NotFound):
            services.terms.get(version)  # type: ignore[arg-type]


def test_publishing_is_audited_with_the_id_only(store: Store, services: Services) -> None:
    record = services.terms.publish(_edited(title="Secret title words"))
    assert audit_events(store)[-2:] == [
        {"actor": "owner", "action": "terms.pin", "target": services.terms.get(1)["id"]},
        {"actor": "owner", "action": "terms.publish", "target": record["id"]},
    ]
    assert "Secret title words" not in repr(audit_events(store))


def test_a_bad_actor_is_refused(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.terms.publish(_edited(), actor="vendor")
    assert "actor" in caught.value.details


def test_terms_are_found_by_version(services: Services) -> None:
    assert services.terms.find(1) == services.terms.current()  # built in, not stored yet
    assert services.terms.find(2) is None
    assert services.terms.find(True) is None
    with pytest.raises(NotFound) as caught:
        services.terms.get(2)
    assert (caught.value.message, caught.value.details) == ("no terms version 2", {"version": "2"})
