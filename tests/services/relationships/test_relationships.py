"""Relationships: vendors and people, domain uniqueness, guarded and cascading deletes."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store, new_id
from tests.services.conftest import audit_events


def test_add_and_get(services: Services, vendor: dict[str, Any]) -> None:
    assert vendor["kind"] == "vendor" and vendor["status"] == "active"
    assert services.relationships.get(vendor["id"]) == vendor
    with pytest.raises(NotFound) as caught:
        services.relationships.get(new_id())
    assert caught.value.code == "not_found"


def test_add_validates(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.add({"kind": "shop", "name": ""})
    assert caught.value.details == {
        "kind": ["Must be one of: vendor, person."],
        "name": ["Must not be blank."],
    }


def test_vendor_domains_are_unique(services: Services, vendor: dict[str, Any]) -> None:
    with pytest.raises(Conflict) as caught:
        services.relationships.add(
            {"kind": "vendor", "name": "Copycat", "domain": "FreshFields.example.com"}
        )
    assert caught.value.details["id"] == vendor["id"]
    other = services.relationships.add({"kind": "vendor", "name": "Other", "domain": "o.example"})
    with pytest.raises(Conflict):
        services.relationships.update(other["id"], {"domain": vendor["domain"]})
    with pytest.raises(Conflict):
        services.relationships.add_many(
            [
                {"kind": "vendor", "name": "A", "domain": "same.example"},
                {"kind": "vendor", "name": "B", "domain": "same.example"},
            ]
        )
    assert services.relationships.count() == 2


def test_update_keeps_the_kind(services: Services, person: dict[str, Any]) -> None:
    changed = services.relationships.update(person["id"], {"status": "paused", "tags": ["Friend"]})
    assert changed["status"] == "paused" and changed["tags"] == ["friend"]
    with pytest.raises(ValidationFailed) as caught:
        services.relationships.update(person["id"], {"kind": "vendor"})
    assert caught.value.details == {"kind": ["Cannot be changed."]}


def test_find_vendor_by_domain_or_name(services: Services, vendor: dict[str, Any]) -> None:
    find = services.relationships.find_vendor
    assert find(domain="freshfields.example.com") == vendor
    assert find(domain="shop.FreshFields.example.com.") == vendor  # a subdomain
    assert find(name="  fresh fields MARKET ") == vendor
    assert find(name="Fresh") is None
    assert find(domain="not a domain") is None
    assert find() is None
    services.relationships.add({"kind": "person", "name": "Fresh Fields Market"})
    assert find(name="Fresh Fields Market") == vendor  # people are not vendors


def test_list_by_kind_status_and_tag(services: Services) -> None:
    rels = services.relationships
    made = rels.add_many(
        [
            {"kind": "vendor", "name": f"Vendor {i}", "tags": ["local"] if i % 2 else []}
            for i in range(5)
        ]
        + [{"kind": "person", "name": "Ann", "status": "ended"}]
    )
    assert [r["id"] for r in rels.list().items] == [r["id"] for r in made]  # recorded order
    assert len(rels.list(kind="vendor").items) == 5
    assert [r["name"] for r in rels.list(status="ended").items] == ["Ann"]
    assert [r["name"] for r in rels.list(tag="Local").items] == ["Vendor 1", "Vendor 3"]
    first = rels.list(kind="vendor", limit=3)
    rest = rels.list(kind="vendor", limit=3, cursor=first.next_cursor)
    assert len(first.items) == 3 and len(rest.items) == 2 and rest.next_cursor is None
    with pytest.raises(ValidationFailed) as caught:
        rels.list(kind="shop")
    assert set(caught.value.details) == {"kind"}


def test_delete_refuses_while_purchases_or_interactions_exist(
    services: Services, vendor: dict[str, Any], person: dict[str, Any], store: Store
) -> None:
    purchase = services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "3"}
    )
    services.interactions.log(
        {"kind": "recommendation", "date": "2025-01-01", "counterpart_id": vendor["id"]}
    )
    gift = services.interactions.log(
        {
            "kind": "gift",
            "date": "2025-01-03",
            "counterpart_id": person["id"],
            "purchase_id": purchase["id"],
        }
    )
    with pytest.raises(Conflict) as caught:
        services.relationships.delete(vendor["id"])
    assert caught.value.details == {"purchases": 1, "interactions": 2}
    assert services.relationships.find(vendor["id"]) is not None

    counts = services.relationships.delete(vendor["id"], cascade=True)
    assert counts == {"purchases": 1, "interactions": 2}
    assert services.relationships.find(vendor["id"]) is None
    assert services.purchases.find(purchase["id"]) is None
    assert "purchase_id" not in services.interactions.get(gift["id"])  # kept, unlinked
    assert audit_events(store)[-1] == {
        "actor": "owner",
        "action": "relationship.delete",
        "target": vendor["id"],
    }


def test_delete_without_history(services: Services, person: dict[str, Any]) -> None:
    assert services.relationships.delete(person["id"]) == {"purchases": 0, "interactions": 0}
    with pytest.raises(NotFound):
        services.relationships.delete(person["id"])


def test_whole_kinds_tags_and_everyone(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    rels = services.relationships
    friend = rels.add({"kind": "person", "name": "Ada", "tags": ["friends"]})
    rels.tag(vendor["id"], add=["friends"])
    assert [r["id"] for r in rels.of_kind("person")] == [person["id"], friend["id"]]
    assert [r["id"] for r in rels.of_kind("vendor")] == [vendor["id"]]
    assert [r["id"] for r in rels.tagged("friends")] == [vendor["id"], friend["id"]]
    assert rels.tagged("family") == []
    everyone = {r["id"] for r in rels.all_records()}
    assert everyone == {vendor["id"], person["id"], friend["id"]}


def test_a_cascade_is_one_transaction_across_the_services_it_asks(
    services: Services, vendor: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    purchase = services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-01-02", "currency": "EUR", "total": "3"}
    )
    real = services.purchases.delete_for_vendor

    def failing(vendor_id: str) -> int:  # the log is already emptied when this fails
        real(vendor_id)
        raise OSError("disk full")

    monkeypatch.setattr(services.purchases, "delete_for_vendor", failing)
    with pytest.raises(OSError):
        services.relationships.delete(vendor["id"], cascade=True)
    assert services.relationships.find(vendor["id"]) is not None
    assert services.purchases.find(purchase["id"]) is not None
    assert services.interactions.count_with(vendor["id"]) == 1
    monkeypatch.undo()
    assert services.relationships.delete(vendor["id"], cascade=True) == {
        "purchases": 1,
        "interactions": 1,
    }
    assert services.purchases.find(purchase["id"]) is None
