"""rotate_key: every file moves to the new key generation, data intact, the old key forgotten."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pds.errors import IntegrityError
from pds.store import Store, sealed

from .storekit import contents, create_store, data_files, open_store, purchase, snapshot


def generation_of(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[5:9], "big")


def audit_generations(store: Store) -> set[int]:
    raw = store.audit.path.read_bytes()
    return {int.from_bytes(raw[o + 4 : o + 8], "big") for o in store.audit._offsets}


def filled(home: Path) -> Store:
    store = create_store(home, shard_capacity=8)
    store.collection("purchases").insert_many(
        purchase(date=f"2024-{i % 12 + 1:02d}-05", vendor=f"v{i % 4}", n=i) for i in range(100)
    )
    store.collection("notes").insert_many({"text": f"note {i}"} for i in range(10))
    for i in range(5):
        store.audit.append({"action": "seed", "i": i})
    return store


def test_rotate_key_rewrites_everything(home: Path, tmp_path: Path) -> None:
    store = filled(home)
    expected = contents(store)
    entries = list(store.audit.entries())
    old_files = snapshot(home, skip=("store.json", "store.lock"))
    old_header = json.loads((home / "store.json").read_text())
    backup = tmp_path / "old-shard.pds"
    shutil.copyfile(data_files(home)[0], backup)

    seen: list[tuple[int, int]] = []
    new_generation = store.rotate_key(progress=lambda done, total: seen.append((done, total)))

    assert new_generation == 2 and store.stats().key_generation == 2
    assert seen[-1][0] == seen[-1][1] == len(old_files)  # every data and audit file
    assert all(generation_of(p) == 2 for p in data_files(home))
    assert generation_of(store.audit.head_path) == 2
    assert audit_generations(store) == {2}
    new_files = snapshot(home, skip=("store.json", "store.lock"))
    assert new_files.keys() == old_files.keys()  # same names (the names key is kept)
    assert all(new_files[k][0] != old_files[k][0] for k in old_files)  # every byte re-encrypted

    header = json.loads((home / "store.json").read_text())
    assert header["current_key"] == 2
    assert list(header["keys"]["data"]) == ["2"]  # the old key is gone
    assert old_header["keys"]["data"]["1"] not in json.dumps(header)

    assert contents(store) == expected  # in memory...
    store.close()
    reopened = open_store(home)
    try:
        assert contents(reopened) == expected  # ...and on disk
        assert list(reopened.audit.entries()) == entries
        assert reopened.collection("purchases").count(where={"vendor_id": "v2"}) == 25
    finally:
        reopened.close()

    # an old copy of a file no longer opens: its key is gone
    shutil.copyfile(backup, data_files(home)[0])
    with pytest.raises(IntegrityError):
        open_store(home)


def test_rotate_twice_and_keep_writing(home: Path) -> None:
    store = filled(home)
    assert store.rotate_key() == 2
    store.collection("notes").insert({"text": "between"})
    assert store.rotate_key() == 3
    store.collection("purchases").insert(purchase(n=1000))
    expected = contents(store)
    store.close()
    assert {generation_of(p) for p in data_files(home)} == {3}
    reopened = open_store(home)
    try:
        assert contents(reopened) == expected
        assert reopened.stats().key_generation == 3
    finally:
        reopened.close()


def test_pending_rotation_is_finished_on_open(home: Path) -> None:
    """A header holding two keys (a rotation cut short) is completed by the next open."""
    store = filled(home)
    expected = contents(store)
    store.vault.begin_rotation()  # the first step of rotate_key, then "crash"
    half = data_files(home)[: len(data_files(home)) // 2]
    for path in half:  # some files already rewritten under the new key
        unsealed = sealed.read(store.vault, path)
        path.write_bytes(sealed.encode(store.vault, path.stem, unsealed.meta, unsealed.body or b""))
    store.close()
    header = json.loads((home / "store.json").read_text())
    assert sorted(header["keys"]["data"]) == ["1", "2"]
    assert {generation_of(p) for p in data_files(home)} == {1, 2}

    reopened = open_store(home)
    try:
        assert contents(reopened) == expected
        assert {generation_of(p) for p in data_files(home)} == {2}
        assert list(json.loads((home / "store.json").read_text())["keys"]["data"]) == ["2"]
    finally:
        reopened.close()
