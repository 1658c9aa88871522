"""Tiers: relationships grouped by how often and how deeply the owner is in touch (pure).

Each relationship with a cadence is a point (frequency, depth): frequency is
log2 of contact episodes per year scaled to 0..1 over the owner's range, depth is
the cadence's depth (0..1). Points are snapped to a ``GRID`` x ``GRID`` grid and the
weighted cells clustered by k-means with a deterministic start (the heaviest cell,
then each next the farthest); k from 1 to ``MAX_TIERS`` is the one with the best
weighted simplified silhouette, if that reaches ``MIN_SILHOUETTE`` (else one tier). Tiers are
numbered by closeness (frequency + depth of their centre), "tier 1" the closest;
they mean nothing more, and the owner may label them. The same input always gives
the same tiers. People and organisations are tiered apart (``InsightService``
calls ``assign`` once for each), so a shop never shares a tier with family.

Tiers keep their identity as data arrives: ``match`` pairs each new tier with the
earlier tier it continues, by the overlap of their members (Jaccard), so the owner's
label stays with the same group of relationships whatever its rank.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pds.i18n import gettext, ngettext
from pds.services.relationships.cadence import Cadence
from pds.services.relationships.wording import decimal, every

GRID = 40
MAX_TIERS = 6
MIN_SILHOUETTE = 0.45
MIN_POINTS = 6
ITERATIONS = 50
MIN_OVERLAP = 0.3  # Jaccard: a new tier continues an old one sharing at least this much

PEOPLE, ORGANISATIONS = "people", "organisations"  # the groups tiered apart
GROUPS = (PEOPLE, ORGANISATIONS)

Point = tuple[float, float]


@dataclass(frozen=True)
class Tier:
    number: int  # by closeness, 1 the closest
    size: int
    per_year: float  # at the centre
    depth: float  # at the centre
    members: tuple[str, ...] = ()  # relationship ids, sorted

    @property
    def name(self) -> str:
        return gettext("tier %(number)d", number=self.number)

    def explanation(self, group: str) -> str:
        """The tier of ``group`` in words with its numbers: "3 people, in touch about
        weekly (52 contacts a year at the centre), depth 0.78 of 1."."""
        per_year = round(self.per_year)
        count = f"{self.per_year:.0f}"
        return ngettext(
            "%(who)s, in touch about %(rhythm)s (%(count)s contact a year at the centre), "
            "depth %(depth)s of 1.",
            "%(who)s, in touch about %(rhythm)s (%(count)s contacts a year at the centre), "
            "depth %(depth)s of 1.",
            per_year,
            who=_members(group, self.size),
            rhythm=every(365.25 / max(self.per_year, 0.01)),
            count=count,
            depth=decimal(self.depth, 2),
        )


def _members(group: str, size: int) -> str:
    """ "3 people", "1 organisation"."""
    if group == PEOPLE:
        return ngettext("%(num)d person", "%(num)d people", size)
    return ngettext("%(num)d organisation", "%(num)d organisations", size)


@dataclass(frozen=True)
class Tiers:
    tiers: tuple[Tier, ...]
    members: Mapping[str, int]  # relationship id -> tier number
    silhouette: float | None


def assign(cadences: Mapping[str, Cadence]) -> Tiers:
    """The tiers of the relationships whose cadence is not ``new`` (ids in any order)."""
    ids = sorted(rid for rid, c in cadences.items() if c.per_year is not None)
    if not ids:
        return Tiers((), {}, None)
    logs = [math.log2(cadences[rid].per_year or 1.0) for rid in ids]
    low, high = min(logs), max(logs)
    span = (high - low) or 1.0
    cells: dict[tuple[int, int], int] = {}
    cell_of: dict[str, tuple[int, int]] = {}
    for rid, value in zip(ids, logs, strict=True):
        cell = (_snap((value - low) / span), _snap(cadences[rid].depth))
        cells[cell] = cells.get(cell, 0) + 1
        cell_of[rid] = cell
    keys = sorted(cells)
    points = [(x / (GRID - 1), y / (GRID - 1)) for x, y in keys]
    weights = [cells[k] for k in keys]
    labels, score = _best_clustering(points, weights, len(ids))
    centres = _centres(points, weights, labels)
    order = sorted(range(len(centres)), key=lambda c: (-(centres[c][0] + centres[c][1]), c))
    number = {cluster: rank + 1 for rank, cluster in enumerate(order)}
    label_of = dict(zip(keys, labels, strict=True))
    members = {rid: number[label_of[cell_of[rid]]] for rid in ids}
    tiers = tuple(
        Tier(
            number=number[c],
            size=sum(1 for m in members.values() if m == number[c]),
            per_year=2 ** (low + centres[c][0] * span),
            depth=centres[c][1],
            members=tuple(rid for rid in ids if members[rid] == number[c]),
        )
        for c in order
    )
    return Tiers(tiers, members, score)


