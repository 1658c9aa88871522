"""Benchmark of the relationship insights (a script, not a test).

    .venv/bin/python tests/perf/bench_insights.py [--relationships 10000]
        [--interactions 1000000] [--home DIR] [--runs 3] [--out FILE]

It builds (once; ``--home`` keeps and reuses it) a store with every collection pds
declares, holding ``--relationships`` people and vendors and ``--interactions`` log
entries spread over ten years with weekly, monthly, yearly, bursty and fading
rhythms. Then, in a fresh process that opens the store, it times
``services.insights.recompute()`` ``--runs`` times (reading the whole log once,
grouped by counterpart, the cadence, tiers and drift of every relationship) and
reports the median and the read share. The build uses a cheap KDF: scrypt is not
what is measured.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.services.collections import INTERACTIONS, RELATIONSHIPS, SPECS  # noqa: E402
from pds.store import Store  # noqa: E402
from pds.store.crypto import ScryptParams  # noqa: E402

PASSPHRASE = "benchmark passphrase"
FIRST_DAY = dt.date(2016, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
TODAY = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STAMP = "2026-01-01T00:00:00Z"
KINDS = ("message", "call", "meeting", "purchase", "support", "conversation")
CHANNELS = ("email", "phone", "in_person", "app", "chat", "web")
BATCH = 50_000


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(32):08x}-0000-7000-8000-{rng.getrandbits(48):012x}"


def _days(rng: random.Random, count: int) -> list[dt.date]:
    """``count`` contact days in one of the rhythms (their order is what matters)."""
    span = (LAST_DAY - FIRST_DAY).days
    shape = rng.choice(("regular", "regular", "bursty", "fading", "random"))
    if shape == "random":
        return [FIRST_DAY + dt.timedelta(days=rng.randrange(span)) for _ in range(count)]
    interval = span / count
    days, at = [], 0.0
    for i in range(count):
        step = interval * rng.uniform(0.7, 1.3)
        if shape == "bursty":
            step = interval * (rng.uniform(4, 6) if i % 5 == 0 else 0.01)
        if shape == "fading" and i > count * 0.8:
            step *= 4
        at += step
        days.append(FIRST_DAY + dt.timedelta(days=min(span, int(at))))
    return days


def build(home: Path, relationships: int, interactions: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    store = Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=2**10))
    try:
        people = [_id(rng) for _ in range(relationships)]
        with store.transaction():
            store.collection(RELATIONSHIPS).insert_many(
                {
                    "id": rid,
                    "kind": "vendor" if i % 4 == 0 else "person",
                    "name": f"relationship {i}",
                    "status": "active",
                    "created_at": STAMP,
                    "updated_at": STAMP,
                }
                for i, rid in enumerate(people)
            )
        per = interactions // relationships
        batch: list[dict[str, Any]] = []
        for rid in people:
            for day in _days(rng, per):
                batch.append(
                    {
                        "id": _id(rng),
                        "kind": rng.choice(KINDS),
                        "date": day.isoformat(),
                        "channel": rng.choice(CHANNELS),
                        "counterpart_id": rid,
                        "created_at": STAMP,
                        "updated_at": STAMP,
                    }
                )
            if len(batch) >= BATCH:
                with store.transaction():
                    store.collection(INTERACTIONS).insert_many(batch)
                batch = []
        if batch:
            with store.transaction():
                store.collection(INTERACTIONS).insert_many(batch)
    finally:
        store.close()


def measure(home: Path, runs: int) -> dict[str, Any]:
    """Open the store and time ``recompute`` ``runs`` times (run in its own process)."""
    from pds.services.container import Services

    started = time.perf_counter()
    store = Store.open(home, PASSPHRASE, specs=SPECS)
    opened = time.perf_counter() - started
    try:
        services = Services(store, clock=lambda: TODAY)
        times, reads = [], []
        report = None
        for _ in range(runs):
            started = time.perf_counter()
            log = services.insights.read_log()
            reads.append(time.perf_counter() - started)
            report = services.insights.recompute(log=log)
            times.append(time.perf_counter() - started)
        assert report is not None
        return {
            "open_s": round(opened, 2),
            "recompute_s": [round(t, 3) for t in times],
            "recompute_median_s": round(statistics.median(times), 3),
            "read_median_s": round(statistics.median(reads), 3),
            "relationships": len(report.cadences),
            "interactions": sum(c.interactions for c in report.cadences.values()),
            "tiers": len(report.tiers),
            "drifting": len(report.drifts),
        }
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relationships", type=int, default=10_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--home", type=Path, help="keep the store here (built if absent)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp) / "store"
        if not home.exists():
            started = time.perf_counter()
            build(home, args.relationships, args.interactions)
            print(f"built {home} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        run = subprocess.run(
            [sys.executable, __file__, "--measure", str(home), "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(run.stdout)
    result["machine"] = f"{platform.machine()}, {platform.python_version()}"
    result["date"] = dt.date.today().isoformat()
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
