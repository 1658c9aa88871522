"""Nothing in plaintext on disk: no record value, no name, in any file, ever."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from pds.store import Store

from .storekit import create_store, open_store

MARKERS = [
    "Zebrafinch-Quokka-4711",
    "marker.mailbox@example.org",
    "Übermäßig-Größe-€-ünïcödé",
    "+44 7700 900461",
    "1984-02-29",  # a date used as a record's date: also the order value in the index
    "shardcollectionname",
]
CLEAR_FILES = {"store.json", "store.lock"}


def write_markers(store: Store) -> None:
    purchases = store.collection("purchases")
    kept = purchases.insert(
        {
            "date": MARKERS[4],
            "vendor_id": MARKERS[0],  # indexed: lives in the meta part too
            "tags": [MARKERS[1]],  # list index
            "notes": MARKERS[2],
            "nested": {"phone": MARKERS[3], MARKERS[0] + "-key": [MARKERS[1]]},
        }
    )
    purchases.insert_many(
        {"date": f"2024-0{m}-01", "vendor_id": MARKERS[0], "tags": [], "n": m} for m in range(1, 9)
    )
    purchases.update(kept["id"], {"notes": MARKERS[2] + " again"})
    store.collection("notes").insert({"text": " ".join(MARKERS)})
    with pytest.raises(RuntimeError), store.transaction():  # rolled back: leaves nothing behind
        purchases.insert({"date": "2025-01-01", "vendor_id": MARKERS[0] + "-rolled-back"})
        store.collection("notes").insert({"text": MARKERS[3]})
        raise RuntimeError
    store.audit.append({"action": "test", "note": MARKERS[0]})


def forms(marker: str) -> list[bytes]:
    """The ways a marker could appear in bytes: UTF-8, JSON-escaped, UTF-16."""
    return [
        marker.encode(),
        json.dumps(marker).encode()[1:-1],
        marker.encode("utf-16-le"),
        marker.encode("utf-16-be"),
    ]


def assert_no_plaintext(home: Path) -> None:
    files = [p for p in home.rglob("*") if p.is_file()]
    assert files
    for path in files:
        raw = path.read_bytes()
        for marker in [*MARKERS, "purchases", "vendor_id", "shard/"]:
            for form in forms(marker):
                assert form not in raw, f"{marker!r} found in {path.relative_to(home)}"
            assert marker not in path.name


def assert_looks_encrypted(home: Path) -> None:
    for path in home.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(home).as_posix()
        raw = path.read_bytes()
        if rel in CLEAR_FILES:
            continue
        assert rel == "audit/log.pds" or (
            path.suffix == ".pds" and len(path.stem) == 32 and int(path.stem, 16) >= 0
        ), f"unexpected file {rel}"
        assert raw[:4] in (b"PDSF", b"PDSA"), rel
        body = raw[13:]
        if len(body) > 512:  # ciphertext does not compress
            assert len(zlib.compress(body, 9)) > 0.95 * len(body), rel


def test_no_plaintext_anywhere(home: Path) -> None:
    store = create_store(home, shard_capacity=4)
    write_markers(store)
    store.close()
    assert_no_plaintext(home)
    assert_looks_encrypted(home)

    header = json.loads((home / "store.json").read_text())
    assert set(header) == {
        "format",
        "version",
        "store_id",
        "created_at",
        "kdf",
        "keys",
        "current_key",
        "checksum",
    }
    assert (home / "store.lock").read_bytes().strip().isdigit() or not (
        home / "store.lock"
    ).read_bytes()


def test_no_plaintext_after_rotation_and_passphrase_change(home: Path) -> None:
    store = create_store(home)
    write_markers(store)
    store.rotate_key()
    store.change_passphrase("another passphrase")
    store.close()
    assert_no_plaintext(home)
    assert_looks_encrypted(home)


def test_no_plaintext_while_open(home: Path) -> None:
    """Even while the store is open and records sit decrypted in memory, disk holds ciphertext."""
    store = create_store(home)
    write_markers(store)
    try:
        assert_no_plaintext(home)
        assert_looks_encrypted(home)
    finally:
        store.close()
    reopened = open_store(home)
    try:
        assert reopened.collection("purchases").count(where={"vendor_id": MARKERS[0]}) == 9
    finally:
        reopened.close()


def test_no_plaintext_in_pending_batches(home: Path) -> None:
    """Every insert-only transaction is a pending batch file here: sealed like the rest."""
    store = create_store(home, shard_capacity=4, batch_records=1, checkpoint_records=10**6)
    write_markers(store)
    try:
        assert store.stats().pending_batches >= 3
        assert_no_plaintext(home)
        assert_looks_encrypted(home)
    finally:
        store.close()
    assert_no_plaintext(home)
    assert_looks_encrypted(home)
