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

A second view, **snapshot** (under ``"snapshot"`` in the output), measures the
detector the way the owner meets it: the owner opens Insights on some day and sees
the questions of that day. The detector is asked once per snapshot, exactly as the
store asks it that day (``sorted_cadence`` of the contact days up to that day, then
``detect``). A drifting history is photographed 3, 6 and 12 typical gaps after its
drift point (each at most its last observed day) and on its last observed day (the
"watch end", as long as the first-question view watches) and labelled drifted; a steady
history on a day drawn uniformly from its watched period (first check to end; a
seeded generator of its own, not the histories' and not the detector's) and on its
last day, labelled steady. Per delay: recall = drifted snapshots flagged / drifted
snapshots; precision = flagged drifted / all flagged, each steady history's two
snapshots counted half each (one steady history weighs as much as one drifting
one, the histories' own mix); also the share of steady snapshots flagged (random day,
end) and, as the evidence available, the share of drifted snapshots whose silence
exceeds (1.5 times) the longest gap between contact days before the drift point.
Per kind, precision puts the kind's drifted snapshots against as many steady
histories (all steady histories' flag rate); also per band of typical gap (under a
month, 1-4 months, over 4). ``--view first|snapshot|both``, ``--tables`` prints the
snapshot view as Markdown tables.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
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

from pds.services.relationships.cadence import (  # noqa: E402
    DEPTH_WINDOW,
    cadence,
    sorted_cadence,
)
from pds.services.relationships.drift import detect  # noqa: E402
from tests.perf.drift_histories import FAMILIES, KINDS, History, generate  # noqa: E402

START = date(2000, 1, 1).toordinal()  # day 0 of a history (a 1 January)
PRECISION, RECALL = 0.9, 0.85
DELAYS = (3, 6, 12)  # snapshots of a drifting history, in typical gaps after its drift point
WATCH_END = "watch end"  # and one on its last observed day (as long as the first-question view)
TYPICAL_BANDS = {
    "under a month": (0.0, 30.0),
    "1-4 months": (30.0, 122.0),
    "over 4 months": (122.0, 1e9),
}
STEADY_SNAPSHOTS = ("random", "end")  # a steady history: a day drawn in its watch, its end


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


# -- the snapshot view: the owner opens Insights on one day -----------------------------


@dataclass(frozen=True)
class Snapshot:
    """The detector asked once about one history on one day, and what was there to see."""

    history: History
    when: str  # "+3", "+6", "+12" (typical gaps after the drift point), "random", "end"
    day: int
    flagged: bool
    silence: int  # days since the last contact, on that day
    record: int  # longest gap between contact days before the drift point (steady: the day)

    @property
    def drifted(self) -> bool:
        return self.history.drifts


def asks(history: History, day: int) -> bool:
    """Whether the detector raises a question about ``history`` on ``day``, asked as the
    store asks it: the contact days up to that day in order, the depth weights of the
    latest ``DEPTH_WINDOW`` contacts (irrelevant to drift), then ``detect``."""
    known = [START + d for d in history.days[: bisect.bisect_right(history.days, day)]]
    if not known:
        return False
    depths = [0.5] * min(len(known), DEPTH_WINDOW)
    return detect(sorted_cadence(known, depths, START + day)) is not None


def snapshot_days(history: History, rng: random.Random) -> list[tuple[str, int]]:
    """The days the owner looks at ``history``: after its drift point if it drifts, on
    a random day of its watch and on its last day if it is steady."""
    if history.drifts:
        return [
            *(
                (f"+{k}", min(history.end, int(history.drift_point + k * history.typical)))
                for k in DELAYS
            ),
            (WATCH_END, history.end),
        ]
    return [("random", rng.randint(history.first_check, history.end)), ("end", history.end)]


def longest_gap(days: tuple[int, ...], before: int) -> int:
    """The longest gap between consecutive contact days earlier than ``before``."""
    known = sorted(set(days[: bisect.bisect_left(days, before)]))
    return max((b - a for a, b in itertools.pairwise(known)), default=0)


