"""Tiers that keep their identity, number and the owner's label as data arrives.

For each group (people, organisations) the tiers last computed are kept in the
``insights`` collection, one ``tier`` record each: a stable ``id``, the ``group``, a
``number`` (given when the tier first appeared: the lowest one free in its group, in
order of closeness), its ``members`` and the owner's ``label``. On each recompute the
new tiers are matched to the kept ones by their members (``tiers.match``): a matched
tier keeps its id, number and label; a new one gets new ones; a kept tier that no new
tier continues is dropped, with its label. Records are written only when something
changed.

Labels from before tiers had ids (``tier_label`` records, keyed by a tier number of
people and organisations together) go, once, to the people's tier of that number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pds.errors import NotFound
from pds.i18n import N_, gettext
from pds.schemas import load
from pds.schemas.insight import TierLabelSchema
from pds.services.collections import INSIGHTS
from pds.services.context import Context, check_actor
from pds.services.relationships.tiers import GROUPS, ORGANISATIONS, PEOPLE, Tier, Tiers, match

TIER, LEGACY_LABEL = "tier", "tier_label"
#: each group's title (translate it where shown: ``gettext(GROUP_TITLES[group])``)
GROUP_TITLES = {PEOPLE: N_("People"), ORGANISATIONS: N_("Organisations")}


@dataclass(frozen=True)
class NamedTier:
    """A tier with its stable identity: id, group, number and the owner's label."""

    id: str
    group: str
    number: int
    label: str | None
    tier: Tier

    @property
    def name(self) -> str:
        """The neutral name: "People tier 2"."""
        return gettext(
            "%(group)s tier %(number)d", group=gettext(GROUP_TITLES[self.group]), number=self.number
        )

    @property
    def title(self) -> str:
        """The owner's label, else the neutral name."""
        return self.label or self.name

    @property
    def members(self) -> tuple[str, ...]:
        return self.tier.members

    def explanation(self) -> str:
        return self.tier.explanation(self.group)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "group": self.group,
            "number": self.number,
            "name": self.name,
            "label": self.label,
            "size": self.tier.size,
            "per_year": round(self.tier.per_year, 1),
            "depth": round(self.tier.depth, 2),
            "explanation": self.explanation(),
            "members": list(self.members),
        }


class TierMemory:
    """The kept tiers (``tier`` records in ``insights``) and the owner's labels."""

    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx

    @property
    def _col(self) -> Any:
        return self._ctx.collection(INSIGHTS)

    def kept(self) -> list[dict[str, Any]]:
        """The tier records, in group and number order."""
        records = self._col.query(where={"kind": TIER})
        return sorted(records, key=lambda r: (GROUPS.index(r["group"]), r["number"]))

    def remember(self, computed: Mapping[str, Tiers]) -> tuple[NamedTier, ...]:
        """The tiers just ``computed`` per group, named after the kept ones they continue;
        the kept records are brought up to date."""
        kept = self.kept()
        legacy = [] if kept else self._col.query(where={"kind": LEGACY_LABEL})
        named: list[NamedTier] = []
        for group in GROUPS:
            before = [r for r in kept if r["group"] == group]
            named += self._continue(group, computed[group].tiers, before)
        if legacy:
            named = _with_legacy_labels(named, legacy)
        self._save(kept, legacy, named)
        return tuple(named)

    def _continue(
        self, group: str, tiers: Sequence[Tier], before: list[dict[str, Any]]
    ) -> list[NamedTier]:
        old = {r["id"]: frozenset(r["members"]) for r in before}
        by_id = {r["id"]: r for r in before}
        matched = match([frozenset(t.members) for t in tiers], old)
        used = {by_id[key]["number"] for key in matched if key is not None}
        named = []
        for tier, key in zip(tiers, matched, strict=True):
            if key is None:
                number = next(n for n in range(1, len(tiers) + len(used) + 2) if n not in used)
                used.add(number)
                named.append(NamedTier(self._ctx.ids(), group, number, None, tier))
            else:
                record = by_id[key]
                named.append(NamedTier(key, group, record["number"], record.get("label"), tier))
        return named

    def _save(
        self, kept: list[dict[str, Any]], legacy: list[dict[str, Any]], named: list[NamedTier]
    ) -> None:
        stored = {r["id"]: r for r in kept}
        wanted = {t.id: _fields(t) for t in named}
        changed = [i for i, f in wanted.items() if i not in stored or _differs(stored[i], f)]
        dropped = [i for i in stored if i not in wanted]
        if not (changed or dropped or legacy):
            return
        stamp = self._ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        with self._ctx.store.transaction():
            for record_id in dropped + [r["id"] for r in legacy]:
                self._col.delete(record_id)
            for record_id in changed:
                record = {"id": record_id, **wanted[record_id], "updated_at": stamp}
                if record_id in stored:
                    record["created_at"] = stored[record_id].get("created_at", stamp)
                    self._col.replace(record_id, record)
                else:
                    self._col.insert({**record, "created_at": stamp})

    def label(self, tier_id: Any, label: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Name a tier (an empty label removes the name); returns its record.
        ``NotFound`` if there is no such tier (any more)."""
        check_actor(actor)
        loaded = load(TierLabelSchema(), {"tier": tier_id, "label": label or None}, what="tier")
        found = self._col.find(loaded["tier"])
        if found is None or found.get("kind") != TIER:
            raise NotFound(f"no tier {loaded['tier']}", {"tier": [loaded["tier"]]})
        record = {**found, "label": loaded.get("label") or None}
        record["updated_at"] = self._ctx.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        self._col.replace(found["id"], record)
        self._ctx.audit(actor, "insight.tier_label", target=found["id"])
        return record


def _fields(tier: NamedTier) -> dict[str, Any]:
    return {
        "kind": TIER,
        "group": tier.group,
        "number": tier.number,
        "members": list(tier.members),
        "label": tier.label,
    }


def _differs(record: Mapping[str, Any], fields: Mapping[str, Any]) -> bool:
    return any(record.get(key) != value for key, value in fields.items())


def _with_legacy_labels(named: list[NamedTier], legacy: list[dict[str, Any]]) -> list[NamedTier]:
    labels = {r.get("tier"): r.get("label") for r in legacy}
    return [
        NamedTier(t.id, t.group, t.number, labels.get(t.number), t.tier)
        if t.group == PEOPLE and t.label is None
        else t
        for t in named
    ]
