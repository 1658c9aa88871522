"""Other drift detectors tried against ``eval_drift.py``'s histories (a script, not a test).

    .venv/bin/python tests/perf/drift_alternatives.py EXPERIMENT [--histories 600] [--seed 1]

Experiments (each alone and "or" the shipped rule, ``drift.detect``; figures as in
``eval_drift.py``: the first question counts, precision, recall):

- ``bocpd``: Bayesian online changepoint detection (Adams & MacKay 2007) over the
  log-gaps between conversations (``Cadence.quiet_gaps``), Normal-Gamma prior, so a
  Student-t predictive per run length; the open silence a right-censored
  observation. Score: the log odds of "a new, slower segment" (half a stop, half a
  rhythm 4 times slower) against "the current segment goes on", over the five most
  probable run lengths, once the silence passes 1.5 times the longest gap of the
  most probable segment;
- ``joint``: the bocpd odds, asked only once the silence reaches ``--scale`` (0.8)
  times the shipped rule's threshold: with the shipped rule, a joint score;
- ``shift``: the same run-length posterior; score: the posterior probability that a
  segment began within the last 6 gaps with a mean log-gap at least 2.5 times (log)
  above the median of the gaps before (at least 6 of them): slowdowns;
- ``cusum``: a one-sided CUSUM of log-gaps standardised by the median and MAD of the
  gaps before the last 3, the open silence added as a last (censored) gap;
- ``bound``: the shipped silence rule's family ``max(L (1 + a/n), L + b) x t`` (with
  and without the gaps rule) over a grid, the best member chosen with hindsight per
  history family, on the histories evaluated: how far thresholds alone can go;
- ``cost``: time per call on a 200-gap history.

The detector under test sees, as in ``eval_drift.py``, only the contact days; the
check days and the cadence are computed once per history and reused for every
threshold (a question's first day for threshold ``t`` is the first check whose
score reaches ``t``).
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from pds.services.relationships.cadence import cadence  # noqa: E402
from pds.services.relationships.drift import silence_threshold  # noqa: E402
from tests.perf.drift_histories import FAMILIES, KINDS, History, generate  # noqa: E402
from tests.perf.eval_drift import START, figures  # noqa: E402

Gaps = tuple[int, ...]
Score = Callable[[Gaps, int, Any], tuple[float, Any]]  # gaps, silence, memo


@dataclass
class Watched:
    """A history and what the detector sees at each check: per prefix of contacts,
    the gaps between conversations and the (day, silence) of the checks."""

    history: History
    prefixes: list[tuple[Gaps, list[tuple[int, int]]]] = field(default_factory=list)


def watch(history: History) -> Watched:
    step = max(1, int(history.typical / 10))
    days = [START + d for d in history.days]
    watched, known = Watched(history), -1
    for day in range(history.first_check, history.end + 1, step):
        k = bisect.bisect_right(days, START + day)
        if k != known:
            seen = cadence(days[:k], [0.5] * k, START + day)
            gaps = seen.quiet_gaps if seen.interval_days is not None else ()
            watched.prefixes.append((gaps, []))
            known = k
        watched.prefixes[-1][1].append((day, START + day - days[k - 1]))
    return watched


def records(watched: Watched, score: Score) -> list[tuple[float, int]]:
    """The checks whose score beats every score before (score, day)."""
    best, found = -math.inf, []
    for gaps, checks in watched.prefixes:
        if len(gaps) < 4:
            continue
        memo: Any = None
        for day, silence in checks:
            value, memo = score(gaps, silence, memo)
            if value > best:
                best = value
                found.append((value, day))
    return found


def first_day(found: Sequence[tuple[float, int]], threshold: float) -> int | None:
    return next((day for value, day in found if value >= threshold), None)


def earliest(*days: int | None) -> int | None:
    return min((d for d in days if d is not None), default=None)


# -- the shipped rule -------------------------------------------------------------------


def shipped(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
    if memo is None:
        before, recent = gaps[:-3], gaps[-3:]
        by_gaps = len(before) >= 6 and min(recent) >= 1.5 * max(before)
        memo = (silence_threshold(gaps), by_gaps)
    threshold, by_gaps = memo
    return (1.0 if by_gaps or silence >= threshold else 0.0), memo


# -- Student-t and BOCPD ----------------------------------------------------------------


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 200):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < 3e-14:
            break
    return h


def _beta_regularized(a: float, b: float, x: float) -> float:
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1 - x) / b


@dataclass
class Run:
    """One run length's posterior weight and Normal-Gamma parameters."""

    log_weight: float
    mu: float
    kappa: float
    alpha: float
    beta: float
    longest: float = -math.inf  # the longest log-gap in the run

    def scale(self) -> float:
        return math.sqrt(self.beta * (self.kappa + 1) / (self.alpha * self.kappa))

    def log_pdf(self, x: float) -> float:
        nu, s = 2 * self.alpha, self.scale()
        z = (x - self.mu) / s
        return (
            math.lgamma((nu + 1) / 2)
            - math.lgamma(nu / 2)
            - 0.5 * math.log(nu * math.pi)
            - math.log(s)
            - (nu + 1) / 2 * math.log1p(z * z / nu)
        )

    def survival(self, x: float, shift: float = 0.0) -> float:
        nu, t = 2 * self.alpha, (x - self.mu - shift) / self.scale()
        tail = 0.5 * _beta_regularized(nu / 2, 0.5, nu / (nu + t * t))
        return tail if t > 0 else 1 - tail

    def grown(self, x: float, log_weight: float) -> Run:
        kappa = self.kappa + 1
        return Run(
            log_weight,
            (self.kappa * self.mu + x) / kappa,
            kappa,
            self.alpha + 0.5,
            self.beta + self.kappa * (x - self.mu) ** 2 / (2 * kappa),
            max(self.longest, x),
        )


