"""The cadence of one relationship, from its interaction log alone (pure, no store).

Days are date ordinals (``date.toordinal()``). Contacts on the same day count once
for the rhythm. Contacts that follow one another closely are one *episode*: a
follow-up (a gap under a quarter of the median gap), or a burst when the gaps fall
into two clearly separate groups (short ones inside bursts or reply threads, long
ones between them, interleaved; the split is Otsu's threshold on the log gaps). The
rhythm is that of the episodes:

- ``interval_days``: the recency-weighted median of the gaps between episodes (each
  gap's weight halves every ``HALF_LIFE`` gaps back; only the last ``MAX_GAPS``
  count), robust to a missed contact or a holiday;
- ``dispersion``: the robust spread of those gaps on a log scale
  (1.4826 x the median absolute deviation of log gaps); ``regularity`` is
  ``exp(-2 x dispersion)`` in (0, 1]: 1 for clockwork, ~0.7 for +-30 % jitter, under
  0.1 for gaps that come at random;
- ``days_since`` and ``intervals_since``: how long since the last contact, in days
  and in typical intervals;
- ``depth``: the mean depth weight of the latest ``DEPTH_WINDOW`` interactions, each
  weighted by its kind and channel as the owner chose (``DepthWeights``).

With fewer than ``MIN_GAPS`` gaps between episodes the cadence says ``new`` and
infers nothing else. Otherwise it also keeps the last ``QUIET_GAPS`` silences between
episodes (``quiet_gaps``: from the last contact of one episode to the first of the
next), which drift judges a silence against.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from pds.i18n import N_, gettext
from pds.services.relationships.wording import every_years

MIN_GAPS = 3
HALF_LIFE = 10.0
MAX_GAPS = 48  # older gaps weigh under 4 % of the newest: left out
QUIET_GAPS = 100  # silences between episodes kept for drift (the recent past only)
DEPTH_WINDOW = 20
FOLLOW_UP = 0.25  # a gap under this share of the median gap is a follow-up
BURST_BREAK = 4.0  # short and long gaps at least this far apart (ratio) make bursts
BURST_SHARE = 0.3  # ... with at least this share of the gaps inside bursts
SEPARATION = 0.6  # ... and the split explaining at least this share of the log spread
REGULAR_DISPERSION = 0.35
MAD_SCALE = 1.4826

NEW = "new"
REGULAR = "regular"
IRREGULAR = "irregular"
BURSTY = "bursty"
PATTERNS = (NEW, REGULAR, IRREGULAR, BURSTY)

#: Default depth weight of each interaction kind (0..1): what a contact says about
#: closeness. The owner may change any of them.
DEFAULT_KIND_WEIGHTS: dict[str, float] = {
    "meeting": 1.0,
    "gift": 0.9,
    "call": 0.8,
    "conversation": 0.8,
    "referral": 0.7,
    "recommendation": 0.6,
    "contract": 0.6,
    "message": 0.5,
    "review": 0.4,
    "support": 0.4,
    "complaint": 0.4,
    "return": 0.3,
    "subscription": 0.3,
    "purchase": 0.3,
    "rfp": 0.2,
    "other": 0.4,
}
#: Default multiplier of each channel (0..1); an interaction without one counts 0.7.
DEFAULT_CHANNEL_WEIGHTS: dict[str, float] = {
    "in_person": 1.0,
    "phone": 0.9,
    "chat": 0.7,
    "app": 0.6,
    "email": 0.6,
    "post": 0.7,
    "social": 0.5,
    "web": 0.4,
    "other": 0.6,
}
NO_CHANNEL_WEIGHT = 0.7


@dataclass(frozen=True)
class DepthWeights:
    """The owner's depth weights: kind weight x channel multiplier, each in 0..1."""

    kinds: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_KIND_WEIGHTS))
    channels: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_CHANNEL_WEIGHTS))

    def weight(self, kind: str, channel: str | None) -> float:
        """The depth of one interaction of ``kind`` through ``channel``."""
        kind_weight = self.kinds.get(kind, DEFAULT_KIND_WEIGHTS.get(kind, 0.4))
        if channel is None:
            return kind_weight * NO_CHANNEL_WEIGHT
        return kind_weight * self.channels.get(channel, DEFAULT_CHANNEL_WEIGHTS.get(channel, 0.6))


