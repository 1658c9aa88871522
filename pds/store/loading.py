"""Loading a store's files into memory: on open and on ``reload``.

First a commit (or a replacement, see ``swap``) that a crash interrupted is finished
and scratch files are dropped; then every data file is authenticated, the indexes
are rebuilt from the shards' meta parts, decrypted shards go into the cache while it
has room, and pending batches are replayed into the shards whose files lack them.
"""

from __future__ import annotations

from pathlib import Path

from pds.errors import IntegrityError, StoreError
from pds.store import batches, codec, sealed, swap
from pds.store.audit import AuditLog
from pds.store.batches import PendingBatches
from pds.store.collection import Collection
from pds.store.fs import remove_scratch_files
from pds.store.gcpause import freeze_survivors, paused_gc
from pds.store.shards import Shard
from pds.store.spec import CollectionSpec, entries_for, entry_for
from pds.store.state import AUDIT_DIR
from pds.store.transactions import Transactions


class Loading(Transactions):
    """Reading the store's files (a layout change rewrites a shard: hence ``Transactions``)."""

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
