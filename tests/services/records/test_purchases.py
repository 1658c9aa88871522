"""Purchases: add/get/update/delete, the interaction logged with each, lists and cursors."""

from __future__ import annotations

from typing import Any

import pytest

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.services import Services
from pds.store import Store, new_id
from tests.services.conftest import FakeClock, audit_events


def bought(vendor: dict[str, Any], **fields: Any) -> dict[str, Any]:
    base = {
        "vendor_id": vendor["id"],
        "date": "2025-02-03",
        "currency": "EUR",
        "items": [
            {"description": "Apples", "quantity": "1.5", "unit_price": "2.99"},
            {"description": "Sourdough", "unit_price": "4.20"},
        ],
    }
    return {**base, **fields}


def test_add_stores_the_storage_form_with_id_and_timestamps(
    services: Services, vendor: dict[str, Any]
) -> None:
    purchase = services.purchases.add(bought(vendor, tags=["Food"]))
    assert purchase["total"] == "8.69"  # 4.485 + 4.20 = 8.685, rounded half-up
    assert purchase["items"][0] == {
        "description": "Apples",
        "quantity": "1.5",
        "unit_price": "2.99",
        "currency": "EUR",
    }
    assert purchase["source"] == "owner" and purchase["status"] == "reviewed"
    assert purchase["created_at"] == purchase["updated_at"] == "2025-03-01T09:00:00Z"
    assert purchase["tags"] == ["food"]
    assert services.purchases.get(purchase["id"]) == purchase


def test_add_logs_a_purchase_interaction_with_the_vendor(
    services: Services, vendor: dict[str, Any]
) -> None:
    purchase = services.purchases.add(bought(vendor))
    [entry] = services.interactions.list(counterpart_id=vendor["id"]).items
    assert entry["kind"] == "purchase"
    assert entry["purchase_id"] == purchase["id"]
    assert entry["date"] == purchase["date"]


def test_add_refuses_unknown_vendors_and_people(services: Services, person: dict[str, Any]) -> None:
    for vendor_id in (new_id(), person["id"]):
        with pytest.raises(ValidationFailed) as caught:
            services.purchases.add(bought({"id": vendor_id}))
        assert caught.value.details == {"vendor_id": ["No vendor with this id."]}
    assert services.counts()["purchases"] == 0
    assert services.counts()["interactions"] == 0