def _log_sum(values: Sequence[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


class Changepoints:
    """The run-length posterior of Adams & MacKay over a sequence of log-gaps."""

    def __init__(self, prior: Run, hazard: float) -> None:
        self.prior, self.hazard = prior, hazard
        self.runs = [prior]  # index: run length

    def update(self, x: float) -> None:
        joint = [run.log_weight + run.log_pdf(x) for run in self.runs]
        change = _log_sum(joint) + math.log(self.hazard)
        stay = math.log1p(-self.hazard)
        fresh = Run(change, self.prior.mu, self.prior.kappa, self.prior.alpha, self.prior.beta)
        runs = [fresh] + [run.grown(x, j + stay) for run, j in zip(self.runs, joint, strict=True)]
        total = _log_sum([run.log_weight for run in runs])
        for run in runs:
            run.log_weight -= total
        self.runs = runs

    def likeliest(self, count: int) -> list[tuple[float, Run]]:
        chosen = sorted(self.runs[1:], key=lambda r: -r.log_weight)[:count]
        total = _log_sum([r.log_weight for r in chosen])
        return [(math.exp(r.log_weight - total), r) for r in chosen]


def posterior(gaps: Gaps, hazard: float, spread: float = 1.0) -> Changepoints:
    logs = [math.log(g) for g in gaps]
    found = Changepoints(Run(0.0, statistics.median(logs), 0.1, 1.0, spread**2), hazard)
    for x in logs:
        found.update(x)
    return found


class Incremental:
    """``posterior`` reused from one prefix to the next when only a gap was added."""

    def __init__(self, hazard: float) -> None:
        self.hazard = hazard
        self.gaps: Gaps = ()
        self.found: Changepoints | None = None

    def __call__(self, gaps: Gaps) -> Changepoints:
        found = self.found
        if found is not None and gaps[:-1] == self.gaps and len(gaps) == len(self.gaps) + 1:
            found.update(math.log(gaps[-1]))
        else:
            found = posterior(gaps, self.hazard)
        self.gaps, self.found = gaps, found
        return found


SLOWER = math.log(4)


def bocpd_silence(hazard: float = 0.01, gate: float = 1.5) -> Score:
    model = Incremental(hazard)

    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is None:
            likeliest = model(gaps).likeliest(5)
            memo = (likeliest, math.exp(likeliest[0][1].longest))
        likeliest, longest = memo
        if silence < max(gate * longest, 1):
            return -math.inf, memo
        x = math.log(silence)
        same = sum(p * r.survival(x) for p, r in likeliest)
        slower = sum(p * (0.5 + 0.5 * r.survival(x, SLOWER)) for p, r in likeliest)
        return math.log(slower) - math.log(max(same, 1e-300)), memo

    return score


def joint(scale: float = 0.8) -> Score:
    """bocpd's odds, asked only once the silence reaches ``scale`` times the shipped
    rule's threshold (used "or" the shipped rule: a changepoint lets it ask sooner)."""
    odds = bocpd_silence(gate=0.0)

    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is None:
            memo = [silence_threshold(gaps), None]
        if silence < scale * memo[0]:
            return -math.inf, memo
        value, memo[1] = odds(gaps, silence, memo[1])
        return value, memo

    return score


def bocpd_shift(hazard: float = 0.005, window: int = 6, factor: float = 2.5) -> Score:
    model = Incremental(hazard)

    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is not None:
            return memo, memo
        runs, logs = model(gaps).runs, [math.log(g) for g in gaps]
        shifted = 0.0
        for r in range(1, min(window, len(logs) - 6, len(runs) - 1) + 1):
            if statistics.fmean(logs[-r:]) - statistics.median(logs[:-r]) >= math.log(factor):
                shifted += math.exp(runs[r].log_weight)
        return shifted, shifted

    return score


def cusum(allowance: float = 1.0, hold: int = 3) -> Score:
    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is None:
            logs = [math.log(g) for g in gaps]
            reference = logs[:-hold]
            if len(reference) < 6:
                return -math.inf, (None, 0.0, 1.0)
            mid = statistics.median(reference)
            mad = 1.4826 * statistics.median(abs(x - mid) for x in reference)
            spread, total = max(mad, 0.25), 0.0
            for x in logs[-hold:]:
                total = max(0.0, total + (x - mid) / spread - allowance)
            memo = (total, mid, spread)
        total, mid, spread = memo
        if total is None or silence < 1:
            return -math.inf, memo
        return total + max(0.0, (math.log(silence) - mid) / spread - allowance), memo

    return score


def predictive(spread: float = 0.6, strength: float = 2.0) -> Score:
    """-log10 of the chance, under the gaps' own log-normal fit (Normal-Gamma posterior,
    so a Student-t predictive: wide for few gaps), that a gap lasts as long as the
    silence: the Bayes odds of a stop against steady, with a constant prior of a stop.
    ``spread``: the prior guess of the log-gaps' standard deviation, held with the
    weight of ``strength`` gaps."""

    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is None:
            logs = [math.log(max(g, 0.5)) for g in gaps]
            n = len(logs)
            mean = sum(logs) / n
            squares = sum((x - mean) ** 2 for x in logs)
            alpha = strength / 2 + n / 2
            beta = strength / 2 * spread**2 + squares / 2
            scale = math.sqrt(beta * (n + 1) / (alpha * n))
            memo = (mean, scale, 2 * alpha)
        mean, scale, dof = memo
        t = (math.log(max(silence, 0.5)) - mean) / scale
        if t <= 0:
            return 0.0, memo
        tail = 0.5 * _beta_regularized(dof / 2, 0.5, dof / (dof + t * t))
        return -math.log10(max(tail, 1e-300)), memo

    return score


# -- reports ---------------------------------------------------------------------------


def line(label: str, rows: list[tuple[History, int | None]]) -> str:
    f = figures(rows)
    p, r = f["precision"] or 0.0, f["recall"] or 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return (
        f"{label:34s} precision {p:.3f} recall {r:.3f} F1 {f1:.3f} "
        f"fp {f['fp']} delay {f['median_delay_days']}"
    )


def table(rows: list[tuple[History, int | None]]) -> None:
    print(line("  all", rows))
    for name in FAMILIES:
        print(line(f"  {name}", [x for x in rows if x[0].family == name]))
    for name in KINDS[1:]:
        print(line(f"  {name}", [x for x in rows if x[0].kind == name]))


def sweep(watched: list[Watched], score: Callable[[], Score], thresholds: Sequence[float]) -> None:
    base = [first_day(records(w, shipped), 1.0) for w in watched]
    found = [records(w, score()) for w in watched]
    histories = [w.history for w in watched]
    print(line("shipped rule", list(zip(histories, base, strict=True))))
    for t in thresholds:
        alone = [first_day(f, t) for f in found]
        both = [earliest(a, b) for a, b in zip(alone, base, strict=True)]
        print(line(f"t={t:g} alone", list(zip(histories, alone, strict=True))))
        print(line(f"t={t:g} or shipped", list(zip(histories, both, strict=True))))
    if len(thresholds) == 1:
        table(list(zip(histories, both, strict=True)))


def bound(watched: list[Watched]) -> None:
    grid = [
        (a, b, by_gaps)
        for by_gaps in (False, True)
        for a in (0, 2, 4, 8, 12, 16, 24, 32, 48)
        for b in (0, 30, 60, 120, 180, 270, 365)
    ]
    scales = (0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
    outcome: dict[tuple[int, int, bool, float], list[int | None]] = {}
    for a, b, by_gaps in grid:
        found = [records(w, _family_member(a, b, by_gaps)) for w in watched]
        for t in scales:
            outcome[(a, b, by_gaps, t)] = [first_day(f, t) for f in found]
    histories = [w.history for w in watched]
    for goal, key in (("best F1", _f1), ("most recall at precision >= 0.9", _recall_at_90)):
        print(f"== per family, with hindsight: {goal}")
        chosen: list[int | None] = [None] * len(histories)
        for name in FAMILIES:
            index = [i for i, h in enumerate(histories) if h.family == name]

            def rows(
                k: tuple[int, int, bool, float], index: list[int] = index
            ) -> list[tuple[History, int | None]]:
                return [(histories[i], outcome[k][i]) for i in index]

            best = max(outcome, key=lambda k: key(rows(k)))
            for i in index:
                chosen[i] = outcome[best][i]
            print(line(f"  {name} a={best[0]} b={best[1]} gaps={best[2]} t={best[3]}", rows(best)))
        print(line("  all, each family its best", list(zip(histories, chosen, strict=True))))
        best = max(outcome, key=lambda k: key(list(zip(histories, outcome[k], strict=True))))
        print(line(f"  one for all {best}", list(zip(histories, outcome[best], strict=True))))


def _family_member(a: int, b: int, by_gaps: bool) -> Score:
    def score(gaps: Gaps, silence: int, memo: Any) -> tuple[float, Any]:
        if memo is None:
            longest, before, recent = max(gaps), gaps[:-3], gaps[-3:]
            fired = by_gaps and len(before) >= 6 and min(recent) >= 1.5 * max(before)
            memo = (max(longest * (1 + a / len(gaps)), longest + b), fired)
        threshold, fired = memo
        return (math.inf if fired else silence / threshold), memo

    return score


def _f1(rows: list[tuple[History, int | None]]) -> float:
    f = figures(rows)
    p, r = f["precision"] or 0.0, f["recall"] or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def _recall_at_90(rows: list[tuple[History, int | None]]) -> tuple[bool, float]:
    f = figures(rows)
    return (f["precision"] or 0.0) >= 0.9, float(f["recall"] or 0.0)


def cost() -> None:
    rng = random.Random(3)
    gaps = tuple(max(1, int(rng.paretovariate(1.8) * 10)) for _ in range(200))
    runs: list[tuple[str, Callable[[], object]]] = [
        ("shipped rule", lambda: shipped(gaps, 400, None)),
        ("bocpd (posterior + censored silence)", lambda: bocpd_silence()(gaps, 400, None)),
        ("cusum", lambda: cusum()(gaps, 400, None)),
    ]
    for label, run in runs:
        started, calls = time.perf_counter(), 0
        while time.perf_counter() - started < 2.0:
            run()
            calls += 1
        print(f"{label}: {(time.perf_counter() - started) / calls * 1000:.3f} ms a call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "experiment", choices=("bocpd", "joint", "shift", "cusum", "predictive", "bound", "cost")
    )
    parser.add_argument("--histories", type=int, default=600)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--thresholds", type=float, nargs="*")
    parser.add_argument("--scale", type=float, default=0.8, help="joint: share of the threshold")
    parser.add_argument("--spread", type=float, default=0.6, help="predictive: prior log sd")
    args = parser.parse_args()
    if args.experiment == "cost":
        cost()
        return
    rng = random.Random(args.seed)
    watched = [watch(generate(rng)) for _ in range(args.histories)]
    if args.experiment == "bound":
        bound(watched)
        return
    scores: dict[str, tuple[Callable[[], Score], list[float]]] = {
        "bocpd": (bocpd_silence, [6, 8, 10, 12, 15]),
        "joint": (lambda: joint(args.scale), [4, 6, 8]),
        "shift": (bocpd_shift, [0.5, 0.7, 0.9, 0.95]),
        "cusum": (cusum, [3, 5, 8, 10]),
        "predictive": (lambda: predictive(args.spread), [2, 3, 4, 5, 6]),
    }
    score, thresholds = scores[args.experiment]
    sweep(watched, score, args.thresholds or thresholds)


if __name__ == "__main__":
    main()
