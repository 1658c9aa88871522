"""Drift: the recent gaps of a relationship depart from its own normal (pure).

Two robust ratios against the relationship's own gaps between episodes
(``Cadence.gaps``), each with a threshold that widens with the relationship's own
spread ``s`` (the log dispersion of its normal gaps, at least ``MIN_SPREAD``):

- **gaps**: the median of the last ``WINDOW`` gaps against the recency-weighted
  median of the gaps before them (at least ``MIN_BASELINE``); drift when the ratio
  is at least ``max(GAP_RATIO, exp(GAP_Z x s))``;
- **silence**: the days since the last contact against the typical interval; drift
  when at least ``max(SILENCE_RATIO, exp(SILENCE_Z x s))``.

A relationship that is infrequent but regular (yearly) is judged against its own
yearly normal, so it is not drift. The confidence in [0, 1] grows with how far past
the threshold the ratio is and with how much history the normal rests on. The
result is a question for the owner, never a verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pds.services.relationships.cadence import (
    Cadence,
    about,
    log_dispersion,
    median,
    recency_weights,
)
from pds.services.relationships.cadence import weighted_median as wmedian

WINDOW = 3
MIN_BASELINE = 4
MIN_SPREAD = 0.1
GAP_RATIO = 2.2
GAP_Z = 3.0
SLACK_DAYS = 1.0  # whole days: a 3-day rhythm is not late at 7
SILENCE_RATIO = 2.5
SILENCE_Z = 4.5
STEEPNESS = 4.0

LONGER = "longer"
GAPS = "gaps"
SILENCE = "silence"


@dataclass(frozen=True)
class Drift:
    """How the recent rhythm departs from the normal one."""

    direction: str  # longer (contacts further apart)
    evidence: str  # gaps | silence
    normal_days: float
    recent_days: float
    gaps_counted: int
    confidence: float

    @property
    def ratio(self) -> float:
        return self.recent_days / max(self.normal_days, 1.0)

    def question(self) -> str:
        """The drift put as a question: what was normal, what happened lately."""
        normal = about(self.normal_days).removeprefix("about ")
        if self.evidence == SILENCE:
            return (
                f"You were in touch about {normal}; the last contact was "
                f"{_span(self.recent_days)} ago. Keep it, let it drift, or set a target?"
            )
        recent = about(self.recent_days).removeprefix("about ")
        return (
            f"You were in touch about {normal}; the last {_count(self.gaps_counted)} gaps "
            f"were about {recent}. Keep it, let it drift, or set a target?"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "evidence": self.evidence,
            "normal_days": round(self.normal_days, 1),
            "recent_days": round(self.recent_days, 1),
            "confidence": round(self.confidence, 2),
            "question": self.question(),
        }


def _count(n: int) -> str:
    return {1: "one", 2: "two", 3: "three"}.get(n, str(n))


def _span(days: float) -> str:
    if days < 14:
        return f"{round(days)} days"
    if days < 61:
        return f"{round(days / 7)} weeks"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{round(days / 365.25)} years"


def detect(cadence: Cadence) -> Drift | None:
    """The drift of ``cadence`` as of its ``days_since``, or ``None`` if it keeps its normal."""
    gaps = list(cadence.gaps)
    if cadence.interval_days is None or len(gaps) < MIN_BASELINE:
        return None
    spread = cadence.dispersion if cadence.dispersion is not None else log_dispersion(gaps)
    silence = _silence(spread, len(gaps), cadence.interval_days, cadence.days_since or 0)
    recent = _recent_gaps(gaps)
    found = [d for d in (silence, recent) if d is not None]
    return max(found, key=lambda d: d.confidence) if found else None


def _support(baseline: int) -> float:
    return baseline / (baseline + 2.0)


def _confidence(ratio: float, threshold: float, baseline: int) -> float:
    strength = 1 - 0.5 * (threshold / ratio) ** STEEPNESS  # 0.5 at the threshold
    return min(1.0, max(0.0, strength * _support(baseline)))


def _silence(spread: float, count: int, interval: float, days_since: int) -> Drift | None:
    spread = max(MIN_SPREAD, spread)
    threshold = max(SILENCE_RATIO, math.exp(SILENCE_Z * spread))
    ratio = (days_since - SLACK_DAYS) / max(interval, 1.0)
    if ratio < threshold:
        return None
    return Drift(
        LONGER, SILENCE, interval, float(days_since), 0, _confidence(ratio, threshold, count)
    )


def _recent_gaps(gaps: list[int]) -> Drift | None:
    baseline, recent = gaps[:-WINDOW], gaps[-WINDOW:]
    if len(baseline) < MIN_BASELINE:
        return None
    lately = median(recent)
    if lately - SLACK_DAYS < GAP_RATIO * min(baseline):  # under any threshold: skip the work
        return None
    normal = wmedian(baseline, recency_weights(len(baseline)))
    spread = max(MIN_SPREAD, log_dispersion(baseline))
    threshold = max(GAP_RATIO, math.exp(GAP_Z * spread))
    ratio = (lately - SLACK_DAYS) / max(normal, 1.0)
    if ratio < threshold:
        return None
    confidence = _confidence(ratio, threshold, len(baseline))
    return Drift(LONGER, GAPS, normal, lately, len(recent), confidence)


def changed_materially(old_recent_days: float, old_direction: str, drift: Drift) -> bool:
    """Whether ``drift`` differs enough from one the owner dismissed to be asked again:
    another direction, or a recent interval half as long or half as long again."""
    if drift.direction != old_direction:
        return True
    ratio = drift.recent_days / max(old_recent_days, 1.0)
    return ratio >= MATERIAL or ratio <= 1 / MATERIAL


MATERIAL = 1.5
