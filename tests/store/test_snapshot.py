"""Online snapshots: consistent under concurrent writes, whole or absent after a kill,
verified read-only, pruned by count (``pds/store/snapshot.py`` and its neighbours)."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from pathlib import Path

import pytest

from pds.errors import (
    Conflict,
    IntegrityError,
    StoreNotFound,
    ValidationFailed,
    WrongPassphrase,
)
from pds.store import Store, swap
from pds.store.replacement import replacing
from pds.store.snapshot_check import snapshot_at, verify_snapshot
from pds.store.snapshots import PARTIAL, prune, snapshots_in

from .storekit import (
    PASSPHRASE,
    contents,
    create_store,
    open_store,
    purchase,
    snapshot,
    start_child,
)


@pytest.fixture
def backups(tmp_path: Path) -> Path:
    return tmp_path / "backups"


def _fill(store: Store, months: int = 6, per_month: int = 20) -> None:
    purchases = store.collection("purchases")
    for month in range(1, months + 1):
        with store.transaction():
            for day in range(per_month):
                purchases.insert(purchase(f"2024-{month:02d}-{day % 28 + 1:02d}"))
    store.collection("notes").insert({"text": "a note"})
    store.log_event({"actor": "owner", "action": "test.filled"})


def test_a_snapshot_opens_on_its_own_with_every_record(store: Store, backups: Path) -> None:
    _fill(store)
    store.collection("purchases").insert_many([purchase("2023-05-01") for _ in range(30)])
    info = store.snapshot(backups)
    assert info.path.parent == backups and not info.path.name.endswith(PARTIAL)
    expected = contents(store)
    with open_store(info.path) as copy:
        assert contents(copy) == expected
        assert len(copy.audit) == len(store.audit) == info.audit_entries
        copy.audit.verify()


def test_pending_batches_are_in_the_snapshot(home: Path, backups: Path) -> None:
    with create_store(home, batch_records=10) as store:
        store.collection("purchases").insert_many([purchase("2022-01-02") for _ in range(25)])
        assert store.stats().pending_batches == 1
        info = store.snapshot(backups)
        expected = contents(store)
    with open_store(info.path) as copy:
        assert contents(copy) == expected


def test_every_write_acknowledged_before_the_snapshot_began_is_in_it(
    store: Store, backups: Path
) -> None:
    purchases = store.collection("purchases")
    acknowledged: list[str] = []
    stop = threading.Event()

    def hammer() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            if n % 5:
                record = purchases.insert(purchase(f"2024-{n % 12 + 1:02d}-01"))
                acknowledged.append(record["id"])
            else:
                with store.transaction():  # a journaled commit of several shards
                    ids = [purchases.insert(purchase(f"2021-{m:02d}-03"))["id"] for m in (1, 7)]
                acknowledged.extend(ids)

    writer = threading.Thread(target=hammer)
    writer.start()
    try:
        taken = []
        for _ in range(3):
            while len(acknowledged) < 50 * (len(taken) + 1):
                stop.wait(0.005)
            before = set(acknowledged)
            taken.append((before, store.snapshot(backups)))
    finally:
        stop.set()
        writer.join()
    written = set(acknowledged)
    for before, info in taken:
        with open_store(info.path) as copy:
            held = set(contents(copy)["purchases"])
            copy.audit.verify()
        assert before <= held  # acknowledged before it began: in it
        assert held <= written  # nothing that was never written
        verify_snapshot(info.path, PASSPHRASE)


def test_verify_checks_a_snapshot_without_writing_to_it(store: Store, backups: Path) -> None:
    _fill(store)
    info = store.snapshot(backups)
    before = snapshot(info.path)
    check = verify_snapshot(info.path, PASSPHRASE)
    assert snapshot(info.path) == before
    assert check.audit_entries == len(store.audit)
    assert check.files == info.files and check.bytes == info.bytes
    assert snapshot_at(backups) == info.path  # a directory of snapshots: the latest


@pytest.mark.parametrize("where", ["data", "audit/log.pds", "store.json"])
def test_verify_detects_a_flipped_byte(store: Store, backups: Path, where: str) -> None:
    _fill(store)
    info = store.snapshot(backups)
    target = next(info.path.glob("data/*.pds")) if where == "data" else info.path / where
    raw = bytearray(target.read_bytes())
    raw[len(raw) - 20] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(IntegrityError):
        verify_snapshot(info.path, PASSPHRASE)
    store.audit.verify()  # the store itself is untouched


def test_verify_detects_a_missing_and_an_extra_file(store: Store, backups: Path) -> None:
    _fill(store)
    info = store.snapshot(backups)
    victim = sorted(info.path.glob("data/*.pds"))[0]
    kept = victim.read_bytes()
    victim.unlink()
    with pytest.raises(IntegrityError, match="missing"):
        verify_snapshot(info.path, PASSPHRASE)
    victim.write_bytes(kept)
    (info.path / "data" / "extra.pds").write_bytes(kept)
    with pytest.raises(IntegrityError, match="not part of the snapshot"):
        verify_snapshot(info.path, PASSPHRASE)


def test_verify_refuses_a_wrong_passphrase_and_a_directory_without_snapshots(
    store: Store, backups: Path, tmp_path: Path
) -> None:
    info = store.snapshot(backups)
    with pytest.raises(WrongPassphrase):
        verify_snapshot(info.path, "not the passphrase")
    with pytest.raises(StoreNotFound):
        snapshot_at(tmp_path / "empty")


def test_one_snapshot_at_a_time(store: Store, backups: Path) -> None:
    entered, release = threading.Event(), threading.Event()
    errors: list[Exception] = []

    def slow(done: int, total: int) -> None:
        entered.set()
        release.wait(10)

    first = threading.Thread(target=lambda: store.snapshot(backups / "a", slow))
    first.start()
    entered.wait(10)
    try:
        store.snapshot(backups / "b")
    except Conflict as exc:
        errors.append(exc)
    release.set()
    first.join()
    assert len(errors) == 1
    assert len(snapshots_in(backups / "a")) == 1


def test_a_kill_during_a_snapshot_leaves_the_store_and_earlier_snapshots_whole(
    home: Path, backups: Path
) -> None:
    with create_store(home) as store:
        _fill(store, months=12)
        earlier = store.snapshot(backups)
        expected = contents(store)
    store_files = snapshot(home, skip=("store.lock",))
    earlier_files = snapshot(earlier.path)
    child = start_child(home, "snapshot", target=str(backups), pause_after=3)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        for _ in range(3):
            assert child.stdout.readline().startswith("progress")
        (partial,) = [p for p in backups.iterdir() if p.name.endswith(PARTIAL)]
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    assert snapshots_in(backups) == [earlier.path]  # the partial one is not a snapshot
    assert snapshot(earlier.path) == earlier_files
    assert snapshot(home, skip=("store.lock",)) == store_files
    verify_snapshot(earlier.path, PASSPHRASE)
    with open_store(home) as store:
        assert contents(store) == expected
        later = store.snapshot(backups)
    assert not partial.exists()  # the next snapshot cleaned it up
    assert snapshots_in(backups) == [earlier.path, later.path]


def test_prune_keeps_the_newest_of_this_store_only(
    store: Store, backups: Path, tmp_path: Path
) -> None:
    taken = [store.snapshot(backups).path for _ in range(3)]
    with create_store(tmp_path / "other") as other:
        foreign = other.snapshot(backups).path
    unrelated = backups / "notes"
    unrelated.mkdir()
    removed = prune(backups, store.vault.store_id, keep=2)
    assert removed == taken[:1]
    assert snapshots_in(backups, store.vault.store_id) == taken[1:]
    assert foreign.exists() and unrelated.exists()


def test_a_snapshot_copies_ciphertext_only(store: Store, backups: Path) -> None:
    store.collection("notes").insert({"text": "secret-marker-7f3a"})
    info = store.snapshot(backups)
    for path in info.path.rglob("*"):
        if path.is_file():
            assert b"secret-marker-7f3a" not in path.read_bytes()
    shutil.rmtree(info.path)


def test_a_partial_killed_before_its_header_is_cleaned_up_too(store: Store, backups: Path) -> None:
    orphan = backups / f"20260101T000000.000Z{PARTIAL}"
    orphan.mkdir(parents=True)
    unrelated = backups / "keep.partial"  # not named like a snapshot: left alone
    unrelated.mkdir()
    store.snapshot(backups)
    assert not orphan.exists() and unrelated.exists()


def test_snapshots_never_go_inside_the_store(store: Store, home: Path) -> None:
    with pytest.raises(ValidationFailed):
        store.snapshot(home / "backups")
    assert not (home / "backups").exists()


def test_a_snapshot_waits_for_a_replacement_to_be_swapped_in(
    store: Store, backups: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill(store, months=2)
    taken: list[Path] = []
    waited: list[bool] = []
    real_commit = swap.commit

    def commit(home: Path) -> None:
        snapshotting = threading.Thread(target=lambda: taken.append(store.snapshot(backups).path))
        snapshotting.start()
        snapshotting.join(0.3)
        waited.append(snapshotting.is_alive())  # it waits for the store's lock
        real_commit(home)
        threads.append(snapshotting)

    threads: list[threading.Thread] = []
    monkeypatch.setattr(swap, "commit", commit)
    with replacing(store) as fresh:
        fresh.collection("notes").insert({"text": "the new contents"})
    threads[0].join(10)
    assert waited == [True]
    with open_store(taken[0]) as copy:
        assert contents(copy) == contents(store)
        assert [r["text"] for r in copy.collection("notes").scan()] == ["the new contents"]
