"""Benchmark of online snapshots (a script, not a test).

    .venv/bin/python tests/perf/bench_backup.py [--size 100000] [--snapshots 5]

Builds a store of purchase-like records (``bench_store``'s generator, checkpointed into
their shards), then takes snapshots while a thread writes one record per transaction
without pause, and reports: how long writers were blocked per snapshot (the time the
snapshot held the store's lock to pin the files), the whole snapshot's time, the
writer's latency during the snapshots against a quiet baseline, and the time
``verify_snapshot`` takes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.store import Store  # noqa: E402
from pds.store.crypto import ScryptParams  # noqa: E402
from pds.store.snapshot_check import verify_snapshot  # noqa: E402
from tests.perf import bench_store  # noqa: E402

PASSPHRASE = bench_store.PASSPHRASE


def percentile(samples: list[float], q: float) -> float:
    return sorted(samples)[min(len(samples) - 1, int(q * len(samples)))]


def writes(store: Store, stop: threading.Event, out: list[float], rng: random.Random) -> None:
    purchases, vendors = store.collection("purchases"), bench_store.vendor_ids()
    while not stop.is_set():
        record = bench_store.make_purchase(rng, vendors)
        began = time.perf_counter()
        purchases.insert(record)
        out.append(time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--snapshots", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pds-bench-backup-"))
    try:
        store = Store.create(
            work / "store", PASSPHRASE, specs=bench_store.SPECS, kdf=ScryptParams.fresh(n=2**14)
        )
        rng, vendors = random.Random(args.size), bench_store.vendor_ids()
        for batch in bench_store.batches(args.size, rng, vendors):
            store.collection("purchases").insert_many(batch)
        store.checkpoint()
        stats = store.stats()
        print(
            f"store: {args.size} records, {stats.files} files, {stats.bytes_on_disk / 1e6:.1f} MB"
        )
        stop, quiet, busy = threading.Event(), [], []
        writer = threading.Thread(target=writes, args=(store, stop, quiet, rng))
        writer.start()
        time.sleep(2)
        stop.set()
        writer.join()
        stop = threading.Event()
        writer = threading.Thread(target=writes, args=(store, stop, busy, rng))
        writer.start()
        blocked, total = [], []
        for _ in range(args.snapshots):
            info = store.snapshot(work / "backups")
            blocked.append(info.blocked_seconds * 1000)
            total.append(info.seconds)
        stop.set()
        writer.join()
        began = time.perf_counter()
        check = verify_snapshot(info.path, PASSPHRASE)
        verify_s = time.perf_counter() - began
        store.close()
        print(f"snapshot: {info.files} files, {info.bytes / 1e6:.1f} MB")
        print(
            f"writers blocked (ms): min {min(blocked):.1f} median "
            f"{statistics.median(blocked):.1f} max {max(blocked):.1f}"
        )
        print(f"snapshot total (s): median {statistics.median(total):.2f} max {max(total):.2f}")
        for label, samples in (("quiet", quiet), ("during snapshots", busy)):
            print(
                f"single write {label} (ms): p50 {percentile(samples, 0.5) * 1000:.1f} "
                f"p99 {percentile(samples, 0.99) * 1000:.1f} max {max(samples) * 1000:.1f} "
                f"(n={len(samples)})"
            )
        print(f"verify: {verify_s:.2f} s ({check.audit_entries} audit entries)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
