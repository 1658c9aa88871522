"""The oracle's arithmetic (``drift_oracle.py``): each family's survival function is the
chance the generator's own process leaves that long a gap, and the prior of a stop."""

from __future__ import annotations

import math
import random

import pytest

from tests.perf.drift_histories import GAPS
from tests.perf.drift_oracle import MAKERS, stop_odds

RUNS = 4000


@pytest.mark.parametrize(
    ("family", "scale", "at"),
    [
        ("heavy_tail", 20.0, 0.0),
        ("switching", 30.0, 0.0),
        ("seasonal", 20.0, 100.0),
        ("calendar", 30.0, 10.0),
    ],
)
def test_survival_is_the_chance_of_a_gap_that_long(family: str, scale: float, at: float) -> None:
    gaps, survivals = [], None
    for run in range(RUNS):
        rng = random.Random(f"parameters {family}")  # the same process every run ...
        gap, survival = MAKERS[family](rng, scale)
        rng.seed(f"run {run}")  # ... and fresh draws from it
        gaps.append(max(gap(at), 0.5))
        survivals = survival
    assert survivals is not None
    for silence in (scale / 4, scale, 2 * scale, 4 * scale):
        seen = sum(g > silence for g in gaps) / RUNS
        assert survivals(0, at, silence) == pytest.approx(seen, abs=0.025), silence


def test_the_prior_of_a_stop_follows_the_generators_draw() -> None:
    odds = stop_odds(3.0)  # short gaps: the 15-year cap never bites
    assert odds[:6] == (0.0,) * 6 and odds[61] == 0.0
    first, last = math.log(6.5 / 6) / math.log(10), math.log(60 / 59.5) / math.log(10)
    assert odds[6] == pytest.approx(first / (1 + 1 - first))  # steady, or a stop later
    assert odds[60] == pytest.approx(last)  # the last half-step of 6..60, nothing later
    assert sum(1 for o in odds if o > 0) == 55
    capped = stop_odds(365.25)  # a year a gap: at most 15 conversations
    assert capped[15] > 0 and all(o == 0 for o in capped[16:])


@pytest.mark.parametrize("family", ["heavy_tail", "switching", "seasonal", "calendar"])
def test_the_oracles_copy_of_a_process_is_the_generators(family: str) -> None:
    """The families the oracle writes out (to know their hidden state) draw exactly the
    gaps the generator draws from the same seed."""
    generator = GAPS[family](random.Random(f"same {family}"), 25.0)
    oracle, _survival = MAKERS[family](random.Random(f"same {family}"), 25.0)
    at_generator = at_oracle = 3.0
    for _ in range(200):
        step_generator, step_oracle = generator(at_generator), oracle(at_oracle)
        assert step_oracle == step_generator
        at_generator += max(step_generator, 0.5)
        at_oracle += max(step_oracle, 0.5)
