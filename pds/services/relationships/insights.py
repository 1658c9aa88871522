"""Relationship insights over the store: cadence, tiers, drift questions, engagement.

The log is read once from the interactions' in-memory index (counterpart, kind,
channel and date are indexed, so no interaction is decoded), grouped by counterpart, and
the pure models run over it: ``cadence``, ``tiers`` (people and organisations apart),
``drift``, ``engagement``. A report is kept until the store changes or the day does.
No drift question is asked about a relationship that is ended, paused or blocked, nor
about one the owner said to let drift.

The owner's choices live in the ``insights`` collection, one record per choice:

- ``answer`` (per relationship): the answer to a drift question. ``keep`` remembers
  the drift it dismissed, which is not asked again until it changes materially;
  ``let_drift`` stops the questions for that relationship; ``target`` hands the
  cadence to the reminders (``set_target``), remembering the drift like ``keep``;
- ``tier`` (per tier): its id, number, members and the owner's label
  (``tier_memory``), so that a label stays with its tier as data arrives;
- ``depth_weights`` (one): the owner's weights per interaction kind and channel.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from pds.errors import Conflict, ValidationFailed
from pds.schemas import load
from pds.schemas.insight import DepthWeightsSchema, DriftAnswerSchema
from pds.services.base import CollectionService
from pds.services.collections import INSIGHTS, INTERACTIONS
from pds.services.context import Context, check_actor
from pds.services.relationships.cadence import (
    DEPTH_WINDOW,
    Cadence,
    DepthWeights,
    cadence,
    sorted_cadence,
)
from pds.services.relationships.drift import Drift, changed_materially, detect
from pds.services.relationships.engagement import PERIODS, Engagement, engagement, quarters_until
from pds.services.relationships.relationships import VENDOR, RelationshipService
from pds.services.relationships.suggestions import SuggestedTarget, suggested_targets
from pds.services.relationships.tier_memory import NamedTier, TierMemory
from pds.services.relationships.tiers import ORGANISATIONS, PEOPLE, assign
from pds.store.gcpause import paused_gc

ANSWER, DEPTH_WEIGHTS = "answer", "depth_weights"
KEEP, LET_DRIFT, TARGET = "keep", "let_drift", "target"
#: Relationships never asked about: the owner ended, paused or blocked them.
UNASKED_STATUSES = ("ended", "paused", "blocked")

#: Interactions grouped by counterpart: (day ordinal, kind, channel) each.
Log = dict[str, list[tuple[int, str, str | None]]]


class TargetSetter(Protocol):
    def set_target(self, relationship_id: str, every_days: Any, *, actor: str = ...) -> Any: ...


class PurchasesSince(Protocol):
    """The purchases from a day on (``PurchaseService``, in the records context above)."""

    def since(self, day: str) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class DriftQuestion:
    relationship_id: str
    drift: Drift

    def to_dict(self) -> dict[str, object]:
        return {"relationship_id": self.relationship_id, **self.drift.to_dict()}


@dataclass(frozen=True)
class Report:
    """Every relationship's cadence, the tiers (people's, then organisations') and the
    open drift questions."""

    today: date
    cadences: dict[str, Cadence]
    tiers: tuple[NamedTier, ...]
    drifts: list[DriftQuestion]
    tier_of: dict[str, NamedTier] = field(default_factory=dict)  # relationship id -> tier

    def tiers_of(self, group: str) -> list[NamedTier]:
        """The tiers of ``group`` (``people`` or ``organisations``), closest first."""
        return [t for t in self.tiers if t.group == group]


class InsightService(CollectionService):
    collection_name = INSIGHTS
    noun = "insight"

    def __init__(
        self,
        ctx: Context,
        relationships: RelationshipService,
        purchases: PurchasesSince,
        targets: TargetSetter | None = None,
    ) -> None:
        super().__init__(ctx)
        self._relationships = relationships
        self._purchases = purchases
        self._targets = targets
        self._tiers = TierMemory(ctx)
        self._cached: tuple[tuple[int, date], Report] | None = None

    def today(self) -> date:
        return self._ctx.now().date()

    # -- computing ---------------------------------------------------------------------

    def read_log(self) -> Log:
        """Every interaction with a counterpart, grouped by it (read from the index)."""
        with paused_gc():
            return self._read_log()

    def _read_log(self) -> Log:
        rows = self._ctx.collection(INTERACTIONS).columns(("counterpart_id", "kind", "channel"))
        ordinals: dict[str, int] = {}
        log: Log = {}
        for when, (counterpart, kind, channel) in rows:
            if counterpart is None:
                continue
            day = ordinals.get(when)
            if day is None:
                day = ordinals[when] = date.fromisoformat(when[:10]).toordinal()
            entries = log.get(counterpart)
            if entries is None:
                log[counterpart] = [(day, kind, channel)]
            else:
                entries.append((day, kind, channel))
        return log

    def recompute(self, *, log: Log | None = None) -> Report:
        """Cadence, tiers and drift questions of every relationship with interactions."""
        with paused_gc():  # millions of short-lived acyclic tuples: no cycles to find
            return self._recompute(log)

    def _recompute(self, log: Log | None) -> Report:
        today = self.today()
        if log is None:
            log = self.read_log()
        weights = self.depth_weights()
        memo: dict[tuple[str, str | None], float] = {}
        cadences: dict[str, Cadence] = {}
        end = today.toordinal()
        for counterpart, entries in log.items():
            entries.sort()
            depths = []
            for _, kind, channel in entries[-DEPTH_WINDOW:]:
                w = memo.get((kind, channel))
                if w is None:
                    w = memo[(kind, channel)] = weights.weight(kind, channel)
                depths.append(w)
            cadences[counterpart] = sorted_cadence([e[0] for e in entries], depths, end)
        vendors = {r["id"] for r in self._relationships.of_kind(VENDOR)}
        unasked = {
            r["id"] for status in UNASKED_STATUSES for r in self._relationships.with_status(status)
        }
        answers = self._answers()
        drifts = []
        for rid, found in cadences.items():
            drift = None if rid in unasked else detect(found)
            if drift is not None and _asks(drift, answers.get(rid)):
                drifts.append(DriftQuestion(rid, drift))
        drifts.sort(key=lambda q: (-q.drift.confidence, q.relationship_id))
        tiers = self._tiers.remember(
            {
                PEOPLE: assign({r: c for r, c in cadences.items() if r not in vendors}),
                ORGANISATIONS: assign({r: c for r, c in cadences.items() if r in vendors}),
            }
        )
        tier_of = {rid: tier for tier in tiers for rid in tier.members}
        return Report(today, cadences, tiers, drifts, tier_of)

    def report(self) -> Report:
        """The current report (recomputed when the store has changed or the day has)."""
        key = (self._ctx.store.generation, self.today())
        if self._cached is None or self._cached[0] != key:
            report = self.recompute()  # may bring the kept tiers up to date: a new generation
            self._cached = ((self._ctx.store.generation, self.today()), report)
        return self._cached[1]

    def for_relationship(self, relationship_id: str) -> dict[str, Any]:
        """One relationship's cadence, tier and open drift question (``NotFound`` if none)."""
        record = self._relationships.get(relationship_id)
        report = self.report()
        found = report.cadences.get(record["id"]) or cadence([], [], report.today.toordinal())
        tier = report.tier_of.get(record["id"])
        question = next((q for q in report.drifts if q.relationship_id == record["id"]), None)
        answer = self._answers().get(record["id"])
        return {
            "relationship_id": record["id"],
            "cadence": found.to_dict(),
            "tier": None if tier is None else _tier_summary(tier),
            "drift": question.drift.to_dict() if question else None,
            "answer": _public_answer(answer),
        }

    def suggested_targets(self, targeted: Collection[str]) -> list[SuggestedTarget]:
        """Targets at each relationship's own rhythm, for those not in ``targeted``."""
        report = self.report()
        return suggested_targets(self._relationships.all_records(), report.cadences, targeted)

    # -- the owner's answers to drift questions ----------------------------------------

    def answer(self, relationship_id: str, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Record the owner's answer to the drift question of a relationship.

        ``keep`` needs an open question (``Conflict`` otherwise); ``target`` with
        ``every_days`` sets the reminders' target when they exist, else keeps it here.
        """
        check_actor(actor)
        loaded = load(DriftAnswerSchema(), data, what="answer")
        record = self._relationships.get(relationship_id)
        question = next(
            (q for q in self.report().drifts if q.relationship_id == record["id"]), None
        )
        if loaded["decision"] == KEEP and question is None:
            raise Conflict(
                f"{record['name']} has no drift question to keep", {"relationship_id": record["id"]}
            )
        values: dict[str, Any] = {"decision": loaded["decision"]}
        if question is not None:
            values["direction"] = question.drift.direction
            values["recent_days"] = round(question.drift.recent_days, 1)
            values["normal_days"] = round(question.drift.normal_days, 1)
        if loaded["decision"] == TARGET:
            values["every_days"] = loaded["every_days"]
            values["target_set"] = self._targets is not None
            if self._targets is not None:
                self._targets.set_target(record["id"], loaded["every_days"], actor=actor)
        saved = self._save(ANSWER, "relationship_id", record["id"], values)
        self._ctx.audit(actor, f"insight.{loaded['decision']}", target=record["id"])
        return _public_answer(saved) or {}

    def forget_answer(self, relationship_id: str, *, actor: str = "owner") -> None:
        """Forget the answer about a relationship: its drift may be asked again."""
        check_actor(actor)
        found = self._find(ANSWER, "relationship_id", relationship_id)
        if found is not None:
            self._col.delete(found["id"])
        self._ctx.audit(actor, "insight.forget", target=str(relationship_id))

    def answers(self) -> dict[str, dict[str, Any]]:
        """The owner's answers, by relationship id."""
        return {rid: _public_answer(a) or {} for rid, a in self._answers().items()}

    def _answers(self) -> dict[str, dict[str, Any]]:
        return {r["relationship_id"]: r for r in self._col.query(where={"kind": ANSWER})}

    # -- tier labels and depth weights -------------------------------------------------

    def tier_labels(self) -> dict[str, str]:
        """The owner's labels, by tier id."""
        return {r["id"]: r["label"] for r in self._tiers.kept() if r.get("label")}

    def label_tier(self, tier_id: Any, label: Any, *, actor: str = "owner") -> dict[str, str]:
        """Name a tier by its id (an empty label removes the name); returns every label.
        ``NotFound`` for a tier that does not exist (any more)."""
        self._tiers.label(tier_id, label, actor=actor)
        return self.tier_labels()

    def depth_weights(self) -> DepthWeights:
        """The owner's depth weights over the defaults."""
        found = self._find(DEPTH_WEIGHTS, None, None)
        defaults = DepthWeights()
        if found is None:
            return defaults
        return DepthWeights(
            {**defaults.kinds, **found.get("kinds", {})},
            {**defaults.channels, **found.get("channels", {})},
        )

    def set_depth_weights(self, data: Any, *, actor: str = "owner") -> DepthWeights:
        """Change some depth weights (kind or channel -> 0..1); the others stay."""
        check_actor(actor)
        loaded = load(DepthWeightsSchema(), data, what="depth weights")
        found = self._find(DEPTH_WEIGHTS, None, None) or {}
        values = {part: {**found.get(part, {}), **loaded[part]} for part in ("kinds", "channels")}
        self._save(DEPTH_WEIGHTS, None, None, values)
        self._ctx.audit(actor, "insight.depth_weights")
        return self.depth_weights()

    def reset_depth_weights(self, *, actor: str = "owner") -> DepthWeights:
        check_actor(actor)
        found = self._find(DEPTH_WEIGHTS, None, None)
        if found is not None:
            self._col.delete(found["id"])
        self._ctx.audit(actor, "insight.depth_weights_reset")
        return self.depth_weights()

    # -- engagement with vendors -------------------------------------------------------

    def engagement(
        self, vendor_id: str | None = None, *, periods: int = PERIODS
    ) -> list[tuple[dict[str, Any], Engagement]]:
        """How the owner's engagement with each vendor (or one) moved, quarter by quarter."""
        if not 2 <= periods <= 40:
            raise ValidationFailed("periods: 2 to 40", {"periods": ["Must be between 2 and 40."]})
        if vendor_id is not None:
            vendors = [self._relationships.require(vendor_id, field="vendor_id", kind=VENDOR)]
        else:
            vendors = self._relationships.of_kind(VENDOR)
        today = self.today()
        year, quarter = quarters_until(today, periods)[0]
        start = date(year, 3 * quarter - 2, 1).isoformat()
        log = self.read_log()
        spent = _purchases_since(self._purchases.since(start))
        result = []
        for vendor in sorted(vendors, key=lambda v: (v["name"].casefold(), v["id"])):
            entries = [(date.fromordinal(d), kind) for d, kind, _ in log.get(vendor["id"], [])]
            found = engagement(vendor["id"], entries, spent.get(vendor["id"], []), today, periods)
            result.append((vendor, found))
        return result

    # -- records -----------------------------------------------------------------------

    def _find(self, kind: str, key: str | None, value: Any) -> dict[str, Any] | None:
        where: dict[str, Any] = {"kind": kind}
        if key == "relationship_id":
            where[key] = value
        found = self._col.query(where=where)
        return found[0] if found else None

    def _save(
        self, kind: str, key: str | None, value: Any, values: Mapping[str, Any]
    ) -> dict[str, Any]:
        now = self._ctx.now()
        stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._ctx.store.transaction():
            found = self._find(kind, key, value)
            record: dict[str, Any] = {"kind": kind, **values, "updated_at": stamp}
            if key is not None:
                record[key] = value
            if found is None:
                record["id"] = self._ctx.ids()
                record["created_at"] = stamp
                self._col.insert(record)
            else:
                record["id"] = found["id"]
                record["created_at"] = found.get("created_at", stamp)
                self._col.replace(found["id"], record)
        return record


def _asks(drift: Drift, answer: Mapping[str, Any] | None) -> bool:
    """Whether a drift is to be asked, given the owner's answer about the relationship."""
    if answer is None:
        return True
    if answer["decision"] == LET_DRIFT:
        return False
    if "direction" not in answer:  # answered when nothing drifted: a target keeps watch
        return bool(answer["decision"] != TARGET)
    return changed_materially(answer["recent_days"], answer["direction"], drift)


def _tier_summary(tier: NamedTier) -> dict[str, Any]:
    return {
        "id": tier.id,
        "name": tier.name,
        "label": tier.label,
        "explanation": tier.explanation(),
    }


def _public_answer(record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    keep = ("decision", "direction", "recent_days", "normal_days", "every_days", "target_set")
    return {k: record[k] for k in keep if k in record} | {"at": record.get("updated_at")}


def _purchases_since(
    records: Iterable[Mapping[str, Any]],
) -> dict[str, list[tuple[date, Decimal, str]]]:
    spent: dict[str, list[tuple[date, Decimal, str]]] = {}
    for p in records:
        if p.get("total") is None:
            continue
        entry = (date.fromisoformat(p["date"][:10]), Decimal(p["total"]), p["currency"])
        spent.setdefault(p["vendor_id"], []).append(entry)
    return spent
