"""Transactions: what one touched, its commit (one file, a journaled several, or one
pending batch), checkpoints of pending batches, and rollback.

Writes happen in transactions: the shards they touch are persisted when the
outermost transaction commits. A commit of one file is an atomic replace; a
commit of several goes through a sealed journal so that a crash leaves all of
them or none. A large transaction that only inserted records is committed as one
pending batch file instead (see ``batches``); a checkpoint later writes its shards.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pds.errors import StoreError
from pds.store import batches, sealed
from pds.store.batches import Piece
from pds.store.collection import Collection
from pds.store.fs import atomic_write, remove_durably, remove_scratch_files
from pds.store.index import ShardRef
from pds.store.journal import CommitDecided
from pds.store.runs import Run
from pds.store.shards import Shard
from pds.store.spec import entries_for
from pds.store.state import StoreState


@dataclass
class Transaction:
    """What one (outermost) transaction has touched, for commit or rollback."""

    shards: dict[str, Shard] = field(default_factory=dict)
    touched: dict[str, set[str]] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)  # the records inserted, per shard
    inserts: int = 0
    rewrites: bool = False  # a record was replaced or deleted

    def touch(self, collection: Collection, record_id: str) -> None:
        self.collections[collection.name] = collection
        self.touched.setdefault(collection.name, set()).add(record_id)

    def touch_many(self, collection: Collection, record_ids: list[str]) -> None:
        self.collections[collection.name] = collection
        self.touched.setdefault(collection.name, set()).update(record_ids)

    def inserted(self, collection: str, runs: dict[ShardRef, Run]) -> None:
        """New records, encoded as stored, went to these shards."""
        for ref, run in runs.items():
            self.pieces.append(Piece(collection, ref, run))
            self.inserts += len(run)

    def rewrote(self) -> None:
        self.rewrites = True


class Transactions(StoreState):
    """The writer side of a store: one transaction at a time, under the store's lock."""

    @contextmanager
    def writing(self) -> Iterator[Transaction]:
        with self._lock:
            self._check_open()
            if self._txn is not None:
                yield self._txn
                return
            txn = self._txn = Transaction()
            try:
                yield txn
                self._commit(txn)
            except BaseException:
                self._rollback(txn)
                raise
            finally:
                self._txn = None
                self.generation += 1
            for event in txn.events:
                self.audit.append(event)
            if self._pending.records >= self.checkpoint_records:
                self._checkpoint()

    def transaction(self) -> AbstractContextManager[Transaction]:
        """``with store.transaction():`` groups writes; all of them persist, or none.

        Transactions nest: an inner ``with`` joins the outermost one, which alone commits.
        """
        return self.writing()

    def log_event(self, event: dict[str, Any]) -> None:
        """Append ``event`` to the audit log when the current transaction commits.

        Outside a transaction it is appended at once; inside one, a rollback drops it.
        """
        with self.writing() as txn:
            txn.events.append(dict(event))

    def _encode(self, collection: Collection, shard: Shard) -> bytearray:
        prefix, number = shard.name.rsplit("/", 2)[-2:]
        meta = {
            "name": shard.name,
            "collection": collection.name,
            "prefix": prefix,
            "number": int(number),
            "layout": collection.spec.layout(),
            "seq": shard.seq,
        }
        body, spans = shard.body()
        meta["rows"] = collection.index.rows_for(spans)
        return sealed.encode(self.vault, self.vault.file_id(shard.name), meta, body)

    def _commit(self, txn: Transaction) -> None:
        if not txn.rewrites and txn.inserts >= max(1, self.batch_records):
            self._commit_batch(txn)
        else:
            self._commit_shards(txn)

    def _commit_shards(self, txn: Transaction) -> None:
        """Write each touched shard whole (stamped with the batches it holds)."""
        writes: dict[Path, bytearray] = {}
        deletes: list[Path] = []
        tombstones: set[str] = set()
        for name, shard in txn.shards.items():
            collection = self._collections[name.split("/")[1]]
            path = self._path_of(name)
            if len(shard):
                writes[path] = self._encode(collection, shard)
            elif self._pending.naming(name):  # an empty file stamped with seq: no replay
                writes[path] = self._encode(collection, shard)
                tombstones.add(name)
            elif path.exists():
                deletes.append(path)
        self._write_files(writes, deletes)
        for name, shard in txn.shards.items():
            shard.dirty = False
            self._pending.saved(shard, tombstone=name in tombstones)
            if len(shard):
                self._cache.put(shard)
            else:
                self._cache.drop(shard.name)

    def _commit_batch(self, txn: Transaction) -> None:
        """Commit an insert-only transaction as one pending batch file."""
        seq = self._pending.next_seq()
        path = self._path_of(batches.logical_name(seq))
        data = batches.encode(self.vault, seq, txn.pieces)
        try:
            atomic_write(path, data)
        except BaseException as exc:
            try:  # renamed into place but not known durable: make it surely absent
                remove_durably(path)
            except BaseException:
                self._abandon()
                raise StoreError(
                    "a batch commit failed and its file could not be removed; reopen the store"
                ) from exc
            raise
        self._pending.add(batches.PendingBatch(seq, path, frozenset(txn.shards), txn.inserts))
        for shard in txn.shards.values():
            shard.dirty = False
            self._pending.hold(shard, seq)
            self._cache.put(shard)

    def checkpoint(self) -> int:
        """Write the shards holding pending batches, then remove the batch files.

        One journaled commit: a crash leaves the batches pending or checkpointed.
        Returns how many pending records were written into their shards.
        """
        with self._lock:
            self._check_open()
            if self._txn is not None:
                raise StoreError("cannot checkpoint inside a transaction")
            return self._checkpoint()

    def _checkpoint(self) -> int:
        pending = self._pending
        if not pending:
            return 0
        records = pending.records
        writes: dict[Path, bytearray] = {}
        deletes = pending.paths()
        for name, shard in pending.unsaved.items():
            if len(shard):
                collection = self._collections[name.split("/")[1]]
                writes[self._path_of(name)] = self._encode(collection, shard)
            elif self._path_of(name).exists():
                deletes.append(self._path_of(name))
        deletes += [self._path_of(n) for n in sorted(pending.tombstones - set(pending.unsaved))]
        self._write_files(writes, deletes)
        for shard in pending.unsaved.values():
            self._cache.put(shard)
        pending.checkpointed()
        return records

    def _write_files(self, writes: Mapping[Path, bytes | bytearray], deletes: list[Path]) -> None:
        try:
            self._journal.commit(writes, deletes)
        except CommitDecided as decided:
            # Rolling back would strand a decided commit half done. Let go of the store
            # so that only the next open (which finishes the journal) goes on.
            self._abandon()
            cause = decided.__cause__
            if cause is not None and not isinstance(cause, Exception):
                raise cause from None
            raise StoreError(
                "a commit was interrupted after its journal was written; "
                "reopen the store to finish it"
            ) from cause

    def _rollback(self, txn: Transaction) -> None:
        """Forget in-memory changes: back to the files on disk and the pending batches."""
        if self._closed:  # abandoned in the middle of a journaled commit
            return
        remove_scratch_files(self.data_dir)
        for cname, ids in txn.touched.items():
            index = txn.collections[cname].index
            for record_id in ids:
                index.remove(record_id)
        for name, shard in txn.shards.items():
            shard.dirty = False
            restored = self._restore_shard(name)
            self._pending.restored(restored)
            if restored.holds_pending:
                self._cache.put(restored)
            else:
                self._cache.drop(name)
            _, cname, prefix, number = name.split("/")
            touched = txn.touched.get(cname)
            back = [r for rid, r in restored.records.items() if rid in touched] if touched else []
            if back:
                collection = self._collections[cname]
                orders, values = entries_for(collection.spec, back)
                refs = [(prefix, int(number))] * len(back)
                collection.index.add_many([r["id"] for r in back], refs, orders, values)

    def _restore_shard(self, name: str) -> Shard:
        """The shard as its file and the pending batches (replayed over it) hold it."""
        shard = self._read_shard(name)
        for batch in self._pending.naming(name):
            if batch.seq <= shard.saved_seq:
                continue
            unsealed = sealed.read(self.vault, batch.path)
            for cname, ref, records in batches.groups(unsealed.meta, unsealed.body or b"[]"):
                if Shard.logical_name(cname, *ref) == name:
                    shard.insert_many(records)
            shard.seq = batch.seq
        return shard
