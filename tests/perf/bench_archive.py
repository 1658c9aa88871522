"""Benchmark of the full archive (a script, not a test).

    .venv/bin/python tests/perf/bench_archive.py [--sizes 100000,1000000] [--out FILE]

For each size it builds a store of purchase-like records (the generator of
``bench_store.py``) with every collection pds declares, then runs each phase in a
fresh process:

- export: ``export_archive`` of the whole store to a zip file (once more with
  ``--encrypt``'s envelope, and once more with ``--sqlite``'s ``pds.sqlite``);
  records/s, peak resident memory while exporting (sampled every 20 ms, with the CSV
  worker processes it starts) and the resident memory of the opened store before it;
- import: ``restore`` of that zip into a new store (built beside it and swapped in);
  records/s, peak resident memory, and the resident memory of opening the restored
  store afterwards, in a process of its own.

It prints a table and, with ``--out``, writes the results as JSON.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_store  # noqa: E402
import psutil  # noqa: E402

from pds.services.archive import ExportOptions, export_archive, restore  # noqa: E402
from pds.services.collections import SPECS  # noqa: E402
from pds.store import ScryptParams, Store  # noqa: E402

PASSPHRASE = "benchmark passphrase"
ARCHIVE_PASSPHRASE = "benchmark archive passphrase"
PHASES = ("build", "export", "export_encrypted", "export_sqlite", "import", "open_restored")


class PeakRss:
    """The highest resident memory of this process and its children while the block
    runs (sampled)."""

    def __init__(self, every: float = 0.02) -> None:
        self._process = psutil.Process()
        self._every = every
        self.peak = self.rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def rss(self) -> int:
        """This process's and its children's (the export's CSV workers)."""
        total = self._process.memory_info().rss
        for child in self._process.children(recursive=True):
            with contextlib.suppress(psutil.Error):  # (a worker that just ended)
                total += child.memory_info().rss
        return int(total)

    def _sample(self) -> None:
        while not self._stop.wait(self._every):
            self.peak = max(self.peak, self.rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def _open(home: Path) -> Store:
    return Store.open(home, PASSPHRASE, specs=SPECS)


def phase_build(work: Path, size: int) -> dict[str, Any]:
    rng, vendors = bench_store.random.Random(size), bench_store.vendor_ids()
    store = Store.create(work / "source", PASSPHRASE, specs=SPECS)
    purchases = store.collection("purchases")
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())  # pds's storage form of times
    for batch in bench_store.batches(size, rng, vendors):
        for record in batch:
            record["created_at"] = record["updated_at"] = stamp
        purchases.insert_many(batch)
    store.close()
    return {}


def _export(work: Path, size: int, name: str, options: ExportOptions) -> dict[str, Any]:
    store = _open(work / "source")
    try:
        meter = PeakRss()
        opened = meter.rss()
        started = time.perf_counter()
        with meter, (work / name).open("wb") as out:
            export_archive(store, out, options)
        seconds = time.perf_counter() - started
    finally:
        store.close()
    return {
        "seconds": seconds,
        "rate": size / seconds,
        "rss_open": opened,
        "rss_peak": meter.peak,
        "bytes": (work / name).stat().st_size,
    }


def phase_export(work: Path, size: int) -> dict[str, Any]:
    return _export(work, size, "archive.zip", ExportOptions())


def phase_export_encrypted(work: Path, size: int) -> dict[str, Any]:
    return _export(work, size, "archive.zip.enc", ExportOptions(ARCHIVE_PASSPHRASE))


def phase_export_sqlite(work: Path, size: int) -> dict[str, Any]:
    return _export(work, size, "archive-sqlite.zip", ExportOptions(sqlite=True))


def phase_import(work: Path, size: int) -> dict[str, Any]:
    store = Store.create(work / "target", PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh())
    try:
        meter = PeakRss()
        before = meter.rss()
        started = time.perf_counter()
        with meter:
            report = restore(store, work / "archive.zip")
        seconds = time.perf_counter() - started
        assert report.counts["purchases"]["created"] == size
    finally:
        store.close()
    return {
        "seconds": seconds,
        "rate": size / seconds,
        "rss_before": before,
        "rss_peak": meter.peak,
    }


def phase_open_restored(work: Path, size: int) -> dict[str, Any]:
    import psutil

    store = Store.open(work / "target", PASSPHRASE, specs=SPECS)
    try:
        assert len(store.collection("purchases")) == size
        return {"rss_open": psutil.Process().memory_info().rss}
    finally:
        store.close()


PHASE: dict[str, Callable[[Path, int], dict[str, Any]]] = {
    "build": phase_build,
    "export": phase_export,
    "export_encrypted": phase_export_encrypted,
    "export_sqlite": phase_export_sqlite,
    "import": phase_import,
    "open_restored": phase_open_restored,
}


def run_phase(phase: str, work: Path, size: int) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--work",
        str(work),
        "--sizes",
        str(size),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{phase} phase for {size} records failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench(size: int, workdir: Path) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix=f"pds-bench-archive-{size}-", dir=workdir))
    try:
        started = time.perf_counter()
        result: dict[str, Any] = {"size": size}
        for phase in PHASES:
            result[phase] = run_phase(phase, work, size)
            print(f"    {phase} done", flush=True)
        result["wall_seconds"] = time.perf_counter() - started
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| records | export (rec/s) | encrypted export (rec/s) | export RSS open / peak (MB)"
        " | archive (MB) | with pds.sqlite (rec/s, RSS peak MB, archive MB)"
        " | import (rec/s) | import RSS before / peak (MB) | restored store open RSS (MB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ex, enc, im, sq = r["export"], r["export_encrypted"], r["import"], r["export_sqlite"]
        lines.append(
            f"| {bench_store.human(r['size'])} | {ex['rate']:,.0f} | {enc['rate']:,.0f}"
            f" | {_mb(ex['rss_open'])} / {_mb(ex['rss_peak'])} | {_mb(ex['bytes'])}"
            f" | {sq['rate']:,.0f}, {_mb(sq['rss_peak'])}, {_mb(sq['bytes'])}"
            f" | {im['rate']:,.0f} | {_mb(im['rss_before'])} / {_mb(im['rss_peak'])}"
            f" | {_mb(r['open_restored']['rss_open'])} |"
        )
    return "\n".join(lines)


