"""A collection: records of one kind, spread over bounded shards, found through its index."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pds.errors import Conflict, NotFound, ValidationFailed
from pds.store import codec
from pds.store.gcpause import paused_gc
from pds.store.ids import new_id
from pds.store.index import CollectionIndex, ShardRef
from pds.store.runs import Run, encode_runs
from pds.store.shards import Shard
from pds.store.spec import CollectionSpec, NotPlain, entries_for, entry_for
from pds.store.window import ShardWindow

if TYPE_CHECKING:
    from pds.store.transactions import Transaction

_MONTH = re.compile(r"^\d{4}-\d{2}")
UNSHARDED = "all"
UNDATED = "undated"
SCAN_BATCH = 1000  # records a scan_ordered reads per turn of the store's lock
SCAN_WINDOW_RECORDS = 16_384  # records of shards a scan_ordered keeps read (not cached)
BULK = 1000  # from this many records on, insert_many lets posting lists re-sort on demand
Key = TypeVar("Key")
_PLAIN = frozenset({str, int, float, bool, type(None), list, dict})  # what JSON reads back


def _positions(keys: list[Key]) -> dict[Key, list[int]]:
    """Where each distinct key occurs in ``keys`` (the records of a month, of a shard)."""
    positions: dict[Key, list[int]] = {}
    for at, key in enumerate(keys):
        ats = positions.get(key)
        if ats is None:
            positions[key] = [at]
        else:
            ats.append(at)
    return positions


class ShardHost(Protocol):
    """What a collection uses of its store (``StoreState`` and its parts provide it)."""

    @property
    def shard_capacity(self) -> int: ...

    @property
    def generation(self) -> int: ...

    def reading(self) -> AbstractContextManager[None]: ...

    def writing(self) -> AbstractContextManager[Transaction]: ...

    def load_shard(self, name: str) -> Shard: ...

    def peek_shard(self, name: str) -> Shard | None: ...

    def read_shard_file(self, name: str) -> Shard: ...

    def writable_shard(self, name: str) -> Shard: ...

    def mark_dirty(self, shard: Shard) -> None: ...


class Collection:
    def __init__(self, store: ShardHost, spec: CollectionSpec) -> None:
        # A weak proxy: the store owns its collections, and no cycle may keep a closed
        # store alive (its objects are frozen out of the cyclic GC, see gcpause).
        self._store: ShardHost = weakref.proxy(store)
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

    def _prefixes(self, records: list[dict[str, Any]], orders: list[str], exact: bool) -> list[str]:
        """``prefix_for`` of each record (``NotPlain`` as in ``entries_for``)."""
        if self.spec.shard_by is None:
            return [UNSHARDED] * len(records)
        if self.spec.shard_by == self.spec.order_by:
            values: list[Any] = orders  # strings (entries_for checked them)
        else:
            values = [record.get(self.spec.shard_by) for record in records]
            if exact and not all(v.__class__ in _PLAIN for v in values):
                raise NotPlain(self.spec.shard_by)
        return [v[:7] if v.__class__ is str and _MONTH.match(v) else UNDATED for v in values]

    def _place_many(self, prefixes: list[str]) -> list[ShardRef]:
        """``_place`` of each record in turn, a run of records per shard at a time."""
        positions = _positions(prefixes)
        refs: list[ShardRef] = [("", 0)] * len(prefixes)
        capacity = self._store.shard_capacity
        for prefix, ats in positions.items():
            counts = dict(self.index.shard_counts.get(prefix, {}))
            done = 0
            while done < len(ats):
                number = self._open_shard.get(prefix)
                if number is None or counts.get(number, 0) >= capacity:
                    number = next((n for n, c in counts.items() if c < capacity), None)
                    if number is None:
                        number = max(counts, default=-1) + 1
                    self._open_shard[prefix] = number
                run = ats[done : done + capacity - counts.get(number, 0)]
                ref = (prefix, number)
                for at in run:
                    refs[at] = ref
                counts[number] = counts.get(number, 0) + len(run)
                done += len(run)
        return refs

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

    def columns(self, fields: Iterable[str]) -> list[tuple[str, tuple[Any, ...]]]:
        """``(order value, (values of fields))`` of every record, from the in-memory index:
        no shard is read. ``fields`` must be indexed; a list value comes as a tuple."""
        with self._store.reading():
            try:
                return self.index.columns(list(fields))
            except ValueError as exc:
                raise ValidationFailed(str(exc), {"fields": [str(exc)]}) from None

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

    def scan_ordered(
        self, batch: int = SCAN_BATCH, window: int = SCAN_WINDOW_RECORDS, encoded: bool = False
    ) -> Iterator[Any]:
        """Every record in the collection's order (order value, then id), a batch at a time;
        with ``encoded``, each as the JSON bytes the store keeps (not decoded).

        Each batch is read under the store's lock; between batches others may write:
        a record written meanwhile is seen if it sorts after the batch just read.
        Shards the store does not hold in memory are read into a window of their own
        (at most ``window`` records, least recently used out), so that a scan neither
        evicts what the store caches nor holds more than that.
        """
        shards = ShardWindow(window)
        key: tuple[str, str] | None = None
        while True:
            with self._store.reading():
                shards.valid_for(self._store.generation)
                keys = self.index.keys_after(key, batch)
                records = self._read_batch([record_id for _, record_id in keys], shards, encoded)
            if not keys:
                return
            key = keys[-1]
            yield from records

    def _read_batch(self, ids: list[str], shards: ShardWindow, encoded: bool) -> list[Any]:
        found: list[Any] = []
        readers: dict[ShardRef, Callable[[str], Any]] = {}  # of the shards used so far
        shard_of = self.index.shard_of
        for record_id in ids:
            ref = shard_of(record_id)
            if ref is None:
                continue
            read = readers.get(ref)
            if read is None:
                name = self.shard_name(*ref)
                shard = self._store.peek_shard(name)
                if shard is None:
                    shard = shards.get(name, self._store.read_shard_file)
                read = readers[ref] = shard.encoder() if encoded else shard.get
            record = read(record_id)
            if record is not None:
                found.append(record)
        return found

    def reset(self) -> None:
        """Forget the index (the store is about to load its files again)."""
        self.index = CollectionIndex(self.spec)
        self._open_shard = {}

    # -- writes --------------------------------------------------------------------

    @staticmethod
    def _with_id(record: Mapping[str, Any]) -> dict[str, Any]:
        """``record`` as a dict with a valid id (a new one if it has none); not copied
        when it is a plain dict that has its id, because it is only read."""
        if record.__class__ is not dict:
            if not isinstance(record, Mapping):
                raise ValidationFailed(
                    "a record must be a JSON object", {"_record": ["not an object"]}
                )
            record = dict(record)
        if "id" not in record:  # (not setdefault: that would make an id for every record)
            record = {**record, "id": new_id()}
        record_id = record["id"]
        if not isinstance(record_id, str) or not record_id:
            raise ValidationFailed("id must be a non-empty string", {"id": ["must be a string"]})
        return record

    def _prepare(
        self, record: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str, tuple[Any, ...], bytes]:
        record = self._with_id(record)
        encoded = codec.check_record(record)
        # A deep copy through JSON: the store never shares a nested object with its caller.
        prepared = codec.load_record(encoded)
        order, values = entry_for(self.spec, prepared)
        return prepared, order, values, encoded

    def _index_values(
        self, records: list[dict[str, Any]], exact: bool
    ) -> tuple[list[str], list[str], list[str], list[tuple[Any, ...]]]:
        """Ids, shard prefixes, order values and indexed values of new records."""
        ids = [record["id"] for record in records]
        if exact and not all(rid.__class__ is str for rid in ids):
            raise NotPlain("id")
        orders, values = entries_for(self.spec, records, exact=exact)
        return ids, self._prefixes(records, orders, exact), orders, values

    def _check_new(self, ids: list[str]) -> None:
        if len(set(ids)) == len(ids) and not self.index.holds_any(ids):
            return
        seen: set[str] = set()
        for record_id in ids:
            if record_id in seen or record_id in self.index:
                raise Conflict(f"{self.name} record {record_id} already exists", {"id": record_id})
            seen.add(record_id)

    def _add(self, record: dict[str, Any], order: str, values: tuple[Any, ...]) -> ShardRef:
        """Index a new record and return the shard it goes to."""
        record_id = record["id"]
        if record_id in self.index:
            raise Conflict(f"{self.name} record {record_id} already exists", {"id": record_id})
        ref = self._place(record)
        self.index.add(record_id, ref, order, values)
        return ref

    def insert(self, record: Mapping[str, Any]) -> dict[str, Any]:
        prepared, order, values, encoded = self._prepare(record)
        with self._store.writing() as txn:
            ref = self._add(prepared, order, values)
            txn.touch(self, prepared["id"])
            run = Run()
            run.add(prepared["id"], encoded)
            txn.inserted(self.name, {ref: run})
            shard = self._store.writable_shard(self.shard_name(*ref))
            if shard.parsed:
                shard.insert(prepared)
                return codec.copy_record(prepared)
            shard.append(run)
        return prepared  # the shard kept the encoding only

    def insert_many(self, records: Iterable[Mapping[str, Any]]) -> list[str]:
        """Insert many records in one transaction; each shard is written once.

        Each record is encoded once; the shards keep the encodings (an unparsed
        shard appends them to its body) and the index takes its values from the
        caller's records when they are plain JSON types (strings, numbers, lists
        of them), which the store then holds no reference into.
        """
        owned = [self._with_id(r) for r in records]
        if not owned:
            with self._store.writing():
                return []
        if len(owned) >= BULK:
            self.index.forget_views()
        with self._store.writing() as txn, paused_gc():
            try:
                ids, prefixes, orders, values = self._index_values(owned, exact=True)
            except NotPlain:  # a date, tuple or subclass: index what JSON makes of it
                decoded = [codec.loads(codec.check_record(record)) for record in owned]
                ids, prefixes, orders, values = self._index_values(decoded, exact=False)
            self._check_new(ids)
            refs = self._place_many(prefixes)
            runs = encode_runs(owned, ids, refs)  # validates: nothing has changed yet
            txn.touch_many(self, ids)
            self.index.add_many(ids, refs, orders, values)
            txn.inserted(self.name, runs)
            for ref, run in runs.items():
                self._store.writable_shard(self.shard_name(*ref)).append(run)
        return ids

    def replace(self, record_id: str, record: Mapping[str, Any]) -> dict[str, Any]:
        if record.get("id", record_id) != record_id:
            raise ValidationFailed("id cannot change", {"id": ["cannot change"]})
        prepared, order, values, _ = self._prepare({**record, "id": record_id})
        with self._store.writing() as txn:
            old = self._shard_holding(record_id)
            txn.touch(self, record_id)
            txn.rewrote()
            self._store.mark_dirty(old)
            ref = self.index.remove(record_id)
            if ref is not None and ref[0] == self.prefix_for(prepared):
                old.replace(prepared)
                self.index.add(record_id, ref, order, values)
            else:
                old.remove(record_id)
                ref = self._add(prepared, order, values)
                self._store.writable_shard(self.shard_name(*ref)).insert(prepared)
        return codec.copy_record(prepared)

    def update(self, record_id: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Shallow merge of ``changes`` into the record; returns the new record."""
        with self._store.writing():
            current = self.get(record_id)
            return self.replace(record_id, {**current, **changes})

    def delete(self, record_id: str) -> None:
        with self._store.writing() as txn:
            shard = self._shard_holding(record_id)
            txn.touch(self, record_id)
            txn.rewrote()
            self._store.mark_dirty(shard)
            shard.remove(record_id)
            self.index.remove(record_id)
