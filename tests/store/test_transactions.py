"""Transactions: all or nothing in memory and on disk, nesting, journaled multi-file commits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

import pds.store.journal as journal_module
from pds.errors import Conflict, StoreError, StoreLocked
from pds.store import Store

from .storekit import (
    child_args,
    child_env,
    contents,
    create_store,
    data_files,
    open_store,
    purchase,
    snapshot,
)


class Boom(Exception):
    pass


def seeded(store: Store) -> dict[str, str]:
    purchases = store.collection("purchases")
    ids = purchases.insert_many(purchase(date=f"2024-0{m}-01", n=m) for m in range(1, 6))
    note = store.collection("notes").insert({"text": "keep"})
    return {"jan": ids[0], "feb": ids[1], "mar": ids[2], "note": note["id"]}


def indexed_view(store: Store) -> dict[str, Any]:
    purchases = store.collection("purchases")
    return {
        "count": len(purchases),
        "v1": [r["id"] for r in purchases.query(where={"vendor_id": "v1"})],
        "tag": [r["id"] for r in purchases.query(where={"tags": "new-tag"})],
        "order": [r["id"] for r in purchases.query(descending=True)],
        "notes": len(store.collection("notes")),
    }


def test_exception_leaves_memory_and_disk_as_before(store: Store, home: Path, reopen) -> None:
    ids = seeded(store)
    before_contents, before_view = contents(store), indexed_view(store)
    before_disk = snapshot(home, skip=("store.lock",))

    purchases, notes = store.collection("purchases"), store.collection("notes")
    with pytest.raises(Boom), store.transaction():
        purchases.insert(purchase(date="2030-01-01", tags=["new-tag"]))
        purchases.insert_many(purchase(date="2024-01-02", n=i) for i in range(3))
        purchases.update(ids["jan"], {"date": "2031-05-05", "tags": ["new-tag"]})  # moves month
        purchases.update(ids["feb"], {"vendor_id": "v2"})
        purchases.delete(ids["mar"])  # empties its month
        notes.delete(ids["note"])
        notes.insert({"text": "gone"})
        assert indexed_view(store) != before_view
        raise Boom

    assert contents(store) == before_contents
    assert indexed_view(store) == before_view
    assert snapshot(home, skip=("store.lock",)) == before_disk
    assert not list(home.rglob("*.tmp"))

    # the store keeps working after a rollback
    store.collection("purchases").update(ids["feb"], {"n": 200})
    before_contents["purchases"][ids["feb"]]["n"] = 200
    store = reopen(store)
    assert contents(store) == before_contents


def test_error_inside_a_write_rolls_back_the_transaction(store: Store, home: Path) -> None:
    ids = seeded(store)
    before = contents(store)
    with pytest.raises(Conflict), store.transaction():
        store.collection("purchases").insert(purchase(n=1000))
        store.collection("notes").insert({"id": ids["note"], "text": "duplicate"})
    assert contents(store) == before
    assert len(data_files(home)) == 6


def test_nested_transactions_join_the_outer_one(store: Store, home: Path, reopen) -> None:
    seeded(store)
    before_contents = contents(store)
    before_disk = snapshot(home, skip=("store.lock",))
    purchases = store.collection("purchases")

    with pytest.raises(Boom), store.transaction():
        with store.transaction():
            inner = purchases.insert(purchase(n=1))
        assert snapshot(home, skip=("store.lock",)) == before_disk  # nothing written yet
        assert purchases.get(inner["id"])["n"] == 1
        raise Boom

    assert purchases.find(inner["id"]) is None
    assert contents(store) == before_contents

    with store.transaction():
        with store.transaction():
            a = purchases.insert(purchase(n=2))
        b = purchases.insert(purchase(date="2025-12-12", n=3))
        assert snapshot(home, skip=("store.lock",)) == before_disk
    assert snapshot(home, skip=("store.lock",)) != before_disk

    store = reopen(store)
    assert store.collection("purchases").get(a["id"])["n"] == 2
    assert store.collection("purchases").get(b["id"])["n"] == 3


def test_large_transaction_with_a_small_cache(tmp_path: Path) -> None:
    """A transaction touching more shards than the cache holds loses none of its writes."""
    home = tmp_path / "store"
    store = create_store(home, shard_capacity=4, cache_records=10)
    purchases = store.collection("purchases")
    ids = purchases.insert_many(purchase(date=f"2024-{i % 6 + 1:02d}-01", n=i) for i in range(60))
    store.close()

    store = open_store(home, shard_capacity=4, cache_records=10)
    purchases = store.collection("purchases")
    with store.transaction():
        for rid in ids:
            purchases.update(rid, {"n": -1})
        more = [purchases.insert(purchase(date=f"2024-0{m}-09", n=-1))["id"] for m in (1, 2, 3)]
    assert all(purchases.get(rid)["n"] == -1 for rid in ids + more)
    assert store.stats().cached_records <= 10 + 4
    store.close()

    store = open_store(home)
    try:
        purchases = store.collection("purchases")
        assert len(purchases) == 63
        assert all(r["n"] == -1 for r in purchases.scan())
    finally:
        store.close()


def journal_files(home: Path) -> list[Path]:
    return [p for p in home.glob("*.pds")]


def multi_shard_transaction(store: Store, ids: dict[str, str]) -> None:
    purchases = store.collection("purchases")
    with store.transaction():
        purchases.insert(purchase(date="2026-01-01", n=101))
        purchases.insert(purchase(date="2026-02-01", n=102))
        purchases.update(ids["jan"], {"n": 103})
        purchases.delete(ids["mar"])  # the March shard file goes away
        store.collection("notes").update(ids["note"], {"text": "changed"})


def expected_after(before: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    return {
        "ns": sorted(
            [
                r["n"]
                for r in before["purchases"].values()
                if r["id"] not in (ids["mar"], ids["jan"])
            ]
            + [101, 102, 103]
        ),
        "note": "changed",
    }


def summary(store: Store, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "ns": sorted(r["n"] for r in store.collection("purchases").scan()),
        "note": store.collection("notes").get(ids["note"])["text"],
    }


def test_commit_interrupted_after_the_journal_completes_on_reopen(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seeded(store)
    before = contents(store)
    real_replace = os.replace
    calls = {"n": 0}

    def failing_replace(src: Any, dst: Any) -> None:
        if Path(src).name.count(".") == 3:  # <id>.pds.<tag>.tmp: a journaled rename
            assert journal_files(home), "the journal is written before any rename"
            calls["n"] += 1
            if calls["n"] == 2:  # one file already renamed, the others not
                raise OSError(5, "simulated I/O error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises((OSError, StoreError)):
        multi_shard_transaction(store, ids)
    monkeypatch.setattr(os, "replace", real_replace)

    assert journal_files(home) and list((home / "data").glob("*.tmp"))
    with pytest.raises(StoreLocked):  # the store let go: only a reopen may finish the commit
        store.collection("purchases").query()

    reopened = open_store(home)
    try:
        assert summary(reopened, ids) == expected_after(before, ids)
        assert not journal_files(home) and not list(home.rglob("*.tmp"))
    finally:
        reopened.close()


def test_commit_failing_before_the_journal_leaves_nothing(
    store: Store, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seeded(store)
    before_contents = contents(store)
    before_disk = snapshot(home, skip=("store.lock",))
    real_atomic_write = journal_module.atomic_write

    def failing_atomic_write(path: Path, data: bytes) -> None:
        if path.parent == home and path.suffix == ".pds":  # the journal
            assert list((home / "data").glob("*.tmp")), "scratch files come first"
            raise OSError(28, "simulated disk full")
        real_atomic_write(path, data)

    monkeypatch.setattr(journal_module, "atomic_write", failing_atomic_write)
    with pytest.raises(OSError):
        multi_shard_transaction(store, ids)
    monkeypatch.setattr(journal_module, "atomic_write", real_atomic_write)

    assert contents(store) == before_contents
    assert snapshot(home, skip=("store.lock",)) == before_disk
    store.close()
    reopened = open_store(home)
    try:
        assert contents(reopened) == before_contents
    finally:
        reopened.close()


def crash_in_commit(home: Path, renames: int, records: list[dict[str, Any]], delete: list[str]):
    result = subprocess.run(
        child_args(home, "exit_after_journal", renames=renames, records=records, delete=delete),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert result.returncode == 17, result.stderr
    assert "committed" not in result.stdout


@pytest.mark.parametrize("renames", [0, 1, 2, 3])
def test_process_dying_inside_a_journaled_commit(home: Path, renames: int) -> None:
    """A real crash (os._exit) after the journal and ``renames`` renames: reopen has it all."""
    store = create_store(home)
    doomed = store.collection("purchases").insert(purchase(date="2023-03-03", n=-1))
    keep = store.collection("purchases").insert(purchase(date="2023-04-04", n=0))
    store.close()
    records = [purchase(date=f"2026-0{m}-01", n=m) for m in (1, 2, 3, 4)]

    crash_in_commit(home, renames, records, [doomed["id"]])
    assert journal_files(home)

    store = open_store(home)
    try:
        purchases = store.collection("purchases")
        assert sorted(r["n"] for r in purchases.scan()) == [0, 1, 2, 3, 4]
        assert purchases.find(doomed["id"]) is None and purchases.get(keep["id"])["n"] == 0
        assert [r["n"] for r in purchases.query(start="2026-01-01")] == [1, 2, 3, 4]
        assert not journal_files(home) and not list(home.rglob("*.tmp"))
    finally:
        store.close()


def test_leftover_scratch_files_without_journal_are_discarded(store: Store, home: Path) -> None:
    seeded(store)
    expected = contents(store)
    store.close()
    for path in data_files(home)[:2]:
        (path.parent / f"{path.name}.abcdef.tmp").write_bytes(os.urandom(64))
    (home / "audit" / "log.pds.tmp").write_bytes(os.urandom(64))
    (home / "store.json.tmp").write_bytes(b"{}")
    reopened = open_store(home)
    try:
        assert contents(reopened) == expected
        assert not list(home.rglob("*.tmp"))
    finally:
        reopened.close()
