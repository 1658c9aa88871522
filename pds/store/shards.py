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
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any, cast

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table

from pds.store import codec
from pds.store.runs import Run

RECORDS = "records"
SPAN_ROW = 5  # a meta row [id, order, values, start, end] says where its record lies


class RecordTable(Table):
    """A TinyDB table keyed by the records' own string ids.

    TinyDB's documented customisations only: ``document_id_class``, and documents
    inserted as ``Document(record, doc_id=record["id"])`` (so TinyDB never picks an id).
    """

    # TinyDB types document ids as int; it documents this attribute for other id types.
    document_id_class = cast("type[int]", str)

    def insert_owned(self, records: list[dict[str, Any]]) -> None:
        """Insert records the table may keep as they are (fresh copies nobody else holds).

        ``insert_multiple`` copies each document twice (into a ``Document``, then into
        a plain dict) and rebuilds the table; the store's records are already its own
        deep copies. So they go straight into the data of the table's ``Storage`` (the
        shard's, see ``_ShardStorage``) through its public ``read`` and ``write``.
        """
        tables = self.storage.read() or {}
        table = tables.setdefault(self.name, {})
        for record in records:
            if record["id"] in table:
                raise ValueError(f"Document with ID {record['id']} already exists")
        table.update({record["id"]: record for record in records})
        self.storage.write(tables)
        self.clear_cache()


class _ShardDB(TinyDB):
    table_class = RecordTable


