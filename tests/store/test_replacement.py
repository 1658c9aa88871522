"""What the archive needs of the store: scans in order, the audit log's exact entries, and
replacing a store's contents in one crash-safe step."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
import pytest

from pds.errors import IntegrityError
from pds.store import Store, swap
from pds.store.replacement import replacing

from .storekit import contents, create_store, open_store, purchase, snapshot


def _fill(store: Store, count: int, months: int = 12) -> list[dict[str, Any]]:
    records = [
        purchase(date=f"2024-{1 + i % months:02d}-{1 + (i * 7) % 28:02d}", vendor=f"v{i % 3}")
        for i in range(count)
    ]
    store.collection("purchases").insert_many(records)
    return records


def test_scan_ordered_gives_order_value_then_id(store: Store) -> None:
    _fill(store, 700)
    store.collection("notes").insert_many([{"n": i} for i in range(50)])
    scanned = list(store.collection("purchases").scan_ordered(batch=64, window=200))
    keys = [(r["date"], r["id"]) for r in scanned]
    assert len(keys) == 700
    assert keys == sorted(keys)
    notes = [r["id"] for r in store.collection("notes").scan_ordered(batch=7)]
    assert notes == sorted(notes) and len(notes) == 50


def test_an_encoded_scan_gives_each_record_as_the_store_encodes_it(home: Path) -> None:
    """Shards as their files hold them (sliced from the body), shards with records
    appended since, and shards parsed by an update all give the same records."""
    store = create_store(home)
    _fill(store, 400)
    store.close()
    store = open_store(home, cache_records=10)
    try:
        purchases = store.collection("purchases")
        _fill(store, 40)  # appended to shards read from their files
        changed = purchases.scan_ordered(batch=50).__next__()
        purchases.update(changed["id"], {"notes": "changed"})  # that shard is parsed now
        encoded = list(purchases.scan_ordered(batch=50, window=64, encoded=True))
        decoded = list(purchases.scan_ordered(batch=50, window=64))
        assert all(isinstance(line, bytes) for line in encoded)
        assert [orjson.loads(line) for line in encoded] == decoded
        assert len(decoded) == 440 and {"notes": "changed"}.items() <= decoded[0].items()
    finally:
        store.close()


def test_scan_ordered_does_not_fill_the_store_cache(home: Path) -> None:
    store = create_store(home)
    _fill(store, 1000)
    store.close()
    store = open_store(home, cache_records=10)
    try:
        before = store.stats().cached_records
        assert sum(1 for _ in store.collection("purchases").scan_ordered(window=256)) == 1000
        assert store.stats().cached_records == before
    finally:
        store.close()


def test_scan_ordered_sees_writes_between_batches(store: Store) -> None:
    _fill(store, 300)
    purchases = store.collection("purchases")
    scan = purchases.scan_ordered(batch=100)
    first = [next(scan) for _ in range(100)]
    late = purchases.insert(purchase(date="2099-01-01"))
    purchases.delete(first[-1]["id"])
    rest = list(scan)
    assert len(first) + len(rest) == 301
    assert rest[-1] == late


def test_audit_plaintexts_hash_to_the_chain(store: Store) -> None:
    for n in range(5):
        store.audit.append({"actor": "owner", "action": "test", "count": n})
    plains = list(store.audit.plaintexts())
    entries = list(store.audit.entries(descending=False))
    assert [hashlib.sha256(p).hexdigest() for p in plains] == [e.hash for e in entries]
    assert len(list(store.audit.plaintexts(3))) == 3


def test_adopted_entries_keep_their_hashes(store: Store, tmp_path: Path) -> None:
    for n in range(4):
        store.audit.append({"actor": "owner", "action": "test", "count": n})
    plains = list(store.audit.plaintexts())
    other = create_store(tmp_path / "other")
    try:
        assert other.audit.adopt(plains) == 4
        other.audit.append({"actor": "owner", "action": "after"})
        assert other.audit.verify() == 5
        assert list(other.audit.plaintexts(4)) == plains
    finally:
        other.close()


def test_adopt_refuses_entries_that_do_not_chain(store: Store, tmp_path: Path) -> None:
    for n in range(3):
        store.audit.append({"actor": "owner", "action": "test", "count": n})
    plains = list(store.audit.plaintexts())
    other = create_store(tmp_path / "other")
    try:
        with pytest.raises(IntegrityError, match="adopted entry 2 does not follow"):
            other.audit.adopt([plains[0], plains[2]])
    finally:
        other.close()


def test_a_replacement_swaps_in_records_and_audit(store: Store, home: Path) -> None:
    _fill(store, 20)
    store.audit.append({"actor": "owner", "action": "old"})
    with replacing(store) as fresh:
        fresh.collection("notes").insert({"id": "n1", "text": "new"})
        fresh.audit.append({"actor": "owner", "action": "new"})
    assert len(store.collection("purchases")) == 0
    assert store.collection("notes").get("n1") == {"id": "n1", "text": "new"}
    assert [e.event["action"] for e in store.audit.entries()] == ["new"]
    assert not (home / swap.SCRATCH).exists() and not (home / swap.REPLACED).exists()
    store.close()
    reopened = open_store(home)
    try:
        assert contents(reopened)["notes"] == {"n1": {"id": "n1", "text": "new"}}
        assert reopened.audit.verify() == 1
    finally:
        reopened.close()


def test_a_failed_replacement_leaves_the_store_as_it_was(store: Store, home: Path) -> None:
    _fill(store, 20)
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(RuntimeError, match="boom"), replacing(store) as fresh:
        fresh.collection("notes").insert({"text": "never"})
        raise RuntimeError("boom")
    assert snapshot(home, skip=("store.lock",)) == before
    assert len(store.collection("purchases")) == 20


def _decided_but_interrupted(
    home: Path, moved: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A replacement decided, then a crash after moving ``moved`` in (of data, audit)."""

    def crash(_: Path) -> None:
        raise KeyboardInterrupt

    store = open_store(home)
    with monkeypatch.context() as patched:
        patched.setattr(swap, "roll_forward", crash)
        with pytest.raises(KeyboardInterrupt), replacing(store) as fresh:
            fresh.collection("notes").insert({"id": "n9", "text": "replaced"})
    store.abandon()
    scratch = swap.scratch_dir(home)
    assert (scratch / swap.MARK).exists()
    for name in moved:
        (home / swap.REPLACED).mkdir(exist_ok=True)
        (home / name).rename(home / swap.REPLACED / name)
        (scratch / name).rename(home / name)


@pytest.mark.parametrize("moved", [(), ("data",), ("data", "audit")])
def test_opening_finishes_a_decided_replacement(
    home: Path, moved: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = create_store(home)
    _fill(store, 10)
    store.close()
    _decided_but_interrupted(home, moved, monkeypatch)
    reopened = open_store(home)
    try:
        assert contents(reopened)["purchases"] == {}
        assert contents(reopened)["notes"]["n9"]["text"] == "replaced"
        assert not (home / swap.SCRATCH).exists() and not (home / swap.REPLACED).exists()
    finally:
        reopened.close()


def test_opening_removes_an_undecided_replacement(home: Path) -> None:
    store = create_store(home)
    _fill(store, 10)
    store.close()
    before = snapshot(home, skip=("store.lock",))
    scratch = swap.scratch_dir(home)
    (scratch / "data").mkdir(parents=True)
    (scratch / "data" / "junk.pds").write_bytes(b"x")
    reopened = open_store(home)
    try:
        assert len(reopened.collection("purchases")) == 10
        assert not scratch.exists()
    finally:
        reopened.close()
    assert snapshot(home, skip=("store.lock",)) == before
