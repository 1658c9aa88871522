"""Preferences: one record per namespaced key."""

from __future__ import annotations

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store
from tests.services.conftest import FakeClock, audit_events


def test_set_creates_then_updates(services: Services, clock: FakeClock) -> None:
    made = services.preferences.set("Clothing.Size", "M")
    assert made["key"] == "clothing.size" and made["category"] == "clothing"
    assert made["visibility"] == "private"
    clock.advance(minutes=5)
    changed = services.preferences.set("clothing.size", "L", visibility="shared")
    assert changed["id"] == made["id"]
    assert (changed["value"], changed["visibility"]) == ("L", "shared")
    assert changed["updated_at"] > changed["created_at"]
    again = services.preferences.set("clothing.size", "XL")
    assert again["visibility"] == "shared"  # kept when not given
    assert services.preferences.get("CLOTHING.SIZE")["value"] == "XL"
    assert services.preferences.count() == 1


def test_add_refuses_a_taken_key(services: Services) -> None:
    services.preferences.add({"key": "diet.restrictions", "value": ["vegetarian"]})
    with pytest.raises(Conflict):
        services.preferences.add({"key": "Diet.Restrictions", "value": "none"})
    with pytest.raises(Conflict):
        services.preferences.add_many([{"key": "a.b", "value": 1}, {"key": "a.b", "value": 2}])


def test_validation_details(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.preferences.set("size", {"nested": True}, visibility="everyone")
    assert set(caught.value.details) == {"key", "value", "visibility"}
    with pytest.raises(ValidationFailed) as caught:
        services.preferences.set("contact.channel", "email", colour="blue")
    assert caught.value.details == {"colour": ["Unknown field."]}


def test_get_update_delete_by_key(services: Services, store: Store) -> None:
    pref = services.preferences.set("contact.channel", "email")
    updated = services.preferences.update("contact.channel", {"note": "Not before 9"})
    assert updated["note"] == "Not before 9"
    with pytest.raises(ValidationFailed):
        services.preferences.update("contact.channel", {"key": "contact.other"})
    services.preferences.delete("contact.channel")
    for missing in ("contact.channel", "not a key"):
        with pytest.raises(NotFound):
            services.preferences.get(missing)
        assert services.preferences.find(missing) is None
    with pytest.raises(NotFound):
        services.preferences.delete("contact.channel")
    assert [e["action"] for e in audit_events(store)[-3:]] == [
        "preference.set",
        "preference.update",
        "preference.delete",
    ]
    assert audit_events(store)[-1]["target"] == pref["id"]


def test_list_sorted_and_filtered(services: Services) -> None:
    services.preferences.add_many(
        [
            {"key": "travel.seat", "value": "aisle", "visibility": "shared"},
            {"key": "clothing.size", "value": "M", "visibility": "public"},
            {"key": "clothing.fit", "value": "regular"},
            {"key": "diet.coffee", "value": "oat", "category": "food"},
        ]
    )
    keys = [p["key"] for p in services.preferences.list()]
    assert keys == ["clothing.fit", "clothing.size", "diet.coffee", "travel.seat"]
    assert [p["key"] for p in services.preferences.list(category="food")] == ["diet.coffee"]
    assert [p["key"] for p in services.preferences.list(visibility="public")] == ["clothing.size"]
    assert len(services.preferences.list(prefix="Clothing.")) == 2
    with pytest.raises(ValidationFailed):
        services.preferences.list(visibility="secret")