def test_add_reports_every_invalid_field(services: Services, vendor: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.purchases.add(
            bought(
                vendor,
                date="03/02/2025",
                currency="EURO",
                items=[{"description": "", "unit_price": "x"}],
                extra=1,
            )
        )
    details = caught.value.details
    assert set(details) == {"date", "currency", "items", "extra"}
    assert details["items"] == {
        "0": {
            "description": ["Must not be blank."],
            "unit_price": ["Not a valid decimal number (use digits and a dot, e.g. 12.50)."],
        }
    }
    assert details["extra"] == ["Unknown field."]


def test_purchase_and_interaction_are_stored_together_or_not_at_all(
    services: Services, vendor: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    clash = services.interactions.log(
        {"kind": "call", "date": "2025-01-01", "counterpart_id": vendor["id"]}
    )
    real = services.interactions.new_record

    def colliding(data: Any) -> dict[str, Any]:  # the log entry's insert will fail
        return {**real(data), "id": clash["id"]}

    monkeypatch.setattr(services.interactions, "new_record", colliding)
    with pytest.raises(Conflict):
        services.purchases.add(bought(vendor))
    assert services.counts()["purchases"] == 0
    assert services.counts()["interactions"] == 1
    monkeypatch.undo()
    services.purchases.add(bought(vendor))
    counts = services.counts()
    assert (counts["purchases"], counts["interactions"]) == (1, 2)


def test_vendors_push_receipts_that_await_review(
    services: Services, vendor: dict[str, Any], store: Store
) -> None:
    pushed = services.purchases.add(
        bought(vendor, source="owner", status="reviewed"), actor="vendor:fresh-fields"
    )
    assert pushed["source"] == "vendor:fresh-fields" and pushed["status"] == "new"
    assert services.purchases.list(status="new").items == [pushed]
    reviewed = services.purchases.update(pushed["id"], {"status": "reviewed"})
    assert reviewed["status"] == "reviewed"
    assert audit_events(store)[-2]["actor"] == "vendor:fresh-fields"


def test_the_owner_cannot_write_vendor_sources(services: Services, vendor: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.purchases.add(bought(vendor, source="vendor:someone"))
    assert set(caught.value.details) == {"source"}
    assert services.purchases.add(bought(vendor, source="import"))["source"] == "import"


@pytest.mark.parametrize("source", [["import:csv"], 7, {"kind": "owner"}])
def test_a_source_that_is_not_text_is_refused_not_a_crash(
    services: Services, vendor: dict[str, Any], source: object
) -> None:  # hypothesis found a list crashing the source check
    with pytest.raises(ValidationFailed) as caught:
        services.purchases.add(bought(vendor, source=source))
    assert set(caught.value.details) == {"source"}
    assert services.purchases.list().items == []


def test_get_and_delete_unknown_ids(services: Services) -> None:
    for missing in (new_id(), "not-an-id", None):
        with pytest.raises(NotFound):
            services.purchases.get(missing)  # type: ignore[arg-type]
        assert services.purchases.find(missing) is None  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        services.purchases.delete(new_id())
    with pytest.raises(NotFound):
        services.purchases.update(new_id(), {"notes": "x"})


def test_update_merges_validates_and_restamps(
    services: Services, vendor: dict[str, Any], clock: FakeClock
) -> None:
    purchase = services.purchases.add(bought(vendor, notes="first"))
    clock.advance(hours=1)
    changed = services.purchases.update(
        purchase["id"], {"notes": None, "category": "Groceries", "date": "2025-02-05"}
    )
    assert "notes" not in changed
    assert changed["category"] == "groceries"
    assert changed["created_at"] == "2025-03-01T09:00:00Z"
    assert changed["updated_at"] == "2025-03-01T10:00:00Z"
    [entry] = services.interactions.list(purchase_id=purchase["id"]).items
    assert entry["date"] == "2025-02-05"  # the log entry follows


def test_update_recomputes_the_total_when_items_change(
    services: Services, vendor: dict[str, Any]
) -> None:
    purchase = services.purchases.add(bought(vendor))
    changed = services.purchases.update(
        purchase["id"], {"items": [{"description": "Milk", "quantity": "2", "unit_price": "1.09"}]}
    )
    assert changed["total"] == "2.18"


def test_update_refuses_bad_changes(services: Services, vendor: dict[str, Any]) -> None:
    purchase = services.purchases.add(bought(vendor))
    cases: list[tuple[Any, set[str]]] = [
        ({"total": "1.00"}, {"total"}),
        ({"id": new_id()}, {"id"}),
        ({"source": "import"}, {"source"}),
        ({"created_at": "2020-01-01T00:00:00Z"}, {"created_at"}),
        ({"vendor_id": new_id()}, {"vendor_id"}),
        ({"currency": None}, {"currency"}),
        (["not", "a", "mapping"], {"_schema"}),
    ]
    for changes, fields in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.purchases.update(purchase["id"], changes)
        assert set(caught.value.details) == fields, changes
    assert services.purchases.get(purchase["id"]) == purchase


def test_update_can_move_a_purchase_to_another_vendor(
    services: Services, vendor: dict[str, Any]
) -> None:
    other = services.relationships.add({"kind": "vendor", "name": "Corner Shop"})
    purchase = services.purchases.add(bought(vendor))
    services.purchases.update(purchase["id"], {"vendor_id": other["id"]})
    assert services.interactions.list(counterpart_id=vendor["id"]).items == []
    [entry] = services.interactions.list(counterpart_id=other["id"]).items
    assert entry["purchase_id"] == purchase["id"]


def test_delete_removes_the_purchase_and_its_log_entry_and_unlinks_others(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    purchase = services.purchases.add(bought(vendor))
    gift = services.interactions.log(
        {
            "kind": "gift",
            "date": "2025-02-04",
            "counterpart_id": person["id"],
            "purchase_id": purchase["id"],
        }
    )
    services.purchases.delete(purchase["id"])
    assert services.purchases.find(purchase["id"]) is None
    assert services.interactions.list(counterpart_id=vendor["id"]).items == []
    assert "purchase_id" not in services.interactions.get(gift["id"])


def test_writes_are_audited_with_ids_only(
    services: Services, vendor: dict[str, Any], store: Store
) -> None:
    purchase = services.purchases.add(bought(vendor, notes="secret note"))
    services.purchases.update(purchase["id"], {"notes": "another"})
    services.purchases.delete(purchase["id"])
    events = audit_events(store)
    assert events[-3:] == [
        {"actor": "owner", "action": "purchase.create", "target": purchase["id"]},
        {"actor": "owner", "action": "purchase.update", "target": purchase["id"]},
        {"actor": "owner", "action": "purchase.delete", "target": purchase["id"]},
    ]
    assert "secret" not in repr(events)


def test_add_many_is_all_or_nothing_with_errors_by_index(
    services: Services, vendor: dict[str, Any]
) -> None:
    good = bought(vendor)
    with pytest.raises(ValidationFailed) as caught:
        services.purchases.add_many([good, bought(vendor, currency="??"), good, {"x": 1}])
    assert set(caught.value.details) == {"1", "3"}
    assert caught.value.details["1"] == {"currency": ["Not an ISO 4217 currency code (e.g. EUR)."]}
    assert services.counts()["purchases"] == 0
    added = services.purchases.add_many([good, bought(vendor, date="2025-01-01")])
    assert len(added) == 2 and services.counts()["interactions"] == 2


# -- lists -------------------------------------------------------------------------------


@pytest.fixture
def history(services: Services, vendor: dict[str, Any]) -> list[dict[str, Any]]:
    """25 purchases: one each day from 2025-01-01, every third one a book, tagged gift."""
    other = services.relationships.add({"kind": "vendor", "name": "Paper Lantern Books"})
    items = []
    for day in range(1, 26):
        book = day % 3 == 0
        items.append(
            {
                "vendor_id": other["id"] if book else vendor["id"],
                "date": f"2025-01-{day:02d}",
                "currency": "EUR",
                "total": f"{day}.00",
                "category": "books" if book else "groceries",
                "tags": ["gift"] if book else [],
            }
        )
    return services.purchases.add_many(items)


def test_list_is_newest_first_and_pages_with_a_cursor(
    services: Services, history: list[dict[str, Any]]
) -> None:
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = services.purchases.list(limit=10, cursor=cursor)
        seen += [p["date"] for p in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        assert page.next_cursor == page.items[-1]["id"]
        cursor = page.next_cursor
    assert pages == 3
    assert seen == sorted((p["date"] for p in history), reverse=True)


def test_a_full_last_page_has_no_cursor(services: Services, history: list[dict[str, Any]]) -> None:
    first = services.purchases.list(limit=20)
    last = services.purchases.list(limit=5, cursor=first.next_cursor)
    assert len(last.items) == 5 and last.next_cursor is None


def test_list_filters(
    services: Services, history: list[dict[str, Any]], vendor: dict[str, Any]
) -> None:
    books = services.purchases.list(category="Books", limit=100).items
    assert len(books) == 8 and {p["category"] for p in books} == {"books"}
    assert services.purchases.list(tag="gift", limit=100).items == books
    assert len(services.purchases.list(vendor_id=vendor["id"], limit=100).items) == 17
    ranged = services.purchases.list(since="2025-01-10", until="2025-01-12", descending=False)
    assert [p["date"] for p in ranged.items] == ["2025-01-10", "2025-01-11", "2025-01-12"]
    both = services.purchases.list(category="books", since="2025-01-10", until="2025-01-20")
    assert [p["date"] for p in both.items] == ["2025-01-18", "2025-01-15", "2025-01-12"]


def test_filtered_pages_follow_the_filter(
    services: Services, history: list[dict[str, Any]]
) -> None:
    first = services.purchases.list(category="groceries", limit=10, descending=False)
    second = services.purchases.list(
        category="groceries", limit=10, descending=False, cursor=first.next_cursor
    )
    dates = [p["date"] for p in first.items + second.items]
    assert len(dates) == 17 and dates == sorted(dates) and second.next_cursor is None


def test_list_validates_its_parameters(services: Services) -> None:
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({"limit": 0}, {"limit"}),
        ({"limit": 501}, {"limit"}),
        ({"cursor": "nope"}, {"cursor"}),
        ({"cursor": new_id()}, {"cursor"}),  # well-formed but unknown
        ({"since": "2025-02-01", "until": "2025-01-01"}, {"until"}),
        ({"vendor_id": "x", "since": "soon"}, {"vendor_id", "since"}),
    ]
    for params, fields in cases:
        with pytest.raises(ValidationFailed) as caught:
            services.purchases.list(**params)
        assert set(caught.value.details) == fields, params


def test_delete_for_vendor_deletes_its_purchases_and_unlinks_the_rest(
    services: Services, vendor: dict[str, Any], person: dict[str, Any]
) -> None:
    first = services.purchases.add(bought(vendor, date="2025-01-10"))
    second = services.purchases.add(bought(vendor, date="2025-02-10"))
    elsewhere = services.relationships.add({"kind": "vendor", "name": "Corner Shop"})
    kept = services.purchases.add(bought(elsewhere))
    gift = services.interactions.log(
        {
            "kind": "gift",
            "date": "2025-02-11",
            "counterpart_id": person["id"],
            "purchase_id": second["id"],
        }
    )
    assert services.purchases.delete_for_vendor(vendor["id"]) == 2
    assert services.purchases.find(first["id"]) is None
    assert services.purchases.find(second["id"]) is None
    assert services.purchases.get(kept["id"]) == kept
    assert "purchase_id" not in services.interactions.get(gift["id"])
    assert services.purchases.delete_for_vendor(vendor["id"]) == 0


def test_since_gives_the_purchases_from_a_day_on(
    services: Services, vendor: dict[str, Any]
) -> None:
    for day in ("2024-12-31", "2025-01-01", "2025-02-03"):
        services.purchases.add(bought(vendor, date=day))
    assert [p["date"] for p in services.purchases.since("2025-01-01")] == [
        "2025-01-01",
        "2025-02-03",
    ]
