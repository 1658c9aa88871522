"""Group commit of the audit log: unsynced appends (vendor reads) are written at once,
made durable by the next sync, and survive a crash before it (they chain onto the head)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from pds.errors import IntegrityError
from pds.store import Store
from pds.store.audit import SYNC_DELAY

from .storekit import create_store, open_store


def crash_copy(store: Store, home: Path, to: Path) -> Path:
    """The store's directory as a crash at this moment would leave it (no close, no sync)."""
    shutil.copytree(home, to, ignore=shutil.ignore_patterns("store.lock"))
    return to


def test_unsynced_entries_are_readable_at_once_and_synced_soon(store: Store) -> None:
    store.audit.append({"action": "grant.allow"})
    store.audit.append({"action": "api.call", "n": 1}, sync=False)
    last = store.audit.append({"action": "api.call", "n": 2}, sync=False)
    assert store.audit.page(limit=1) == [last]
    assert store.audit._read_head()[2] is True  # open tail recorded before the first one
    time.sleep(SYNC_DELAY * 4)
    seq, digest, open_tail = store.audit._read_head()
    assert (seq, digest, open_tail) == (3, last.hash, False)


def test_a_durable_append_syncs_the_unsynced_ones(store: Store) -> None:
    store.audit.append({"action": "api.call"}, sync=False)
    last = store.audit.append({"action": "grant.revoke"})
    assert store.audit._read_head() == (2, last.hash, False)


def test_close_syncs(home: Path) -> None:
    store = create_store(home)
    store.audit.append({"action": "api.call"}, sync=False)
    store.audit.close()
    assert store.audit._read_head()[::2] == (1, False)
    store.close()


def test_crash_before_the_sync_keeps_the_chained_tail(
    store: Store, home: Path, tmp_path: Path
) -> None:
    store.audit.append({"action": "grant.allow"})
    tail = [store.audit.append({"action": "api.call", "n": n}, sync=False) for n in range(5)]
    copy = crash_copy(store, home, tmp_path / "crashed")
    reopened = open_store(copy)
    try:
        assert reopened.audit.verify() == 6
        assert reopened.audit.page(limit=5)[::-1] == tail
        assert reopened.audit._read_head()[::2] == (6, False)  # brought up to date
    finally:
        reopened.close()


def test_a_forged_tail_is_still_detected(store: Store, home: Path, tmp_path: Path) -> None:
    store.audit.append({"action": "grant.allow"})
    for n in range(3):
        store.audit.append({"action": "api.call", "n": n}, sync=False)
    copy = crash_copy(store, home, tmp_path / "crashed")
    log = copy / "audit" / "log.pds"
    raw = bytearray(log.read_bytes())
    raw[-5] ^= 0x01  # flip a byte in the last (unsynced) entry
    log.write_bytes(bytes(raw))
    with pytest.raises(IntegrityError):
        open_store(copy).close()
