"""Concurrency: threads writing at once lose nothing; a second process is kept out."""

from __future__ import annotations

import json
import os
import random
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from pds.errors import StoreLocked
from pds.store import Store

from .storekit import child_args, child_env, contents, open_store, purchase, start_child

THREADS = 8
ROUNDS = 40


def worker(store: Store, number: int, expected: dict[str, Any], errors: list[BaseException]):
    rng = random.Random(number)
    purchases, notes = store.collection("purchases"), store.collection("notes")
    mine: dict[str, dict[str, Any]] = {}
    try:
        for step in range(ROUNDS):
            roll = rng.random()
            if roll < 0.45 or not mine:
                month = rng.randint(1, 12)
                record = purchases.insert(
                    purchase(date=f"2024-{month:02d}-01", vendor=f"w{number}", n=step)
                )
                mine[record["id"]] = record
            elif roll < 0.65:
                rid = rng.choice(list(mine))
                month = rng.randint(1, 12)  # may move the record to another shard
                mine[rid] = purchases.update(rid, {"n": step, "date": f"2024-{month:02d}-02"})
            elif roll < 0.8:
                rid = rng.choice(list(mine))
                purchases.delete(rid)
                del mine[rid]
            elif roll < 0.9:
                with store.transaction():
                    batch = [
                        purchases.insert(purchase(date=f"2023-0{k}-03", vendor=f"w{number}"))
                        for k in range(1, 4)
                    ]
                    note = notes.insert({"by": number, "step": step})
                mine.update({r["id"]: r for r in batch})
                expected.setdefault("notes", {})[note["id"]] = note
            else:
                # readers run beside the writers
                seen = purchases.query(where={"vendor_id": f"w{number}"}, limit=1000)
                assert {r["id"] for r in seen} == set(mine)
                store.audit.append({"thread": number, "step": step})
                expected.setdefault("audit", []).append(number)
    except BaseException as exc:  # pragma: no cover - reported by the test
        errors.append(exc)
    expected[f"w{number}"] = mine


def test_threads_writing_at_once_lose_nothing(store: Store, reopen) -> None:
    expected: dict[str, Any] = {}
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=worker, args=(store, n, expected, errors)) for n in range(THREADS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors

    want_purchases = {}
    for n in range(THREADS):
        want_purchases.update(expected[f"w{n}"])
    want = {"notes": expected.get("notes", {}), "purchases": want_purchases}
    assert contents(store) == want
    for n in range(THREADS):
        got = store.collection("purchases").query(where={"vendor_id": f"w{n}"})
        assert {r["id"] for r in got} == set(expected[f"w{n}"])
    audit_count = len(expected.get("audit", []))
    assert store.audit.verify() == audit_count

    store = reopen(store)
    assert contents(store) == want
    assert store.audit.verify() == audit_count
    assert len(store.collection("purchases")) == len(want_purchases)


def test_audit_appends_from_many_threads(store: Store, reopen) -> None:
    def append(n: int) -> None:
        for i in range(25):
            store.audit.append({"thread": n, "i": i})

    threads = [threading.Thread(target=append, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.audit.verify() == 150
    seqs = [e.seq for e in store.audit.entries(descending=False)]
    assert seqs == list(range(1, 151))
    store = reopen(store)
    assert store.audit.verify() == 150
    assert sorted((e.event["thread"], e.event["i"]) for e in store.audit.entries()) == sorted(
        (n, i) for n in range(6) for i in range(25)
    )


def run_open_child(home: Path, **options: Any) -> dict[str, Any]:
    result = subprocess.run(
        child_args(home, "open", options=options),
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_second_process_is_refused_naming_the_pid(store: Store, home: Path) -> None:
    answer = run_open_child(home)
    assert answer["error"] == "store_locked"
    assert answer["details"]["pid"] == str(os.getpid())
    assert str(os.getpid()) in answer["message"]
    # the holder is unharmed
    store.collection("notes").insert({"text": "still mine"})
    assert len(store.collection("notes")) == 1


def test_second_process_waits_then_opens(store: Store, home: Path) -> None:
    child = start_child(home, "open", options={"lock_timeout": 20})
    time.sleep(0.5)
    assert child.poll() is None  # still waiting for the lock
    store.collection("notes").insert({"text": "written before letting go"})
    store.close()
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert json.loads(out.strip().splitlines()[-1]) == {"opened": True}
    reopened = open_store(home)
    try:
        assert len(reopened.collection("notes")) == 1
    finally:
        reopened.close()


def test_lock_timeout_expires(store: Store, home: Path) -> None:
    started = time.monotonic()
    answer = run_open_child(home, lock_timeout=0.4)
    assert answer["error"] == "store_locked"
    assert time.monotonic() - started >= 0.4


def test_second_open_in_the_same_process_is_refused(store: Store, home: Path) -> None:
    with pytest.raises(StoreLocked) as caught:
        open_store(home)
    assert caught.value.details["pid"] == str(os.getpid())


def test_lock_is_released_by_close_and_by_death(store: Store, home: Path) -> None:
    store.close()
    open_store(home).close()
    child = start_child(home, "writer", seed=1)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    child.kill()
    child.communicate(timeout=30)
    open_store(home).close()  # the kernel dropped the dead child's lock
