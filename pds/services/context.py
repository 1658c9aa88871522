"""What every service shares: the store, the clock, the audit trail and record helpers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema

from pds.errors import ValidationFailed
from pds.schemas import is_id
from pds.schemas.temporal import to_utc
from pds.store import Collection, Store, new_id

Clock = Callable[[], datetime]
IdSource = Callable[[], str]
ACTOR_PATTERN = re.compile(r"^(owner|system|vendor:[A-Za-z0-9._~:-]{1,128})$")
SERVER_FIELDS = ("id", "created_at", "updated_at")


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_actor(actor: str) -> str:
    """``owner``, ``system`` or ``vendor:<client_id>``: who is writing (for source and audit)."""
    if not isinstance(actor, str) or not ACTOR_PATTERN.match(actor):
        raise ValidationFailed(
            "invalid actor", {"actor": ["Must be owner, system or vendor:<client_id>."]}
        )
    return actor


@dataclass(frozen=True)
class Context:
    store: Store
    clock: Clock = utc_now
    ids: IdSource = new_id
    #: Hold RFPs back from vendors registered to answer them until the owner approves.
    rfp_vendors_need_approval: bool = False

    def now(self) -> datetime:
        """The clock's time in UTC, to the second (a naive clock reading is taken as UTC)."""
        return to_utc(self.clock())

    def collection(self, name: str) -> Collection:
        return self.store.collection(name)

    def audit(
        self,
        actor: str,
        action: str,
        *,
        target: str | None = None,
        count: int = 1,
        other: str | None = None,
    ) -> None:
        """Record that ``actor`` did ``action`` to ``target`` (ids and counts only, no values);
        ``other``: the id of a second record it concerned (the one merged into ``target``)."""
        event: dict[str, Any] = {"actor": actor, "action": action}
        if target is not None:
            event["target"] = target
        else:
            event["count"] = count
        if other is not None:
            event["other"] = other
        self.store.log_event(event)


def find_by_id(collection: Collection, record_id: Any) -> dict[str, Any] | None:
    """The record with ``record_id``, or ``None`` (also for something that is not an id)."""
    if not is_id(record_id):
        return None
    return collection.find(record_id)


def merge_changes(
    current: Mapping[str, Any], changes: Any, *, what: str, immutable: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``current`` with top-level ``changes`` applied; ``None`` clears a field.

    Server-kept fields (id, timestamps) and ``immutable`` ones may not change.
    """
    if not isinstance(changes, Mapping):
        raise ValidationFailed(
            f"invalid {what}: changes must be an object", {"_schema": ["Invalid input type."]}
        )
    fixed = {
        key: ["Cannot be changed."]
        for key in (*SERVER_FIELDS, *immutable)
        if key in changes and changes[key] != current.get(key)
    }
    if fixed:
        raise ValidationFailed(f"invalid {what}: check {', '.join(sorted(fixed))}", fixed)
    merged = {**current, **changes}
    return {key: value for key, value in merged.items() if value is not None}


def stamp(
    schema: Schema, loaded: dict[str, Any], *, now: datetime, created_at: Any = None
) -> dict[str, Any]:
    """The storage form of ``loaded`` with its timestamps set (``created_at`` kept if given)."""
    loaded = dict(loaded)
    loaded["created_at"] = created_at or now
    loaded["updated_at"] = now
    return schema.dump(loaded)  # type: ignore[no-any-return]
