"""Drift judged by each relationship's own past, on histories with irregular rhythms:
reply threads, long silences that are normal for it, few contacts, holidays; and the
numbers behind each question, in words."""

from __future__ import annotations

import random
from datetime import date

import pytest

from pds.services.relationships.cadence import BURSTY, Cadence, cadence
from pds.services.relationships.drift import GAPS, SILENCE, detect, silence_threshold
from pds.services.relationships.wording import every, on, period, span

START = date(2020, 1, 6).toordinal()


def history(gaps: list[int]) -> list[int]:
    days = [START]
    for gap in gaps:
        days.append(days[-1] + gap)
    return days


def of(days: list[int], since_last: int) -> Cadence:
    return cadence(days, [0.5] * len(days), days[-1] + since_last)


def test_reply_threads_are_episodes_of_one_conversation() -> None:
    rng = random.Random(5)
    days, at = [], START
    for _ in range(20):  # a conversation every 2-4 weeks, each a thread of replies
        days.append(at)
        for _ in range(rng.randint(1, 3)):
            days.append(days[-1] + rng.randint(1, 3))
        at += rng.randint(14, 30)
    found = of(days, since_last=10)
    assert found.pattern == BURSTY
    assert 14 <= (found.interval_days or 0) <= 30
    assert every(found.interval_days or 0) == "every 3 weeks"
    assert detect(found) is None


def test_an_irregular_history_is_judged_by_its_silences_between_conversations() -> None:
    days = history([3, 40, 5, 90, 12, 2, 60, 8, 30, 1, 75, 20, 2, 45, 3, 80, 50, 1, 70])
    found = of(days, 0)
    # replies a few days apart are one conversation: 11 silences between them
    assert found.quiet_gaps == (40, 90, 12, 60, 30, 75, 20, 45, 80, 50, 70)
    assert silence_threshold(found.quiet_gaps) == 210  # over 90 x (1 + 12/11): 90 + 120
    assert detect(of(days, since_last=200)) is None  # long, but it has been this quiet
    drift = detect(of(days, since_last=210))
    assert drift is not None and drift.evidence == SILENCE
    assert drift.explanation().endswith(
        "The longest of the 11 gaps between conversations before was 3 months."
    )


def test_few_gaps_need_a_longer_silence_and_frequent_contact_allows_a_holiday() -> None:
    assert silence_threshold([60] * 4) == 240  # 60 x (1 + 12/4): a record says little
    assert silence_threshold([100] * 12) == 220  # 100 x 2, but at least 100 + 120
    assert silence_threshold([200] * 24) == 320  # 200 x 1.5, but at least 200 + 120
    assert silence_threshold([400] * 48) == 520  # 400 x 1.25 and 400 + 120
    assert silence_threshold([3] * 50) == 123  # the longest gap plus four months


def test_a_quarterly_friend_silent_for_nine_months_is_asked_with_the_numbers() -> None:
    rng = random.Random(2)
    days = history([91 + rng.randint(-8, 8) for _ in range(20)])
    assert detect(of(days, since_last=180)) is None  # a missed visit: not yet
    drift = detect(of(days, since_last=275))
    assert drift is not None and drift.evidence == SILENCE
    last = date.fromordinal(days[-1])
    assert drift.explanation() == (
        f"21 contacts {period(date.fromordinal(START), last)}, about every 3 months; "
        f"none since {on(last)} (9 months). The longest of the 20 gaps between "
        "conversations before was 3 months."
    )
    assert 0.5 <= drift.confidence <= 1


def test_a_fading_rhythm_explains_the_recent_gaps() -> None:
    drift = detect(of(history([7] * 20 + [30, 31, 29]), since_last=5))
    assert drift is not None and drift.evidence == GAPS
    assert drift.explanation() == (
        "24 contacts from January to August 2020, about weekly; the last three gaps "
        "between conversations were 29 to 31 days, none of the 20 before longer than "
        "7 days."
    )
    assert drift.to_dict()["explanation"] == drift.explanation()


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (1, "daily"),
        (4, "every 4 days"),
        (7, "weekly"),
        (20, "every 3 weeks"),
        (30, "monthly"),
        (91, "every 3 months"),
        (365, "yearly"),
        (1000, "every 3 years"),
    ],
)
def test_intervals_in_words(days: float, words: str) -> None:
    assert every(days) == words


def test_spans_and_periods_in_words() -> None:
    assert [span(d) for d in (1, 5, 21, 112, 274, 1100)] == [
        "1 day",
        "5 days",
        "3 weeks",
        "4 months",
        "9 months",
        "3 years",
    ]
    assert period(date(2025, 8, 1), date(2025, 8, 30)) == "in August 2025"
    assert period(date(2025, 3, 1), date(2025, 8, 30)) == "from March to August 2025"
    assert period(date(2024, 3, 1), date(2025, 8, 30)) == "from March 2024 to August 2025"
    assert on(date(2025, 8, 12)) == "12 August 2025"