def targets(results: list[dict[str, Any]]) -> list[tuple[str, str, bool | None]]:
    checks: list[tuple[str, str, bool | None]] = []
    for r in results:
        rate = r["export"]["rate"]
        name = f"export >= 50,000 records/s at {bench_store.human(r['size'])}"
        checks.append((name, f"{rate:,.0f} rec/s", rate >= 50_000))
    by_size = {r["size"]: r for r in results}
    if 100_000 in by_size and 1_000_000 in by_size:
        small, large = by_size[100_000]["export"], by_size[1_000_000]["export"]
        grew = (large["rss_peak"] - large["rss_open"]) / max(
            1, small["rss_peak"] - small["rss_open"]
        )
        checks.append(("export's own memory 1M vs 100k <= 1.5x", f"{grew:.2f}x", grew <= 1.5))
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated counts")
    parser.add_argument("--out", type=Path, help="write the results as JSON to this file")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]

    if args.phase:  # a child process: one phase of one size
        print(json.dumps(PHASE[args.phase](args.work, sizes[0])))
        return

    info = bench_store.machine()
    print(f"pds archive benchmark — {info['date']}, {info['cpus']} CPUs, Python {info['python']}")
    results = []
    for size in sizes:
        print(f"  {bench_store.human(size)} records ...", flush=True)
        results.append(bench(size, args.workdir))
        print(f"    done in {results[-1]['wall_seconds']:.1f} s", flush=True)
    print()
    print(table(results))
    print()
    for name, measured, passed in targets(results):
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {measured}")
    if args.out:
        report = {"machine": info, "results": results, "targets": targets(results)}
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