def match(new: Sequence[frozenset[str]], old: Mapping[str, frozenset[str]]) -> list[str | None]:
    """For each new tier (its members), the key of the old tier it continues, or ``None``
    for a new one. Pairs are taken greedily by overlap (Jaccard), the largest first (then
    the most members shared, then the order given), each old tier at most once, and only
    with an overlap of at least ``MIN_OVERLAP``."""
    pairs = []
    for i, members in enumerate(new):
        for position, (key, before) in enumerate(old.items()):
            shared = len(members & before)
            if shared:
                pairs.append((-shared / len(members | before), -shared, i, position, key))
    result: list[str | None] = [None] * len(new)
    taken: set[str] = set()
    for negative_overlap, _, i, _, key in sorted(pairs):
        if -negative_overlap >= MIN_OVERLAP and result[i] is None and key not in taken:
            result[i] = key
            taken.add(key)
    return result


def _snap(value: float) -> int:
    return min(GRID - 1, max(0, round(value * (GRID - 1))))


def _best_clustering(
    points: list[Point], weights: list[int], n: int
) -> tuple[list[int], float | None]:
    single = [0] * len(points)
    if n < MIN_POINTS or len(points) < 2:
        return single, None
    best: tuple[list[int], float] | None = None
    for k in range(2, min(MAX_TIERS, len(points)) + 1):
        labels = _kmeans(points, weights, k)
        if len(set(labels)) < k:
            continue
        score = _silhouette(points, weights, labels)
        if best is None or score > best[1] + 1e-9:
            best = (labels, score)
    if best is None or best[1] < MIN_SILHOUETTE:
        return single, best[1] if best else None
    return best


def _dist2(a: Point, b: Point) -> float:
    return (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2


def _kmeans(points: list[Point], weights: list[int], k: int) -> list[int]:
    """Weighted Lloyd iterations from a deterministic farthest-first start."""
    centres = [points[max(range(len(points)), key=lambda i: (weights[i], -i))]]
    while len(centres) < k:
        far = max(
            range(len(points)),
            key=lambda i: (weights[i] * min(_dist2(points[i], c) for c in centres), -i),
        )
        centres.append(points[far])
    labels: list[int] = []
    for _ in range(ITERATIONS):
        new = [_nearest(p, centres) for p in points]
        if new == labels:
            break
        labels = new
        centres = [
            c if (m := _centre(points, weights, labels, j)) is None else m
            for j, c in enumerate(centres)
        ]
    return labels


def _centre(points: list[Point], weights: list[int], labels: list[int], j: int) -> Point | None:
    total = sum(w for w, lab in zip(weights, labels, strict=True) if lab == j)
    if not total:
        return None
    x = sum(p[0] * w for p, w, lab in zip(points, weights, labels, strict=True) if lab == j)
    y = sum(p[1] * w for p, w, lab in zip(points, weights, labels, strict=True) if lab == j)
    return (x / total, y / total)


def _centres(points: list[Point], weights: list[int], labels: list[int]) -> list[Point]:
    return [_centre(points, weights, labels, j) or (0.0, 0.0) for j in range(max(labels) + 1)]


def _silhouette(points: list[Point], weights: list[int], labels: list[int]) -> float:
    """The weighted simplified silhouette: for each cell, its distance to its own centre
    against the distance to the nearest other centre (each cell counted as its points)."""
    centres = _centres(points, weights, labels)
    total, score = 0.0, 0.0
    for p, w, own in zip(points, weights, labels, strict=True):
        a = math.sqrt(_dist2(p, centres[own]))
        b = min(math.sqrt(_dist2(p, c)) for j, c in enumerate(centres) if j != own)
        score += (0.0 if max(a, b) == 0 else (b - a) / max(a, b)) * w
        total += w
    return score / total


def _nearest(point: Point, centres: list[Point]) -> int:
    """The index of the centre nearest ``point`` (the lower index on a tie)."""
    return min(range(len(centres)), key=lambda c: (_dist2(point, centres[c]), c))