class _ShardStorage(Storage):
    def __init__(self, shard: Shard) -> None:
        # A weak proxy: a strong one would close the cycle shard -> TinyDB -> storage ->
        # shard, and an evicted shard would linger until a full (slow) GC pass freed it.
        self._shard: Shard = weakref.proxy(shard)

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
        seq: int = 0,
    ) -> None:
        """A shard of ``records``, or of a serialised ``body`` of ``size`` records.

        A body is parsed on first use: opening a store caches decrypted shards without
        paying to parse the ones nobody reads. Until then, a record whose byte span
        is known (the ``rows`` of the shard's meta part) is read on its own, and new
        records are appended to the body as they were encoded (``append``), so
        that a bulk insert neither builds nor re-serialises objects. TinyDB parses
        the body when it is asked to change the shard. A new shard is an empty body.

        ``seq`` is the batch sequence number stamped in the shard's file: the highest
        pending batch (see ``batches``) whose records the file holds.
        """
        self.name = name
        if records is None and body is None:
            body = b"{}"
        self._body: bytes | bytearray | None = body
        self._size = size
        self._rows = rows
        self._spans: dict[str, tuple[int, int]] | None = None
        self._tables: dict[str, dict[str, Any]] | None = (
            {RECORDS: records or {}} if body is None else None
        )
        self.dirty = False
        self.saved_seq = seq  # stamped in the file on disk
        self.seq = seq  # the highest batch applied in memory: above saved_seq = unsaved
        self._db = _ShardDB(storage=lambda: _ShardStorage(self))
        # TinyDB types table() as a Table; _ShardDB's table_class makes it a RecordTable
        self.table = cast(RecordTable, self._db.table(RECORDS, cache_size=0))

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

    def _span_map(self) -> dict[str, tuple[int, int]]:
        if self._spans is None:
            rows, self._rows = self._rows or [], None
            self._spans = {row[0]: (row[3], row[4]) for row in rows if len(row) == SPAN_ROW}
        return self._spans

    def _span(self, record_id: str) -> tuple[int, int] | None:
        return self._span_map().get(record_id)

    @property
    def parsed(self) -> bool:
        return self._tables is not None

    @property
    def holds_pending(self) -> bool:
        """Records of a pending batch that the shard's file does not hold yet."""
        return self.seq > self.saved_seq

    @property
    def records(self) -> dict[str, Any]:
        return self.tables.get(RECORDS, {})

    def __len__(self) -> int:
        return self._size if self._tables is None else len(self.records)

    def get(self, record_id: str) -> dict[str, Any] | None:
        if self._tables is None and self._body is not None:
            span = self._span(record_id)
            if span is not None:
                return codec.load_record(self._body[span[0] : span[1]])
        raw = self.records.get(record_id)
        return None if raw is None else codec.copy_record(raw)

    def encoded(self, record_id: str) -> bytes | None:
        """The record as the store encodes it (its JSON bytes), or None."""
        if self._tables is None and self._body is not None:
            span = self._span(record_id)
            if span is not None:
                return bytes(self._body[span[0] : span[1]])
        raw = self.records.get(record_id)
        return None if raw is None else codec.dumps(raw)

    def encoder(self) -> Callable[[str], bytes | None]:
        """A function giving ``encoded`` of an id while the shard is not changed: for
        a shard as its file holds it, a slice of the body (a scan's hot path)."""
        body = self._body
        if self._tables is None and isinstance(body, bytes):
            span_of = self._span_map().get

            def encoded(record_id: str) -> bytes | None:
                span = span_of(record_id)
                return None if span is None else body[span[0] : span[1]]

            return encoded
        return self.encoded

    def insert(self, record: dict[str, Any]) -> None:
        self.table.insert(Document(record, doc_id=record["id"]))

    def insert_many(self, records: list[dict[str, Any]]) -> None:
        """Insert the store's own fresh copies (kept as they are, not copied again)."""
        self.table.insert_owned(records)

    def append(self, run: Run) -> None:
        """Add new records (ids not in the shard), encoded as a run.

        An unparsed shard appends the run to its body; a parsed one inserts decoded
        copies through TinyDB.
        """
        if self._tables is not None or len(self._span_map()) != self._size:
            self.insert_many(list(codec.loads(run.as_object()).values()))
            return
        spans = self._span_map()
        body = self._body
        if not isinstance(body, bytearray):
            body = self._body = bytearray(body or b"{}")
        del body[-1]  # the closing "}"
        if self._size:
            body += b","
        at = len(body)
        body += run.data
        body += b"}"
        for record_id, (start, end) in zip(run.ids, run.spans, strict=True):
            spans[record_id] = (at + start, at + end)
        self._size += len(run)
        self.dirty = True

    def replace(self, record: dict[str, Any]) -> None:
        def swap(doc: MutableMapping[str, Any]) -> None:
            doc.clear()
            doc.update(record)

        self.table.update(swap, doc_ids=[record["id"]])

    def remove(self, record_id: str) -> None:
        self.table.remove(doc_ids=cast("list[int]", [record_id]))  # (ids are str: see above)

    def body(self) -> tuple[bytes | bytearray, dict[str, tuple[int, int]]]:
        """The records as one JSON object, and where each record's value lies in it."""
        if self._tables is None and self._body is not None:
            spans = self._span_map()
            if len(spans) == self._size:  # every record's span is known: the body as it is
                return self._body, spans
        records = self.records
        heads = [codec.dumps(record_id) + b":" for record_id in records]
        values = list(map(codec.dumps, records.values()))
        parts, spans, at = [b"{"], {}, 1
        for record_id, head, value in zip(records, heads, values):  # noqa: B905
            start = at + len(head)
            at = start + len(value)
            spans[record_id] = (start, at)
            parts += (head, value, b",")
            at += 1
        if len(parts) > 1:
            parts.pop()  # the last ","
        parts.append(b"}")
        return b"".join(parts), spans

    def iter_records(self) -> Iterator[dict[str, Any]]:
        for raw in self.records.values():
            yield codec.copy_record(raw)


class ShardCache:
    """LRU of decrypted shards, bounded by how many records they hold in total.

    Dirty shards (written in an open transaction) and shards holding records of a
    pending batch (which their file does not hold yet) are never evicted.
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

    def peek(self, name: str) -> Shard | None:
        """The cached shard (not moved in the LRU order), or None."""
        return self._shards.get(name)

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
            shard = self._shards[name]
            if shard.dirty or shard.holds_pending:  # not on disk yet (or not whole): keep it
                self._shards.move_to_end(name)
                looked += 1
            else:
                self.drop(name)
