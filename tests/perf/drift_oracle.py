"""What *any* drift detector could reach on the evaluation's rhythms (a script, not a test).

    .venv/bin/python tests/perf/drift_oracle.py [--histories 2000] [--seed 11]

An upper bound, not a detector. For the six families of ``drift_histories.py`` it builds
histories as the generator does and watches them with the evaluation's protocol (from
the fifth conversation to 12 typical gaps after the drift point, at least a year, at
most five; the first question counts; a question before the drift point or about a
steady history is a false positive). Each history comes as a pair: its steady twin, and
the same history stopped after its ``normal``-th conversation (a plain stop, the
clearest drift there is; half the histories drift, as in the evaluation).

The oracle is given what no detector has:

- the process that made the history, with its parameters: the exact chance ``S(s)``
  that, from a conversation, the next one is more than ``s`` days away (Lomax for
  ``heavy_tail``; the seasonal rate for ``seasonal``; for ``switching`` even the hidden
  busy or quiet state at each conversation; the kept dates and the contacts between
  them for ``calendar``; 20,000 draws of the generator's own gap function for
  ``standing`` and ``threads``). To know the hidden state, the oracle writes out the
  processes of ``heavy_tail``, ``switching``, ``seasonal`` and ``calendar``;
  ``test_drift_oracle.py`` checks that they draw exactly the generator's gaps;
- the prior of when a stop comes (``normal`` as the generator draws it);
- histories without the holidays and reply threads that make the real ones harder (a
  detector of the noisy histories could be run on the clean ones by adding the noise
  itself, so the clean ones can only be easier).

While a silence of ``s`` days lasts after the ``k``-th conversation, the odds that the
history stopped there are the prior odds of a stop right there over ``S(s)``; the
oracle asks when those odds pass a threshold (the Bayes rule for stop against steady),
swept over a fine range. What the oracle cannot reach on these histories, a detector
that sees only contact days cannot reach on the evaluation's, which are noisier and
also drift by slow fades and slowdowns.

It prints, per family and for all six together, the best recall at precision >= 0.9
and the best precision at recall >= 0.85, (``--table``) the whole sweep, and
(``--shipped``) what the shipped detector (``eval_drift``'s first question) does on
the same clean pairs.
"""

from __future__ import annotations

import argparse
import bisect
import math
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.perf.drift_histories import (  # noqa: E402
    GAPS,
    HORIZON_GAPS,
    MAX_HORIZON,
    MAX_NORMAL,
    MAX_PAST,
    MAX_TYPICAL,
    MIN_HORIZON,
    MIN_NORMAL,
    MIN_TYPICAL,
    YEAR,
    History,
)

FAMILIES = ("heavy_tail", "switching", "standing", "threads", "seasonal", "calendar")
DRAWS = 20_000  # draws of a renewal family's gap function, for its survival
THRESHOLDS = tuple(10 ** (k / 16) for k in range(-32, 97))  # posterior odds of a stop
PRECISION, RECALL = 0.9, 0.85

Survival = Callable[[int, float, float], float]  # (conversation k, its day, silence) -> S
Gap = Callable[[float], float]  # the generator's: the gap after a conversation on a day
Maker = Callable[[random.Random, float], tuple[Gap, Survival]]


# -- the families, with what the oracle knows of them ------------------------------------


def _heavy_tail(rng: random.Random, scale: float) -> tuple[Gap, Survival]:
    """The generator's Lomax gaps (median ``scale``, capped at 4 years, plus half a day)."""
    alpha = rng.uniform(1.3, 2.5)
    sigma = scale / (2 ** (1 / alpha) - 1)

    def gap(_at: float) -> float:
        return min(sigma * (rng.paretovariate(alpha) - 1), 4 * YEAR) + 0.5

    def survival(_k: int, _at: float, silence: float) -> float:
        if silence > 4 * YEAR + 0.5 + 1e-6:  # the cap (and rounding of day sums)
            return 0.0
        return float((1 + max(0.0, silence - 0.5) / sigma) ** -alpha)

    return gap, survival


