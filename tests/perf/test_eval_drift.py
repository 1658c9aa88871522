"""The drift evaluation's own arithmetic, on hand-made histories: when the first
question comes, how it is scored, and the separability figures."""

from __future__ import annotations

from tests.perf.drift_histories import History
from tests.perf.eval_drift import first_question, outcome, record_ratio, separability

WEEKLY = tuple(range(0, 20 * 7, 7))  # twenty weekly contacts, the last on day 133


def weekly(kind: str, end: int) -> History:
    return History(
        family="standing",
        kind=kind,
        typical=7.0,
        days=WEEKLY,
        drift_point=140 if kind == "stop" else 0,
        first_check=28,
        end=end,
    )


def test_a_stop_is_found_after_its_drift_point_and_scored_a_true_positive() -> None:
    stop = weekly("stop", end=133 + 365)
    found = first_question(stop)
    assert found is not None and found >= stop.drift_point
    assert found - 133 == 127  # the longest gap (7 days) plus four months
    assert outcome(stop, found) == "tp"


def test_a_question_in_a_steady_history_is_a_false_positive() -> None:
    steady = weekly("steady", end=133 + 365)  # it fell silent, but it is the control
    found = first_question(steady)
    assert found is not None and outcome(steady, found) == "fp"
    assert outcome(weekly("steady", end=133 + 30), None) == "tn"
    assert outcome(weekly("stop", end=133 + 30), None) == "fn"


def test_record_ratio_is_the_longest_silence_over_the_record_before_it() -> None:
    stop = weekly("stop", end=133 + 70)
    assert record_ratio(stop, stop.drift_point, stop.end) == 10.0  # 70 days over 7
    assert record_ratio(weekly("steady", end=133 + 7), 28, 133 + 7) == 1.0


def test_separability_shares_of_records() -> None:
    figures = separability([weekly("stop", end=133 + 70), weekly("steady", end=133 + 10)])
    assert figures["drift_record_x2"] == 1.0
    assert figures["steady_record_x1_5"] == 0.0