@dataclass(frozen=True)
class Cadence:
    """The shape of one relationship's contacts, as of ``today``."""

    interactions: int
    pattern: str
    depth: float
    first_day: date | None = None
    last_day: date | None = None
    days_since: int | None = None
    interval_days: float | None = None
    dispersion: float | None = None
    regularity: float | None = None
    intervals_since: float | None = None
    burst_size: float | None = None
    gaps: tuple[int, ...] = ()  # between episodes, oldest first
    quiet_gaps: tuple[int, ...] = ()  # between conversations, oldest first (what drift looks at)

    @property
    def is_new(self) -> bool:
        """Too few contacts to infer anything."""
        return self.pattern == NEW

    @property
    def per_year(self) -> float | None:
        """Episodes of contact per year at the typical interval."""
        return None if self.interval_days is None else 365.25 / max(self.interval_days, 1.0)

    @property
    def rhythm(self) -> str:
        """The typical interval in words ("about weekly"), or why there is none."""
        if self.interval_days is None:
            return gettext("too few interactions to tell")
        return about(self.interval_days)

    def to_dict(self) -> dict[str, object]:
        return {
            "interactions": self.interactions,
            "pattern": self.pattern,
            "rhythm": self.rhythm,
            "interval_days": _round(self.interval_days),
            "regularity": _round(self.regularity, 2),
            "dispersion": _round(self.dispersion, 3),
            "days_since": self.days_since,
            "intervals_since": _round(self.intervals_since, 2),
            "depth": round(self.depth, 2),
            "per_year": _round(self.per_year),
            "burst_size": _round(self.burst_size),
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
        }


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


_WORDS = (
    (1.5, N_("daily")),
    (4.5, N_("twice a week")),
    (10.5, N_("weekly")),
    (21.0, N_("every two weeks")),
    (45.0, N_("monthly")),
    (75.0, N_("every two months")),
    (135.0, N_("quarterly")),
    (270.0, N_("twice a year")),
    (540.0, N_("yearly")),
)


def about(days: float) -> str:
    """A number of days between contacts in words: "about weekly", "about every 3 years"."""
    return gettext("about %(rhythm)s", rhythm=rhythm_words(days))


def rhythm_words(days: float) -> str:
    """``about`` without the "about": "weekly", "every 3 years"."""
    for limit, words in _WORDS:
        if days < limit:
            return gettext(words)
    return every_years(round(days / 365.25))


def cadence(days: Sequence[int], weights: Sequence[float], today: int) -> Cadence:
    """The cadence of contacts on ``days`` (ordinals, any order) with depth ``weights``
    (one per interaction, in the same order), as of the day ``today``."""
    if not days:
        return Cadence(interactions=0, pattern=NEW, depth=0.0)
    pairs = sorted(zip(days, weights, strict=True))
    latest = [w for _, w in pairs[-DEPTH_WINDOW:]]
    return sorted_cadence([d for d, _ in pairs], latest, today)


def sorted_cadence(days: Sequence[int], latest: Sequence[float], today: int) -> Cadence:
    """``cadence`` of ``days`` already in order, with the depth weights of the
    latest ``DEPTH_WINDOW`` interactions only (the fast path for many relationships)."""
    depth = sum(latest) / len(latest)
    contact_days = list(dict.fromkeys(days))
    first, last = contact_days[0], contact_days[-1]
    base = Cadence(
        interactions=len(days),
        pattern=NEW,
        depth=depth,
        first_day=date.fromordinal(first),
        last_day=date.fromordinal(last),
        days_since=max(0, today - last),
    )
    raw = [b - a for a, b in itertools.pairwise(contact_days)]
    if len(raw) < MIN_GAPS:
        return base
    split, bursty = _episode_split(raw)
    starts = [contact_days[0]] + [
        d for d, g in zip(contact_days[1:], raw, strict=True) if g > split
    ]
    gaps = [b - a for a, b in itertools.pairwise(starts)][-MAX_GAPS:]
    if len(gaps) < MIN_GAPS:
        return base
    interval = weighted_median(gaps, recency_weights(len(gaps)))
    spread = log_dispersion(gaps)
    pattern = BURSTY if bursty else (REGULAR if spread <= REGULAR_DISPERSION else IRREGULAR)
    return Cadence(
        interactions=len(days),
        pattern=pattern,
        depth=depth,
        first_day=base.first_day,
        last_day=base.last_day,
        days_since=base.days_since,
        interval_days=interval,
        dispersion=spread,
        regularity=math.exp(-2 * spread),
        intervals_since=base.days_since / max(interval, 1.0)
        if base.days_since is not None
        else None,
        burst_size=len(contact_days) / len(starts),
        gaps=tuple(gaps),
        quiet_gaps=tuple(g for g in raw if g > split)[-QUIET_GAPS:],
    )


