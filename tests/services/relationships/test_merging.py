"""Merging two relationship records: everything moves, fields unite, one undo for 24 h."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.i18n import written_in
from pds.services import Services
from pds.services.relationships.merging import moving_text
from pds.store import Store, new_id
from tests.services.conftest import FakeClock, audit_events

WEB_VENDOR = {"client_name": "Fresh Fields", "redirect_uris": ["https://ff.example.com/cb"]}


def _vendor(services: Services, name: str, **fields: Any) -> dict[str, Any]:
    return services.relationships.add({"kind": "vendor", "name": name, **fields})


def _buy(services: Services, vendor_id: str, day: str = "2025-01-02") -> dict[str, Any]:
    return services.purchases.add(
        {"vendor_id": vendor_id, "date": day, "currency": "EUR", "total": "3"}
    )


def _call(services: Services, counterpart_id: str, day: str = "2025-02-01") -> dict[str, Any]:
    return services.interactions.log(
        {"kind": "call", "date": day, "counterpart_id": counterpart_id}
    )


def _snapshot(services: Services) -> dict[str, Any]:
    """Every record a merge may touch, by collection (to compare before and after)."""
    return {
        "relationships": sorted(services.relationships.all_records(), key=lambda r: str(r["id"])),
        "interactions": services.interactions.list(limit=200).items,
        "purchases": services.purchases.list(limit=200).items,
        "grants": services.grants.list(),
        "clients": services.clients.list(),
        "reminders": services.reminders.schedule(),
    }


@pytest.fixture
def duplicates(services: Services) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fresh Fields Market (kept) and "Fresh Fields" with a purchase, a call, a grant and
    its client, a reminder target and a mention by a person."""
    keep = _vendor(services, "Fresh Fields Market", emails=["shop@ff.example.com"], tags=["food"])
    other = _vendor(
        services,
        "Fresh Fields",
        domain="ff.example.com",
        emails=["shop@ff.example.com", "help@ff.example.com"],
        tags=["food", "organic"],
        notes="Ask for Petra.",
        since="2019-05-01",
    )
    _buy(services, other["id"])
    _call(services, other["id"])
    _call(services, keep["id"], "2025-02-03")
    client, _ = services.clients.register(WEB_VENDOR)
    services.clients.keep_vendor(client["id"], other["id"])
    services.grants.create(
        client_id=client["id"], scopes=["openid"], terms_version=1, vendor_id=other["id"]
    )
    services.reminders.set_target(other["id"], 30)
    services.relationships.add(
        {
            "kind": "person",
            "name": "Petra",
            "related": [
                {"relation": "works at", "name": "Fresh Fields", "relationship_id": other["id"]}
            ],
        }
    )
    return keep, other


