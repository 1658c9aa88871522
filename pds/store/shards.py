"""Shards: bounded groups of records, each one TinyDB database in one sealed file.

TinyDB is the document engine; its ``Storage`` here is a shard's decrypted tables
in memory. TinyDB rewrites a whole table on each write, so a shard holds at most
``capacity`` records and the cost of a write is bounded by that, not by the size
of the store. Writes mark the shard dirty; the store encrypts and persists dirty
shards when the transaction commits. Decrypted shards stay in an LRU cache
bounded by the number of records it holds.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from pds.store import codec

RECORDS = "records"
SPAN_ROW = 5  # a meta row [id, order, values, start, end] says where its record lies


class RecordTable(Table):
    """A TinyDB table keyed by the records' own string ids."""

    document_id_class = str  # type: ignore[assignment]

    def _get_next_id(self) -> Any:  # pragma: no cover - every record carries its id
        raise ValueError("records carry their own ids")


class _ShardDB(TinyDB):
    table_class = RecordTable


class _ShardStorage(Storage):
    def __init__(self, shard: Shard) -> None:
        # A weak proxy: a strong one would close the cycle shard -> TinyDB -> storage ->
        # shard, and an evicted shard would linger until a full (slow) GC pass freed it.
        self._shard = weakref.proxy(shard)

    def read(self) -> dict[str, dict[str, Any]]:
        return self._shard.tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._shard.tables = data
        self._shard.dirty = True

    def close(self) -> None:
        return None


class Shard:
    """One shard: logical name ``shard/<collection>/<prefix>/<n>`` and its records."""

    def __init__(
        self,
        name: str,
        records: dict[str, dict[str, Any]] | None = None,
        *,
        body: bytes | None = None,
        size: int = 0,
        rows: list[list[Any]] | None = None,
    ) -> None:
        """A shard of ``records``, or of a serialised ``body`` of ``size`` records.

        A body is parsed on first use: opening a store caches decrypted shards without
        paying to parse the ones nobody reads. Until then, a record whose byte span
        is known (the ``rows`` of the shard's meta part) is read on its own.
        """
        self.name = name
        self._body = body
        self._size = size
        self._rows = rows
        self._spans: dict[str, tuple[int, int]] | None = None
        self._tables: dict[str, dict[str, Any]] | None = (
            {RECORDS: records or {}} if body is None else None
        )
        self.dirty = False
        self._db = _ShardDB(storage=lambda: _ShardStorage(self))
        self.table: RecordTable = self._db.table(RECORDS, cache_size=0)  # type: ignore[assignment]

    @staticmethod
    def logical_name(collection: str, prefix: str, number: int) -> str:
        return f"shard/{collection}/{prefix}/{number}"

    @property
    def tables(self) -> dict[str, dict[str, Any]]:
        if self._tables is None:
            self._tables = {RECORDS: codec.loads(self._body or b"{}")}
            self._body = None
        return self._tables

    @tables.setter
    def tables(self, value: dict[str, dict[str, Any]]) -> None:
        self._tables, self._body = value, None

    def _span(self, record_id: str) -> tuple[int, int] | None:
        if self._spans is None:
            rows, self._rows = self._rows or [], None
            self._spans = {row[0]: (row[3], row[4]) for row in rows if len(row) == SPAN_ROW}
        return self._spans.get(record_id)

    @property
    def records(self) -> dict[str, Any]:
        return self.tables.get(RECORDS, {})

    def __len__(self) -> int:
        return self._size if self._tables is None else len(self.records)

    def get(self, record_id: str) -> dict[str, Any] | None:
        if self._tables is None and self._body is not None:
            span = self._span(record_id)
            if span is not None:
                return codec.loads(self._body[span[0] : span[1]])
        raw = self.records.get(record_id)
        return None if raw is None else codec.loads(codec.dumps(raw))

    def insert(self, record: dict[str, Any]) -> None:
        self.table.insert(Document(record, doc_id=record["id"]))

    def insert_many(self, records: list[dict[str, Any]]) -> None:
        self.table.insert_multiple(Document(r, doc_id=r["id"]) for r in records)

    def replace(self, record: dict[str, Any]) -> None:
        def swap(doc: dict[str, Any]) -> None:
            doc.clear()
            doc.update(record)

        self.table.update(swap, doc_ids=[record["id"]])

    def remove(self, record_id: str) -> None:
        self.table.remove(doc_ids=[record_id])

    def body(self) -> tuple[bytes, dict[str, tuple[int, int]]]:
        """The records as one JSON object, and where each record's value lies in it."""
        parts, spans, at = [b"{"], {}, 1
        for record_id, record in self.records.items():
            head = codec.dumps(record_id) + b":"
            value = codec.dumps(record)
            if len(parts) > 1:
                parts.append(b",")
                at += 1
            parts += (head, value)
            spans[record_id] = (at + len(head), at + len(head) + len(value))
            at += len(head) + len(value)
        parts.append(b"}")
        return b"".join(parts), spans

    def iter_records(self) -> Iterator[dict[str, Any]]:
        for raw in self.records.values():
            yield codec.loads(codec.dumps(raw))


class ShardCache:
    """LRU of decrypted shards, bounded by how many records they hold in total.

    Dirty shards (written in an open transaction) are never evicted.
    """

    def __init__(self, max_records: int) -> None:
        self.max_records = max_records
        self._shards: OrderedDict[str, Shard] = OrderedDict()
        self._sizes: dict[str, int] = {}
        self.records = 0

    def __len__(self) -> int:
        return len(self._shards)

    def __contains__(self, name: str) -> bool:
        return name in self._shards

    def get(self, name: str, load: Callable[[], Shard]) -> Shard:
        shard = self._shards.get(name)
        if shard is not None:
            self._shards.move_to_end(name)
            return shard
        shard = load()
        self.put(shard)
        return shard

    def put(self, shard: Shard) -> None:
        self.drop(shard.name)
        self._shards[shard.name] = shard
        self._sizes[shard.name] = len(shard)
        self.records += len(shard)
        self._evict()

    def drop(self, name: str) -> None:
        if self._shards.pop(name, None) is not None:
            self.records -= self._sizes.pop(name)

    def clear(self) -> None:
        self._shards.clear()
        self._sizes.clear()
        self.records = 0

    def _evict(self) -> None:
        # From the least recently used end, one shard at a time (not a copy of every name
        # on every put: that made each cache miss cost O(cached shards)).
        looked = 0
        while self.records > self.max_records and len(self._shards) > max(1, looked):
            name = next(iter(self._shards))
            if self._shards[name].dirty:  # written in an open transaction: keep it
                self._shards.move_to_end(name)
                looked += 1
            else:
                self.drop(name)
