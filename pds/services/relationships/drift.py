"""Drift: a relationship's contacts stop or thin out, judged by its own past (pure).

Real contact is bursty and irregular (reply threads, busy and quiet spells, skipped
occasions, holidays, heavy-tailed silences), so drift is not judged against a model
of a rhythm but against the relationship's own silences between conversations
(``Cadence.quiet_gaps``: the gaps between contact days once reply threads are
collapsed into conversations, the last ``QUIET_GAPS`` of them). With ``L`` the longest
of its ``n`` gaps:

- **silence**: the days since the last contact reach
  ``max(L x (1 + PRIOR_GAPS / n), L + ALLOWANCE_DAYS)``: longer than any silence
  before, by a margin that shrinks as the evidence grows. If the gaps were
  exchangeable, the next one would be the longest yet with probability
  ``1 / (n + 1)``; a record is no news in a short history, so a short history must
  go further past its record (12 gaps: twice the longest; 48: a quarter more). The
  allowance keeps a holiday or a trip from being asked about where contact is
  frequent;
- **gaps**: the last ``WINDOW`` gaps are each at least ``GAP_FACTOR x`` the longest
  of the (at least ``MIN_BEFORE``) gaps before them: weekly for months, then three
  gaps of a month.

Both need ``MIN_BASELINE`` gaps. The confidence in [0, 1] grows with how far past
its threshold the evidence is and with how many gaps it rests on. The result is a
question for the owner, never a verdict, and it explains itself with the numbers
behind it. ``tests/perf/eval_drift.py`` measures it (see docs/relationships.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pds.i18n import N_, gettext, ngettext, translated
from pds.services.relationships.cadence import (
    Cadence,
    about,
    median,
    recency_weights,
    weighted_median,
)
from pds.services.relationships.wording import ago, every, on, period, span

MIN_BASELINE = 4
PRIOR_GAPS = 12.0
ALLOWANCE_DAYS = 120
WINDOW = 3
MIN_BEFORE = 6
GAP_FACTOR = 1.5
STEEPNESS = 4.0
SUPPORT = 2.0  # gaps: confidence n / (n + SUPPORT)

LONGER = "longer"
GAPS = "gaps"
SILENCE = "silence"


@dataclass(frozen=True)
class Drift:
    """How the recent contacts depart from the relationship's own past, with the facts
    behind it."""

    direction: str  # longer (contacts further apart)
    evidence: str  # gaps | silence
    normal_days: float  # the typical interval between episodes
    recent_days: float  # the silence, or the median of the recent gaps
    gaps_counted: int  # recent gaps (0 for a silence)
    confidence: float
    longest_days: int = 0  # the longest gap before (the silence or the recent gaps)
    threshold_days: float = 0.0  # what the evidence had to reach
    contacts: int = 0
    first_day: date | None = None
    last_day: date | None = None
    recent: tuple[int, ...] = ()  # the recent gaps (gaps evidence)
    baseline_gaps: int = 0  # the gaps between conversations the evidence is judged by

    @property
    def ratio(self) -> float:
        return self.recent_days / max(self.normal_days, 1.0)

    def question(self) -> str:
        """The drift put as a question: what was normal, what happened lately."""
        normal = about(self.normal_days)
        if self.evidence == SILENCE:
            return gettext(
                "You were in touch %(normal)s; the last contact was %(ago)s. "
                "Keep it, let it drift, or set a target?",
                normal=normal,
                ago=ago(self.recent_days),
            )
        return ngettext(
            "You were in touch %(normal)s; the last gap was %(recent)s. "
            "Keep it, let it drift, or set a target?",
            "You were in touch %(normal)s; the last %(count)s gaps were %(recent)s. "
            "Keep it, let it drift, or set a target?",
            self.gaps_counted,
            normal=normal,
            count=_count(self.gaps_counted),
            recent=about(self.recent_days),
        )

    def explanation(self) -> str:
        """The numbers behind the question, in words: "14 contacts from March to August
        2025, about every 3 weeks; none since 12 August 2025 (16 weeks). The longest gap
        before was 5 weeks." """
        history = self._history()
        if self.evidence == SILENCE:
            return ngettext(
                "%(history)s; %(none)s (%(span)s). The only gap between conversations "
                "before was %(longest)s.",
                "%(history)s; %(none)s (%(span)s). The longest of the %(num)d gaps between "
                "conversations before was %(longest)s.",
                self.baseline_gaps,
                history=history,
                none=_none_since(self.last_day),
                span=span(self.recent_days),
                longest=span(self.longest_days),
            )
        low, high = min(self.recent), max(self.recent)
        if low == high:
            apart = ngettext("%(num)d day", "%(num)d days", low)
        else:
            apart = gettext("%(low)d to %(high)d days", low=low, high=high)
        return ngettext(
            "%(history)s; the last gap between conversations was %(apart)s, none of the "
            "%(before)d before longer than %(longest)s.",
            "%(history)s; the last %(count)s gaps between conversations were %(apart)s, "
            "none of the %(before)d before longer than %(longest)s.",
            self.gaps_counted,
            history=history,
            count=_count(self.gaps_counted),
            apart=apart,
            before=self.baseline_gaps,
            longest=span(self.longest_days),
        )

    def _history(self) -> str:
        """ "14 contacts from March to August 2025, about every 3 weeks"."""
        contacts = ngettext("%(num)d contact", "%(num)d contacts", self.contacts)
        rhythm = every(self.normal_days)
        if self.first_day is None or self.last_day is None:
            return gettext("%(contacts)s, about %(rhythm)s", contacts=contacts, rhythm=rhythm)
        return gettext(
            "%(contacts)s %(period)s, about %(rhythm)s",
            contacts=contacts,
            period=period(self.first_day, self.last_day),
            rhythm=rhythm,
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "direction": self.direction,
            "evidence": self.evidence,
            "normal_days": round(self.normal_days, 1),
            "recent_days": round(self.recent_days, 1),
            "longest_days": self.longest_days,
            "threshold_days": round(self.threshold_days, 1),
            "baseline_gaps": self.baseline_gaps,
            "confidence": round(self.confidence, 2),
            "question": self.question(),
            "explanation": self.explanation(),
        }


