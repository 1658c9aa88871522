"""Contact histories like people's real ones, for evaluating drift detection (no pds code).

Written from what studies of real correspondence report, not from the detector's
model: contact between two people is bursty (a conversation is a thread of replies
within hours or days, then nothing for weeks), the gaps between conversations are
heavy-tailed or come from rhythms that switch (busy phases, quiet phases), many
rhythms follow the calendar (the Sunday call, birthdays, Christmas), some follow the
seasons (the climbing partner in summer), and everyone goes on holiday. (Malmgren et
al., PNAS 2008: e-mail as a cascading Poisson process with weekly and daily cycles;
Karsai et al., Sci. Rep. 2012: bursty trains and heavy-tailed inter-event times in
calls and messages; Saramäki et al., PNAS 2014: each person's stable contact-frequency
signature; Roberts and Dunbar 2011, Miritello et al. 2013: ties fade slowly as
contact thins out, or end.)

Each history draws a **family** (how its contacts come) and a **kind** (what happens
to it). The families use distributions other than the log-normal jitter around one
interval that the detector's cadence model assumes:

- ``threads``: e-mail correspondence. Conversations start as a Poisson process with a
  weekly cycle (fewer at weekends); each is a reply thread of a geometric number of
  messages, each reply an exponential delay after the last.
- ``heavy_tail``: conversations separated by Lomax (Pareto II) gaps, tail index
  1.3-2.5 (a few very long silences are normal), with short threads.
- ``switching``: a two-state Markov-modulated Poisson process: busy phases (a project,
  planning a trip) with contacts every few days, quiet phases of months between them.
- ``standing``: a standing arrangement (the weekly call, the monthly dinner) with
  gamma-distributed gaps (shape 4-16) and some occasions skipped.
- ``calendar``: fixed dates (a weekday, a day of the month, a birthday and
  Christmas), each kept with a probability, plus a few contacts in between.
- ``seasonal``: a Poisson process whose rate follows the seasons, down to nothing in
  the off-season.

On top of any family: a summer holiday (1.5-4 weeks, at a different time each
year) and a Christmas break in some histories, and a one-off trip (3-6 weeks) in a
few: no contact then, and none of it is drift.

Kinds: ``steady`` (never drifts: the control), ``stop`` (contacts end), ``fade``
(from some day each conversation is kept with a probability decaying exponentially
over 2-8 typical gaps: a slow fade) and ``slowdown`` (from some day the rhythm runs
3-6 times slower). Each drifting history has a *steady twin*, the same history had
nothing happened; the **drift point** is the first day the two differ (the first
contact that did not come, or came late). Before it no one could tell them apart.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

FAMILIES = ("threads", "heavy_tail", "switching", "standing", "calendar", "seasonal")
KINDS = ("steady", "stop", "fade", "slowdown")
KIND_WEIGHTS = (50, 20, 20, 10)
YEAR = 365.25
MIN_TYPICAL, MAX_TYPICAL = 3.0, 400.0  # the median gap between conversations, in days
MIN_NORMAL, MAX_NORMAL = 6, 60  # conversations before the drift ...
MAX_PAST = 15 * YEAR  # ... within the years a store holds
HORIZON_GAPS = 12  # observed for this many typical gaps after the drift point ...
MIN_HORIZON, MAX_HORIZON = YEAR, 5 * YEAR  # ... in days, within these bounds


@dataclass(frozen=True)
class History:
    """One generated history: contact days (day numbers from 0, in order, repeats
    allowed) and what the evaluation needs to know about it (the detector sees only
    ``days``)."""

    family: str
    kind: str
    typical: float  # the twin's mean gap between conversations (days)
    days: tuple[int, ...]
    drift_point: int  # first day the history differs from its steady twin
    first_check: int  # the day of the fifth conversation
    end: int  # last day observed

    @property
    def drifts(self) -> bool:
        return self.kind != "steady"


# -- families: conversation start times (days as floats) ------------------------------


def _threads(rng: random.Random, scale: float) -> Callable[[float], float]:
    weekend = rng.uniform(0.3, 0.7)  # the weekend's rate, as a share of a weekday's
    weekday_rate = math.log(2) / scale * 7 / (5 + 2 * weekend)

    def gap(at: float) -> float:  # thinning: weekends are quieter
        t = at
        while True:
            t += rng.expovariate(weekday_rate)
            if int(t) % 7 < 5 or rng.random() < weekend:
                return t - at

    return gap


def _heavy_tail(rng: random.Random, scale: float) -> Callable[[float], float]:
    alpha = rng.uniform(1.3, 2.5)
    scale = scale / (2 ** (1 / alpha) - 1)  # the Lomax median is the scale
    return lambda _at: min(scale * (rng.paretovariate(alpha) - 1), 4 * YEAR) + 0.5


def _standing(rng: random.Random, scale: float) -> Callable[[float], float]:
    shape = rng.uniform(4, 16)
    skip = rng.uniform(0.05, 0.25)

    def gap(_at: float) -> float:
        total = rng.gammavariate(shape, scale / shape)
        while rng.random() < skip:
            total += rng.gammavariate(shape, scale / shape)
        return total

    return gap


def _switching(rng: random.Random, scale: float) -> Callable[[float], float]:
    busy_gap = scale * rng.uniform(0.1, 0.3)
    quiet_gap = scale * rng.uniform(2, 5)
    busy_length = busy_gap * rng.uniform(3, 10)
    quiet_length = quiet_gap * rng.uniform(1, 4)
    state = {"busy": rng.random() < 0.5, "until": 0.0}

    def gap(at: float) -> float:
        t = at
        while True:
            if t >= state["until"]:
                state["busy"] = not state["busy"]
                length = busy_length if state["busy"] else quiet_length
                state["until"] = t + rng.expovariate(1 / length)
            step = rng.expovariate(1 / (busy_gap if state["busy"] else quiet_gap))
            if t + step < state["until"]:
                return t + step - at
            t = state["until"]

    return gap


def _calendar(rng: random.Random, scale: float) -> Callable[[float], float]:
    period = min((7.0, 14.0, YEAR / 12, YEAR / 4, YEAR / 2, YEAR), key=lambda p: abs(p - scale))
    phase = rng.uniform(0, period)
    kept = rng.uniform(0.55, 0.95)
    extra = 1 / (period * rng.uniform(3, 8))  # contacts between the fixed dates

    def gap(at: float) -> float:
        occasion = phase + period * math.ceil((at + 0.5 - phase) / period)
        while rng.random() > kept:
            occasion += period
        between = at + rng.expovariate(extra)
        return max(0.5, min(occasion, between) - at + rng.uniform(-0.4, 0.4))

    return gap


def _seasonal(rng: random.Random, scale: float) -> Callable[[float], float]:
    depth = rng.uniform(0.7, 1.0)  # how much of the rate goes in the off-season
    peak = rng.uniform(0, YEAR)
    rate = 1 / scale

    def gap(at: float) -> float:  # Lewis-Shedler thinning of the seasonal rate
        t = at
        top = rate * (1 + depth)
        while True:
            t += rng.expovariate(top)
            season = 1 + depth * math.cos(2 * math.pi * (t - peak) / YEAR)
            if rng.random() * (1 + depth) < season:
                return t - at

    return gap


GAPS: dict[str, Callable[[random.Random, float], Callable[[float], float]]] = {
    "threads": _threads,
    "heavy_tail": _heavy_tail,
    "switching": _switching,
    "standing": _standing,
    "calendar": _calendar,
    "seasonal": _seasonal,
}


def _thread(rng: random.Random, family: str) -> Callable[[float], list[float]]:
    """The reply thread that each conversation is: its messages' times."""
    if family in ("threads", "switching"):
        replies, delay = rng.uniform(0.5, 4), rng.uniform(0.3, 2.5)
    elif family == "heavy_tail":
        replies, delay = rng.uniform(0, 1.5), rng.uniform(0.3, 2)
    else:
        replies, delay = rng.uniform(0, 0.6), rng.uniform(0.2, 1)

    def messages(start: float) -> list[float]:
        times = [start]
        while replies and rng.random() < replies / (1 + replies):
            times.append(times[-1] + rng.expovariate(1 / delay))
        return times

    return messages


