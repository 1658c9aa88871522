"""Crash safety: SIGKILL a writing child, a bulk-writing child (pending batches and
checkpoints) and a child rotating the data key, at random moments.

Each round the parent reopens the store: it must open cleanly, hold every write
the child had reported as returned, keep every transaction whole, and every
record must be intact (its payload matches the digest written beside it).
"""

from __future__ import annotations

import array
import fcntl
import hashlib
import json
import os
import random
import select
import signal
import subprocess
import termios
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from pds.store import Store

from .storekit import (
    child_args,
    child_env,
    contents,
    create_store,
    data_files,
    open_store,
    purchase,
    start_child,
)


def read_ready(child: subprocess.Popen[str], timeout: float = 30.0) -> None:
    """Wait for the child's ``ready`` line, and take nothing more from its stdout.

    The line is read byte by byte from the pipe's file descriptor: ``readline`` on
    ``child.stdout`` would read whatever the pipe holds (lines the child printed after
    ``ready``, if the parent was slow to run) into a Python buffer, and ``communicate``
    in ``kill_after`` reads the descriptor, not that buffer: those lines would be lost.
    """
    assert child.stdout is not None
    fd = child.stdout.fileno()
    deadline = time.monotonic() + timeout
    line = b""
    while not line.endswith(b"\n"):
        readable, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        byte = os.read(fd, 1) if readable else b""
        if not byte:  # timed out, or the child died
            break
        line += byte
    if line.strip() != b"ready":
        child.kill()
        _, err = child.communicate()
        raise AssertionError(f"child did not start: {line!r} {err}")


def kill_after(child: subprocess.Popen[str], delay: float) -> list[str]:
    """SIGKILL ``child`` after ``delay`` seconds; return the complete lines it had printed."""
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"child ended on its own: {child.returncode}"
    return [line for line in out.split("\n") if line]  # a line is written whole or not at all


def wait_for_output(child: subprocess.Popen[str], size: int, timeout: float = 30.0) -> None:
    """Wait until the child's stdout pipe holds at least ``size`` unread bytes."""
    assert child.stdout is not None
    unread = array.array("i", [0])
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fcntl.ioctl(child.stdout.fileno(), termios.FIONREAD, unread)
        if unread[0] >= size:
            return
        time.sleep(0.005)
    raise AssertionError(f"the child printed {unread[0]} bytes, not {size}")


def kill_now(child: subprocess.Popen[str]) -> bool:
    """SIGKILL ``child`` at once; True if it was still running (it really was killed)."""
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    return child.returncode == -signal.SIGKILL


def check_intact(store: Store, changed: set[str] = frozenset()) -> dict[str, dict[str, Any]]:
    """The records, checked; transactions in ``changed`` had members deleted or replaced."""
    records = {r["id"]: r for r in store.collection("purchases").scan()}
    txns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records.values():
        if "payload" not in record:
            continue
        assert hashlib.sha256(record["payload"].encode()).hexdigest() == record["digest"]
        if record["txn"]:
            txns[record["txn"]].append(record)
    for txn, members in txns.items():
        if txn not in changed:
            assert len(members) == members[0]["txn_size"], f"transaction {txn} is not whole"
    purchases = store.collection("purchases")
    assert purchases.count() == len(records)
    # the index agrees with the shards
    assert sorted(r["id"] for r in purchases.query()) == sorted(records)
    for vendor in {r.get("vendor_id") for r in records.values()}:
        expected = sorted(i for i, r in records.items() if r.get("vendor_id") == vendor)
        assert sorted(r["id"] for r in purchases.query(where={"vendor_id": vendor})) == expected
    return records


