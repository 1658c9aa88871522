"""What an unlocked store holds in memory, and how its shards are reached.

A store's directory, vault, collections, shard cache, pending batches and open
transaction, and the one re-entrant lock over all of them (TinyDB is not
thread-safe). ``Transactions`` (``transactions``), ``Loading`` (``loading``) and
``Keys`` (``keys``) build on this; ``Store`` (``store``) puts them together.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pds.errors import StoreError, StoreLocked
from pds.store import sealed
from pds.store.audit import AuditLog
from pds.store.batches import PendingBatches
from pds.store.collection import Collection
from pds.store.journal import Journal
from pds.store.lock import ProcessLock
from pds.store.shards import Shard, ShardCache
from pds.store.spec import CollectionSpec
from pds.store.vault import Vault

if TYPE_CHECKING:
    from pds.store.transactions import Transaction

DATA_DIR = "data"
AUDIT_DIR = "audit"
DEFAULT_SHARD_CAPACITY = 128
DEFAULT_CACHE_RECORDS = 200_000
DEFAULT_BATCH_RECORDS = 1_000  # an insert-only transaction this large is a pending batch
DEFAULT_CHECKPOINT_RECORDS = 100_000  # pending records that trigger a checkpoint
# Fewer pending records than this stay pending at close: the next open replays them
# (about 70 ms for 10k records), which costs less than writing every shard they touch.
DEFAULT_CLOSE_CHECKPOINT_RECORDS = 10_000


class StoreState(ABC):
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
        self._snapshotting = threading.Lock()  # one snapshot at a time (``snapshot``)
        self._txn: Transaction | None = None
        self._cache = ShardCache(cache_records)
        self._pending = PendingBatches()
        self._collections: dict[str, Collection] = {s.name: Collection(self, s) for s in specs}
        self._closed = False
        self.generation = 0  # commits so far: a reader's copies of shards are stale once it moves
        self.audit: AuditLog

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

    @property
    def cache_capacity(self) -> int:
        return self._cache.max_records

    @abstractmethod
    def writing(self) -> AbstractContextManager[Transaction]:
        """The open transaction, or a new one that commits at the end (``Transactions``)."""

    # -- the lock ------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise StoreLocked("the store is closed")

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._lock:
            self._check_open()
            yield

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
