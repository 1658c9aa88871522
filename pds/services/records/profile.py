"""The owner's profile: one record of OpenID Connect standard claims."""

from __future__ import annotations

from typing import Any

from pds.schemas import ProfileSchema
from pds.services.base import RecordService
from pds.services.collections import PROFILE
from pds.services.context import check_actor


class ProfileService(RecordService):
    collection_name = PROFILE
    noun = "profile"
    schema = ProfileSchema()

    def get(self) -> dict[str, Any]:  # type: ignore[override]
        """The profile (``{}`` while the owner has not filled it in)."""
        record = self._current()
        return record or {}

    def update(self, changes: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Set the claims in ``changes`` (``None`` clears one; ``address`` is set as a whole)."""
        check_actor(actor)
        with self._ctx.store.transaction():
            current = self._current()
            if current is None:
                record = self.new_record(changes)
                self._col.insert(record)
            else:
                record = self.changed_record(current, changes)
                self._col.replace(record["id"], record)
        self._ctx.audit(actor, "profile.update", target=record["id"])
        return record

    def replace(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Set the whole profile to ``data`` (claims not in it are cleared)."""
        check_actor(actor)
        with self._ctx.store.transaction():
            current = self._current()
            if current is None:
                record = self.new_record(data)
                self._col.insert(record)
            else:
                fresh = self.new_record(data)
                record = {**fresh, "id": current["id"], "created_at": current["created_at"]}
                self._col.replace(record["id"], record)
        self._ctx.audit(actor, "profile.update", target=record["id"])
        return record

    def _current(self) -> dict[str, Any] | None:
        return next(iter(self._col.scan()), None)