@pytest.mark.slow
def test_sigkill_while_writing_loses_no_returned_write(home: Path) -> None:
    rng = random.Random(20261122)
    create_store(home).close()
    acknowledged: set[str] = set()
    delays = [0.0, 0.02, 0.08, 0.15, 0.3, 0.5, 0.8, rng.uniform(0, 1)]
    for seed, delay in enumerate(delays):
        child = start_child(home, "writer", seed=seed)
        read_ready(child)
        printed = kill_after(child, delay)
        acknowledged.update(printed)

        store = open_store(home)
        try:
            records = check_intact(store)
            missing = acknowledged - set(records)
            assert not missing, f"round {seed}: {len(missing)} returned writes lost"
            assert not list(home.rglob("*.tmp"))
        finally:
            store.close()
    assert len(acknowledged) > 50  # the child did get to write


def rotation_store(home: Path) -> dict[str, dict[str, Any]]:
    store = create_store(home, shard_capacity=4)
    store.collection("purchases").insert_many(
        purchase(date=f"20{20 + i % 6}-{i % 12 + 1:02d}-01", n=i) for i in range(1200)
    )
    store.collection("notes").insert_many({"text": f"note {i}"} for i in range(20))
    for i in range(25):
        store.audit.append({"action": "seed", "i": i})
    expected = contents(store)
    store.checkpoint()  # every shard a file of its own, for the rotation to go through
    store.close()
    return expected


def file_generations(home: Path) -> set[int]:
    return {int.from_bytes(p.read_bytes()[5:9], "big") for p in (home / "data").glob("*.pds")}


def key_generations(home: Path) -> tuple[int, list[str]]:
    header = json.loads((home / "store.json").read_text())
    return header["current_key"], sorted(header["keys"]["data"])


@pytest.mark.slow
def test_sigkill_during_rotate_key(home: Path) -> None:
    expected = rotation_store(home)
    files = len(list((home / "data").glob("*.pds")))
    assert files > 250
    rng = random.Random(7)

    generation, killed, mixed = 1, 0, 0
    for round_ in range(6):
        child = start_child(home, "rotate")
        read_ready(child)
        assert child.stdout is not None
        # kill at a random point of the rotation: after the k-th file reported done
        target = [1, files + 2][round_] if round_ < 2 else rng.randint(2, files + 1)
        for line in child.stdout:
            assert line.startswith("progress"), line
            done, total = map(int, line.split()[1:])
            if done >= target:
                break
        killed += kill_now(child)
        mixed += len(file_generations(home)) > 1

        current, _ = key_generations(home)
        assert current == generation + 1  # the new key was recorded before any file changed

        store = open_store(home)  # finishes the rotation
        try:
            assert contents(store) == expected
            assert store.stats().key_generation == generation + 1
            assert store.audit.verify() == 25
        finally:
            store.close()
        generation += 1
        assert key_generations(home) == (generation, [str(generation)])
        assert total >= files
    assert killed >= 4  # most rounds did die inside the rotation
    assert mixed >= 3  # ...leaving files under both keys


@pytest.mark.slow
def test_sigkill_before_or_during_rotate_key_start(home: Path) -> None:
    """Killed at any instant from the very start: old key or new, never a broken store."""
    expected = rotation_store(home)
    rng = random.Random(11)
    for _ in range(4):
        before, _ = key_generations(home)
        child = start_child(home, "rotate")
        read_ready(child)
        kill_after(child, rng.uniform(0, 0.05))
        store = open_store(home)
        try:
            assert contents(store) == expected
            assert store.stats().key_generation in (before, before + 1)
        finally:
            store.close()
        current, keys = key_generations(home)
        assert keys == [str(current)]


BULK_OPTIONS = {
    "batch_records": 8,
    "checkpoint_records": 120,
    "close_checkpoint_records": 0,
    "shard_capacity": 8,
}


