"""Evaluation of drift detection on generated histories (a script, not a test).

    .venv/bin/python tests/perf/eval_drift.py [--histories 1000] [--seed 1] [--out FILE]

Each history has a normal interval B (3 days to a year), log-normal jitter
(sigma 0.05-0.3), a 3 % chance per gap of one missed contact (a gap of 2 B), and in
a fifth of them bursts (1-4 contacts on consecutive days per episode). It runs
8-30 normal gaps; half of the histories then drift: the interval grows 3-6 times,
or the contacts stop. The others go on as before.

The detector (``cadence`` then ``drift.detect``) is asked every B/4 days from the
ninth episode until 10 B after the drift point. The **drift point** is the day the
first contact of the old rhythm was due and did not come (the last normal contact
plus B): the first moment anything could be seen. The first question raised counts:

- a question in a drifting history on or after the drift point is a true positive;
  its delay is (day - drift point) / B, in expected intervals;
- a question before the drift point, or in a history that does not drift, is a
  false positive.

Precision = TP / (TP + FP), recall = TP / drifting histories. Targets: precision
>= 0.9, recall >= 0.8, median delay <= 2 intervals. It prints the figures (also by
interval, and the false positives among yearly histories) and with ``--out`` writes
them as JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.services.relationships.cadence import cadence  # noqa: E402
from pds.services.relationships.drift import detect  # noqa: E402

INTERVALS = (3, 7, 14, 30, 60, 90, 182, 365)
SKIP = 0.03
BURSTY_SHARE = 0.2
HORIZON = 10  # intervals after the drift point
START = date(2000, 1, 1).toordinal()


@dataclass(frozen=True)
class History:
    interval: int
    days: list[int]
    drift_point: float  # ordinal day (fractional), or of the same place without drift
    drifts: bool
    first_check: int
    bursty: bool


def _gap(rng: random.Random, interval: float, sigma: float) -> int:
    gap = interval * math.exp(rng.gauss(0, sigma))
    if rng.random() < SKIP:
        gap *= 2
    return max(1, round(gap))


def generate(rng: random.Random) -> History:
    interval = rng.choice(INTERVALS)
    sigma = rng.uniform(0.05, 0.3)
    bursty = rng.random() < BURSTY_SHARE and interval >= 14
    normal = rng.randint(8, 30)
    drifts = rng.random() < 0.5
    stops = drifts and rng.random() < 0.25
    factor = rng.uniform(3, 6)
    starts = [START]
    for _ in range(normal):
        starts.append(starts[-1] + _gap(rng, interval, sigma))
    drift_point = starts[-1] + interval
    end = drift_point + HORIZON * interval
    while not stops:
        step = interval * factor if drifts else interval
        nxt = starts[-1] + _gap(rng, step, sigma)
        if nxt > end:
            break
        starts.append(nxt)
    days = []
    for s in starts:
        size = rng.randint(1, 4) if bursty else 1
        days.extend(s + i for i in range(size))
    return History(interval, days, drift_point, drifts, starts[8] + 1, bursty)


def first_question(history: History) -> float | None:
    """The first day the detector raises a question, or None."""
    step = max(1, history.interval // 4)
    end = history.drift_point + HORIZON * history.interval
    day = history.first_check
    seen = 0
    while day <= end:
        while seen < len(history.days) and history.days[seen] <= day:
            seen += 1
        known = history.days[:seen]
        if detect(cadence(known, [0.5] * len(known), day)) is not None:
            return day
        day += step
    return None


def evaluate(histories: list[History]) -> dict[str, object]:
    tp = fp = 0
    delays: list[float] = []
    by_interval: dict[int, dict[str, int]] = {}
    for h in histories:
        found = first_question(h)
        row = by_interval.setdefault(h.interval, {"tp": 0, "fp": 0, "drifting": 0, "steady": 0})
        row["drifting" if h.drifts else "steady"] += 1
        if found is None:
            continue
        if h.drifts and found >= h.drift_point:
            tp += 1
            row["tp"] += 1
            delays.append((found - h.drift_point) / h.interval)
        else:
            fp += 1
            row["fp"] += 1
    drifting = sum(1 for h in histories if h.drifts)
    yearly_steady = [h for h in histories if h.interval == 365 and not h.drifts]
    return {
        "histories": len(histories),
        "drifting": drifting,
        "true_positives": tp,
        "false_positives": fp,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / drifting, 3) if drifting else None,
        "median_delay_intervals": round(statistics.median(delays), 2) if delays else None,
        "p90_delay_intervals": round(sorted(delays)[int(0.9 * (len(delays) - 1))], 2)
        if delays
        else None,
        "yearly_steady": len(yearly_steady),
        "yearly_steady_flagged": by_interval.get(365, {}).get("fp", 0),
        "by_interval": {str(k): v for k, v in sorted(by_interval.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    result = evaluate([generate(rng) for _ in range(args.histories)])
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["seed"] = args.seed
    result["machine"] = f"{platform.machine()}, Python {platform.python_version()}"
    result["date"] = date.today().isoformat()
    targets = (
        (result["precision"] or 0) >= 0.9,
        (result["recall"] or 0) >= 0.8,
        (result["median_delay_intervals"] or 99) <= 2,
    )
    result["targets_met"] = all(targets)
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
