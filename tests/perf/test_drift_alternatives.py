"""The arithmetic behind the alternative drift detectors of ``drift_alternatives.py``:
the Student-t tail, the changepoint posterior, and that replaying the shipped rule
through its scoring gives ``eval_drift``'s first question."""

from __future__ import annotations

import math

import pytest

from tests.perf.drift_alternatives import (
    Run,
    first_day,
    posterior,
    records,
    shipped,
    watch,
)
from tests.perf.drift_histories import History
from tests.perf.eval_drift import first_question


def student(nu: float) -> Run:
    """A run whose predictive is the standard Student-t with ``nu`` degrees of freedom
    (scale sqrt(beta (kappa + 1) / (alpha kappa)) = 1)."""
    return Run(0.0, 0.0, 1.0, nu / 2, nu / 4)


@pytest.mark.parametrize(
    ("nu", "t", "tail"),
    [
        (1.0, 1.0, 0.25),  # Cauchy: 1/2 - atan(t)/pi
        (2.0, 1.0, 0.5 - 1 / (2 * math.sqrt(3))),  # closed form for two degrees
        (2.0, -1.0, 0.5 + 1 / (2 * math.sqrt(3))),
        (4.0, 3.0, 0.019970),
    ],
)
def test_the_student_t_tail_matches_closed_forms(nu: float, t: float, tail: float) -> None:
    assert student(nu).survival(t) == pytest.approx(tail, abs=1e-6)


def test_the_likeliest_run_starts_at_the_change() -> None:
    steady = (9, 11, 10, 12, 8, 10, 9, 11, 10, 10, 12, 9, 11, 10, 9, 10)
    gaps = (*steady, 95, 110, 100, 105)
    likeliest = posterior(gaps, hazard=0.01).likeliest(1)[0][1]
    assert round(likeliest.kappa - 0.1) == 4  # the four slow gaps
    assert math.exp(likeliest.longest) == pytest.approx(110)


def test_the_shipped_rule_replayed_asks_on_eval_drifts_day() -> None:
    stop = History(
        family="standing",
        kind="stop",
        typical=7.0,
        days=tuple(range(0, 20 * 7, 7)),
        drift_point=140,
        first_check=28,
        end=133 + 365,
    )
    assert first_day(records(watch(stop), shipped), 1.0) == first_question(stop) == 260
