"""Preferences: the owner's namespaced settings (``clothing.size``), one record per key."""

from __future__ import annotations

import builtins
from collections import Counter
from collections.abc import Sequence
from typing import Any

from marshmallow import ValidationError

from pds.errors import Conflict
from pds.schemas import PreferenceSchema, load
from pds.schemas.preference import PreferenceKey, PreferenceQuerySchema
from pds.services.base import RecordService, present
from pds.services.collections import PREFERENCES
from pds.services.context import check_actor

_KEY = PreferenceKey()


def _normal_key(key: Any) -> str | None:
    """``key`` as stored (lower case, stripped), or ``None`` if it cannot be a key."""
    try:
        return _KEY.deserialize(key)  # type: ignore[no-any-return]
    except ValidationError:  # not a key, so nothing can be stored under it
        return None


class PreferenceService(RecordService):
    collection_name = PREFERENCES
    noun = "preference"
    schema = PreferenceSchema()
    immutable = ("key",)
    key_field = "key"  # a preference is named by its key (``get`` raises NotFound on it)

    # -- reads -------------------------------------------------------------------------

    def find(self, key: str) -> dict[str, Any] | None:
        """The preference stored under ``key``, or ``None``."""
        normal = _normal_key(key)
        if normal is None:
            return None
        found = self._col.query(where={"key": normal}, limit=1)
        return found[0] if found else None

    def list(
        self,
        *,
        category: str | None = None,
        visibility: str | None = None,
        prefix: str | None = None,
    ) -> list[dict[str, Any]]:
        """All preferences (optionally of a category, visibility or key prefix), by key."""
        query = load(
            PreferenceQuerySchema(),
            present(category=category, visibility=visibility, prefix=prefix),
            what="query",
        )
        where: dict[str, Any] = {f: query[f] for f in ("category", "visibility") if f in query}
        records = self._col.query(where=where or None)
        if "prefix" in query:
            records = [r for r in records if r["key"].startswith(query["prefix"])]
        return sorted(records, key=lambda r: r["key"])

    # -- writes ------------------------------------------------------------------------

    def add(self, data: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Add a new preference; ``Conflict`` if its key is taken."""
        check_actor(actor)
        record = self.new_record(data)
        with self._ctx.store.transaction():
            self._check_key_free(record["key"])
            self._col.insert(record)
        self._ctx.audit(actor, "preference.create", target=record["id"])
        return record

    def add_many(
        self, items: Sequence[Any], *, actor: str = "owner"
    ) -> builtins.list[dict[str, Any]]:
        """Add many preferences at once, all or none (details keyed by list index)."""
        check_actor(actor)
        records = self.new_records(items)
        keys = [r["key"] for r in records]
        if len(set(keys)) != len(keys):
            raise Conflict("the same key is given twice", {"key": sorted(_repeated(keys))})
        with self._ctx.store.transaction():
            for key in keys:
                self._check_key_free(key)
            self._col.insert_many(records)
        self._ctx.audit(actor, "preference.create_many", count=len(records))
        return records

    def set(self, key: str, value: Any, *, actor: str = "owner", **fields: Any) -> dict[str, Any]:
        """Set ``key`` to ``value`` (creating it if needed); other ``fields`` are optional:
        ``category``, ``visibility``, ``note``. Fields not given keep their current value."""
        check_actor(actor)
        with self._ctx.store.transaction():
            current = self.find(key)
            if current is None:
                record = self.new_record({**fields, "key": key, "value": value})
                self._col.insert(record)
            else:
                changes = {**fields, "value": value}
                record = self.changed_record(current, changes)
                self._col.replace(record["id"], record)
        self._ctx.audit(actor, "preference.set", target=record["id"])
        return record

    def update(self, key: str, changes: Any, *, actor: str = "owner") -> dict[str, Any]:
        """Change fields of the preference under ``key`` (``None`` clears one)."""
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.changed_record(self.get(key), changes)
            self._col.replace(record["id"], record)
        self._ctx.audit(actor, "preference.update", target=record["id"])
        return record

    def delete(self, key: str, *, actor: str = "owner") -> None:
        check_actor(actor)
        with self._ctx.store.transaction():
            record = self.get(key)
            self._col.delete(record["id"])
        self._ctx.audit(actor, "preference.delete", target=record["id"])

    def _check_key_free(self, key: str) -> None:
        if self._col.count(where={"key": key}):
            raise Conflict(f"the preference {key} exists already", {"key": key})


def _repeated(keys: list[str]) -> set[str]:
    return {key for key, times in Counter(keys).items() if times > 1}