@pytest.mark.slow
def test_sigkill_while_bulk_writing_keeps_every_returned_write(home: Path) -> None:
    """Pending batches, checkpoints, deletes and moves between shards, killed at random."""
    rng = random.Random(20261123)
    create_store(home).close()
    inserted: set[str] = set()
    deleted: set[str] = set()
    versions: dict[str, int] = {}
    touched: set[str] = set()  # transactions with a member deleted or replaced
    doomed: set[str] = set()  # records whose delete had begun
    delays = [0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, rng.uniform(0, 1), rng.uniform(0, 1)]
    pending_seen = 0
    for seed, delay in enumerate(delays):
        child = start_child(home, "bulk_writer", seed=seed, options=BULK_OPTIONS)
        read_ready(child)
        for line in kill_after(child, delay):
            if line.startswith("touch "):
                _, txn, rid, action = line.split()
                touched.add(txn)
                if action == "del":
                    doomed.add(rid)
            elif line.startswith("del "):
                deleted.add(line.split()[1])
            elif line.startswith("upd "):
                _, rid, version = line.split()
                versions[rid] = max(versions.get(rid, 0), int(version))
            else:
                inserted.add(line)

        store = open_store(home, **BULK_OPTIONS)
        try:
            pending_seen += store.stats().pending_batches
            records = check_intact(store, touched)
            missing = inserted - doomed - set(records)
            assert not missing, f"round {seed}: {len(missing)} returned inserts lost"
            back = deleted & set(records)
            assert not back, f"round {seed}: {len(back)} deleted records came back"
            stale = [
                rid
                for rid, v in versions.items()
                if rid not in doomed and records[rid].get("version", 0) < v
            ]
            assert not stale, f"round {seed}: {len(stale)} replacements lost"
            assert not list(home.rglob("*.tmp"))
        finally:
            store.close()  # checkpoints what was replayed
    assert len(inserted) > 200 and deleted and versions  # the child did get to work
    assert pending_seen  # some rounds did die with batches pending


def test_lines_printed_before_the_parent_reads_ready_are_not_lost(home: Path) -> None:
    """On a loaded machine the parent may read ``ready`` late, when the child has gone on
    printing (ids, ``touch`` lines): ``kill_after`` must still return all of them, or the
    bookkeeping misses a begun delete and a whole store looks torn."""
    create_store(home).close()
    child = start_child(home, "bulk_writer", seed=0, options=BULK_OPTIONS)
    wait_for_output(child, 4096)  # ready, then a few transactions, deletes, replacements
    read_ready(child)
    lines = kill_after(child, 0.0)
    touched = {line.split()[1] for line in lines if line.startswith("touch ")}
    assert "b0-1" in touched  # its first delete was printed right after its ids
    ids = {line for line in lines if " " not in line}
    doomed = {line.split()[2] for line in lines if line.startswith("touch ")}
    store = open_store(home, **BULK_OPTIONS)
    try:
        records = check_intact(store, touched)
        assert len(ids) >= 37 and not ids - doomed - set(records)
    finally:
        store.close()


@pytest.mark.parametrize("renames", [-1, 0, 1, 3])
def test_process_dying_inside_a_checkpoint(home: Path, renames: int) -> None:
    """Killed after the scratch files (batches stay pending) or after the journal
    (recovery finishes the checkpoint): every record is there either way."""
    create_store(home).close()
    batches = [
        [purchase(date=f"20{20 + b}-{m:02d}-01", n=100 * b + m) for m in range(1, 13)]
        for b in range(3)
    ]
    result = subprocess.run(
        child_args(
            home, "exit_in_checkpoint", batches=batches, renames=renames, options=BULK_OPTIONS
        ),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert result.returncode == 17, result.stderr
    assert result.stdout.split("\n")[0] == "pending 3" and "checkpointed" not in result.stdout

    store = open_store(home, close_checkpoint_records=0)
    try:
        purchases = store.collection("purchases")
        assert sorted(r["n"] for r in purchases.scan()) == sorted(
            r["n"] for batch in batches for r in batch
        )
        assert store.stats().pending_batches == (3 if renames < 0 else 0)
        assert not list(home.rglob("*.tmp"))
    finally:
        store.close()
    assert len(data_files(home)) == 36  # one shard per month, no batch left
