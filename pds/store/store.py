"""The store: an unlocked vault, its collections, the audit log, transactions, key rotation.

One process holds a store at a time (``store.lock``); inside it one re-entrant
lock serialises every read and write, because TinyDB is not thread-safe. The
parts, one module each: what an open store holds and how shards are reached
(``state``), transactions, commits, checkpoints and rollback (``transactions``),
reading the files on open (``loading``), the passphrase and key rotation
(``keys``). ``Store`` puts them together and opens, closes and describes a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pds.store.audit import AuditLog
from pds.store.crypto import ScryptParams
from pds.store.fs import disk_usage, fsync_dir
from pds.store.gcpause import freeze_survivors
from pds.store.keys import Keys
from pds.store.loading import Loading
from pds.store.lock import ProcessLock
from pds.store.snapshot import Snapshots
from pds.store.spec import CollectionSpec
from pds.store.state import (
    AUDIT_DIR,
    DATA_DIR,
    DEFAULT_BATCH_RECORDS,
    DEFAULT_CACHE_RECORDS,
    DEFAULT_CHECKPOINT_RECORDS,
    DEFAULT_CLOSE_CHECKPOINT_RECORDS,
    DEFAULT_SHARD_CAPACITY,
)
from pds.store.vault import Vault


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


class Store(Keys, Loading, Snapshots):
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
