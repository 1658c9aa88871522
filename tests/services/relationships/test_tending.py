"""Tending a record: its status with a date and a note, its kind, what deleting takes."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store, new_id
from tests.services.conftest import FakeClock, audit_events


def test_status_with_date_and_note_is_audited(
    services: Services, person: dict[str, Any], store: Store, clock: FakeClock
) -> None:
    ended = services.relationships.set_status(
        person["id"], "ended", since="2026-03-01", note="moved to Lisbon"
    )
    assert (ended["status"], ended["status_since"], ended["status_note"]) == (
        "ended",
        "2026-03-01",
        "moved to Lisbon",
    )
    assert services.relationships.get(person["id"]) == ended
    assert audit_events(store)[-1]["action"] == "relationship.status.ended"
    resumed = services.relationships.set_status(person["id"], "active")
    assert resumed["status_since"] == clock.now.date().isoformat()
    assert "status_note" not in resumed


def test_bad_status_input_changes_nothing(services: Services, person: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.set_status(person["id"], "paused", since="2026-02-30")
    assert "status_since" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.set_status(person["id"], "gone")
    assert "status" in caught.value.details
    with pytest.raises(NotFound):
        services.relationships.set_status(new_id(), "ended")
    assert services.relationships.get(person["id"]) == person


def test_a_person_becomes_a_vendor_and_back(
    services: Services, person: dict[str, Any], store: Store
) -> None:
    vendor = services.relationships.change_kind(person["id"], "vendor")
    assert vendor["kind"] == "vendor" and vendor["emails"] == person["emails"]
    services.relationships.update(person["id"], {"domain": "becker.example"})
    back = services.relationships.change_kind(person["id"], "person")
    assert back["kind"] == "person" and "domain" not in back  # a person has no domain
    assert audit_events(store)[-1]["action"] == "relationship.kind"


def test_a_vendor_with_purchases_stays_a_vendor(services: Services, vendor: dict[str, Any]) -> None:
    services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "3"}
    )
    with pytest.raises(Conflict) as caught:
        services.relationships.change_kind(vendor["id"], "person")
    assert caught.value.details == {"purchases": 1}
    assert services.relationships.get(vendor["id"]) == vendor
    assert services.relationships.deletion_counts(vendor["id"]) == {
        "purchases": 1,
        "interactions": 1,  # the purchase is logged as one
    }
