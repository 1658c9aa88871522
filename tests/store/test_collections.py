"""Collections: CRUD, queries and cursors, list indexes, shards and their splitting."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from pds.errors import Conflict, NotFound, StoreError, StoreLocked, ValidationFailed
from pds.store import Store, is_id, sealed

from .storekit import contents, create_store, data_files, open_store, purchase, snapshot


def test_insert_assigns_time_ordered_ids(store: Store) -> None:
    purchases = store.collection("purchases")
    ids = [purchases.insert(purchase(n=i))["id"] for i in range(20)]
    assert all(is_id(i) for i in ids)
    assert ids == sorted(ids) and len(set(ids)) == 20


def test_insert_get_find(store: Store) -> None:
    purchases = store.collection("purchases")
    record = purchases.insert(purchase(note="first"))
    assert purchases.get(record["id"]) == record
    assert purchases.find(record["id"]) == record
    assert purchases.find("no-such-id") is None
    with pytest.raises(NotFound) as caught:
        purchases.get("no-such-id")
    assert caught.value.details == {"id": "no-such-id"}
    assert len(purchases) == 1


def test_insert_with_own_id_and_conflict(store: Store, home: Path) -> None:
    notes = store.collection("notes")
    notes.insert({"id": "n-1", "text": "a"})
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(Conflict) as caught:
        notes.insert({"id": "n-1", "text": "b"})
    assert caught.value.details == {"id": "n-1"}
    assert notes.get("n-1")["text"] == "a"
    assert snapshot(home, skip=("store.lock",)) == before


def test_insert_many_conflict_writes_nothing(store: Store, home: Path) -> None:
    purchases = store.collection("purchases")
    existing = purchases.insert(purchase())
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(Conflict):
        purchases.insert_many([purchase(n=1), purchase(n=2), {**purchase(), "id": existing["id"]}])
    assert len(purchases) == 1
    assert snapshot(home, skip=("store.lock",)) == before


def test_update_replace_delete(store: Store, reopen) -> None:
    purchases = store.collection("purchases")
    rid = purchases.insert(purchase(total="1.00", note="x"))["id"]

    updated = purchases.update(rid, {"total": "2.00"})
    assert updated["total"] == "2.00" and updated["note"] == "x"

    replaced = purchases.replace(rid, {"date": "2024-03-20", "vendor_id": "v9", "tags": []})
    assert replaced == {"id": rid, "date": "2024-03-20", "vendor_id": "v9", "tags": []}
    assert purchases.get(rid) == replaced
    assert purchases.query(where={"vendor_id": "v1"}) == []
    assert [r["id"] for r in purchases.query(where={"vendor_id": "v9"})] == [rid]

    with pytest.raises(ValidationFailed):
        purchases.replace(rid, {"id": "another", "date": "2024-01-01"})

    store = reopen(store)
    purchases = store.collection("purchases")
    assert purchases.get(rid) == replaced
    purchases.delete(rid)
    assert purchases.find(rid) is None and len(purchases) == 0
    with pytest.raises(NotFound):
        purchases.delete(rid)
    with pytest.raises(NotFound):
        purchases.update(rid, {"x": 1})
    with pytest.raises(NotFound):
        purchases.replace(rid, {"date": "2024-01-01"})

    store = reopen(store)
    assert store.collection("purchases").find(rid) is None


def test_unknown_collection(store: Store) -> None:
    with pytest.raises(StoreError):
        store.collection("nope")


def test_closed_store_refuses_work(store: Store) -> None:
    purchases = store.collection("purchases")
    store.close()
    with pytest.raises(StoreLocked):
        purchases.insert(purchase())
    with pytest.raises(StoreLocked):
        purchases.query()
    store.close()  # twice is fine


def populate(store: Store, n: int = 300, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    records = [
        {
            "date": f"20{rng.randint(21, 24)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "vendor_id": f"v{rng.randint(1, 5)}",
            "tags": rng.sample(["food", "travel", "home", "gift"], rng.randint(0, 3)),
            "n": i,
        }
        for i in range(n)
    ]
    ids = store.collection("purchases").insert_many(records)
    return [{**r, "id": i} for r, i in zip(records, ids, strict=True)]


def by_order(records: list[dict[str, Any]], descending: bool = False) -> list[str]:
    return [
        r["id"] for r in sorted(records, key=lambda r: (r["date"], r["id"]), reverse=descending)
    ]


def test_query_where_range_order_limit(store: Store) -> None:
    records = populate(store)
    purchases = store.collection("purchases")

    assert [r["id"] for r in purchases.query()] == by_order(records)
    assert [r["id"] for r in purchases.query(descending=True)] == by_order(records, True)

    v2 = [r for r in records if r["vendor_id"] == "v2"]
    assert [r["id"] for r in purchases.query(where={"vendor_id": "v2"})] == by_order(v2)

    in_2023 = [r for r in records if "2023-01-01" <= r["date"] < "2024-01-01"]
    got = purchases.query(start="2023-01-01", end="2024-01-01", descending=True)
    assert [r["id"] for r in got] == by_order(in_2023, True)

    both = [r for r in v2 if r["date"] >= "2022-06-01" and "food" in r["tags"]]
    got = purchases.query(where={"vendor_id": "v2", "tags": "food"}, start="2022-06-01", limit=5)
    assert [r["id"] for r in got] == by_order(both)[:5]

    assert purchases.query(where={"vendor_id": "nobody"}) == []
    assert purchases.query(limit=0) == []
    assert purchases.query(predicate=lambda r: r["n"] == 17)[0]["n"] == 17


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize(
    "where", [None, {"vendor_id": "v3"}, {"tags": "home"}, {"vendor_id": "v1", "tags": "gift"}]
)
def test_cursor_pages_through_everything_once(store: Store, where, descending: bool) -> None:
    records = populate(store)
    purchases = store.collection("purchases")
    seen: list[str] = []
    after = None
    while True:
        page = purchases.query(
            where=where,
            start="2021-06-01",
            end="2024-07-01",
            descending=descending,
            limit=7,
            after=after,
        )
        if not page:
            break
        assert len(page) <= 7
        seen += [r["id"] for r in page]
        after = page[-1]["id"]

    def wanted(r: dict[str, Any]) -> bool:
        return "2021-06-01" <= r["date"] < "2024-07-01" and all(
            r[k] == v or (isinstance(r[k], list) and v in r[k]) for k, v in (where or {}).items()
        )

    expected = by_order([r for r in records if wanted(r)], descending)
    assert seen == expected
    assert len(set(seen)) == len(seen) > 0


def test_unknown_cursor_and_unindexed_field(store: Store) -> None:
    populate(store, 10)
    purchases = store.collection("purchases")
    with pytest.raises(ValidationFailed) as caught:
        purchases.query(after="not-a-known-id")
    assert "after" in caught.value.details
    with pytest.raises(ValidationFailed) as caught:
        purchases.query(where={"total": "1.00"})
    assert "where" in caught.value.details
    with pytest.raises(ValidationFailed):
        purchases.count(where={"total": "1.00"})


def test_unhashable_where_value_is_a_validation_error(store: Store) -> None:
    populate(store, 10)
    with pytest.raises(ValidationFailed):
        store.collection("purchases").query(where={"tags": ["food"]})
    with pytest.raises(ValidationFailed):
        store.collection("purchases").count(where={"vendor_id": {"a": 1}})


def test_list_index_and_count(store: Store, reopen) -> None:
    records = populate(store)
    purchases = store.collection("purchases")
    for tag in ("food", "travel", "home", "gift", "none"):
        expected = sorted(r["id"] for r in records if tag in r["tags"])
        assert sorted(r["id"] for r in purchases.query(where={"tags": tag})) == expected
        assert purchases.count(where={"tags": tag}) == len(expected)
    assert purchases.count() == len(records)
    assert purchases.count(where={"vendor_id": "v1", "tags": "food"}) == sum(
        1 for r in records if r["vendor_id"] == "v1" and "food" in r["tags"]
    )

    # retagging moves the record between posting lists, in memory and after reopen
    target = records[0]
    purchases.update(target["id"], {"tags": ["brand-new"]})
    store = reopen(store)
    purchases = store.collection("purchases")
    assert [r["id"] for r in purchases.query(where={"tags": "brand-new"})] == [target["id"]]
    for tag in target["tags"]:
        assert target["id"] not in {r["id"] for r in purchases.query(where={"tags": tag})}


def test_scan_yields_every_record_once(store: Store) -> None:
    records = populate(store, 200)
    store.collection("notes").insert({"text": "not a purchase"})
    scanned = list(store.collection("purchases").scan())
    assert sorted(r["id"] for r in scanned) == sorted(r["id"] for r in records)
    assert {r["id"]: r for r in scanned} == {r["id"]: r for r in records}


def test_unsharded_and_undated_records(store: Store, reopen) -> None:
    notes = store.collection("notes")
    ids = notes.insert_many({"text": f"note {i}"} for i in range(10))
    undated = store.collection("purchases").insert({"vendor_id": "v1", "tags": []})
    assert [r["id"] for r in notes.query()] == ids  # ordered by id = creation time
    store = reopen(store)
    assert [r["id"] for r in store.collection("notes").query(descending=True)] == ids[::-1]
    assert store.collection("purchases").get(undated["id"])["vendor_id"] == "v1"


def test_record_moving_to_another_month_moves_shard(store: Store, reopen, home: Path) -> None:
    purchases = store.collection("purchases")
    moving = purchases.insert(purchase(date="2024-01-15"))
    staying = purchases.insert(purchase(date="2024-01-20"))
    assert purchases.index.shard_of(moving["id"])[0] == "2024-01"
    assert len(data_files(home)) == 1

    purchases.update(moving["id"], {"date": "2024-06-01"})
    assert purchases.index.shard_of(moving["id"])[0] == "2024-06"
    assert len(data_files(home)) == 2
    assert [r["id"] for r in purchases.query(start="2024-06-01")] == [moving["id"]]

    store = reopen(store)
    purchases = store.collection("purchases")
    assert purchases.get(moving["id"])["date"] == "2024-06-01"
    assert purchases.index.shard_of(moving["id"])[0] == "2024-06"
    assert [r["id"] for r in purchases.query(end="2024-02-01")] == [staying["id"]]

    # the last record of a month leaving removes that month's file
    purchases.update(staying["id"], {"date": "2024-06-02"})
    assert len(data_files(home)) == 1
    store = reopen(store)
    assert len(store.collection("purchases")) == 2
    assert store.collection("purchases").count(where={"vendor_id": "v1"}) == 2


def shard_sizes(store: Store, home: Path) -> dict[str, int]:
    sizes = {}
    for path in data_files(home):
        meta = sealed.read(store.vault, path).meta
        sizes[meta["name"]] = len(meta["rows"])
    return sizes


def test_shards_split_at_capacity(tmp_path: Path) -> None:
    home = tmp_path / "store"
    store = create_store(home, shard_capacity=4)
    purchases = store.collection("purchases")
    first = purchases.insert_many(purchase(date="2024-02-01", n=i) for i in range(6))
    for i in range(5):
        purchases.insert(purchase(date="2024-02-02", n=10 + i))
    purchases.insert(purchase(date="2024-03-01", n=99))

    sizes = shard_sizes(store, home)
    assert sizes == {
        "shard/purchases/2024-02/0": 4,
        "shard/purchases/2024-02/1": 4,
        "shard/purchases/2024-02/2": 3,
        "shard/purchases/2024-03/0": 1,
    }

    # free room is used before a new shard is made (next fit: the month's open shard first)
    purchases.delete(first[0])
    purchases.insert(purchase(date="2024-02-03", n=100))
    purchases.insert(purchase(date="2024-02-04", n=101))
    sizes = shard_sizes(store, home)
    assert [sizes[f"shard/purchases/2024-02/{n}"] for n in range(3)] == [4, 4, 4]
    assert len(data_files(home)) == 4

    expected = contents(store)
    store.close()
    reopened = open_store(home, shard_capacity=4)
    try:
        assert contents(reopened) == expected
        assert len(reopened.collection("purchases")) == 13
    finally:
        reopened.close()


@pytest.mark.parametrize(
    "value",
    [
        pytest.param({1, 2}, id="set"),
        pytest.param(b"bytes", id="bytes"),
        pytest.param(object(), id="object"),
        pytest.param(2**64, id="int-too-big"),
        pytest.param(-(2**63) - 1, id="int-too-small"),
        pytest.param("\ud800", id="surrogate"),
        pytest.param({1: "x"}, id="int-key"),
        pytest.param(math.nan, id="nan"),
        pytest.param(math.inf, id="inf"),
        pytest.param([{"deep": -math.inf}], id="nested-inf"),
    ],
)
def test_non_json_values_are_refused(store: Store, home: Path, value: Any) -> None:
    purchases = store.collection("purchases")
    purchases.insert(purchase(n=0))
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(ValidationFailed) as caught:
        purchases.insert(purchase(bad=value))
    assert caught.value.details
    with pytest.raises(ValidationFailed):
        purchases.insert_many([purchase(n=1), purchase(bad=value)])
    with pytest.raises(ValidationFailed):
        store.collection("notes").insert({"bad": value})
    assert len(purchases) == 1 and len(store.collection("notes")) == 0
    assert snapshot(home, skip=("store.lock",)) == before


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(["not", "a", "dict"], id="list"),
        pytest.param({"id": 5}, id="int-id"),
        pytest.param({"id": ""}, id="empty-id"),
        pytest.param({"date": 20240101}, id="date-not-string"),
        pytest.param({"date": "2024-01-01", "vendor_id": {"x": 1}}, id="index-dict"),
        pytest.param({"date": "2024-01-01", "tags": [["nested"]]}, id="index-nested-list"),
    ],
)
def test_invalid_records_are_refused(store: Store, record: Any) -> None:
    with pytest.raises(ValidationFailed):
        store.collection("purchases").insert(record)
    assert len(store.collection("purchases")) == 0


def test_returned_records_are_copies(store: Store, reopen) -> None:
    purchases = store.collection("purchases")
    original = purchase(items=[{"sku": "a", "qty": 1}], tags=["x"])
    inserted = purchases.insert(original)
    rid = inserted["id"]

    # mutating what was passed in, or what came back, changes nothing stored
    original["items"][0]["qty"] = 99
    original["tags"].append("y")
    inserted["items"].append("junk")
    got = purchases.get(rid)
    got["tags"].append("z")
    got["items"][0]["qty"] = 42
    purchases.query()[0]["items"].clear()
    next(iter(purchases.scan()))["tags"].clear()
    purchases.find(rid)["vendor_id"] = "changed"

    expected = {**purchase(), "id": rid, "items": [{"sku": "a", "qty": 1}], "tags": ["x"]}
    assert purchases.get(rid) == expected
    assert [r["id"] for r in purchases.query(where={"tags": "x"})] == [rid]
    assert purchases.query(where={"tags": "y"}) == []

    updates = {"items": [{"sku": "b"}]}
    purchases.update(rid, updates)
    updates["items"][0]["sku"] = "mutated"
    assert purchases.get(rid)["items"] == [{"sku": "b"}]

    store = reopen(store)
    assert store.collection("purchases").get(rid)["items"] == [{"sku": "b"}]
