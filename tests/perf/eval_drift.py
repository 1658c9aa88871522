"""Evaluation of drift detection on histories like real ones (a script, not a test).

    .venv/bin/python tests/perf/eval_drift.py [--histories 2000] [--seed 1] [--out FILE]

The histories come from ``drift_histories.py`` (bursty reply threads, heavy-tailed
and switching rhythms, standing arrangements with skipped occasions, calendar dates,
seasons, holidays; steady controls, plain stops, slow fades and slowdowns), which
knows nothing of the detector. The detector sees only the contact days: it is asked,
as the store asks it once a day, what ``cadence`` then ``drift.detect`` say, every
``typical / 10`` days (at least daily; *typical* is the history's mean gap between
conversations) from the fifth conversation until the end of the observation (12
typical gaps after the drift point, at least a year, at most 5 years). The first
question raised counts:

- in a drifting history, on or after the drift point (the first day the history
  differs from its steady twin): a true positive, with its delay in days and in
  typical gaps;
- before the drift point, or in a steady history: a false positive.

Precision = TP / (TP + FP), recall = TP / drifting histories, overall and per family
and per kind of history; and the needless questions per year a steady relationship
is watched (false positives / steady years watched). Targets: precision >= 0.9 and
recall >= 0.85. It prints the figures and with ``--out`` writes them as JSON.

It also reports, from the contact days alone (no detector), how separable the
histories are: ``drift_record_x1`` (``_x1_5``, ``_x2``), the share of drifting
histories whose silence after the drift point ever gets longer than (1.5, 2 times)
every gap between contact days before it (a detector that asks only about silences
longer than any the relationship has had can recall no more than ``drift_record_x1``),
and ``steady_record_x1_5`` (``_x2``), the share of steady histories that, while
watched, fall silent for 1.5 (2) times longer than any gap before: what such a
detector must not ask about.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.services.relationships.cadence import cadence  # noqa: E402
from pds.services.relationships.drift import detect  # noqa: E402
from tests.perf.drift_histories import FAMILIES, KINDS, History, generate  # noqa: E402

START = date(2000, 1, 1).toordinal()  # day 0 of a history (a 1 January)
PRECISION, RECALL = 0.9, 0.85


def first_question(history: History) -> int | None:
    """The first day the detector raises a question about ``history``, or None."""
    step = max(1, int(history.typical / 10))
    days = [START + d for d in history.days]
    day = history.first_check
    while day <= history.end:
        known = days[: bisect.bisect_right(days, START + day)]
        if detect(cadence(known, [0.5] * len(known), START + day)) is not None:
            return day
        day += step
    return None


def outcome(history: History, found: int | None) -> str:
    """tp, fp or fn (a miss) or tn (a steady history left alone)."""
    if found is None:
        return "fn" if history.drifts else "tn"
    return "tp" if history.drifts and found >= history.drift_point else "fp"


def figures(rows: list[tuple[History, int | None]]) -> dict[str, float | int | None]:
    """Precision, recall and delays of the first questions in ``rows``."""
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0}
    days: list[float] = []
    gaps: list[float] = []
    for history, found in rows:
        result = outcome(history, found)
        counts[result] += 1
        if result == "tp" and found is not None:
            days.append(found - history.drift_point)
            gaps.append((found - history.drift_point) / history.typical)
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    drifting = sum(1 for h, _ in rows if h.drifts)
    steady_years = sum(_steady_days(h, found) for h, found in rows) / 365.25
    return {
        "histories": len(rows),
        "drifting": drifting,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "steady_flagged": sum(1 for h, f in rows if not h.drifts and f is not None),
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / drifting, 3) if drifting else None,
        "needless_per_steady_year": round(fp / steady_years, 3) if steady_years else None,
        "median_delay_days": round(statistics.median(days)) if days else None,
        "median_delay_gaps": round(statistics.median(gaps), 1) if gaps else None,
        "p90_delay_gaps": round(sorted(gaps)[int(0.9 * (len(gaps) - 1))], 1) if gaps else None,
    }


def _steady_days(history: History, found: int | None) -> int:
    """Days a history was watched while it was steady (until its first question)."""
    steady_until = history.drift_point if history.drifts else history.end
    until = steady_until if found is None else min(found, steady_until)
    return max(0, until - history.first_check)


def record_ratio(history: History, start: int, stop: int) -> float:
    """The longest silence that begins or lasts within ``start``..``stop`` (up to
    ``stop``), over the longest gap between contact days before it (0 without one)."""
    days = sorted(set(history.days))
    longest, ratio = 0, 0.0
    for day, after in zip(days, [*days[1:], history.end], strict=True):
        silence = min(after, stop) - day
        if after > start and day < stop and longest:
            ratio = max(ratio, silence / longest)
        if after <= stop:
            longest = max(longest, after - day) if after != history.end else longest
    return ratio


def separability(histories: list[History]) -> dict[str, float | None]:
    """How far any detector of record silences could get (see the module doc)."""
    drifting = [h for h in histories if h.drifts]
    steady = [h for h in histories if not h.drifts]
    after = [record_ratio(h, h.drift_point, h.end) for h in drifting]
    watched = [record_ratio(h, h.first_check, h.end) for h in steady]

    def share(values: list[float], above: float) -> float | None:
        return round(sum(1 for v in values if v > above) / len(values), 3) if values else None

    return {
        "drift_record_x1": share(after, 1.0),
        "drift_record_x1_5": share(after, 1.5),
        "drift_record_x2": share(after, 2.0),
        "steady_record_x1_5": share(watched, 1.5),
        "steady_record_x2": share(watched, 2.0),
    }


def evaluate(histories: list[History]) -> dict[str, object]:
    rows = [(h, first_question(h)) for h in histories]

    def group(selected: list[tuple[History, int | None]]) -> dict[str, object]:
        return {**figures(selected), **separability([h for h, _ in selected])}

    return {
        "overall": group(rows),
        "by_family": {f: group([r for r in rows if r[0].family == f]) for f in FAMILIES},
        "by_kind": {k: group([r for r in rows if r[0].kind == k]) for k in KINDS},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    result: dict[str, object] = evaluate([generate(rng) for _ in range(args.histories)])
    overall = result["overall"]
    assert isinstance(overall, dict)
    result["targets_met"] = (overall["precision"] or 0) >= PRECISION and (
        overall["recall"] or 0
    ) >= RECALL
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["seed"] = args.seed
    result["machine"] = (
        f"{platform.node()}: {platform.machine()}, {_cpu()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    result["date"] = date.today().isoformat()
    print(json.dumps(result, indent=2))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
