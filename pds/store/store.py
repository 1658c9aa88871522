"""The store: an unlocked vault, its collections, the audit log, transactions, key rotation.

One process holds a store at a time (``store.lock``); inside it one re-entrant
lock serialises every read and write, because TinyDB is not thread-safe.
Writes happen in transactions: the shards they touch are persisted when the
outermost transaction commits. A commit of one file is an atomic replace; a
commit of several goes through a sealed journal so that a crash leaves all of
them or none.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pds.errors import StoreError, StoreLocked
from pds.store import codec, sealed
from pds.store.audit import AuditLog
from pds.store.collection import Collection
from pds.store.crypto import ScryptParams
from pds.store.fs import (
    atomic_write,
    fsync_dir,
    remove_scratch_files,
)
from pds.store.gcpause import freeze_survivors, paused_gc
from pds.store.index import CollectionSpec, entry_for
from pds.store.journal import CommitDecided, Journal
from pds.store.lock import ProcessLock
from pds.store.shards import Shard, ShardCache
from pds.store.vault import Vault

DATA_DIR = "data"
AUDIT_DIR = "audit"
DEFAULT_SHARD_CAPACITY = 128
DEFAULT_CACHE_RECORDS = 200_000


@dataclass
class Transaction:
    """What one (outermost) transaction has touched, for commit or rollback."""

    shards: dict[str, Shard] = field(default_factory=dict)
    touched: dict[str, set[str]] = field(default_factory=dict)
    collections: dict[str, Collection] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)

    def touch(self, collection: Collection, record_id: str) -> None:
        self.collections[collection.name] = collection
        self.touched.setdefault(collection.name, set()).add(record_id)


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


class Store:
    def __init__(
        self,
        home: Path,
        vault: Vault,
        lock: ProcessLock,
        specs: Iterable[CollectionSpec],
        shard_capacity: int,
        cache_records: int,
    ) -> None:
        self.home = home
        self.data_dir = home / DATA_DIR
        self._journal = Journal(vault, home, self.data_dir)
        self.vault = vault
        self.shard_capacity = shard_capacity
        self._process_lock = lock
        self._lock = threading.RLock()
        self._txn: Transaction | None = None
        self._cache = ShardCache(cache_records)
        self._collections: dict[str, Collection] = {s.name: Collection(self, s) for s in specs}
        self._closed = False
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
    ) -> Store:
        """Unlock the store at ``home``. A wrong passphrase changes nothing on disk."""
        vault = Vault.unlock(home, passphrase)
        lock = ProcessLock(home)
        lock.acquire(lock_timeout)
        try:
            store = cls(home, vault, lock, specs, shard_capacity, cache_records)
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
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._cache.clear()
            self._process_lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _recover(self) -> None:
        """Finish a journaled commit a crash interrupted; drop every scratch file."""
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
        for path in sorted(self.data_dir.glob("*.pds")):
            unsealed = sealed.read(self.vault, path)
            meta = unsealed.meta
            collection = self._collection_for_file(meta)
            prefix, number = meta["prefix"], int(meta["number"])
            if meta["layout"] != collection.spec.layout():
                self._reindex(collection, meta["name"], unsealed.body or b"{}")
                continue
            collection.index.load((prefix, number), meta["rows"])
            if self._cache.records + len(meta["rows"]) <= self._cache.max_records:
                body = unsealed.body or b"{}"
                rows = meta["rows"]
                self._cache.put(Shard(meta["name"], body=body, size=len(rows), rows=rows))
        for collection in self._collections.values():
            collection.index.finish_load()

    def _collection_for_file(self, meta: dict[str, Any]) -> Collection:
        name = meta["collection"]
        if name not in self._collections:  # data of a collection nobody declared: keep it
            self._collections[name] = Collection(self, CollectionSpec(name))
            self._collections[name].index.begin_load()
        return self._collections[name]

    def _reindex(self, collection: Collection, name: str, body: bytes) -> None:
        """A collection's declared layout changed: rebuild its rows and rewrite the shard."""
        shard = Shard(name, codec.loads(body))
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

        def load() -> Shard:
            path = self._path_of(name)
            if not path.exists():
                return Shard(name)
            unsealed = sealed.read(self.vault, path)
            rows = unsealed.meta["rows"]
            return Shard(name, body=unsealed.body or b"{}", size=len(rows), rows=rows)

        return self._cache.get(name, load)

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
            for event in txn.events:
                self.audit.append(event)

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
        }
        body, spans = shard.body()
        rows = collection.index.rows_for(shard.records)
        for row in rows:
            row.extend(spans[row[0]])
        meta["rows"] = rows
        return sealed.encode(self.vault, self.vault.file_id(shard.name), meta, body)

    def _commit(self, txn: Transaction) -> None:
        writes: dict[Path, bytes] = {}
        deletes: list[Path] = []
        for name, shard in txn.shards.items():
            collection = self._collections[name.split("/")[1]]
            if len(shard):
                writes[self._path_of(name)] = self._encode(collection, shard)
            elif self._path_of(name).exists():
                deletes.append(self._path_of(name))
        self._write_files(writes, deletes)
        for shard in txn.shards.values():
            shard.dirty = False
            if len(shard):
                self._cache.put(shard)
            else:
                self._cache.drop(shard.name)

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
        self._process_lock.release()

    def _rollback(self, txn: Transaction) -> None:
        """Forget in-memory changes; the files on disk still hold the last commit."""
        if self._closed:  # abandoned in the middle of a journaled commit
            return
        remove_scratch_files(self.data_dir)
        for name, shard in txn.shards.items():
            shard.dirty = False
            self._cache.drop(name)
        for cname, ids in txn.touched.items():
            index = txn.collections[cname].index
            for record_id in ids:
                index.remove(record_id)
        for name in txn.shards:
            path = self._path_of(name)
            cname = name.split("/")[1]
            ids = txn.touched.get(cname)
            if not ids or not path.exists():
                continue
            meta = sealed.read(self.vault, path, with_body=False).meta
            index = self._collections[cname].index
            for record_id, order, values, *_ in meta["rows"]:
                if record_id in ids:
                    vals = tuple(tuple(v) if isinstance(v, list) else v for v in values)
                    index.add(record_id, (meta["prefix"], int(meta["number"])), order, vals)

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
            files = [p for p in self.home.rglob("*") if p.is_file()]
            header = self.vault.header
            return StoreStats(
                counts={name: len(c) for name, c in sorted(self._collections.items())},
                files=len(files),
                bytes_on_disk=sum(p.stat().st_size for p in files),
                audit_entries=len(self.audit),
                store_id=header.store_id,
                format_version=header.version,
                key_generation=header.current_key,
                kdf={k: v for k, v in header.kdf.to_json().items() if k != "salt"},
                created_at=header.created_at,
                cached_records=self._cache.records,
            )