def _drawn(family: str) -> Maker:
    """A renewal family of the generator, its survival from many draws of its gaps."""

    def make(rng: random.Random, scale: float) -> tuple[Gap, Survival]:
        gap = GAPS[family](rng, scale)
        draws = sorted(max(gap(rng.uniform(0, 7 * 52)), 0.5) for _ in range(DRAWS))

        def survival(_k: int, _at: float, silence: float) -> float:
            above = len(draws) - bisect.bisect_left(draws, silence)  # draws >= silence
            return max(above, 0.5) / len(draws)

        return gap, survival

    return make


def _seasonal(rng: random.Random, scale: float) -> tuple[Gap, Survival]:
    """The generator's seasonal Poisson process; S from its rate's integral."""
    depth, peak, rate = rng.uniform(0.7, 1.0), rng.uniform(0, YEAR), 1 / scale

    def gap(at: float) -> float:
        t = at
        while True:
            t += rng.expovariate(rate * (1 + depth))
            season = 1 + depth * math.cos(2 * math.pi * (t - peak) / YEAR)
            if rng.random() * (1 + depth) < season:
                return t - at

    def integral(t: float) -> float:
        wave = math.sin(2 * math.pi * (t - peak) / YEAR)
        return rate * (t + depth * YEAR / (2 * math.pi) * wave)

    def survival(_k: int, at: float, silence: float) -> float:
        return math.exp(-(integral(at + silence) - integral(at)))

    return gap, survival


def _switching(rng: random.Random, scale: float) -> tuple[Gap, Survival]:
    """The generator's two-state Markov-modulated Poisson process; S from the state at
    each conversation (known to the oracle) by the 2x2 matrix exponential."""
    busy_gap, quiet_gap = scale * rng.uniform(0.1, 0.3), scale * rng.uniform(2, 5)
    busy_length = busy_gap * rng.uniform(3, 10)
    quiet_length = quiet_gap * rng.uniform(1, 4)
    state = {"busy": rng.random() < 0.5, "until": 0.0}
    busy_at: list[bool] = []  # the state at each conversation, in order

    def gap(at: float) -> float:
        t = at
        while True:
            if t >= state["until"]:
                state["busy"] = not state["busy"]
                length = busy_length if state["busy"] else quiet_length
                state["until"] = t + rng.expovariate(1 / length)
            if t == at:
                busy_at.append(bool(state["busy"]))
            step = rng.expovariate(1 / (busy_gap if state["busy"] else quiet_gap))
            if t + step < state["until"]:
                return t + step - at
            t = state["until"]

    # without a conversation, d/dt (p_busy, p_quiet) = A (p_busy, p_quiet)
    a11, a12 = -(1 / busy_length + 1 / busy_gap), 1 / quiet_length
    a21, a22 = 1 / busy_length, -(1 / quiet_length + 1 / quiet_gap)
    half, root = (a11 + a22) / 2, math.sqrt(((a11 - a22) / 2) ** 2 + a12 * a21)
    roots = ((half + root, half - root), (half - root, half + root))

    def survival(k: int, _at: float, silence: float) -> float:
        busy, quiet = (1.0, 0.0) if busy_at[k] else (0.0, 1.0)
        total = 0.0
        for lam, other in roots:  # exp(A s) by Sylvester's formula, summed over states
            column = ((a11 - other) * busy + a12 * quiet, a21 * busy + (a22 - other) * quiet)
            total += math.exp(lam * silence) / (lam - other) * sum(column)
        return min(1.0, max(0.0, total))

    return gap, survival