# -- holidays -------------------------------------------------------------------------


def _breaks(rng: random.Random, until: float) -> Callable[[float], bool]:
    """Whether the owner is away on a day: summer holidays, Christmas breaks, perhaps
    one trip."""
    by_year: dict[int, list[tuple[float, float]]] = {}
    summer = rng.random() < 0.6
    christmas = rng.random() < 0.5
    for year in range(int(until / YEAR) + 1):
        base, spans = year * YEAR, by_year.setdefault(year, [])
        if summer:
            start = base + rng.uniform(175, 235)
            spans.append((start, start + rng.uniform(10, 28)))
        if christmas:
            spans.append((base + 356, base + 367))
    if rng.random() < 0.15:
        start = rng.uniform(0, until)
        by_year.setdefault(int(start / YEAR), []).append((start, start + rng.uniform(21, 42)))

    def away(at: float) -> bool:
        year = int(at / YEAR)
        spans = by_year.get(year, []) + by_year.get(year - 1, [])
        return any(a <= at < b for a, b in spans)

    return away


# -- one history ----------------------------------------------------------------------


def _starts(gap: Callable[[float], float], first: float, until: float) -> Iterator[float]:
    at = first
    while at <= until:
        yield at
        at += max(gap(at), 0.5)


def generate(rng: random.Random) -> History:
    """One history; every random choice comes from ``rng``."""
    while True:
        family = rng.choice(FAMILIES)
        kind = rng.choices(KINDS, KIND_WEIGHTS)[0]
        top = 60.0 if family == "seasonal" else MAX_TYPICAL  # seasons need several a year
        scale = math.exp(rng.uniform(math.log(MIN_TYPICAL), math.log(top)))
        normal = round(math.exp(rng.uniform(math.log(MIN_NORMAL), math.log(MAX_NORMAL))))
        normal = min(normal, max(MIN_NORMAL, int(MAX_PAST / scale)))
        twin = _twin(rng, family, scale, normal)
        if len(twin) > normal + 1:
            history = _history(rng, family, kind, twin, normal)
            if twin[-1][0] > history.end:  # the twin runs past all that is observed
                return history


