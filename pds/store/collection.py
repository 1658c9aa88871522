"""A collection: records of one kind, spread over bounded shards, found through its index."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice
from typing import TYPE_CHECKING, Any

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.store import codec
from pds.store.gcpause import paused_gc
from pds.store.ids import new_id
from pds.store.index import CollectionIndex, CollectionSpec, ShardRef, entry_for
from pds.store.shards import Shard

if TYPE_CHECKING:
    from pds.store.store import Store

_MONTH = re.compile(r"^\d{4}-\d{2}")
UNSHARDED = "all"
UNDATED = "undated"
BULK = 1000  # from this many records on, insert_many lets posting lists re-sort on demand


class Collection:
    def __init__(self, store: Store, spec: CollectionSpec) -> None:
        # A weak proxy: the store owns its collections, and no cycle may keep a closed
        # store alive (its objects are frozen out of the cyclic GC, see gcpause).
        self._store: Store = weakref.proxy(store)
        self.spec = spec
        self.name = spec.name
        self.index = CollectionIndex(spec)
        self._open_shard: dict[str, int] = {}  # per month: the shard new records go to

    def __len__(self) -> int:
        return len(self.index)

    def __repr__(self) -> str:
        return f"Collection({self.name!r}, records={len(self.index)})"

    # -- placement -----------------------------------------------------------------

    def prefix_for(self, record: Mapping[str, Any]) -> str:
        if self.spec.shard_by is None:
            return UNSHARDED
        value = record.get(self.spec.shard_by)
        if isinstance(value, str) and _MONTH.match(value):
            return value[:7]
        return UNDATED

    def shard_name(self, prefix: str, number: int) -> str:
        return Shard.logical_name(self.name, prefix, number)

    def _place(self, record: Mapping[str, Any]) -> ShardRef:
        """The shard with room for ``record`` (a new one if all of its month are full)."""
        prefix = self.prefix_for(record)
        counts = self.index.shard_counts.get(prefix, {})
        capacity = self._store.shard_capacity
        number = self._open_shard.get(prefix)
        if number is None or counts.get(number, 0) >= capacity:
            number = next((n for n, c in counts.items() if c < capacity), None)
            if number is None:
                number = max(counts, default=-1) + 1
            self._open_shard[prefix] = number
        return prefix, number

    def _shard_holding(self, record_id: str) -> Shard:
        ref = self.index.shard_of(record_id)
        if ref is None:
            raise NotFound(f"no {self.name} record {record_id}", {"id": record_id})
        return self._store.load_shard(self.shard_name(*ref))

    # -- reads ---------------------------------------------------------------------

    def find(self, record_id: str) -> dict[str, Any] | None:
        with self._store.reading():
            if record_id not in self.index:
                return None
            return self._shard_holding(record_id).get(record_id)

    def get(self, record_id: str) -> dict[str, Any]:
        record = self.find(record_id)
        if record is None:
            raise NotFound(f"no {self.name} record {record_id}", {"id": record_id})
        return record

    def query(
        self,
        where: Mapping[str, Any] | None = None,
        start: str | None = None,
        end: str | None = None,
        descending: bool = False,
        limit: int | None = None,
        after: str | None = None,
        predicate: Callable[[dict[str, Any]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """Records matching ``where`` (indexed equality) with ``start <= order < end``.

        ``after`` is the id of the last record of the previous page (a cursor).
        """
        with self._store.reading():
            try:
                ids = self.index.scan(where, start, end, descending, after)
                records = (self._shard_holding(rid).get(rid) for rid in ids)
                if predicate is not None:
                    records = (r for r in records if r is not None and predicate(r))
                return [r for r in islice(records, limit) if r is not None]
            except ValueError as exc:
                raise ValidationFailed(str(exc), {"where": [str(exc)]}) from None
            except KeyError:
                raise ValidationFailed("unknown cursor", {"after": ["unknown cursor"]}) from None

    def count(self, where: Mapping[str, Any] | None = None) -> int:
        with self._store.reading():
            try:
                return self.index.count(where)
            except ValueError as exc:
                raise ValidationFailed(str(exc), {"where": [str(exc)]}) from None

    def scan(self) -> Iterator[dict[str, Any]]:
        """Every record, shard by shard (each shard is read once)."""
        with self._store.reading():
            names = sorted(
                self.shard_name(prefix, n)
                for prefix, numbers in self.index.shard_counts.items()
                for n in numbers
            )
        for name in names:
            with self._store.reading():
                records = list(self._store.load_shard(name).iter_records())
            yield from records

    # -- writes --------------------------------------------------------------------

    def _prepare(self, record: Mapping[str, Any]) -> tuple[dict[str, Any], str, tuple[Any, ...]]:
        if not isinstance(record, Mapping):
            raise ValidationFailed("a record must be a JSON object", {"_record": ["not an object"]})
        prepared = dict(record)
        if "id" not in prepared:  # (not setdefault: that would make an id for every record)
            prepared["id"] = new_id()
        if not isinstance(prepared["id"], str) or not prepared["id"]:
            raise ValidationFailed("id must be a non-empty string", {"id": ["must be a string"]})
        # A deep copy through JSON: the store never shares a nested object with its caller.
        prepared = codec.loads(codec.check_record(prepared))
        order, values = entry_for(self.spec, prepared)
        return prepared, order, values

    def _add(self, record: dict[str, Any], order: str, values: tuple[Any, ...]) -> ShardRef:
        """Index a new record and return the shard it goes to."""
        record_id = record["id"]
        if record_id in self.index:
            raise Conflict(f"{self.name} record {record_id} already exists", {"id": record_id})
        ref = self._place(record)
        self.index.add(record_id, ref, order, values)
        return ref

    def insert(self, record: Mapping[str, Any]) -> dict[str, Any]:
        prepared, order, values = self._prepare(record)
        with self._store.writing() as txn:
            ref = self._add(prepared, order, values)
            txn.touch(self, prepared["id"])
            self._store.writable_shard(self.shard_name(*ref)).insert(prepared)
        return codec.loads(codec.dumps(prepared))

    def insert_many(self, records: Iterable[Mapping[str, Any]]) -> list[str]:
        """Insert many records in one transaction; each shard is written once."""
        records = list(records)
        if len(records) >= BULK:
            self.index.forget_views()
        batches: dict[ShardRef, list[dict[str, Any]]] = {}
        ids: list[str] = []
        with self._store.writing() as txn, paused_gc():
            for record in records:
                prepared, order, values = self._prepare(record)
                ref = self._add(prepared, order, values)
                txn.touch(self, prepared["id"])
                batches.setdefault(ref, []).append(prepared)
                ids.append(prepared["id"])
            for ref, batch in batches.items():
                self._store.writable_shard(self.shard_name(*ref)).insert_many(batch)
        return ids

    def replace(self, record_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
        if record.get("id", record_id) != record_id:
            raise ValidationFailed("id cannot change", {"id": ["cannot change"]})
        prepared, order, values = self._prepare({**record, "id": record_id})
        with self._store.writing() as txn:
            old = self._shard_holding(record_id)
            txn.touch(self, record_id)
            self._store.mark_dirty(old)
            ref = self.index.remove(record_id)
            if ref is not None and ref[0] == self.prefix_for(prepared):
                old.replace(prepared)
                self.index.add(record_id, ref, order, values)
            else:
                old.remove(record_id)
                ref = self._add(prepared, order, values)
                self._store.writable_shard(self.shard_name(*ref)).insert(prepared)
        return codec.loads(codec.dumps(prepared))

    def update(self, record_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Shallow merge of ``changes`` into the record; returns the new record."""
        with self._store.writing():
            current = self.get(record_id)
            return self.replace(record_id, {**current, **changes})

    def delete(self, record_id: str) -> None:
        with self._store.writing() as txn:
            shard = self._shard_holding(record_id)
            txn.touch(self, record_id)
            self._store.mark_dirty(shard)
            shard.remove(record_id)
            self.index.remove(record_id)