def _calendar(rng: random.Random, scale: float) -> tuple[Gap, Survival]:
    """The generator's fixed dates (each kept with a probability, +-0.4 days) and
    Poisson contacts between them; S from both (the dates' jitter taken as uniform)."""
    period = min((7.0, 14.0, YEAR / 12, YEAR / 4, YEAR / 2, YEAR), key=lambda p: abs(p - scale))
    phase = rng.uniform(0, period)
    kept = rng.uniform(0.55, 0.95)
    extra = 1 / (period * rng.uniform(3, 8))

    def gap(at: float) -> float:
        occasion = phase + period * math.ceil((at + 0.5 - phase) / period)
        while rng.random() > kept:
            occasion += period
        between = at + rng.expovariate(extra)
        return max(0.5, min(occasion, between) - at + rng.uniform(-0.4, 0.4))

    def survival(_k: int, at: float, silence: float) -> float:
        chance = math.exp(-extra * silence)
        occasion = phase + period * math.ceil((at + 0.5 - phase) / period)
        while occasion - 0.4 < at + silence:
            passed = min(1.0, (at + silence - (occasion - 0.4)) / 0.8)
            chance *= 1 - kept * passed
            occasion += period
        return chance

    return gap, survival


MAKERS: dict[str, Maker] = {
    "heavy_tail": _heavy_tail,
    "switching": _switching,
    "standing": _drawn("standing"),
    "threads": _drawn("threads"),
    "seasonal": _seasonal,
    "calendar": _calendar,
}


# -- one steady/stopped pair, and the oracle's questions about it ------------------------


def stop_odds(scale: float) -> tuple[float, ...]:
    """The prior odds, having seen ``k`` conversations and no stop yet, that the history
    stops right after the ``k``-th rather than being steady or stopping later (half the
    histories drift; ``normal`` is drawn log-uniform in 6..60, capped by 15 years)."""
    cap = min(MAX_NORMAL, max(MIN_NORMAL, int(MAX_PAST / scale)))
    width = math.log(MAX_NORMAL) - math.log(MIN_NORMAL)
    pmf = [0.0] * (MAX_NORMAL + 2)
    for k in range(MIN_NORMAL, MAX_NORMAL + 1):
        low, high = max(k - 0.5, MIN_NORMAL), min(k + 0.5, MAX_NORMAL)
        pmf[min(k, cap)] += max(0.0, math.log(high) - math.log(low)) / width
    return tuple(pmf[k] / (1 + sum(pmf[k + 1 :])) for k in range(len(pmf)))


@dataclass(frozen=True)
class Pair:
    """Where the oracle's odds threshold decides about a steady history and its stopped
    twin: asking below ``steady_asks`` odds flags the steady one; for the stopped one,
    below ``early`` a question comes before the stop, else below ``stopped_asks`` one
    comes on the final silence, in time (a true positive) from ``in_time`` up."""

    steady_asks: float
    early: float
    stopped_asks: float
    in_time: float
    histories: tuple[History, History]  # the two as ``eval_drift`` takes them (clean)


def _odds(prior: tuple[float, ...], k: int, chance: float) -> float:
    """The posterior odds of a stop right after conversation ``k`` (0-based) when a
    silence that long had ``chance`` under the steady process."""
    odds = prior[k + 1] if k + 1 < len(prior) else 0.0
    return odds / chance if chance > 0 else (math.inf if odds else 0.0)


def make_pair(family: str, rng: random.Random) -> Pair | None:
    """One history of ``family`` drawn as the generator draws it (without holidays or
    threads) and what the oracle would ask, or None when it is too short to watch."""
    top = 60.0 if family == "seasonal" else MAX_TYPICAL
    scale = math.exp(rng.uniform(math.log(MIN_TYPICAL), math.log(top)))
    normal = round(math.exp(rng.uniform(math.log(MIN_NORMAL), math.log(MAX_NORMAL))))
    normal = min(normal, max(MIN_NORMAL, int(MAX_PAST / scale)))
    gap, survival = MAKERS[family](rng, scale)
    first = rng.uniform(0, YEAR)
    until = first + (normal + HORIZON_GAPS) * scale * 4 + MAX_HORIZON
    starts, at = [], first
    while at <= until:
        starts.append(at)
        at += max(gap(at), 0.5)
    if len(starts) <= normal + 1:
        return None
    typical = (starts[-1] - starts[0]) / (len(starts) - 1)
    horizon = min(max(HORIZON_GAPS * typical, MIN_HORIZON), MAX_HORIZON)
    drift_point, end = starts[normal], starts[normal] + horizon
    if starts[-1] <= end:
        return None
    prior = stop_odds(scale)

    def asks(k: int, until: float) -> float:  # odds below which gap k gets a question
        return _odds(prior, k, survival(k, starts[k], until - starts[k]))

    steady = [
        asks(k, min(starts[k + 1], end)) for k in range(4, len(starts) - 1) if starts[k] <= end
    ]
    last = normal - 1
    early = [asks(k, starts[k + 1]) for k in range(4, last)]
    return Pair(
        steady_asks=max(steady, default=0.0),
        early=max(early, default=0.0),
        stopped_asks=asks(last, end),
        in_time=asks(last, drift_point),
        histories=(
            _history(family, "steady", typical, starts, drift_point, end),
            _history(family, "stop", typical, starts[:normal], drift_point, end),
        ),
    )


