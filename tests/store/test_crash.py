"""Crash safety: SIGKILL a writing child, and a child rotating the data key, at random moments.

Each round the parent reopens the store: it must open cleanly, hold every write
the child had reported as returned, keep every transaction whole, and every
record must be intact (its payload matches the digest written beside it).
"""

from __future__ import annotations

import hashlib
import json
import random
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from pds.store import Store

from .storekit import contents, create_store, open_store, purchase, start_child


def read_ready(child: subprocess.Popen[str], timeout: float = 30.0) -> None:
    assert child.stdout is not None
    deadline = time.monotonic() + timeout
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        _, err = child.communicate()
        raise AssertionError(f"child did not start: {line!r} {err}")
    assert time.monotonic() < deadline


def kill_after(child: subprocess.Popen[str], delay: float) -> list[str]:
    """SIGKILL ``child`` after ``delay`` seconds; return the complete lines it had printed."""
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, f"child ended on its own: {child.returncode}"
    return [line for line in out.split("\n") if line]  # a line is written whole or not at all


def kill_now(child: subprocess.Popen[str]) -> bool:
    """SIGKILL ``child`` at once; True if it was still running (it really was killed)."""
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    return child.returncode == -signal.SIGKILL


def check_intact(store: Store) -> dict[str, dict[str, Any]]:
    records = {r["id"]: r for r in store.collection("purchases").scan()}
    txns: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records.values():
        if "payload" not in record:
            continue
        assert hashlib.sha256(record["payload"].encode()).hexdigest() == record["digest"]
        if record["txn"]:
            txns[record["txn"]].append(record)
    for txn, members in txns.items():
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
