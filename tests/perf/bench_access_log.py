"""Benchmark of "what has this vendor seen" (a script, not a test).

    .venv/bin/python tests/perf/bench_access_log.py [--entries 100000 1000000] [--views 7]

For each size it makes a store whose audit log holds that many vendor API calls
(20 vendors), then times, in this process: the first ``access_log.seen_by`` (which
folds the whole log into per-vendor totals once), and ``--views`` later views, each
after 10 more API calls (which fold only those). The old way read the whole log on
every view; its cost is the first view's. The build uses a cheap KDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.services import SPECS, Services  # noqa: E402
from pds.store import Store  # noqa: E402
from pds.store.crypto import ScryptParams  # noqa: E402

VENDORS = 20


def call(services: Services, n: int) -> None:
    client = f"client-{n % VENDORS}"
    services.access_log.record_call(client, f"grant-{client}", "/api/v1/purchases", n % 7)


def measure(entries: int, views: int) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as home:
        store = Store.create(
            Path(home) / "s", "bench", specs=SPECS, kdf=ScryptParams.fresh(n=2**10)
        )
        services = Services(store)
        started = time.perf_counter()
        for n in range(entries):
            call(services, n)
        store.audit.sync()
        build = time.perf_counter() - started
        started = time.perf_counter()
        services.access_log.seen_by("client-3")
        first = time.perf_counter() - started
        later = []
        for view in range(views):
            for n in range(10):
                call(services, entries + view * 10 + n)
            started = time.perf_counter()
            services.access_log.seen_by("client-3")
            later.append(time.perf_counter() - started)
        store.close()
        return build, first, statistics.median(later)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--views", type=int, default=7)
    args = parser.parse_args()
    print(f"{dt.date.today()} {platform.node()} {platform.processor() or platform.machine()}")
    print(f"{'entries':>10} {'build s':>9} {'first view ms':>14} {'later view ms (p50)':>20}")
    for entries in args.entries:
        build, first, later = measure(entries, args.views)
        print(f"{entries:>10,} {build:>9.1f} {first * 1000:>14.1f} {later * 1000:>20.3f}")


if __name__ == "__main__":
    main()