_COUNT_WORDS = {1: N_("one"), 2: N_("two"), 3: N_("three")}


def _count(n: int) -> str:
    """A small count in words: "three"."""
    return translated(_COUNT_WORDS, n, str(n))


def _none_since(day: date | None) -> str:
    if day is None:
        return gettext("none since the last one")
    return gettext("none since %(day)s", day=on(day))


def silence_threshold(gaps: Sequence[int]) -> float:
    """The silence (days) past which a relationship with these gaps between
    conversations is asked about: its longest gap widened for a small sample
    (``1 + PRIOR_GAPS / n``), and at least that gap plus ``ALLOWANCE_DAYS``."""
    longest = max(gaps)
    return max(longest * (1 + PRIOR_GAPS / len(gaps)), longest + ALLOWANCE_DAYS)


def detect(cadence: Cadence) -> Drift | None:
    """The drift of ``cadence`` as of its ``days_since``, or ``None`` if it keeps to
    its own past."""
    gaps = cadence.quiet_gaps
    if cadence.interval_days is None or len(gaps) < MIN_BASELINE:
        return None
    return _silence(cadence) or _recent_gaps(cadence)


def _confidence(evidence: float, threshold: float, support: int) -> float:
    strength = 1 - 0.5 * math.pow(threshold / evidence, STEEPNESS)  # 0.5 at the threshold
    return min(1.0, max(0.0, strength * support / (support + SUPPORT)))


def _silence(cadence: Cadence) -> Drift | None:
    gaps = cadence.quiet_gaps
    silence = cadence.days_since or 0
    threshold = silence_threshold(gaps)
    if silence < threshold:
        return None
    return Drift(
        LONGER,
        SILENCE,
        cadence.interval_days or 1.0,
        float(silence),
        0,
        _confidence(silence, threshold, len(gaps)),
        longest_days=max(gaps),
        threshold_days=threshold,
        contacts=cadence.interactions,
        first_day=cadence.first_day,
        last_day=cadence.last_day,
        baseline_gaps=len(gaps),
    )


def _recent_gaps(cadence: Cadence) -> Drift | None:
    before, recent = cadence.quiet_gaps[:-WINDOW], cadence.quiet_gaps[-WINDOW:]
    if len(before) < MIN_BEFORE:
        return None
    longest = max(before)
    threshold = GAP_FACTOR * longest
    if min(recent) < threshold:
        return None
    return Drift(
        LONGER,
        GAPS,
        _normal_before(cadence),
        median(recent),
        len(recent),
        _confidence(min(recent), threshold, len(before)),
        longest_days=longest,
        threshold_days=threshold,
        contacts=cadence.interactions,
        first_day=cadence.first_day,
        last_day=cadence.last_day,
        recent=tuple(recent),
        baseline_gaps=len(before),
    )


def _normal_before(cadence: Cadence) -> float:
    """The typical interval between episodes before the recent gaps."""
    before = cadence.gaps[:-WINDOW]
    if len(before) < MIN_BASELINE:
        return cadence.interval_days or 1.0
    return weighted_median(before, recency_weights(len(before)))


def changed_materially(old_recent_days: float, old_direction: str, drift: Drift) -> bool:
    """Whether ``drift`` differs enough from one the owner dismissed to be asked again:
    another direction, or a recent interval half as long or half as long again."""
    if drift.direction != old_direction:
        return True
    ratio = drift.recent_days / max(old_recent_days, 1.0)
    return ratio >= MATERIAL or ratio <= 1 / MATERIAL


MATERIAL = 1.5
