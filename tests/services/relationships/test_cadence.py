"""The cadence, drift, tier and engagement models on synthetic histories with known answers."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import pytest

from pds.i18n import written_in
from pds.services.relationships.cadence import (
    BURSTY,
    NEW,
    REGULAR,
    Cadence,
    DepthWeights,
    about,
    cadence,
)
from pds.services.relationships.drift import GAPS, LONGER, SILENCE, changed_materially, detect
from pds.services.relationships.engagement import DOWN, FADING, FLAT, SOURING, UP, engagement, trend
from pds.services.relationships.tiers import assign

START = date(2020, 1, 6).toordinal()


def history(gaps: list[int]) -> list[int]:
    days = [START]
    for gap in gaps:
        days.append(days[-1] + gap)
    return days


def jittered(interval: int, count: int, spread: int, seed: int = 1) -> list[int]:
    rng = random.Random(seed)
    return [interval + rng.randint(-spread, spread) for _ in range(count)]


def of(days: list[int], since_last: int) -> Cadence:
    return cadence(days, [0.5] * len(days), days[-1] + since_last)


def test_weekly_is_regular_about_weekly_and_not_drift() -> None:
    found = of(history(jittered(7, 40, 1)), since_last=4)
    assert (found.pattern, found.rhythm, found.interval_days) == (REGULAR, "about weekly", 7)
    assert found.regularity is not None and found.regularity > 0.6
    assert found.days_since == 4 and found.intervals_since == pytest.approx(4 / 7)
    assert detect(found) is None


def test_monthly_is_regular_about_monthly_and_not_drift() -> None:
    found = of(history(jittered(30, 24, 4)), since_last=20)
    assert (found.pattern, found.rhythm) == (REGULAR, "about monthly")
    assert 27 <= (found.interval_days or 0) <= 33
    assert detect(found) is None


def test_a_missed_contact_does_not_move_the_interval() -> None:
    found = of(history([7] * 20 + [21] + [7] * 5), since_last=3)
    assert found.interval_days == 7 and detect(found) is None


def test_yearly_regular_is_regular_and_not_drift_even_late_in_the_year() -> None:
    days = history(jittered(365, 6, 20))
    for since_last in (30, 300, 400):
        found = of(days, since_last=since_last)
        assert (found.pattern, found.rhythm) == (REGULAR, "about yearly")
        assert detect(found) is None, since_last


def test_yearly_regular_silent_for_three_years_is_asked_about() -> None:
    days = history(jittered(365, 10, 20))
    assert detect(of(days, since_last=2 * 365)) is None  # one missed year: not yet
    drift = detect(of(days, since_last=3 * 365))
    assert drift is not None and (drift.evidence, drift.direction) == (SILENCE, LONGER)
    assert drift.question() == (
        "You were in touch about yearly; the last contact was 3 years ago. "
        "Keep it, let it drift, or set a target?"
    )


def test_fading_weekly_to_monthly_is_a_question_with_a_confidence() -> None:
    drift = detect(of(history([7] * 20 + [30, 31, 29]), since_last=5))
    assert drift is not None
    assert (drift.evidence, drift.normal_days, drift.recent_days) == (GAPS, 7, 30)
    assert 0.8 < drift.confidence <= 1
    assert drift.question() == (
        "You were in touch about weekly; the last three gaps were about monthly. "
        "Keep it, let it drift, or set a target?"
    )
    with written_in("de"):
        assert drift.question() == (
            "Sie hatten etwa wöchentlich Kontakt; in den letzten drei Abständen nur noch etwa "
            "monatlich. Beibehalten, auseinanderdriften lassen oder ein Ziel setzen?"
        )


def test_a_weekly_relationship_gone_silent_is_drift_once_past_a_holiday() -> None:
    days = history([7] * 20)
    assert detect(of(days, since_last=28)) is None  # four weeks away: a holiday
    assert detect(of(days, since_last=70)) is None  # ... and a trip
    assert detect(of(days, since_last=126)) is None
    drift = detect(of(days, since_last=127))  # the longest gap (7 days) plus four months
    assert drift is not None and drift.evidence == SILENCE and drift.recent_days == 127
    assert drift.question().startswith(
        "You were in touch about weekly; the last contact was 4 months"
    )


def test_bursty_contacts_are_episodes_with_their_own_rhythm() -> None:
    rng = random.Random(3)
    days, at = [], START
    for _ in range(8):
        days.extend(at + i for i in range(5))
        at += 90 + rng.randint(-10, 10)
    found = of(days, since_last=40)
    assert (found.pattern, found.rhythm, found.burst_size) == (BURSTY, "about quarterly", 5)
    assert detect(found) is None


def test_new_relationships_infer_nothing() -> None:
    found = of(history([7, 7]), since_last=0)
    assert found.pattern == NEW and found.is_new
    assert (found.interval_days, found.regularity, found.per_year, found.gaps) == (
        None,
        None,
        None,
        (),
    )
    assert found.rhythm == "too few interactions to tell"
    assert detect(found) is None
    assert cadence([], [], START).interactions == 0


def test_depth_follows_the_owners_weights() -> None:
    weights = DepthWeights()
    assert weights.weight("meeting", "in_person") == 1.0
    assert weights.weight("message", None) == pytest.approx(0.35)
    mine = DepthWeights({"message": 1.0}, {"email": 1.0})
    assert mine.weight("message", "email") == 1.0
    days = history([7] * 5)
    assert cadence(days, [1.0] * 6, days[-1]).depth == 1.0


def test_words_for_intervals() -> None:
    assert [about(d) for d in (1, 7, 14, 30, 91, 365, 1100)] == [
        "about daily",
        "about weekly",
        "about every two weeks",
        "about monthly",
        "about quarterly",
        "about yearly",
        "about every 3 years",
    ]


def test_material_change_of_a_dismissed_drift() -> None:
    drift = detect(of(history([7] * 20 + [30, 31, 29]), since_last=5))
    assert drift is not None
    assert not changed_materially(28, LONGER, drift)
    assert changed_materially(15, LONGER, drift)
    assert changed_materially(30, "shorter", drift)


def _population(seed: int) -> dict[str, Cadence]:
    rng = random.Random(seed)
    found = {}
    for i in range(300):
        interval, depth = rng.choice(((7, 0.85), (30, 0.5), (365, 0.2)))
        found[f"r{i:03d}"] = Cadence(
            interactions=10,
            pattern=REGULAR,
            depth=depth + rng.uniform(-0.05, 0.05),
            interval_days=interval * rng.uniform(0.85, 1.15),
        )
    found["new"] = Cadence(interactions=1, pattern=NEW, depth=0.5)
    return found


def test_tiers_are_found_by_the_data_and_named_by_closeness() -> None:
    tiers = assign(_population(1))
    assert [t.name for t in tiers.tiers] == ["tier 1", "tier 2", "tier 3"]
    assert [round(t.depth, 1) for t in tiers.tiers] == [0.8, 0.5, 0.2]
    assert tiers.tiers[0].per_year > tiers.tiers[1].per_year > tiers.tiers[2].per_year
    assert "new" not in tiers.members and len(tiers.members) == 300


def test_tiers_are_deterministic_whatever_the_order() -> None:
    population = _population(2)
    first = assign(population)
    again = assign(dict(reversed(list(population.items()))))
    assert first == again


def test_few_or_uniform_relationships_make_one_tier() -> None:
    few = dict(list(_population(3).items())[:4])
    assert [t.name for t in assign(few).tiers] == ["tier 1"]
    assert assign({}).tiers == ()


def test_trend_compares_the_last_two_periods_with_the_two_before() -> None:
    assert trend([5, 5, 1, 1]) == DOWN
    assert trend([1, 1, 5, 5]) == UP
    assert trend([3, 3, 3, 4]) == FLAT
    assert trend([0, 0, 1, 0]) == FLAT  # too small a change to say


def test_engagement_souring_and_fading() -> None:
    today = date(2025, 12, 15)
    quarter_days = [date(2025, m, 10) for m in (1, 4, 7, 10)]
    interactions = []
    for i, day in enumerate(quarter_days):
        interactions += [(day, "purchase")] * (6 - 2 * i)
        interactions += [(day, "complaint")] * i
    purchases = [(day, Decimal("10.00"), "EUR") for day, kind in interactions if kind == "purchase"]
    found = engagement("v", interactions, purchases, today, periods=4)
    assert [p.label for p in found.periods] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert [p.counts["purchases"] for p in found.periods] == [6, 4, 2, 0]
    assert found.periods[0].spending == {"EUR": Decimal("60.00")}
    assert found.trends["purchases"] == DOWN and found.trends["complaints"] == UP
    assert found.trends["spending:EUR"] == DOWN
    assert found.signals == (FADING, SOURING)  # less activity overall, more complaints
    quiet = engagement(
        "v", [(d, "purchase") for d in quarter_days[:2] for _ in range(3)], [], today, 4
    )
    assert quiet.signals == (FADING,) and quiet.to_dict()["signals"] == ["fading"]


def test_words_for_intervals_in_german() -> None:
    with written_in("de"):
        assert [about(d) for d in (1, 14, 30, 200, 1100)] == [
            "etwa täglich",
            "etwa alle zwei Wochen",
            "etwa monatlich",
            "etwa zweimal im Jahr",
            "etwa alle 3 Jahre",
        ]
    assert about(545) == "about every 1 year"