def _history(
    family: str, kind: str, typical: float, starts: list[float], drift_point: float, end: float
) -> History:
    days = tuple(int(t) for t in starts if t <= end)
    return History(family, kind, typical, days, int(drift_point), days[4], int(end))


def shipped(pairs: list[Pair]) -> tuple[float, float]:
    """Precision and recall of the shipped detector (``eval_drift``'s first question)
    on the same clean pairs."""
    from tests.perf.eval_drift import first_question, outcome

    results = [outcome(h, first_question(h)) for pair in pairs for h in pair.histories]
    tp, fp = results.count("tp"), results.count("fp")
    return (tp / (tp + fp) if tp + fp else 1.0), tp / len(pairs)


def score(pairs: list[Pair], odds: float) -> tuple[float, float]:
    """Precision and recall of the oracle asking at ``odds`` over ``pairs``."""
    tp = fp = 0
    for pair in pairs:
        fp += odds < pair.steady_asks
        if odds < pair.early:
            fp += 1
        elif odds < pair.stopped_asks:
            if odds >= pair.in_time:
                tp += 1
            else:
                fp += 1
    return (tp / (tp + fp) if tp + fp else 1.0), tp / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--histories", type=int, default=2000, help="pairs per family")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--table", action="store_true", help="print the whole sweep")
    parser.add_argument(
        "--shipped", action="store_true", help="also the shipped detector on the same pairs"
    )
    args = parser.parse_args()
    by_family: dict[str, list[Pair]] = {}
    for family in FAMILIES:
        rng = random.Random(f"oracle {args.seed} {family}")
        pairs: list[Pair] = []
        while len(pairs) < args.histories:
            pair = make_pair(family, rng)
            if pair is not None:
                pairs.append(pair)
        by_family[family] = pairs
    groups = {**by_family, "all six": [p for f in FAMILIES for p in by_family[f]]}
    sweeps = {name: [score(pairs, odds) for odds in THRESHOLDS] for name, pairs in groups.items()}
    print(f"oracle: {args.histories} steady/stopped pairs per family, seed {args.seed}\n")
    if args.table:
        print("| odds | " + " | ".join(f"{g} P / R" for g in groups) + " |")
        print("|---:|" + "---:|" * len(groups))
        for i, odds in enumerate(THRESHOLDS):
            cells = [f"{sweeps[g][i][0]:.3f} / {sweeps[g][i][1]:.3f}" for g in groups]
            print(f"| {odds:.3g} | " + " | ".join(cells) + " |")
        print()
    print("| family | best recall at precision >= 0.9 | best precision at recall >= 0.85 |")
    print("|---|---:|---:|")
    for name, sweep in sweeps.items():
        recall = max((r for p, r in sweep if p >= PRECISION), default=0.0)
        precision = max((p for p, r in sweep if r >= RECALL), default=0.0)
        print(f"| {name} | {recall:.3f} | {precision:.3f} |")
    if args.shipped:
        print("\n| family | shipped detector, same pairs: precision / recall |")
        print("|---|---:|")
        for name, pairs in groups.items():
            precision, recall = shipped(pairs)
            print(f"| {name} | {precision:.3f} / {recall:.3f} |")


if __name__ == "__main__":
    main()