def test_merge_moves_everything_and_deletes_the_other(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    plan = services.merges.plan(keep["id"], other["id"])
    assert plan.moving == {
        "interactions": 2,  # the call and the purchase's own entry
        "purchases": 1,
        "grants": 1,
        "clients": 1,
        "reminders": 1,
        "related": 1,
    }
    assert plan.summary() == (
        "Merging Fresh Fields into Fresh Fields Market: 2 interactions, 1 purchase, 1 grant, "
        "1 linked vendor app, 1 reminder target, 1 mention in another record"
    )
    services.merges.merge(keep["id"], other["id"])
    assert services.relationships.find(other["id"]) is None
    assert services.interactions.count_with(keep["id"]) == 3
    assert services.interactions.count_with(other["id"]) == 0
    assert services.purchases.count_for_vendor(keep["id"]) == 1
    assert [g["vendor_id"] for g in services.grants.list()] == [keep["id"]]
    assert [c["vendor_id"] for c in services.clients.list()] == [keep["id"]]
    assert services.reminders.target_of(keep["id"]) == 30
    petra = next(r for r in services.relationships.all_records() if r["name"] == "Petra")
    assert petra["related"][0]["relationship_id"] == keep["id"]


def test_fields_unite_and_the_kept_ones_win(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    services.relationships.update(keep["id"], {"notes": "Market on Saturdays."})
    services.relationships.set_status(other["id"], "ended", note="closed down")
    merged = services.merges.merge(keep["id"], other["id"]).merged
    stored = services.relationships.get(keep["id"])
    assert stored == merged
    assert stored["name"] == "Fresh Fields Market"  # the kept record's
    assert stored["domain"] == "ff.example.com"  # the kept one had none
    assert stored["emails"] == ["shop@ff.example.com", "help@ff.example.com"]
    assert stored["tags"] == ["food", "organic"]
    assert stored["notes"] == "Market on Saturdays.\n\nAsk for Petra."
    assert stored["since"] == "2019-05-01"
    assert stored["status"] == "active" and "status_note" not in stored  # goes with the status


def test_a_union_past_the_limits_is_refused_and_changes_nothing(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    services.relationships.update(keep["id"], {"tags": [f"k{n}" for n in range(12)]})
    services.relationships.update(other["id"], {"tags": [f"o{n}" for n in range(12)]})
    before = _snapshot(services)
    with pytest.raises(ValidationFailed) as caught:
        services.merges.merge(keep["id"], other["id"])
    assert caught.value.details["tags"] == [
        "Together they have 24 tags; a relationship holds at most 20. Remove some first."
    ]
    assert _snapshot(services) == before
    assert services.merges.latest() is None


def test_the_plan_in_german_and_its_refusal_in_english(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    person = services.relationships.add({"kind": "person", "name": "Fresh Fields"})
    with written_in("de"):
        assert services.merges.plan(keep["id"], other["id"]).summary() == (
            "Fresh Fields wird mit Fresh Fields Market zusammengeführt: 2 Kontakte, "
            "1 Einkauf, 1 Freigabe, 1 verknüpfte Anbieter-App, 1 Erinnerungsziel, "
            "1 Erwähnung in einem anderen Eintrag"
        )
        assert moving_text({"purchases": 3, "grants": 0}) == "3 Einkäufe"
        assert moving_text({}) == "sonst geht nichts über"
        with pytest.raises(Conflict) as caught:  # the domain's errors stay English
            services.merges.merge(person["id"], other["id"])
    assert "has 1 purchase, 1 grant, 1 linked vendor app, which only a vendor" in (
        caught.value.message
    )


def test_a_person_cannot_take_a_vendors_purchases(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    _, other = duplicates
    person = services.relationships.add({"kind": "person", "name": "Fresh Fields"})
    before = _snapshot(services)
    with pytest.raises(Conflict) as caught:
        services.merges.merge(person["id"], other["id"])
    assert "only a vendor can have" in caught.value.message
    assert caught.value.details == {"purchases": 1, "grants": 1, "clients": 1}
    assert _snapshot(services) == before


def test_a_vendor_can_take_a_person(services: Services, person: dict[str, Any]) -> None:
    vendor = _vendor(services, "Becker Bikes")
    _call(services, person["id"])
    services.merges.merge(vendor["id"], person["id"])
    kept = services.relationships.get(vendor["id"])
    assert kept["kind"] == "vendor" and kept["emails"] == person["emails"]
    assert services.interactions.count_with(vendor["id"]) == 1


def test_self_merge_and_unknown_ids_are_refused(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    before = _snapshot(services)
    with pytest.raises(ValidationFailed) as caught:
        services.merges.merge(keep["id"], keep["id"])
    assert "other" in caught.value.details
    with pytest.raises(NotFound):
        services.merges.merge(keep["id"], new_id())
    with pytest.raises(NotFound):
        services.merges.merge("not an id", other["id"])
    assert _snapshot(services) == before


def test_undo_restores_exactly(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]], store: Store
) -> None:
    keep, other = duplicates
    before = _snapshot(services)
    services.merges.merge(keep["id"], other["id"])
    restored = services.merges.undo_merge()
    assert restored == other
    assert _snapshot(services) == before
    assert services.merges.latest() is None
    events = [e for e in audit_events(store) if e["action"].startswith("relationship.merge")]
    assert events == [
        {
            "actor": "owner",
            "action": "relationship.merge",
            "target": keep["id"],
            "other": other["id"],
        },
        {
            "actor": "owner",
            "action": "relationship.merge_undo",
            "target": keep["id"],
            "other": other["id"],
        },
    ]


def test_records_made_after_the_merge_stay_with_the_kept_one(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    services.merges.merge(keep["id"], other["id"])
    later = _call(services, keep["id"], "2025-02-20")
    services.merges.undo_merge()
    assert services.interactions.get(later["id"])["counterpart_id"] == keep["id"]
    assert services.interactions.count_with(other["id"]) == 2


def test_undo_expires_after_24_hours(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]], clock: FakeClock
) -> None:
    keep, other = duplicates
    services.merges.merge(keep["id"], other["id"])
    clock.advance(hours=23, minutes=59)
    assert services.merges.undoable() is not None
    clock.advance(minutes=2)
    assert services.merges.undoable() is None
    with pytest.raises(Conflict) as caught:
        services.merges.undo_merge()
    assert "more than 24 hours ago" in caught.value.message
    assert services.relationships.find(other["id"]) is None


def test_a_later_merge_replaces_the_undo(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    third = _vendor(services, "Fresh Fields Mkt")
    services.merges.merge(keep["id"], other["id"])
    services.merges.merge(keep["id"], third["id"])
    services.merges.undo_merge()
    assert services.relationships.find(third["id"]) == third
    assert services.relationships.find(other["id"]) is None  # that merge stays
    with pytest.raises(NotFound) as caught:
        services.merges.undo_merge()
    assert caught.value.message == "there is no merge to undo"


def test_duplicates_are_alike_names_or_shared_contacts(
    services: Services, person: dict[str, Any]
) -> None:
    short = services.relationships.add({"kind": "person", "name": "Jonas B."})
    slip = services.relationships.add({"kind": "vendor", "name": "Jonas Beker"})
    same_mail = services.relationships.add(
        {"kind": "person", "name": "JB", "emails": ["jonas@example.org"]}
    )
    services.relationships.add({"kind": "person", "name": "Anna Schmidt"})
    found = services.merges.duplicates_of(person["id"])
    assert [r["id"] for r in found] == [same_mail["id"], short["id"], slip["id"]]  # by name


def test_the_kept_records_own_target_wins_and_the_undo_gives_both_back(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    services.reminders.set_target(keep["id"], 7)
    assert services.merges.plan(keep["id"], other["id"]).moving["reminders"] == 1
    services.merges.merge(keep["id"], other["id"])
    assert services.reminders.target_of(keep["id"]) == 7
    services.merges.undo_merge()
    assert (
        services.reminders.target_of(keep["id"]),
        services.reminders.target_of(other["id"]),
    ) == (
        7,
        30,
    )


def test_two_vendors_with_domains_keep_the_kept_ones_and_get_both_back(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    services.relationships.update(keep["id"], {"domain": "freshfields.example"})
    services.merges.merge(keep["id"], other["id"])
    assert services.relationships.get(keep["id"])["domain"] == "freshfields.example"
    assert services.relationships.vendor_with_domain("ff.example.com") is None
    services.merges.undo_merge()
    assert services.relationships.vendor_with_domain("ff.example.com") == other


def test_a_record_moved_elsewhere_since_stays_where_it_is(
    services: Services, duplicates: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    keep, other = duplicates
    third = _vendor(services, "Corner Shop")
    services.merges.merge(keep["id"], other["id"])
    (purchase,) = services.purchases.list(vendor_id=keep["id"]).items
    services.purchases.update(purchase["id"], {"vendor_id": third["id"]})
    services.merges.undo_merge()
    assert services.purchases.get(purchase["id"])["vendor_id"] == third["id"]
    petra = next(r for r in services.relationships.all_records() if r["name"] == "Petra")
    assert petra["related"][0]["relationship_id"] == other["id"]