def _twin(rng: random.Random, family: str, scale: float, normal: int) -> list[list[float]]:
    """The steady history: conversations (each its messages' times) until well past any
    drift point, none while away."""
    gap, thread = GAPS[family](rng, scale), _thread(rng, family)
    first = rng.uniform(0, YEAR)
    until = first + (normal + HORIZON_GAPS) * scale * 4 + MAX_HORIZON
    away = _breaks(rng, until)
    conversations = ([t for t in thread(s) if not away(t)] for s in _starts(gap, first, until))
    return [c for c in conversations if c]


def _history(
    rng: random.Random, family: str, kind: str, twin: list[list[float]], normal: int
) -> History:
    typical = (twin[-1][0] - twin[0][0]) / (len(twin) - 1)  # the mean gap
    horizon = min(max(HORIZON_GAPS * typical, MIN_HORIZON), MAX_HORIZON)
    turn = twin[normal - 1][0] + rng.random() * (twin[normal][0] - twin[normal - 1][0])
    before = [c for c in twin if c[0] < turn]
    after = [c for c in twin if c[0] >= turn]
    drifted, drift_point = _drift(rng, kind, turn, after, typical)
    end = drift_point + horizon
    days = tuple(sorted(int(t) for c in before + drifted for t in c if t <= end))
    return History(
        family=family,
        kind=kind,
        typical=typical,
        days=days,
        drift_point=drift_point,
        first_check=int(twin[4][0]),
        end=int(end),
    )


def _drift(
    rng: random.Random, kind: str, turn: float, after: list[list[float]], typical: float
) -> tuple[list[list[float]], int]:
    """The conversations after ``turn`` as they happen in a history of ``kind``, and the
    drift point (the first day they differ from the twin's)."""
    first_after = int(after[0][0])
    if kind == "steady":
        return after, first_after
    if kind == "stop":
        return [], first_after
    if kind == "slowdown":
        factor = rng.uniform(3, 6)
        return [[turn + (t - turn) * factor for t in c] for c in after], first_after
    tau = typical * rng.uniform(2, 8)
    keep = [rng.random() < math.exp(-(c[0] - turn) / tau) for c in after]
    dropped = keep.index(False) if False in keep else len(after) - 1
    return [c for c, k in zip(after, keep, strict=True) if k], int(after[dropped][0])