def snapshots(history: History, rng: random.Random) -> list[Snapshot]:
    """``history`` photographed on each of its snapshot days."""
    taken = []
    for when, day in snapshot_days(history, rng):
        last = history.days[bisect.bisect_right(history.days, day) - 1]
        record = longest_gap(history.days, history.drift_point if history.drifts else day + 1)
        taken.append(Snapshot(history, when, day, asks(history, day), day - last, record))
    return taken


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def snapshot_figures(taken: list[Snapshot], when: str) -> dict[str, float | int | None]:
    """Precision and recall of the drifted snapshots taken ``when`` against the steady
    snapshots in ``taken`` (see the module doc)."""
    drifted = [s for s in taken if s.when == when]
    steady = {w: [s for s in taken if s.when == w] for w in STEADY_SNAPSHOTS}
    tp = sum(s.flagged for s in drifted)
    fp = {w: sum(s.flagged for s in steady[w]) for w in STEADY_SNAPSHOTS}
    fp_weighted = sum(fp.values()) / len(STEADY_SNAPSHOTS)
    return {
        "drifted": len(drifted),
        "capped": sum(1 for s in drifted if _capped(s)),
        "tp": tp,
        "steady": len(steady["end"]),
        **{f"steady_flagged_{w}": fp[w] for w in STEADY_SNAPSHOTS},
        "precision": _share(tp, tp + fp_weighted),
        **{f"precision_{w}": _share(tp, tp + fp[w]) for w in STEADY_SNAPSHOTS},
        "recall": _share(tp, len(drifted)),
        **{f"steady_flag_rate_{w}": _share(fp[w], len(steady[w])) for w in STEADY_SNAPSHOTS},
        "silence_over_record": _share(sum(s.silence > s.record for s in drifted), len(drifted)),
        "silence_over_1_5_record": _share(
            sum(s.silence > 1.5 * s.record for s in drifted), len(drifted)
        ),
        **{
            f"steady_silence_over_record_{w}": _share(
                sum(s.silence > s.record for s in steady[w]), len(steady[w])
            )
            for w in STEADY_SNAPSHOTS
        },
    }


def _capped(snapshot: Snapshot) -> bool:
    """Whether a drifted snapshot was wanted after its history's last observed day."""
    if not snapshot.when.startswith("+"):
        return False
    history = snapshot.history
    return history.drift_point + int(snapshot.when[1:]) * history.typical > history.end + 1


def kind_figures(
    taken: list[Snapshot], steady: list[Snapshot], when: str
) -> dict[str, float | int | None]:
    """``snapshot_figures`` of one drifting kind, its precision against as many steady
    histories as it has drifting ones, at the flag rate of all ``steady`` snapshots."""
    found = snapshot_figures(taken, when)
    rate = sum(s.flagged for s in steady) / len(steady) if steady else 0.0
    tp, drifted = found["tp"], found["drifted"]
    assert isinstance(tp, int) and isinstance(drifted, int)
    return {**found, "precision": _share(tp, tp + rate * drifted)}


def evaluate_snapshots(histories: list[History], seed: int) -> dict[str, object]:
    """The snapshot view of ``histories``; the random days come from ``seed`` alone."""
    rng = random.Random(f"snapshot days {seed}")
    taken = [s for h in histories for s in snapshots(h, rng)]
    steady = [s for s in taken if not s.drifted]
    delays = [*(f"+{k}" for k in DELAYS), WATCH_END]

    def by_delay(selected: list[Snapshot]) -> dict[str, object]:
        return {when: snapshot_figures(selected, when) for when in delays}

    by_kind: dict[str, object] = {
        k: {w: kind_figures([s for s in taken if s.history.kind == k], steady, w) for w in delays}
        for k in KINDS
        if k != "steady"
    }
    by_kind["steady"] = {
        f"flag_rate_{w}": _share(
            sum(s.flagged for s in steady if s.when == w), sum(s.when == w for s in steady)
        )
        for w in STEADY_SNAPSHOTS
    }
    overall = by_delay(taken)
    return {
        "overall": overall,
        "by_family": {f: by_delay([s for s in taken if s.history.family == f]) for f in FAMILIES},
        "by_kind": by_kind,
        "by_typical_gap": {
            band: by_delay([s for s in taken if low <= s.history.typical < high])
            for band, (low, high) in TYPICAL_BANDS.items()
        },
        "targets_met_at": [w for w in delays if _meets(overall[w])],
    }


