"""The oracle's arithmetic (``drift_oracle.py``): each family's survival function is the
chance the generator's own process leaves that long a gap, and the prior of a stop."""

from __future__ import annotations

import math
import random

import pytest

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
