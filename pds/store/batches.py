"""Pending batches: a large insert-only transaction committed as one sealed file.

Rewriting every shard a bulk insert touches costs a shard file per month and writes
each partly filled shard again on every batch. A transaction that only inserted
records, and many of them, is committed instead as one sealed file with logical name
``batch/<seq>``: the records as inserted, in pieces, one per shard they were
placed in. The in-memory shards hold the records and stay in the cache
(``Shard.holds_pending``) until a checkpoint writes them and removes the batch files.

Sequence numbers only grow. A shard file is stamped with the highest batch whose
records it holds (``seq`` in its meta part); on open a batch is replayed into a
shard only if its sequence number is above that stamp, so records of a batch that a
later commit of the shard replaced or deleted do not come back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pds.store import codec, sealed
from pds.store.index import ShardRef
from pds.store.runs import Run
from pds.store.shards import Shard
from pds.store.vault import Vault

PREFIX = "batch/"


@dataclass(frozen=True)
class Piece:
    """Records a transaction inserted into one shard, encoded as they are stored."""

    collection: str
    ref: ShardRef
    run: Run


@dataclass(frozen=True)
class PendingBatch:
    seq: int
    path: Path
    shards: frozenset[str]  # logical names of the shards it adds records to
    records: int


def logical_name(seq: int) -> str:
    return f"{PREFIX}{seq}"


def is_batch(meta: dict[str, Any]) -> bool:
    return str(meta.get("name", "")).startswith(PREFIX)


def encode(vault: Vault, seq: int, pieces: list[Piece]) -> bytearray:
    """The sealed batch file of ``pieces``: their runs as they are, not encoded again.

    Meta: ``pieces`` = [collection, month prefix, shard number, records] of each;
    body: a JSON array holding one object (id -> record) per piece.
    """
    name = logical_name(seq)
    meta = {
        "name": name,
        "seq": seq,
        "records": sum(len(piece.run) for piece in pieces),
        "pieces": [[p.collection, p.ref[0], p.ref[1], len(p.run)] for p in pieces],
    }
    body = bytearray(b"[")
    for piece in pieces:
        if len(body) > 1:
            body += b","
        body += b"{"
        body += piece.run.data
        body += b"}"
    body += b"]"
    return sealed.encode(vault, vault.file_id(name), meta, body)


def shard_names(meta: dict[str, Any]) -> frozenset[str]:
    return frozenset(
        Shard.logical_name(collection, prefix, int(number))
        for collection, prefix, number, _ in meta["pieces"]
    )


def describe(path: Path, meta: dict[str, Any]) -> PendingBatch:
    return PendingBatch(int(meta["seq"]), path, shard_names(meta), int(meta["records"]))


def groups(meta: dict[str, Any], body: bytes) -> Iterator[tuple[str, ShardRef, list[Any]]]:
    """(collection, shard, records) of each piece of a batch, in the order inserted."""
    for (collection, prefix, number, _), records in zip(
        meta["pieces"], codec.loads(body), strict=True
    ):
        yield collection, (str(prefix), int(number)), list(records.values())


class PendingBatches:
    """What is pending: the batch files on disk, the shards in memory holding their
    records (``unsaved``), and the empty shard files kept so that a replay cannot
    refill them (``tombstones``). Sequence numbers come from here."""

    def __init__(self) -> None:
        self.batches: dict[int, PendingBatch] = {}
        self.unsaved: dict[str, Shard] = {}
        self.tombstones: set[str] = set()
        self.last_seq = 0  # the highest sequence number seen (files and stamps)

    def __len__(self) -> int:
        return len(self.batches)

    def __bool__(self) -> bool:
        """Anything for a checkpoint to do."""
        return bool(self.batches or self.unsaved or self.tombstones)

    @property
    def records(self) -> int:
        return sum(batch.records for batch in self.batches.values())

    def next_seq(self) -> int:
        self.last_seq += 1
        return self.last_seq

    def saw(self, seq: int) -> None:
        self.last_seq = max(self.last_seq, seq)

    def add(self, batch: PendingBatch) -> None:
        self.saw(batch.seq)
        self.batches[batch.seq] = batch

    def naming(self, shard: str) -> list[PendingBatch]:
        """The batches that add records to ``shard``, oldest first."""
        return sorted((b for b in self.batches.values() if shard in b.shards), key=lambda b: b.seq)

    def hold(self, shard: Shard, seq: int) -> None:
        """``shard`` now holds records of batch ``seq`` that its file does not."""
        shard.seq = seq
        self.unsaved[shard.name] = shard
        self.tombstones.discard(shard.name)

    def saved(self, shard: Shard, *, tombstone: bool = False) -> None:
        """``shard`` was written whole (an empty file stamped, if ``tombstone``)."""
        shard.saved_seq = shard.seq
        self.unsaved.pop(shard.name, None)
        if tombstone:
            self.tombstones.add(shard.name)
        else:
            self.tombstones.discard(shard.name)

    def restored(self, shard: Shard) -> None:
        """``shard`` was read back from its file and the batches (after a rollback)."""
        if shard.holds_pending:
            self.unsaved[shard.name] = shard
        else:
            self.unsaved.pop(shard.name, None)

    def paths(self) -> list[Path]:
        return [batch.path for batch in self.batches.values()]

    def checkpointed(self) -> None:
        """Every unsaved shard was written, every batch file and tombstone removed."""
        for shard in self.unsaved.values():
            shard.saved_seq = shard.seq
        self.batches.clear()
        self.unsaved.clear()
        self.tombstones.clear()
