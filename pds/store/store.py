"""The store: an unlocked vault, its collections, the audit log, transactions, key rotation.

One process holds a store at a time (``store.lock``); inside it one re-entrant
lock serialises every read and write, because TinyDB is not thread-safe.
Writes happen in transactions: the shards they touch are persisted when the
outermost transaction commits. A commit of one file is an atomic replace; a
commit of several goes through a sealed journal so that a crash leaves all of
them or none. A large transaction that only inserted records is committed as one
pending batch file instead (see ``batches``); a checkpoint later writes its shards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pds.errors import IntegrityError, StoreError, StoreLocked
from pds.store import batches, codec, sealed, swap
from pds.store.audit import AuditLog
from pds.store.batches import PendingBatches, Piece
from pds.store.collection import Collection
from pds.store.crypto import ScryptParams
from pds.store.fs import (
    atomic_write,
    disk_usage,
    fsync_dir,
    remove_durably,
    remove_scratch_files,
)
from pds.store.gcpause import freeze_survivors, paused_gc
from pds.store.index import CollectionSpec, ShardRef, entries_for, entry_for
from pds.store.journal import CommitDecided, Journal
from pds.store.lock import ProcessLock
from pds.store.runs import Run
from pds.store.shards import Shard, ShardCache
from pds.store.vault import Vault

DATA_DIR = "data"
AUDIT_DIR = "audit"
DEFAULT_SHARD_CAPACITY = 128
DEFAULT_CACHE_RECORDS = 200_000
DEFAULT_BATCH_RECORDS = 1_000  # an insert-only transaction this large is a pending batch
DEFAULT_CHECKPOINT_RECORDS = 100_000  # pending records that trigger a checkpoint
# Fewer pending records than this stay pending at close: the next open replays them
# (about 70 ms for 10k records), which costs less than writing every shard they touch.
DEFAULT_CLOSE_CHECKPOINT_RECORDS = 10_000


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


@dataclass(frozen=True)
class StoreStats:
    counts: dict[str, int]
    files: int
    bytes_on_disk: int
    audit_entries: int
    store_id: str
    format_version: int
    key_generation: int
    kdf: dict[str, Any]
    created_at: str
    cached_records: int
    pending_batches: int  # batch files not yet checkpointed into their shards
    pending_records: int


class Store:
    def __init__(
        self,
        home: Path,
        vault: Vault,
        lock: ProcessLock,
        specs: Iterable[CollectionSpec],
        shard_capacity: int,
        cache_records: int,
        batch_records: int = DEFAULT_BATCH_RECORDS,
        checkpoint_records: int = DEFAULT_CHECKPOINT_RECORDS,
        close_checkpoint_records: int = DEFAULT_CLOSE_CHECKPOINT_RECORDS,
    ) -> None:
        self.home = home
        self.data_dir = home / DATA_DIR
        self._journal = Journal(vault, home, self.data_dir)
        self.vault = vault
        self.shard_capacity = shard_capacity
        self.batch_records = batch_records
        self.checkpoint_records = checkpoint_records
        self.close_checkpoint_records = close_checkpoint_records
        self._process_lock = lock
        self._lock = threading.RLock()
        self._txn: Transaction | None = None
        self._cache = ShardCache(cache_records)
        self._pending = PendingBatches()
        self._collections: dict[str, Collection] = {s.name: Collection(self, s) for s in specs}
        self._closed = False
        self.generation = 0  # commits so far: a reader's copies of shards are stale once it moves
        self.audit: AuditLog

    # -- opening and closing -------------------------------------------------------

    @classmethod
    def create(
        cls,
        home: Path,
        passphrase: str,
        *,
        specs: Iterable[CollectionSpec] = (),
        kdf: ScryptParams | None = None,
        **options: Any,
    ) -> Store:
        """Make a new, empty store at ``home`` and open it."""
        Vault.create(home, passphrase, kdf)
        (home / DATA_DIR).mkdir(exist_ok=True)
        (home / AUDIT_DIR).mkdir(exist_ok=True)
        fsync_dir(home)
        return cls.open(home, passphrase, specs=specs, **options)

    @classmethod
    def open(
        cls,
        home: Path,
        passphrase: str,
        *,
        specs: Iterable[CollectionSpec] = (),
        shard_capacity: int = DEFAULT_SHARD_CAPACITY,
        cache_records: int = DEFAULT_CACHE_RECORDS,
        lock_timeout: float = 0.0,
        batch_records: int = DEFAULT_BATCH_RECORDS,
        checkpoint_records: int = DEFAULT_CHECKPOINT_RECORDS,
        close_checkpoint_records: int = DEFAULT_CLOSE_CHECKPOINT_RECORDS,
    ) -> Store:
        """Unlock the store at ``home``. A wrong passphrase changes nothing on disk.

        ``batch_records``: an insert-only transaction of at least this many records is
        committed as one pending batch file; ``checkpoint_records``: pending records
        that make the store write them into their shards (see ``checkpoint``);
        ``close_checkpoint_records``: pending records that ``close`` checkpoints (fewer
        stay pending, durable, and are replayed by the next open).
        """
        vault = Vault.unlock(home, passphrase)
        lock = ProcessLock(home)
        lock.acquire(lock_timeout)
        try:
            store = cls(
                home,
                vault,
                lock,
                specs,
                shard_capacity,
                cache_records,
                batch_records,
                checkpoint_records,
                close_checkpoint_records,
            )
            store._recover()
            store._load()
            freeze_survivors()
            store.audit = AuditLog(home / AUDIT_DIR, vault)
            if vault.header.rotation_pending:
                store.rotate_key()
        except BaseException:
            lock.release()
            raise
        return store

    @property
    def is_open(self) -> bool:
        return not self._closed

    def close(self) -> None:
        """Checkpoint pending batches (if there are enough), then let go of the store."""
        with self._lock:
            if self._closed:
                return
            try:
                if self._pending.records >= self.close_checkpoint_records:
                    self._checkpoint()
            finally:
                self._closed = True
                self._cache.clear()
                self.audit.close()  # group-committed entries are fsynced before we let go
                self._process_lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recover(self) -> None:
        """Finish a journaled commit (or a replacement, see ``swap``) a crash interrupted;
        drop every scratch file."""
        swap.recover(self.home)
        self._journal.recover()
        if (self.home / AUDIT_DIR).is_dir():
            remove_scratch_files(self.home / AUDIT_DIR)

    def _load(self) -> None:
        """Authenticate every data file and rebuild the indexes from their meta parts."""
        with paused_gc():  # millions of long-lived objects, none of them garbage
            self._load_files()

    def _load_files(self) -> None:
        for collection in self._collections.values():
            collection.index.begin_load()
        pending: list[tuple[Path, sealed.Sealed]] = []
        for path in sorted(self.data_dir.glob("*.pds")):
            unsealed = sealed.read(self.vault, path)
            meta = unsealed.meta
            if batches.is_batch(meta):
                pending.append((path, unsealed))
                continue
            seq = int(meta.get("seq", 0))
            self._pending.saw(seq)
            collection = self._collection_named(meta["collection"])
            prefix, number = meta["prefix"], int(meta["number"])
            if not meta["rows"]:  # an empty file, stamped: the next checkpoint removes it
                self._pending.tombstones.add(meta["name"])
            if meta["layout"] != collection.spec.layout():
                self._reindex(collection, meta["name"], unsealed.body or b"{}", seq)
                continue
            collection.index.load((prefix, number), meta["rows"])
            if self._cache.records + len(meta["rows"]) <= self._cache.max_records:
                body = unsealed.body or b"{}"
                rows = meta["rows"]
                shard = Shard(meta["name"], body=body, size=len(rows), rows=rows, seq=seq)
                self._cache.put(shard)
        for path, unsealed in sorted(pending, key=lambda item: int(item[1].meta["seq"])):
            self._replay(path, unsealed)
        for collection in self._collections.values():
            collection.index.finish_load()

    def _replay(self, path: Path, unsealed: sealed.Sealed) -> None:
        """Put a pending batch's records into the shards whose files do not hold them."""
        meta = unsealed.meta
        seq = int(meta["seq"])
        for cname, ref, records in batches.groups(meta, unsealed.body or b"[]"):
            collection = self._collection_named(cname)
            shard = self.load_shard(collection.shard_name(*ref))
            if seq <= shard.saved_seq:  # the shard's file holds this batch (and what came after)
                continue
            ids = [record["id"] for record in records]
            if any(record_id in collection.index for record_id in ids):
                where = f"{path.parent.name}/{path.name}"
                raise IntegrityError(f"{where}: batch holds a record twice", {"file": where})
            orders, values = entries_for(collection.spec, records)
            collection.index.load(ref, list(zip(ids, orders, values, strict=True)))
            shard.insert_many(records)
            self._pending.hold(shard, seq)
            self._cache.put(shard)
        self._pending.add(batches.describe(path, meta))

    def _collection_named(self, name: str) -> Collection:
        if name not in self._collections:  # data of a collection nobody declared: keep it
            self._collections[name] = Collection(self, CollectionSpec(name))
            self._collections[name].index.begin_load()
        return self._collections[name]

    def reload(self) -> None:
        """Forget everything in memory and read the store's files again (after ``swap``
        replaced them)."""
        with self._lock:
            self._check_open()
            if self._txn is not None:
                raise StoreError("cannot reload inside a transaction")
            self.audit.close()
            self._cache.clear()
            self._pending = PendingBatches()
            for collection in self._collections.values():
                collection.reset()
            self._recover()
            self._load()
            freeze_survivors()
            self.audit = AuditLog(self.home / AUDIT_DIR, self.vault)
            self.generation += 1

    def _reindex(self, collection: Collection, name: str, body: bytes, seq: int) -> None:
        """A collection's declared layout changed: rebuild its rows and rewrite the shard."""
        shard = Shard(name, codec.loads(body), seq=seq)
        prefix, number = name.rsplit("/", 2)[-2:]
        rows = []
        for record in shard.records.values():
            order, values = entry_for(collection.spec, record)
            rows.append([record["id"], order, list(values)])
        collection.index.load((prefix, int(number)), rows)
        self._write_files({self._path_of(name): self._encode(collection, shard)}, [])

    # -- collections and shards ----------------------------------------------------

    def collection(self, name: str) -> Collection:
        try:
            return self._collections[name]
        except KeyError:
            raise StoreError(f"unknown collection {name!r}") from None

    @property
    def collections(self) -> dict[str, Collection]:
        return dict(self._collections)

    def _path_of(self, logical_name: str) -> Path:
        return self.data_dir / f"{self.vault.file_id(logical_name)}.pds"

    def load_shard(self, name: str) -> Shard:
        if self._txn is not None and name in self._txn.shards:
            return self._txn.shards[name]  # written in this transaction (the cache may not hold it)

        return self._cache.get(name, lambda: self._read_shard(name))

    def _read_shard(self, name: str) -> Shard:
        """The shard as its file holds it (an empty one if there is no file)."""
        path = self._path_of(name)
        if not path.exists():
            return Shard(name)
        unsealed = sealed.read(self.vault, path)
        meta = unsealed.meta
        rows = meta["rows"]
        body = unsealed.body or b"{}"
        return Shard(name, body=body, size=len(rows), rows=rows, seq=int(meta.get("seq", 0)))

    def peek_shard(self, name: str) -> Shard | None:
        """The shard if memory holds it (cached, or written in this transaction), else None."""
        if self._txn is not None and name in self._txn.shards:
            return self._txn.shards[name]
        return self._cache.peek(name)

    def read_shard_file(self, name: str) -> Shard:
        """The shard as its file holds it, not cached. Shards holding pending records are
        always in memory: ask ``peek_shard`` first."""
        return self._read_shard(name)

    def writable_shard(self, name: str) -> Shard:
        shard = self.load_shard(name)
        self.mark_dirty(shard)
        return shard

    def mark_dirty(self, shard: Shard) -> None:
        assert self._txn is not None, "writes happen inside a transaction"
        shard.dirty = True
        self._txn.shards[shard.name] = shard

    # -- transactions --------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreLocked("the store is closed")

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._lock:
            self._check_open()
            yield

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

    def transaction(self) -> Any:
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

    def _encode(self, collection: Collection, shard: Shard) -> bytes:
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
        writes: dict[Path, bytes] = {}
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
        writes: dict[Path, bytes] = {}
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

    def _write_files(self, writes: dict[Path, bytes], deletes: list[Path]) -> None:
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

    def _abandon(self) -> None:
        self._closed = True
        self._cache.clear()
        self.audit.close()
        self._process_lock.release()

    def abandon(self) -> None:
        """Let go of the store without writing anything more (no checkpoint)."""
        with self._lock:
            if not self._closed:
                self._abandon()

    @property
    def cache_capacity(self) -> int:
        return self._cache.max_records

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
            ids = txn.touched.get(cname)
            back = [r for rid, r in restored.records.items() if rid in ids] if ids else []
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

    # -- keys ----------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str, kdf: ScryptParams | None = None) -> None:
        with self._lock:
            self._check_open()
            self.vault.change_passphrase(new_passphrase, kdf)

    def rotate_key(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Re-encrypt every file under a fresh data key; resumable after a crash.

        The header first records the new key beside the old one; then each file is
        atomically rewritten under the new key; then the old key is forgotten. At
        every instant each file opens under one of the keys the header holds.
        """
        with self._lock:
            self._check_open()
            if not self.vault.header.rotation_pending:
                self.vault.begin_rotation()
            current = self.vault.current_key
            paths = sorted(self.data_dir.glob("*.pds")) + sorted(
                (self.home / AUDIT_DIR).glob("*.pds")
            )
            for done, path in enumerate(paths, start=1):
                if path.name == "log.pds":
                    self.audit.reencrypt()
                else:
                    unsealed = sealed.read(self.vault, path)
                    if unsealed.key_generation != current:
                        fid = path.name.removesuffix(".pds")
                        data = sealed.encode(self.vault, fid, unsealed.meta, unsealed.body or b"")
                        atomic_write(path, data)
                if progress:
                    progress(done, len(paths))
            self.vault.finish_rotation()
            return current

    # -- facts ---------------------------------------------------------------------

    def stats(self) -> StoreStats:
        with self.reading():
            files, size = disk_usage(self.home)
            header = self.vault.header
            return StoreStats(
                counts={name: len(c) for name, c in sorted(self._collections.items())},
                files=files,
                bytes_on_disk=size,
                audit_entries=len(self.audit),
                store_id=header.store_id,
                format_version=header.version,
                key_generation=header.current_key,
                kdf={k: v for k, v in header.kdf.to_json().items() if k != "salt"},
                created_at=header.created_at,
                cached_records=self._cache.records,
                pending_batches=len(self._pending),
                pending_records=self._pending.records,
            )
