"""The drift evaluation's own arithmetic, on hand-made histories: when the first
question comes, how it is scored, and the separability figures."""

from __future__ import annotations

import random

from tests.perf.drift_histories import History
from tests.perf.eval_drift import (
    WATCH_END,
    Snapshot,
    asks,
    first_question,
    longest_gap,
    outcome,
    record_ratio,
    separability,
    snapshot_days,
    snapshot_figures,
    snapshots,
)

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


def test_the_snapshot_asks_as_the_first_question_view_does() -> None:
    stop = weekly("stop", end=133 + 365)
    found = first_question(stop)
    assert found is not None
    assert asks(stop, found) and not asks(stop, found - 1)
    assert not asks(stop, 60)  # in the weekly rhythm: nothing to ask


def test_a_drifting_history_is_photographed_after_its_drift_point_up_to_its_end() -> None:
    stop = weekly("stop", end=140 + 60)
    days = dict(snapshot_days(stop, random.Random(1)))
    assert days == {"+3": 161, "+6": 182, "+12": 200, WATCH_END: 200}  # +12 capped
    taken = snapshots(stop, random.Random(1))
    assert [snapshot_figures(taken, w)["capped"] for w in ("+6", "+12")] == [0, 1]


def test_a_steady_history_is_photographed_on_a_seeded_random_day_and_at_its_end() -> None:
    steady = weekly("steady", end=133 + 365)
    days = dict(snapshot_days(steady, random.Random(3)))
    assert steady.first_check <= days["random"] <= steady.end and days["end"] == steady.end
    assert days == dict(snapshot_days(steady, random.Random(3)))


def test_longest_gap_counts_only_contact_days_before() -> None:
    assert longest_gap((0, 0, 7, 20, 60), 60) == 13
    assert longest_gap((0, 7), 5) == 0


def test_a_snapshot_records_the_silence_and_the_record_before_the_drift_point() -> None:
    taken = {s.when: s for s in snapshots(weekly("stop", end=133 + 365), random.Random(1))}
    assert taken["+12"].silence == 140 + 84 - 133 and taken["+12"].record == 7
    assert not taken["+12"].flagged  # 91 days: short of the longest gap plus four months
    assert taken[WATCH_END].flagged and taken[WATCH_END].silence == 365


def test_snapshot_precision_weighs_each_steady_history_once() -> None:
    stop, steady = weekly("stop", end=500), weekly("steady", end=500)
    taken = [
        Snapshot(stop, "+3", 150, True, 17, 7),
        Snapshot(stop, "+3", 150, False, 17, 7),
        Snapshot(steady, "random", 90, True, 0, 7),
        Snapshot(steady, "end", 500, False, 367, 7),
    ]
    found = snapshot_figures(taken, "+3")
    assert found["recall"] == 0.5
    assert found["precision"] == round(1 / 1.5, 3)  # one steady flag, counted half
    assert found["precision_random"] == 0.5 and found["precision_end"] == 1.0
    assert found["silence_over_record"] == 1.0 and found["silence_over_1_5_record"] == 1.0
    assert found["steady_silence_over_record_random"] == 0.0
    assert found["steady_silence_over_record_end"] == 1.0