def _meets(found: object) -> bool:
    assert isinstance(found, dict)
    return (found["precision"] or 0) >= PRECISION and (found["recall"] or 0) >= RECALL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--histories", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--view", choices=("first", "snapshot", "both"), default="both")
    parser.add_argument("--tables", action="store_true", help="also print Markdown tables")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    started = time.perf_counter()
    histories = [generate(rng) for _ in range(args.histories)]
    result: dict[str, object] = {}
    if args.view in ("first", "both"):
        result.update(evaluate(histories))
        overall = result["overall"]
        assert isinstance(overall, dict)
        result["targets_met"] = (overall["precision"] or 0) >= PRECISION and (
            overall["recall"] or 0
        ) >= RECALL
        result["first_question_seconds"] = round(time.perf_counter() - started, 1)
    if args.view in ("snapshot", "both"):
        began = time.perf_counter()
        result["snapshot"] = evaluate_snapshots(histories, args.seed)
        result["snapshot_seconds"] = round(time.perf_counter() - began, 1)
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["seed"] = args.seed
    result["machine"] = (
        f"{platform.node()}: {platform.machine()}, {_cpu()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    result["date"] = date.today().isoformat()
    print(json.dumps(result, indent=2))
    if args.tables and "snapshot" in result:
        print(snapshot_tables(result["snapshot"]))
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")


def snapshot_tables(view: object) -> str:
    """The snapshot view as Markdown tables (per delay: overall and families, kinds)."""
    assert isinstance(view, dict)
    lines = [
        "| family | delay | drifted | flagged | steady | flagged (random day / end) "
        "| precision | recall | silence > record (1.5x) | steady: silence > record "
        "(random day / end) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups = {"**all**": view["overall"], **view["by_family"], **view["by_typical_gap"]}
    for name, delays in groups.items():
        for when, f in delays.items():
            lines.append(
                f"| {name} | {when} | {f['drifted']} | {f['tp']} | {f['steady']} "
                f"| {f['steady_flagged_random']} / {f['steady_flagged_end']} "
                f"| {_fmt(f['precision'])} | {_fmt(f['recall'])} "
                f"| {_fmt(f['silence_over_record'])} ({_fmt(f['silence_over_1_5_record'])}) "
                f"| {_fmt(f['steady_silence_over_record_random'])} / "
                f"{_fmt(f['steady_silence_over_record_end'])} |"
            )
    lines += [
        "",
        "| kind | delay | drifted | flagged | precision (1 steady : 1) | recall "
        "| silence > record (1.5x) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for kind, delays in view["by_kind"].items():
        if kind == "steady":
            continue
        for when, f in delays.items():
            lines.append(
                f"| {kind} | {when} | {f['drifted']} | {f['tp']} | {_fmt(f['precision'])} "
                f"| {_fmt(f['recall'])} | {_fmt(f['silence_over_record'])} "
                f"({_fmt(f['silence_over_1_5_record'])}) |"
            )
    steady = view["by_kind"]["steady"]
    lines.append(
        f"\nsteady flagged: random day {_fmt(steady['flag_rate_random'])}, "
        f"end {_fmt(steady['flag_rate_end'])}"
    )
    return "\n".join(lines)


def _fmt(value: object) -> str:
    return "—" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


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
