"""Merging two relationship records into one, and undoing the latest merge.

``merge(keep_id, other_id)`` moves everything that points at ``other`` onto ``keep``
(each owning service moves its own records: ``repointing.Repointer``, handed over by the
container), merges the fields (``merge_fields``) and deletes ``other``, in one
transaction; every check comes before the first write.

One undo is kept: the latest merge, for ``UNDO_HOURS`` hours. It holds the removed
record, the kept record as it was and the ids moved per collection, in the ``merges``
collection this service owns. ``undo_merge`` restores both records and points the moved
records back; records made after the merge that point at the kept one stay with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.i18n import gettext, ngettext, written_in
from pds.services.base import CollectionService
from pds.services.collections import MERGES
from pds.services.context import Context, check_actor
from pds.services.relationships.merge_fields import merged_fields
from pds.services.relationships.name_match import folded
from pds.services.relationships.relationships import (
    ALIKE_RATIO,
    PERSON,
    VENDOR,
    RelationshipService,
)
from pds.services.repointing import Repointer

#: How long the latest merge can be undone.
UNDO_HOURS = 24
UNDO = "undo"
#: A name this long (letters and digits) that starts another may be the same one.
MIN_PREFIX = 4
#: What a person cannot hold (only a vendor can).
VENDOR_ONLY = ("purchases", "grants", "clients")
#: How the moved records are named to the owner, per repointer ("3 purchases").
WORDS: dict[str, Callable[[int], str]] = {
    "interactions": lambda n: ngettext("%(num)d interaction", "%(num)d interactions", n),
    "purchases": lambda n: ngettext("%(num)d purchase", "%(num)d purchases", n),
    "grants": lambda n: ngettext("%(num)d grant", "%(num)d grants", n),
    "clients": lambda n: ngettext("%(num)d linked vendor app", "%(num)d linked vendor apps", n),
    "reminders": lambda n: ngettext("%(num)d reminder target", "%(num)d reminder targets", n),
    "related": lambda n: ngettext(
        "%(num)d mention in another record", "%(num)d mentions in other records", n
    ),
}


@dataclass(frozen=True)
class MergePlan:
    """What merging ``other`` into ``keep`` does: the ``merged`` record and how many
    records of each kind move (``moving``)."""

    keep: dict[str, Any]
    other: dict[str, Any]
    merged: dict[str, Any]
    moving: dict[str, int]

    def summary(self) -> str:
        """ "Merging Jonas B. into Jonas Becker: 12 interactions, 3 purchases"."""
        return gettext(
            "Merging %(other)s into %(keep)s: %(moving)s",
            other=self.other["name"],
            keep=self.keep["name"],
            moving=moving_text(self.moving),
        )


def moving_text(counts: Mapping[str, int]) -> str:
    """ "12 interactions, 1 grant" (the kinds with none left out), or "nothing else moves",
    in the language the text is written in (``pds.i18n``)."""
    parts = [WORDS[name](n) for name, n in counts.items() if n]
    return ", ".join(parts) if parts else gettext("nothing else moves")


class MergeService(CollectionService):
    """Merges relationships; keeps the undo of the latest merge (``merges`` collection)."""

    collection_name = MERGES
    noun = "merge"

    def __init__(self, ctx: Context, relationships: RelationshipService) -> None:
        super().__init__(ctx)
        self._relationships = relationships
        self._repointers: dict[str, Repointer] = {}

    def repoint_with(self, **repointers: Repointer) -> None:
        """The services whose records point at relationships, by what they hold (the
        container gives them: most are built after this one, in contexts above it)."""
        unknown = set(repointers) - set(WORDS)
        if unknown:
            raise RuntimeError(f"merging: no words for {sorted(unknown)}")
        self._repointers = dict(repointers)

    # -- merging -----------------------------------------------------------------------

    def plan(self, keep_id: Any, other_id: Any) -> MergePlan:
        """What merging ``other_id`` into ``keep_id`` would do, checked; writes nothing.

        ``ValidationFailed`` for a record merged with itself or a merged record too large;
        ``NotFound`` for an unknown id; ``Conflict`` when a person would get what only a
        vendor holds."""
        if not self._repointers:
            raise RuntimeError("merging: repoint_with was never called")
        if other_id is None or other_id == "":
            raise ValidationFailed(
                "no relationship to merge with", {"other": ["Choose the record to merge with."]}
            )
        keep = self._relationships.get(keep_id)
        other = self._relationships.get(other_id)
        if keep["id"] == other["id"]:
            raise ValidationFailed(
                "a relationship cannot be merged with itself",
                {"other": ["Choose another relationship to merge with."]},
            )
        moving = {name: r.pointing_at(other["id"]) for name, r in self._repointers.items()}
        self._check_kinds(keep, other, moving)
        changes = merged_fields(keep, other)
        merged = self._relationships.changed_record(keep, changes)
        return MergePlan(keep, other, merged, moving)

    def merge(self, keep_id: Any, other_id: Any, *, actor: str = "owner") -> MergePlan:
        """Merge ``other_id`` into ``keep_id`` (see the module); the plan carried out."""
        check_actor(actor)
        with self._ctx.store.transaction():
            plan = self.plan(keep_id, other_id)
            keep_id, other_id = plan.keep["id"], plan.other["id"]
            moved = {
                name: r.repoint_relationship(other_id, keep_id)
                for name, r in self._repointers.items()
            }
            self._relationships.store_merged(plan.merged, other_id)
            self._keep_undo(plan, moved)
            self._ctx.audit(actor, "relationship.merge", target=keep_id, other=other_id)
        return plan

    def _check_kinds(
        self, keep: Mapping[str, Any], other: Mapping[str, Any], moving: Mapping[str, int]
    ) -> None:
        if keep["kind"] != PERSON or other["kind"] != VENDOR:
            return
        held = {name: moving.get(name, 0) for name in VENDOR_ONLY if moving.get(name)}
        if held:
            with written_in("en"):  # the domain's error messages stay English
                held_text = moving_text(held)
            raise Conflict(
                f"{keep['name']} is a person and {other['name']} has {held_text}, "
                "which only a vendor can have: keep the vendor, or make "
                f"{keep['name']} a vendor first",
                held,
            )

    # -- finding duplicates ------------------------------------------------------------

    def duplicates_of(self, record_id: Any) -> list[dict[str, Any]]:
        """The relationships that may be the same as ``record_id``, of either kind: a name
        alike (``looks_alike``) or a shared e-mail address or phone number; by name."""
        record = self._relationships.get(record_id)
        contacts = _contacts(record)
        found = [
            other
            for other in self._relationships.all_records()
            if other["id"] != record["id"]
            and (looks_alike(record["name"], other["name"]) or contacts & _contacts(other))
        ]
        return sorted(found, key=lambda r: (folded(r["name"]), r["id"]))

    # -- the undo ----------------------------------------------------------------------

    def latest(self) -> dict[str, Any] | None:
        """The undo of the latest merge, if one is kept (possibly too old to use)."""
        found = self._col.query(where={"kind": UNDO})
        return max(found, key=lambda r: str(r["merged_at"])) if found else None

    def undoable(self) -> dict[str, Any] | None:
        """The undo of the latest merge if it can still be used, else ``None``."""
        latest = self.latest()
        return latest if latest is not None and not self._expired(latest) else None

    def undo_merge(self, *, actor: str = "owner") -> dict[str, Any]:
        """Undo the latest merge (within ``UNDO_HOURS``): both records as they were, the
        moved records pointing at the removed one again. Returns the restored record."""
        check_actor(actor)
        with self._ctx.store.transaction():
            undo = self.latest()
            if undo is None:
                raise NotFound("there is no merge to undo", {"merge": ["No merge to undo."]})
            kept, removed = undo["kept"], undo["removed"]
            if self._expired(undo):
                raise Conflict(
                    f"merging {removed['name']} into {kept['name']} was more than "
                    f"{UNDO_HOURS} hours ago; it can no longer be undone",
                    {"merged_at": undo["merged_at"]},
                )
            if self._relationships.find(kept["id"]) is None:
                raise Conflict(
                    f"{kept['name']} has been deleted since the merge; it cannot be undone",
                    {"id": kept["id"]},
                )
            self._relationships.restore_unmerged(kept, removed)
            for name, record_ids in undo["moved"].items():
                self._repointers[name].point_back(record_ids, removed["id"], kept["id"])
            self._col.delete(undo["id"])
            self._ctx.audit(
                actor, "relationship.merge_undo", target=kept["id"], other=removed["id"]
            )
        return dict(removed)

    def _keep_undo(self, plan: MergePlan, moved: Mapping[str, list[str]]) -> None:
        for earlier in self._col.query(where={"kind": UNDO}):
            self._col.delete(earlier["id"])
        self._col.insert(
            {
                "id": self._ctx.ids(),
                "kind": UNDO,
                "merged_at": self._ctx.now().isoformat(),
                "kept": plan.keep,
                "removed": plan.other,
                "moved": {name: ids for name, ids in moved.items() if ids},
            }
        )

    def _expired(self, undo: Mapping[str, Any]) -> bool:
        merged_at = datetime.fromisoformat(str(undo["merged_at"]))
        return self._ctx.now() - merged_at > timedelta(hours=UNDO_HOURS)


def looks_alike(first: str, second: str) -> bool:
    """Whether two names may be one: the same letters and digits whatever the case, accents,
    spacing and punctuation, all but a slip (``ALIKE_RATIO``), or one the start of the
    other ("Jonas B." and "Jonas Becker")."""
    one, two = _letters(first), _letters(second)
    if not one or not two:
        return False
    shorter, longer = sorted((one, two), key=len)
    if len(shorter) >= MIN_PREFIX and longer.startswith(shorter):
        return True
    return SequenceMatcher(None, one, two).ratio() >= ALIKE_RATIO


def _letters(name: str) -> str:
    return "".join(char for char in folded(name) if char.isalnum())


def _contacts(record: Mapping[str, Any]) -> set[str]:
    return {str(v).casefold() for v in [*record.get("emails", []), *record.get("phones", [])]}