def _episode_split(gaps: Sequence[int]) -> tuple[float, bool]:
    """The gap at or under which contacts belong to one episode, and whether the
    history is bursty (two separate, interleaved groups of gaps)."""
    split = _burst_split(gaps)
    if split is not None and _interleaved(gaps, split):
        return split, True
    return FOLLOW_UP * sorted(gaps)[len(gaps) // 2], False


def _burst_split(gaps: Sequence[int]) -> float | None:
    """Otsu's threshold on the log gaps (the split between short and long gaps that
    leaves the least spread within each group), if the two groups are clearly apart:
    their typical gaps ``BURST_BREAK`` times apart, the split explaining
    ``SEPARATION`` of the spread, the short group ``BURST_SHARE`` of the gaps."""
    logs = sorted(_log(g) for g in gaps)
    n = len(logs)
    total = sum(logs)
    spread = sum((v - total / n) ** 2 for v in logs)
    if n < 4 or spread <= 0:
        return None
    best = (0.0, 0, 0.0, 0.0)
    below = 0.0
    for i in range(1, n):
        below += logs[i - 1]
        short, long = below / i, (total - below) / (n - i)
        between = i * (n - i) * (long - short) ** 2 / n
        if between > best[0]:
            best = (between, i, short, long)
    between, at, short, long = best
    if long - short < math.log(BURST_BREAK) or between < SEPARATION * spread:
        return None
    if at < BURST_SHARE * n:
        return None
    return math.exp((logs[at - 1] + logs[at]) / 2)


def _interleaved(gaps: Sequence[int], split: float) -> bool:
    """Whether at least two long gaps are followed by short ones (bursts that recur,
    not a rhythm that slowed down once)."""
    recurring = sum(1 for g, nxt in itertools.pairwise(gaps) if g > split and nxt <= split)
    return recurring >= 2


@lru_cache(maxsize=512)
def recency_weights(count: int, half_life: float = HALF_LIFE) -> tuple[float, ...]:
    """Weights of ``count`` values, oldest first: the newest weighs 1, halving every
    ``half_life`` values back."""
    return tuple(0.5 ** ((count - 1 - i) / half_life) for i in range(count))


def weighted_median(values: Sequence[float], weights: Sequence[float]) -> float:
    """The weighted median of ``values`` (the mean of the two middle values on a tie)."""
    pairs = sorted(zip(values, weights, strict=True))
    half = sum(weights) / 2
    running = 0.0
    for i, (value, weight) in enumerate(pairs):
        running += weight
        if running > half + 1e-12:
            return float(value)
        if abs(running - half) <= 1e-12:
            return (value + pairs[i + 1][0]) / 2 if i + 1 < len(pairs) else float(value)
    return float(pairs[-1][0])


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return float(ordered[mid]) if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def log_dispersion(gaps: Sequence[float]) -> float:
    """The robust spread of ``gaps`` on a log scale (a normal law's sigma if they were
    log-normal): 1.4826 x the median absolute deviation of their logarithms."""
    logs = [_log(g) for g in gaps]
    centre = median(logs)
    return MAD_SCALE * median([abs(v - centre) for v in logs])


@lru_cache(maxsize=4096)
def _log(gap: float) -> float:
    return math.log(max(gap, 0.5))
