"""The audit log: append, filtered pages, verification, tamper evidence, crash repair."""

from __future__ import annotations

import shutil
from itertools import pairwise
from pathlib import Path

import pytest

from pds.errors import IntegrityError
from pds.store import AuditEntry, Store

from .storekit import cheap_kdf, create_store, open_store, snapshot

LOG = "audit/log.pds"


def fill(store: Store, n: int = 12) -> list[AuditEntry]:
    return [
        store.audit.append({"action": "read", "vendor": f"v{i % 3}", "i": i, "pad": "x" * (i % 4)})
        for i in range(n)
    ]


def test_append_returns_chained_entries(store: Store) -> None:
    entries = fill(store, 5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev == "0" * 64
    for older, newer in pairwise(entries):
        assert newer.prev == older.hash
    assert entries[2].event == {"action": "read", "vendor": "v2", "i": 2, "pad": "xx"}
    assert entries[0].at.endswith("+00:00")
    assert len(store.audit) == 5 and store.audit.verify() == 5


def test_entries_survive_reopen(store: Store, reopen) -> None:
    entries = fill(store)
    store = reopen(store)
    assert list(store.audit.entries(descending=False)) == entries
    assert store.audit.verify() == 12
    more = store.audit.append({"action": "after reopen"})
    assert more.seq == 13 and more.prev == entries[-1].hash


def test_pages_filter_and_continue(store: Store) -> None:
    entries = fill(store, 30)
    v1 = [e for e in reversed(entries) if e.event["vendor"] == "v1"]

    pages, before = [], None
    while True:
        page = store.audit.page(match=lambda ev: ev["vendor"] == "v1", before=before, limit=3)
        if not page:
            break
        assert len(page) <= 3
        pages.append(page)
        before = page[-1].seq
    assert [e for page in pages for e in page] == v1  # newest first, each once

    assert store.audit.page(limit=2) == [entries[-1], entries[-2]]
    assert store.audit.page(before=3, limit=10) == [entries[1], entries[0]]
    assert store.audit.page(before=1) == []
    assert list(store.audit.entries(descending=False)) == entries


def test_empty_log(store: Store, reopen) -> None:
    assert store.audit.verify() == 0 and store.audit.page() == []
    store = reopen(store)
    assert len(store.audit) == 0


def closed_store_with_log(home: Path, n: int = 6) -> tuple[list[AuditEntry], list[int]]:
    store = create_store(home)
    entries = fill(store, n)
    offsets = list(store.audit._offsets)
    store.close()
    return entries, offsets


def expect_detected(home: Path) -> IntegrityError:
    before = snapshot(home, skip=("store.lock",))
    with pytest.raises(IntegrityError) as caught:
        store = open_store(home)
        try:
            store.audit.verify()
        finally:
            store.close()
    assert caught.value.details["file"].startswith("audit/")
    assert snapshot(home, skip=("store.lock",)) == before  # damage is reported, never "repaired"
    return caught.value


def test_removing_the_last_entry_is_detected(home: Path) -> None:
    _, offsets = closed_store_with_log(home)
    log = home / LOG
    with log.open("r+b") as handle:
        handle.truncate(offsets[-1])  # cut at a record boundary: a well-formed shorter log
    error = expect_detected(home)
    assert "missing" in str(error) and error.details["file"] == LOG


def test_removing_the_first_entries_is_detected(home: Path) -> None:
    _, offsets = closed_store_with_log(home)
    log = home / LOG
    raw = log.read_bytes()
    log.write_bytes(raw[: offsets[0]] + raw[offsets[2] :])
    expect_detected(home)


def test_altered_byte_in_an_old_entry_is_detected(home: Path) -> None:
    _, offsets = closed_store_with_log(home)
    log = home / LOG
    raw = bytearray(log.read_bytes())
    raw[offsets[2] + 30] ^= 0x10
    log.write_bytes(bytes(raw))
    error = expect_detected(home)
    assert "entry 3" in str(error)


def test_swapping_two_entries_is_detected(home: Path) -> None:
    _, offsets = closed_store_with_log(home)
    log = home / LOG
    raw = log.read_bytes()
    first, second = raw[offsets[1] : offsets[2]], raw[offsets[2] : offsets[3]]
    log.write_bytes(raw[: offsets[1]] + second + first + raw[offsets[3] :])
    expect_detected(home)


def test_deleting_the_head_file_is_detected(home: Path) -> None:
    closed_store_with_log(home)
    heads = [p for p in (home / "audit").glob("*.pds") if p.name != "log.pds"]
    assert len(heads) == 1
    heads[0].unlink()
    expect_detected(home)


def test_replacing_the_head_with_an_older_one_is_detected(home: Path) -> None:
    store = create_store(home)
    fill(store, 4)
    head = store.audit.head_path
    old_head = head.read_bytes()
    fill(store, 3)
    store.close()
    head.write_bytes(old_head)
    expect_detected(home)


def test_log_of_another_store_is_detected(tmp_path: Path) -> None:
    closed_store_with_log(tmp_path / "a")
    closed_store_with_log(tmp_path / "b")
    shutil.copyfile(tmp_path / "a" / LOG, tmp_path / "b" / LOG)
    expect_detected(tmp_path / "b")


def test_crash_mid_append_is_repaired(home: Path) -> None:
    """The state a crash leaves: a partial record at the end, the head still at the old entry."""
    store = create_store(home)
    entries = fill(store, 5)
    head = store.audit.head_path
    head_before, size_before = head.read_bytes(), (home / LOG).stat().st_size
    store.audit.append({"action": "interrupted"})
    store.close()
    for cut in (3, 8, 20):  # inside the length, inside the header, inside the ciphertext
        with (home / LOG).open("r+b") as handle:
            full = handle.read()
            handle.truncate(size_before + cut)
        head_after = head.read_bytes()
        head.write_bytes(head_before)

        store = open_store(home)
        try:
            assert (home / LOG).stat().st_size == size_before  # the partial record is gone
            assert store.audit.verify() == 5
            assert list(store.audit.entries(descending=False)) == entries
        finally:
            store.close()
        # put the completed append back for the next cut
        (home / LOG).write_bytes(full)
        head.write_bytes(head_after)

    store = open_store(home)
    try:
        assert store.audit.verify() == 6
        nxt = store.audit.append({"action": "next"})
        assert nxt.seq == 7
    finally:
        store.close()


def test_crash_after_append_before_head_update(home: Path) -> None:
    """The record is complete but the head lags one entry behind: the entry is kept."""
    store = create_store(home)
    fill(store, 3)
    head = store.audit.head_path
    old_head = head.read_bytes()
    last = store.audit.append({"action": "made it"})
    store.close()
    head.write_bytes(old_head)

    store = open_store(home)
    try:
        assert store.audit.verify() == 4
        assert store.audit.page(limit=1) == [last]
    finally:
        store.close()
    store = open_store(home)  # the head was brought up to date
    store.close()


def test_entries_survive_rotate_key_and_change_passphrase(store: Store, home: Path) -> None:
    entries = fill(store, 8)
    store.rotate_key()
    assert list(store.audit.entries(descending=False)) == entries
    store.change_passphrase("new passphrase", cheap_kdf())
    store.audit.append({"action": "after both"})
    store.close()

    reopened = open_store(home, "new passphrase")
    try:
        assert reopened.audit.verify() == 9
        assert list(reopened.audit.entries(descending=False))[:8] == entries
        assert reopened.audit.page(limit=1)[0].prev == entries[-1].hash
    finally:
        reopened.close()
