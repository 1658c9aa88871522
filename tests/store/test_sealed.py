"""Sealed files: any flipped byte, swap, rename, splice or move between stores is refused."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest

from pds.errors import IntegrityError
from pds.store import Store

from .storekit import contents, create_store, data_files, open_store, purchase, snapshot

PREFIX = struct.Struct(">4sBII")  # magic, version, key generation, meta length


def small_store(home: Path) -> dict[str, Path]:
    """A store with a few files; returns them by role."""
    store = create_store(home)
    purchases = store.collection("purchases")
    purchases.insert_many(purchase(date=f"2024-0{m}-01", n=m) for m in (1, 1, 2, 3))
    note = store.collection("notes").insert({"text": "tiny"})
    for i in range(3):
        store.audit.append({"action": "read", "i": i})
    note_file = store._path_of(store.collection("notes").shard_name("all", 0))
    head = store.audit.head_path
    store.close()
    return {"note": note_file, "head": head, "log": home / "audit" / "log.pds", "id": note["id"]}


def flip(path: Path, position: int, mask: int = 0x01) -> None:
    raw = bytearray(path.read_bytes())
    raw[position] ^= mask
    path.write_bytes(bytes(raw))


def rel(home: Path, path: Path) -> str:
    return path.relative_to(home).as_posix()


def expect_refused(home: Path, damaged: Path, *, verify: bool = False) -> IntegrityError:
    """Opening (and, for the audit log, verifying) fails naming ``damaged``; nothing is written."""
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(IntegrityError) as caught:
        store = open_store(home)
        try:
            if verify:
                store.audit.verify()
        finally:
            store.close()
    name = rel(home, damaged)
    assert caught.value.details["file"] == name, caught.value
    assert name in str(caught.value)
    assert snapshot(home, skip=("store.lock",)) == before
    return caught.value


def regions(path: Path) -> dict[str, int]:
    raw = path.read_bytes()
    _, _, _, meta_len = PREFIX.unpack_from(raw)
    meta_start, body_start = PREFIX.size, PREFIX.size + meta_len
    return {
        "magic": 0,
        "version": 4,
        "generation": 8,
        "meta length": 12,
        "meta nonce": meta_start,
        "meta ciphertext": meta_start + 14,
        "meta tag": body_start - 1,
        "body nonce": body_start + 3,
        "body ciphertext": body_start + 12 + 1,
        "body tag": len(raw) - 1,
    }


@pytest.mark.parametrize(
    "region",
    [
        "magic",
        "version",
        "generation",
        "meta length",
        "meta nonce",
        "meta ciphertext",
        "meta tag",
        "body nonce",
        "body ciphertext",
        "body tag",
    ],
)
@pytest.mark.parametrize("role", ["shard", "note", "head"])
def test_flipped_byte_in_a_data_file(home: Path, role: str, region: str) -> None:
    files = small_store(home)
    target = data_files(home)[0] if role == "shard" else files[role]
    original = target.read_bytes()
    flip(target, regions(target)[region])
    expect_refused(home, target)
    # and the damage is all there is: restoring the byte makes the store whole again
    target.write_bytes(original)
    open_store(home).close()


def test_every_single_byte_of_a_file_is_protected(home: Path) -> None:
    """Exhaustive: each byte of a small data file, flipped on its own, is detected."""
    files = small_store(home)
    target = files["note"]
    original = target.read_bytes()
    assert len(original) < 1024
    for position in range(len(original)):
        flip(target, position, 0x80)
        with pytest.raises(IntegrityError) as caught:
            open_store(home).close()
        assert caught.value.details["file"] == rel(home, target), position
        target.write_bytes(original)
    store = open_store(home)
    assert contents(store)["notes"][files["id"]]["text"] == "tiny"
    store.close()


def test_truncated_and_empty_files(home: Path) -> None:
    small_store(home)
    target = data_files(home)[0]
    original = target.read_bytes()
    for cut in (0, 3, PREFIX.size, PREFIX.size + 20, len(original) - 1):
        target.write_bytes(original[:cut])
        expect_refused(home, target)
    target.write_bytes(original + b"\x00")
    expect_refused(home, target)


@pytest.mark.parametrize("region", ["length", "generation", "nonce", "ciphertext", "tag"])
@pytest.mark.parametrize("entry", [0, 1, 2])
def test_flipped_byte_in_the_audit_log(home: Path, entry: int, region: str) -> None:
    files = small_store(home)
    log = files["log"]
    store = open_store(home)
    offsets = [*store.audit._offsets, log.stat().st_size]
    store.close()
    start, end = offsets[entry], offsets[entry + 1]
    position = {
        "length": start + 3,
        "generation": start + 7,
        "nonce": start + 8,
        "ciphertext": start + 8 + 12 + 2,
        "tag": end - 1,
    }[region]
    flip(log, position)
    expect_refused(home, log, verify=True)


def test_an_audit_record_framed_too_short_is_refused(home: Path) -> None:
    """A damaged length can frame a record shorter than its header: refused (it crashed before)."""
    files = small_store(home)
    log = files["log"]
    store = open_store(home)
    start = store.audit._offsets[1]
    store.close()
    raw = bytearray(log.read_bytes())
    raw[start : start + 4] = (0).to_bytes(4, "big")
    log.write_bytes(bytes(raw))
    expect_refused(home, log, verify=True)


def test_audit_log_magic(home: Path) -> None:
    files = small_store(home)
    flip(files["log"], 0)
    expect_refused(home, files["log"])


def test_swapped_data_files(home: Path) -> None:
    small_store(home)
    a, b = data_files(home)[:2]
    raw_a, raw_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(raw_b)
    b.write_bytes(raw_a)
    expect_refused(home, a)


def test_renamed_data_file(home: Path) -> None:
    small_store(home)
    victim = data_files(home)[0]
    renamed = victim.with_name("0123456789abcdef0123456789abcdef.pds")
    victim.rename(renamed)
    expect_refused(home, renamed)


def test_file_moved_into_another_collection(home: Path) -> None:
    files = small_store(home)
    shard = next(p for p in data_files(home) if p != files["note"])
    shutil.copyfile(files["note"], shard)  # a notes shard in the place of a purchases shard
    expect_refused(home, shard)


def test_halves_of_two_writes_cannot_be_spliced(home: Path) -> None:
    store = create_store(home)
    record = store.collection("notes").insert({"text": "version one"})
    path = data_files(home)[0]
    first = path.read_bytes()
    store.collection("notes").update(record["id"], {"text": "version two"})
    second = path.read_bytes()
    store.close()
    assert first != second
    meta_end = PREFIX.size + PREFIX.unpack_from(second)[3]
    first_body = first[PREFIX.size + PREFIX.unpack_from(first)[3] :]
    path.write_bytes(second[:meta_end] + first_body)
    expect_refused(home, path)


def test_file_from_another_store_with_the_same_passphrase(tmp_path: Path) -> None:
    a_home, b_home = tmp_path / "a", tmp_path / "b"
    stores: list[Store] = [create_store(a_home), create_store(b_home)]
    for s in stores:
        s.collection("purchases").insert(purchase(date="2024-05-05", n=1))
        s.close()
    a_file, b_file = data_files(a_home)[0], data_files(b_home)[0]

    # the foreign file dropped in beside the others...
    moved = b_home / "data" / a_file.name
    shutil.copyfile(a_file, moved)
    expect_refused(b_home, moved)
    moved.unlink()

    # ...or put in the place of a file of the same logical name
    shutil.copyfile(a_file, b_file)
    expect_refused(b_home, b_file)


def test_audit_log_from_another_store(tmp_path: Path) -> None:
    a_home, b_home = tmp_path / "a", tmp_path / "b"
    for h in (a_home, b_home):
        s = create_store(h)
        s.audit.append({"action": "x"})
        s.close()
    shutil.copyfile(a_home / "audit" / "log.pds", b_home / "audit" / "log.pds")
    expect_refused(b_home, b_home / "audit" / "log.pds", verify=True)


def test_refused_store_still_opens_after_repair(home: Path) -> None:
    """A refused open leaves no lock behind and changes nothing: undoing the damage is enough."""
    small_store(home)
    target = data_files(home)[-1]
    original = target.read_bytes()
    flip(target, len(original) // 2)
    expect_refused(home, target)
    target.write_bytes(original)
    store = open_store(home)
    assert len(store.collection("purchases")) == 4
    store.close()
