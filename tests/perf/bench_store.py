"""Benchmark of the encrypted store (a script, not a test).

    .venv/bin/python tests/perf/bench_store.py [--sizes 1000,10000,100000,1000000] [--out FILE]

For each size it builds a store of purchase-like records in a temporary directory
and measures, each phase in a fresh process so that sizes do not pollute each other:

- build process: bulk insert rate (``insert_many``, 10k records per transaction; each
  call returns once its records are durable), and the same rate with the ``close``
  that follows counted in (it checkpoints pending batches into their shards when
  10,000 or more records are pending; fewer are replayed by the next open, which the
  open phase then measures);
- open process: scrypt time alone, open/unlock time (close and reopen, median of 3,
  production KDF parameters), query latency (one random vendor's purchases in a
  random 3-month range, page of 50, newest first), resident memory after open and
  queries, then single-write latency (one new record per ``insert``, each durable),
  and the size on disk.

It prints a table and, with ``--out``, writes the results as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.store import CollectionSpec, Store, new_id  # noqa: E402
from pds.store.crypto import derive_kek  # noqa: E402
from pds.store.header import read_header  # noqa: E402

PASSPHRASE = "benchmark passphrase"
BATCH = 10_000
SINGLE_WRITES = 200
QUERIES = 200
OPENS = 3
VENDORS = 200
YEARS = 10
FIRST_DAY = dt.date(2016, 1, 1)
DAYS = 365 * YEARS

# The purchases collection as pds.services.collections declares it.
SPECS = (
    CollectionSpec(
        "purchases",
        order_by="date",
        shard_by="date",
        indexes=("vendor_id", "category", "tags", "source", "status"),
    ),
)
CATEGORIES = ["groceries", "electronics", "travel", "books", "clothing", "home", "health", "fun"]
TAGS = ["gift", "work", "repeat", "warranty", "online", "local", "sale", "subscription"]
PRODUCTS = ["coffee beans", "usb cable", "train ticket", "novel", "rain jacket", "lamp", "vitamins"]


def vendor_ids(seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [
        f"{rng.getrandbits(32):08x}-0000-7000-8000-{rng.getrandbits(48):012x}"
        for _ in range(VENDORS)
    ]


def make_purchase(rng: random.Random, vendors: list[str]) -> dict[str, Any]:
    date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    items = []
    total = 0
    for _ in range(rng.randint(1, 3)):
        cents = rng.randint(99, 25_000)
        quantity = rng.randint(1, 4)
        total += cents * quantity
        items.append(
            {
                "description": rng.choice(PRODUCTS),
                "quantity": str(quantity),
                "unit_price": f"{cents // 100}.{cents % 100:02d}",
                "currency": "EUR",
                "sku": f"SKU-{rng.randint(1000, 99999)}",
            }
        )
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {
        "id": new_id(),
        "vendor_id": rng.choice(vendors),
        "date": date.isoformat(),
        "order_ref": f"ORD-{rng.randint(10**6, 10**7)}",
        "items": items,
        "total": f"{total // 100}.{total % 100:02d}",
        "currency": "EUR",
        "category": rng.choice(CATEGORIES),
        "tags": rng.sample(TAGS, rng.randint(0, 3)),
        "source": rng.choice(["owner", "owner", "import", "vendor:" + rng.choice(vendors)]),
        "status": "reviewed",
        "created_at": now,
        "updated_at": now,
    }


def batches(n: int, rng: random.Random, vendors: list[str]) -> Iterator[list[dict[str, Any]]]:
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        yield [make_purchase(rng, vendors) for _ in range(size)]
        done += size


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def disk_bytes(home: Path) -> int:
    return sum(p.stat().st_size for p in home.rglob("*") if p.is_file())


# -- the two phases, each run in its own process ------------------------------------


def phase_build(home: Path, size: int) -> dict[str, Any]:
    rng, vendors = random.Random(size), vendor_ids()
    store = Store.create(home, PASSPHRASE, specs=SPECS)  # production KDF, default options
    purchases = store.collection("purchases")
    spent = 0.0
    for batch in batches(size, rng, vendors):
        started = time.perf_counter()
        purchases.insert_many(batch)  # durable when it returns (a pending batch file)
        spent += time.perf_counter() - started
    assert len(purchases) == size
    pending = store.stats().pending_records
    started = time.perf_counter()
    store.close()  # checkpoints pending batches of 10k records or more into their shards
    closing = time.perf_counter() - started
    return {
        "bulk_rate": size / spent,
        "bulk_seconds": spent,
        "bulk_rate_closed": size / (spent + closing),
        "close_seconds": closing,
        "pending_at_close": pending,
    }


def phase_open(home: Path, size: int) -> dict[str, Any]:
    import psutil

    header = read_header(home)
    kdf_times = []
    for _ in range(OPENS):
        started = time.perf_counter()
        derive_kek(PASSPHRASE, header.kdf)
        kdf_times.append(time.perf_counter() - started)

    open_times = []
    for attempt in range(OPENS):
        started = time.perf_counter()
        store = Store.open(home, PASSPHRASE, specs=SPECS)
        open_times.append(time.perf_counter() - started)
        if attempt < OPENS - 1:
            store.close()
    purchases = store.collection("purchases")
    assert len(purchases) == size

    rng, vendors = random.Random(size + 1), vendor_ids()
    query_times, hits = [], 0
    for _ in range(QUERIES):
        vendor = rng.choice(vendors)
        first = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS - 92))
        start, end = first.isoformat(), (first + dt.timedelta(days=91)).isoformat()
        started = time.perf_counter()
        page = purchases.query(
            where={"vendor_id": vendor}, start=start, end=end, descending=True, limit=50
        )
        query_times.append(time.perf_counter() - started)
        hits += len(page)
    rss = psutil.Process().memory_info().rss

    write_times = []
    for _ in range(SINGLE_WRITES):
        record = make_purchase(rng, vendors)
        started = time.perf_counter()
        purchases.insert(record)
        write_times.append(time.perf_counter() - started)
    stats = store.stats()
    store.close()
    return {
        "kdf_seconds": statistics.median(kdf_times),
        "open_seconds": statistics.median(open_times),
        "open_all": open_times,
        "query_p50_ms": percentile(query_times, 0.5) * 1000,
        "query_p95_ms": percentile(query_times, 0.95) * 1000,
        "query_mean_hits": hits / QUERIES,
        "rss_bytes": rss,
        "write_p50_ms": percentile(write_times, 0.5) * 1000,
        "write_p95_ms": percentile(write_times, 0.95) * 1000,
        "disk_bytes": disk_bytes(home),
        "files": stats.files,
        "cached_records": stats.cached_records,
    }


def run_phase(phase: str, home: Path, size: int) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--phase", phase, "--home", str(home), "--sizes", str(size)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{phase} phase for {size} records failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench(size: int, workdir: Path, keep: bool) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"pds-bench-{size}-", dir=workdir)) / "store"
    try:
        started = time.perf_counter()
        result = {"size": size, **run_phase("build", home, size)}
        result.update(run_phase("open", home, size))
        result["wall_seconds"] = time.perf_counter() - started
        return result
    finally:
        if not keep:
            shutil.rmtree(home.parent, ignore_errors=True)


# -- reporting ----------------------------------------------------------------------


def human(n: int) -> str:
    return f"{n // 1_000_000}M" if n >= 1_000_000 else f"{n // 1000}k" if n >= 1000 else str(n)


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| records | bulk insert (rec/s) | bulk incl. close (rec/s) "
        "| single write p50 / p95 (ms) | query p50 / p95 (ms) "
        "| open (s) | of which scrypt (s) | RSS after open+queries (MB) | on disk (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {human(r['size'])} | {r['bulk_rate']:,.0f} | {r['bulk_rate_closed']:,.0f} "
            f"| {r['write_p50_ms']:.1f} / {r['write_p95_ms']:.1f} "
            f"| {r['query_p50_ms']:.2f} / {r['query_p95_ms']:.2f} "
            f"| {r['open_seconds']:.2f} | {r['kdf_seconds']:.2f} "
            f"| {r['rss_bytes'] / 2**20:,.0f} | {r['disk_bytes'] / 2**20:,.1f} |"
        )
    return "\n".join(lines)


def targets(results: list[dict[str, Any]]) -> list[tuple[str, str, bool | None]]:
    by = {r["size"]: r for r in results}
    small, large = by.get(1000), by.get(1_000_000)
    checks: list[tuple[str, str, bool | None]] = []
    if small and large:
        ratio = large["write_p50_ms"] / small["write_p50_ms"]
        checks.append(
            (
                "single-write p50 at 1M within 2x of 1k",
                f"{large['write_p50_ms']:.1f} ms vs {small['write_p50_ms']:.1f} ms ({ratio:.2f}x)",
                ratio <= 2,
            )
        )
    if large:
        checks.append(
            (
                "query p50 at 1M <= 50 ms",
                f"{large['query_p50_ms']:.2f} ms",
                large["query_p50_ms"] <= 50,
            )
        )
    for key, what in (
        ("bulk_rate_closed", "incl. close (judged)"),
        ("bulk_rate", "durable inserts only"),
    ):
        slowest = min(results, key=lambda r: r[key])
        checks.append(
            (
                f"bulk insert >= 20,000 records/s, {what}",
                f"{slowest[key]:,.0f} rec/s (slowest, at {human(slowest['size'])})",
                slowest[key] >= 20_000,
            )
        )
    if 100_000 in by:
        seconds = by[100_000]["open_seconds"]
        checks.append(("open of a 100k store <= 2 s", f"{seconds:.2f} s", seconds <= 2))
    if large:
        mb = large["rss_bytes"] / 2**20
        checks.append(("RSS at 1M <= 1.5 GB", f"{mb:,.0f} MB", mb <= 1536))
    return checks


def machine() -> dict[str, Any]:
    import psutil

    return {
        "date": dt.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated counts")
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--keep", action="store_true", help="keep the stores built")
    parser.add_argument("--phase", choices=["build", "open"], help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]

    if args.phase:  # a child process: one phase of one size
        phase = phase_build if args.phase == "build" else phase_open
        print(json.dumps(phase(args.home, sizes[0])))
        return

    info = machine()
    print(f"pds store benchmark — {info['date']}, {info['cpus']} CPUs, Python {info['python']}")
    results = []
    for size in sizes:
        print(f"  {human(size)} records ...", flush=True)
        results.append(bench(size, args.workdir, args.keep))
        print(f"    done in {results[-1]['wall_seconds']:.1f} s", flush=True)
    print()
    print(table(results))
    print()
    for name, measured, passed in targets(results):
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {measured}")
    if args.out:
        args.out.write_text(
            json.dumps({"machine": info, "results": results, "targets": targets(results)}, indent=2)
        )


if __name__ == "__main__":
    main()
