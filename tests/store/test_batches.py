"""Pending batches: large insert-only transactions committed as one sealed file.

A "crash image" here is a copy of the store directory taken while the store is
open (every commit that returned is on disk; nothing was checkpointed or closed):
opening the copy is what opening after a crash would see. Real SIGKILLs are in
test_crash.py.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
from pathlib import Path
from typing import Any

import pytest

from pds.errors import ValidationFailed
from pds.store import Store

from .storekit import contents, create_store, data_files, open_store, purchase, snapshot

BULK = {"batch_records": 10, "checkpoint_records": 1000, "close_checkpoint_records": 0}


def months(n: int, per_month: int, year: int = 2024, start: int = 0) -> list[dict[str, Any]]:
    return [
        purchase(date=f"{year}-{m + 1:02d}-{i % 28 + 1:02d}", vendor=f"v{i % 3}", n=start + i)
        for m in range(n)
        for i in range(per_month)
    ]


def crash_image(home: Path) -> Path:
    """A copy of ``home`` as a crash would leave it (taken while the store is open)."""
    copy = home.with_name(home.name + "-crashed")
    shutil.copytree(home, copy)
    return copy


def consistent(store: Store) -> dict[str, dict[str, Any]]:
    """Every record, checked against the index: counts, order, where= lookups."""
    purchases = store.collection("purchases")
    records = {r["id"]: r for r in purchases.scan()}
    assert purchases.count() == len(records)
    ordered = purchases.query()
    assert [r["id"] for r in ordered] == [
        rid for _, rid in sorted((r["date"], rid) for rid, r in records.items())
    ]
    for vendor in {r["vendor_id"] for r in records.values()}:
        expected = sorted(rid for rid, r in records.items() if r["vendor_id"] == vendor)
        assert sorted(r["id"] for r in purchases.query(where={"vendor_id": vendor})) == expected
    return records


def test_large_insert_only_transaction_is_one_batch_file(home: Path) -> None:
    store = create_store(home, **BULK)
    try:
        before = set(data_files(home))
        ids = store.collection("purchases").insert_many(months(4, 10))
        added = set(data_files(home)) - before
        assert len(added) == 1 and len(data_files(home)) == 1  # one batch, no shard file yet
        stats = store.stats()
        assert (stats.pending_batches, stats.pending_records) == (1, 40)
        assert stats.files == len([p for p in home.rglob("*") if p.is_file()])
        purchases = store.collection("purchases")
        assert purchases.get(ids[7])["n"] == 7
        assert len(purchases.query(start="2024-02-01", end="2024-03-01")) == 10
        assert purchases.count(where={"vendor_id": "v1"}) == 12

        assert store.checkpoint() == 40
        assert not added & set(data_files(home))  # the batch file is gone
        assert len(data_files(home)) == 4  # one shard per month
        assert (store.stats().pending_batches, store.stats().pending_records) == (0, 0)
        assert purchases.get(ids[7])["n"] == 7
    finally:
        store.close()


def test_small_or_mixed_transactions_write_their_shards(home: Path) -> None:
    store = create_store(home, **BULK)
    try:
        purchases = store.collection("purchases")
        purchases.insert_many(months(3, 3))  # 9 records: under batch_records
        assert len(data_files(home)) == 3 and store.stats().pending_batches == 0
        first = purchases.query()[0]["id"]
        with store.transaction():  # 20 inserts and a delete: not insert-only
            purchases.insert_many(months(2, 10, year=2025))
            purchases.delete(first)
        assert len(data_files(home)) == 5 and store.stats().pending_batches == 0
    finally:
        store.close()


def test_pending_batch_is_replayed_on_open(home: Path) -> None:
    store = create_store(home, **BULK)
    store.collection("purchases").insert_many(months(3, 10))
    store.collection("notes").insert_many({"text": f"note {i}"} for i in range(12))
    expected = contents(store)
    crashed = crash_image(home)
    store.close()

    reopened = open_store(crashed, **BULK)
    try:
        assert contents(reopened) == expected
        consistent(reopened)
        assert reopened.stats().pending_batches == 2  # still pending: replayed in memory
    finally:
        reopened.close()  # checkpoints
    assert len(data_files(crashed)) == 3 + 1  # three months of purchases, one notes shard
    again = open_store(crashed)
    try:
        assert contents(again) == expected and again.stats().pending_batches == 0
    finally:
        again.close()


def test_replay_does_not_bring_back_replaced_or_deleted_records(home: Path) -> None:
    store = create_store(home, **BULK)
    purchases = store.collection("purchases")
    ids = purchases.insert_many(months(3, 10))
    purchases.delete(ids[0])
    purchases.replace(ids[1], purchase(date="2023-07-07", vendor="v9", n=101))  # moves month
    purchases.update(ids[2], {"n": 102})  # stays in its shard
    more = purchases.insert_many(months(3, 10, start=1000))  # a second batch, same shards
    purchases.delete(more[5])
    expected = contents(store)
    crashed = crash_image(home)
    store.close()

    reopened = open_store(crashed, **BULK)
    try:
        assert contents(reopened) == expected
        records = consistent(reopened)
        assert ids[0] not in records and more[5] not in records
        assert records[ids[1]]["n"] == 101 and records[ids[2]]["n"] == 102
        moved = reopened.collection("purchases").query(start="2023-07-01", end="2023-08-01")
        assert [r["id"] for r in moved] == [ids[1]]
    finally:
        reopened.close()


def test_emptied_shard_stays_until_checkpoint_so_replay_cannot_refill_it(home: Path) -> None:
    store = create_store(home, **BULK)
    purchases = store.collection("purchases")
    may, june = months(6, 12)[48:60], months(6, 12)[60:72]  # 12 records each: batches
    may = purchases.insert_many(may)
    june = purchases.insert_many(june)
    assert {r["date"][:7] for r in map(purchases.get, may)} == {"2024-05"}
    for rid in may:
        purchases.delete(rid)  # normal commits: the emptied shard is written empty, stamped
    assert len(data_files(home)) == 3  # two batches and the empty May shard
    crashed = crash_image(home)
    store.close()
    assert len(data_files(home)) == 1  # the checkpoint wrote June, removed batches and May

    reopened = open_store(crashed, **BULK)
    try:
        records = consistent(reopened)
        assert sorted(records) == sorted(june)
    finally:
        reopened.close()
    assert len(data_files(crashed)) == 1


def test_rollback_keeps_the_pending_records(home: Path) -> None:
    store = create_store(home, **BULK)
    try:
        purchases = store.collection("purchases")
        ids = purchases.insert_many(months(2, 10))
        expected = contents(store)
        with pytest.raises(RuntimeError), store.transaction():
            purchases.insert(purchase(date="2024-01-15", n=-1))  # a shard holding pending records
            purchases.delete(ids[3])
            purchases.insert_many(months(2, 10, start=500))  # another batch's worth, same shards
            raise RuntimeError("changed my mind")
        assert contents(store) == expected
        consistent(store)
        assert store.stats().pending_batches == 1
    finally:
        store.close()
    reopened = open_store(home)
    try:
        assert contents(reopened) == expected
    finally:
        reopened.close()


def test_close_leaves_a_few_pending_records_for_the_next_open(home: Path) -> None:
    store = create_store(home, batch_records=10, close_checkpoint_records=50)
    store.collection("purchases").insert_many(months(4, 10))  # 40: fewer than the bound
    expected = contents(store)
    store.close()
    assert len(data_files(home)) == 1  # the batch file, no shard written
    reopened = open_store(home, batch_records=10, close_checkpoint_records=50)
    try:
        assert contents(reopened) == expected and reopened.stats().pending_records == 40
        reopened.collection("purchases").insert_many(months(1, 10, year=2025))
    finally:
        reopened.close()  # 50 pending: checkpointed
    assert len(data_files(home)) == 5  # one shard per month


def test_checkpoint_when_pending_records_pass_the_bound(home: Path) -> None:
    store = create_store(home, batch_records=10, checkpoint_records=50)
    try:
        purchases = store.collection("purchases")
        purchases.insert_many(months(3, 10))
        assert store.stats().pending_records == 30
        purchases.insert_many(months(3, 10, start=100))
        assert (store.stats().pending_batches, store.stats().pending_records) == (0, 0)
        assert len(data_files(home)) == 3 and len(purchases) == 60
    finally:
        store.close()


def test_rotate_key_covers_pending_batches(home: Path) -> None:
    store = create_store(home, **BULK)
    store.collection("purchases").insert_many(months(3, 10))
    expected = contents(store)
    store.rotate_key()
    assert {p.read_bytes()[5:9] for p in data_files(home)} == {(2).to_bytes(4, "big")}
    assert store.stats().pending_batches == 1
    crashed = crash_image(home)
    store.close()
    reopened = open_store(crashed)
    try:
        assert contents(reopened) == expected
    finally:
        reopened.close()


@pytest.mark.parametrize("bad", [math.nan, {1: "x"}, "\ud800", 2**64])
def test_a_bad_record_in_a_bulk_insert_changes_nothing(home: Path, bad: Any) -> None:
    store = create_store(home, **BULK)
    try:
        purchases = store.collection("purchases")
        purchases.insert_many(months(2, 10))
        before = snapshot(home, skip=("store.lock",))
        records = months(2, 10, start=100)
        records[13]["bad"] = bad
        with pytest.raises(ValidationFailed) as caught:
            purchases.insert_many(records)
        assert caught.value.details
        assert snapshot(home, skip=("store.lock",)) == before
        assert len(purchases) == 20
        consistent(store)
    finally:
        store.close()


def test_bulk_insert_shares_nothing_with_the_caller(home: Path) -> None:
    store = create_store(home, **BULK)
    try:
        records = months(2, 10)
        for record in records:
            record["items"] = [{"sku": "a", "qty": 1}]
        ids = store.collection("purchases").insert_many(records)
        records[0]["items"][0]["qty"] = 99
        records[0]["tags"].append("changed")
        records[0]["vendor_id"] = "v7"
        stored = store.collection("purchases").get(ids[0])
        assert stored["items"] == [{"sku": "a", "qty": 1}] and stored["tags"] == ["groceries"]
        assert stored["vendor_id"] == "v0"
        stored["items"].append("mine")
        assert store.collection("purchases").get(ids[0])["items"] == [{"sku": "a", "qty": 1}]
    finally:
        store.close()


def test_values_json_turns_into_strings_are_indexed_as_stored(home: Path) -> None:
    """A date object or a tuple is stored as JSON makes it, and indexed the same way."""
    store = create_store(home, **BULK)
    try:
        purchases = store.collection("purchases")
        records: list[dict[str, Any]] = [
            {"date": dt.date(2024, 3, i + 1), "vendor_id": "v1", "tags": ("a", "b"), "n": i}
            for i in range(12)
        ]
        ids = purchases.insert_many(records)
        assert purchases.get(ids[4])["date"] == "2024-03-05"
        assert purchases.get(ids[4])["tags"] == ["a", "b"]
        hits = purchases.query(start="2024-03-05", end="2024-03-07", where={"tags": "b"})
        assert [r["n"] for r in hits] == [4, 5]
        store.checkpoint()
        assert len(data_files(home)) == 1  # all in the March 2024 shard
    finally:
        store.close()
