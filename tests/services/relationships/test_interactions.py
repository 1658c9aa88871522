"""Interactions: the relationship log, per counterpart, by kind and date range."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store, new_id
from tests.services.conftest import audit_events


def test_log_and_get(services: Services, person: dict[str, Any]) -> None:
    entry = services.interactions.log(
        {
            "kind": "Call",
            "date": "2025-02-01T18:30:00+01:00",
            "channel": "phone",
            "counterpart_id": person["id"],
            "note": "Talked about\nthe trip",
        }
    )
    assert entry["kind"] == "call"
    assert entry["date"] == "2025-02-01T17:30:00Z"
    assert services.interactions.get(entry["id"]) == entry


def test_log_checks_references(services: Services, person: dict[str, Any]) -> None:
    cases = [
        ({"counterpart_id": new_id()}, {"counterpart_id": ["No relationship with this id."]}),
        (
            {"counterpart_id": person["id"], "purchase_id": new_id()},
            {"purchase_id": ["No purchase with this id."]},
        ),
    ]
    for fields, details in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.interactions.log({"kind": "meeting", "date": "2025-01-01", **fields})
        assert caught.value.details == details
    with pytest.raises(ValidationFailed) as caught:
        services.interactions.log({"kind": "poke", "date": "someday", "channel": "pigeon"})
    assert set(caught.value.details) == {"kind", "date", "channel", "counterpart_id"}


def test_list_per_counterpart_kind_and_range(
    services: Services, person: dict[str, Any], vendor: dict[str, Any]
) -> None:
    log = services.interactions
    log.log_many(
        [
            {"kind": "conversation", "date": "2025-01-05", "counterpart_id": person["id"]},
            {"kind": "call", "date": "2025-01-06T23:59:59Z", "counterpart_id": person["id"]},
            {"kind": "call", "date": "2025-01-07T00:00:00Z", "counterpart_id": person["id"]},
            {"kind": "support", "date": "2025-01-06", "counterpart_id": vendor["id"]},
        ]
    )
    mine = log.list(counterpart_id=person["id"]).items
    assert [e["date"] for e in mine] == [
        "2025-01-07T00:00:00Z",
        "2025-01-06T23:59:59Z",
        "2025-01-05",
    ]
    assert [e["kind"] for e in log.list(kind="call").items] == ["call", "call"]
    on_the_6th = log.list(since="2025-01-06", until="2025-01-06", descending=False).items
    assert [e["kind"] for e in on_the_6th] == ["support", "call"]
    assert log.list(counterpart_id=new_id()) == ([], None)
    with pytest.raises(ValidationFailed):
        log.list(until="2025-01-01", since="2025-02-01")


def test_update_and_delete(services: Services, person: dict[str, Any]) -> None:
    entry = services.interactions.log(
        {"kind": "message", "date": "2025-01-05", "counterpart_id": person["id"]}
    )
    changed = services.interactions.update(entry["id"], {"note": "Sent the photos"})
    assert changed["note"] == "Sent the photos"
    with pytest.raises(ValidationFailed):
        services.interactions.update(entry["id"], {"counterpart_id": new_id()})
    services.interactions.delete(entry["id"])
    with pytest.raises(NotFound):
        services.interactions.get(entry["id"])


def test_log_checks_rfp_references_with_the_rfp_service(
    services: Services, person: dict[str, Any]
) -> None:
    rfp = services.rfps.draft(
        {
            "title": "A tent",
            "category": "outdoor",
            "budget": {"max": "300", "currency": "EUR"},
            "deadline": "2025-04-01T12:00:00Z",
        }
    )
    entry = {"kind": "rfp", "date": "2025-03-01", "counterpart_id": person["id"]}
    assert services.interactions.log({**entry, "rfp_id": rfp["id"]})["rfp_id"] == rfp["id"]
    with pytest.raises(ValidationFailed) as caught:
        services.interactions.log({**entry, "rfp_id": new_id()})
    assert caught.value.details == {"rfp_id": ["No rfp with this id."]}


# -- what other services ask of the log (they never write it themselves) -----------------


def test_follow_and_forget_a_purchase(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    purchase = services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-02-03", "currency": "EUR", "total": "5"}
    )
    gift = services.interactions.log(
        {
            "kind": "gift",
            "date": "2025-02-04",
            "counterpart_id": person["id"],
            "purchase_id": purchase["id"],
        }
    )
    [own] = services.interactions.list(counterpart_id=vendor["id"]).items

    moved = {**purchase, "vendor_id": person["id"], "date": "2025-02-05"}
    services.interactions.follow_purchase(moved)
    followed = services.interactions.get(own["id"])
    assert (followed["counterpart_id"], followed["date"]) == (person["id"], "2025-02-05")
    assert services.interactions.get(gift["id"]) == gift  # only the purchase's own entry

    services.interactions.forget_purchase(purchase["id"])
    assert services.interactions.find(own["id"]) is None
    assert services.interactions.get(gift["id"]) == {
        k: v for k, v in gift.items() if k != "purchase_id"
    }


def test_unlink_purchase_keeps_every_entry(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    purchase = services.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-02-03", "currency": "EUR", "total": "5"}
    )
    services.interactions.unlink_purchase(purchase["id"])
    assert services.interactions.list(purchase_id=purchase["id"]).items == []
    [kept] = services.interactions.list(counterpart_id=vendor["id"]).items
    assert kept["kind"] == "purchase" and "purchase_id" not in kept


def test_count_latest_and_delete_with_a_counterpart(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    log = services.interactions
    assert log.count_with(person["id"]) == 0 and log.latest_with(person["id"]) is None
    for day in ("2025-01-05", "2025-01-20", "2025-01-10"):
        log.log({"kind": "call", "date": day, "counterpart_id": person["id"]})
    other = log.log({"kind": "call", "date": "2025-02-01", "counterpart_id": vendor["id"]})
    assert log.count_with(person["id"]) == 3
    assert log.latest_with(person["id"])["date"] == "2025-01-20"  # type: ignore[index]
    assert log.delete_with(person["id"]) == 3
    assert log.count_with(person["id"]) == 0
    assert log.get(other["id"]) == other


def test_store_new_and_log_system_write_without_auditing_the_entry(
    services: Services, person: dict[str, Any], store: Store
) -> None:
    before = len(audit_events(store))
    built = services.interactions.new_record(
        {"kind": "call", "date": "2025-01-05", "counterpart_id": person["id"]}
    )
    services.interactions.store_new([built])
    logged = services.interactions.log_system(
        {"kind": "rfp", "date": "2025-01-06", "note": "rfp published: A tent"}
    )
    assert services.interactions.get(built["id"]) == built
    assert services.interactions.get(logged["id"]) == logged
    assert len(audit_events(store)) == before  # the move that wrote them audits itself
