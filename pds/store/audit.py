"""The audit log: an append-only file of encrypted, length-prefixed, hash-chained records.

Layout of ``audit/log.pds``::

    magic "PDSA" | version u8
    then per record: length u32 | key generation u32 | nonce(12) ciphertext tag(16)

Each record's plaintext is ``{"seq", "at", "prev", "event"}`` where ``prev`` is the
SHA-256 of the previous record's plaintext. The associated data binds the store
id, the record's sequence number and key generation, so records cannot be
reordered or moved between stores. A sealed head file holds the last sequence
number and hash, so removing entries from the end is detected too.

Appends are durable (fsync of the log, then of the head) unless the caller asks for
``sync=False``: then the entry is written at once and fsynced with the next durable
append, or by a timer at most ``SYNC_DELAY`` seconds later (group commit). The
vendor API logs every read that way, so a read costs no fsync of its own; a power
cut (not a process crash: the bytes are in the OS already) may lose the last
fraction of a second of read entries, never a write or a consent decision. Before
the first unsynced append the head is rewritten with ``open_tail`` set; only then
may more than one entry follow the recorded head on open (each must chain onto it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mmap
import os
import struct
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pds.errors import IntegrityError
from pds.store import codec, crypto, sealed
from pds.store.fs import atomic_write, fsync_dir, tmp_path
from pds.store.vault import Vault

MAGIC = b"PDSA"
VERSION = 1
GENESIS = "0" * 64
LOG_NAME = "log.pds"
HEAD_NAME = "audit/head"
_FILE_HEADER = MAGIC + bytes([VERSION])
_RECORD = struct.Struct(">II")
SYNC_DELAY = 0.25  # seconds an unsynced append waits at most for its fsync


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: str
    prev: str
    hash: str
    event: dict[str, Any]


class AuditLog:
    def __init__(self, directory: Path, vault: Vault, *, writable: bool = True) -> None:
        """Open the log in ``directory``. ``writable=False`` (a snapshot being verified)
        writes nothing: no new log, no repair of a cut-short tail, no new head."""
        self.directory = directory
        self._writable = writable
        self.path = directory / LOG_NAME
        self._vault = vault
        self._offsets: list[int] = []
        self._last_hash = GENESIS
        self._lock = threading.RLock()  # appends come from many request threads at once
        self._unsynced = False
        self._timer: threading.Timer | None = None
        if writable:
            directory.mkdir(exist_ok=True)
            if not self.path.exists():
                atomic_write(self.path, _FILE_HEADER)
        elif not self.path.exists():
            raise self._damaged("file is missing")
        self._load()

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def head_path(self) -> Path:
        return self.directory / f"{self._vault.file_id(HEAD_NAME)}.pds"

    def _damaged(self, why: str) -> IntegrityError:
        return IntegrityError(f"audit/{LOG_NAME}: {why}", {"file": f"audit/{LOG_NAME}"})

    # -- opening -------------------------------------------------------------------

    def _scan(self) -> tuple[list[int], int]:
        """Offsets of complete records and the end of the last complete one."""
        size = self.path.stat().st_size
        with self.path.open("rb") as handle:
            if handle.read(len(_FILE_HEADER)) != _FILE_HEADER:
                raise self._damaged("not a pds audit log")
            if size == len(_FILE_HEADER):
                return [], size
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view:
                offsets, pos = [], len(_FILE_HEADER)
                while pos + _RECORD.size <= size:
                    length = _RECORD.unpack_from(view, pos)[0]
                    if pos + 4 + length > size:
                        break
                    offsets.append(pos)
                    pos += 4 + length
                return offsets, pos

    def _load(self) -> None:
        offsets, end = self._scan()
        head_seq, head_hash, open_tail = self._read_head()
        if len(offsets) < head_seq:
            raise self._damaged(f"{head_seq - len(offsets)} entries are missing from the end")
        if len(offsets) > head_seq + 1 and not open_tail:
            raise self._damaged("entries were appended outside pds")
        self._offsets = offsets
        if head_seq and self._read(head_seq - 1).hash != head_hash:
            raise self._damaged(f"entry {head_seq} does not match the recorded head")
        self._last_hash = self._check_tail(head_seq, head_hash if head_seq else GENESIS)
        if not self._writable:
            if end < self.path.stat().st_size:
                raise self._damaged("the last entry is cut short")
            return
        # Repair only once the entries are known good: damage must never be "repaired" away.
        if end < self.path.stat().st_size:  # a crash cut the last append short
            os.truncate(self.path, end)
            fsync_dir(self.directory)
        if len(offsets) > head_seq:
            self._write_head()

    def _check_tail(self, head_seq: int, head_hash: str) -> str:
        """The entries written after the last recorded head must chain onto it; the hash
        of the last entry."""
        previous = head_hash
        for index in range(head_seq, len(self._offsets)):
            entry = self._read(index)
            if entry.prev != previous:
                raise self._damaged(f"entry {entry.seq} does not follow the recorded head")
            previous = entry.hash
        return previous

    def _read_head(self) -> tuple[int, str, bool]:
        if not self.head_path.exists():
            return 0, GENESIS, False
        meta = sealed.read(self._vault, self.head_path).meta  # body too: every byte is checked
        return int(meta["seq"]), str(meta["hash"]), bool(meta.get("open_tail"))

    def _write_head(self, *, open_tail: bool = False) -> None:
        meta = {
            "name": HEAD_NAME,
            "seq": len(self._offsets),
            "hash": self._last_hash,
            "open_tail": open_tail,  # unsynced entries may follow (group commit)
        }
        fid = self._vault.file_id(HEAD_NAME)
        atomic_write(self.head_path, sealed.encode(self._vault, fid, meta))

    # -- records -------------------------------------------------------------------

    def _aad(self, seq: int, gen: int) -> bytes:
        return _FILE_HEADER + self._vault.store_id.encode() + struct.pack(">QI", seq, gen)

    def _encode(self, seq: int, plaintext: bytes) -> bytes:
        gen = self._vault.current_key
        body = crypto.seal(self._vault.cipher(gen), plaintext, self._aad(seq, gen))
        return _RECORD.pack(4 + len(body), gen) + body

    def _unseal(self, seq: int, raw: bytes) -> bytes:
        if len(raw) < _RECORD.size:  # a damaged length can frame a record too short to hold one
            raise self._damaged(f"entry {seq + 1} is too short to be a record")
        length, gen = _RECORD.unpack_from(raw)
        try:
            return crypto.unseal(self._vault.cipher(gen), raw[8 : 4 + length], self._aad(seq, gen))
        except crypto.InvalidTag:
            raise self._damaged(f"entry {seq + 1} failed authentication") from None

    def _decode(self, seq: int, raw: bytes) -> AuditEntry:
        plain = self._unseal(seq, raw)
        data = codec.loads(plain)
        if data.get("seq") != seq + 1:
            raise self._damaged(f"entry {seq + 1} is out of place")
        return AuditEntry(
            seq=data["seq"],
            at=data["at"],
            prev=data["prev"],
            hash=hashlib.sha256(plain).hexdigest(),
            event=data["event"],
        )

    def _read(self, index: int) -> AuditEntry:
        start = self._offsets[index]
        with self.path.open("rb") as handle:
            handle.seek(start)
            length = int.from_bytes(handle.read(4), "big")
            return self._decode(index, length.to_bytes(4, "big") + handle.read(length))

    # -- public API ----------------------------------------------------------------

    def append(self, event: Mapping[str, Any], *, sync: bool = True) -> AuditEntry:
        """Append ``event``; durable at once unless ``sync=False`` (see the module doc)."""
        with self._lock:
            if not sync and not self._unsynced:
                self._write_head(open_tail=True)  # durable before the tail may grow unsynced
            seq = len(self._offsets) + 1
            at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
            prev = self._last_hash
            plain = codec.dumps({"seq": seq, "at": at, "prev": prev, "event": dict(event)})
            record = self._encode(seq - 1, plain)
            with self.path.open("ab") as handle:
                offset = handle.tell()
                handle.write(record)
                handle.flush()
                if sync:
                    os.fsync(handle.fileno())
            entry_hash = hashlib.sha256(plain).hexdigest()
            self._offsets.append(offset)
            entry = AuditEntry(seq, at, prev, entry_hash, codec.loads(plain)["event"])
            self._last_hash = entry_hash
            if sync:
                self._unsynced = False
                self._write_head()
            else:
                self._unsynced = True
                self._sync_later()
            return entry

    def sync(self) -> None:
        """Make every appended entry durable now (and record the head)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if not self._unsynced:
                return
            fd = os.open(self.path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self._unsynced = False
            self._write_head()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Every entry durable and recorded in the head, and no append until the ``with``
        ends: the log and its head, read inside, agree (a snapshot copies them)."""
        with self._lock:
            self.sync()
            yield

    def flush(self) -> None:
        """Make every appended entry durable now and let the group-commit timer's thread
        end (the runtime's stop; the log stays open)."""
        with self._lock:
            timer = self._timer
        self.sync()
        if timer is not None and timer is not threading.current_thread():
            timer.join()

    def close(self) -> None:
        self.flush()

    def _sync_later(self) -> None:
        if self._timer is None:
            self._timer = threading.Timer(SYNC_DELAY, self._timed_sync)
            self._timer.name = "pds-audit-sync"
            self._timer.daemon = True
            self._timer.start()

    def _timed_sync(self) -> None:
        with self._lock:
            if self._timer is None:  # cancelled: synced or closed meanwhile
                return
            self._timer = None
            self.sync()

    def entries(
        self, descending: bool = True, before: int | None = None, after: int = 0
    ) -> Iterator[AuditEntry]:
        """Entries newest first (or oldest first), checking each link of the chain read;
        only those with a sequence number below ``before`` and above ``after``."""
        count = len(self._offsets)
        stop = min(before - 1, count) if before is not None else count
        start = max(after, 0)
        order = range(stop - 1, start - 1, -1) if descending else range(start, stop)
        neighbour: AuditEntry | None = None
        for index in order:
            entry = self._read(index)
            if neighbour is not None:
                newer, older = (neighbour, entry) if descending else (entry, neighbour)
                if newer.prev != older.hash:
                    raise self._damaged(f"chain broken between entries {older.seq} and {newer.seq}")
            neighbour = entry
            yield entry

    def page(
        self,
        match: Callable[[Mapping[str, Any]], bool] | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AuditEntry]:
        """Up to ``limit`` entries older than sequence ``before`` whose event matches."""
        found: list[AuditEntry] = []
        for entry in self.entries(descending=True, before=before):
            if match is None or match(entry.event):
                found.append(entry)
                if len(found) >= limit:
                    break
        return found

    def verify(self) -> int:
        """Check every entry and the whole chain; return the number of entries."""
        with self._lock:
            previous = GENESIS
            for entry in self.entries(descending=False):
                if entry.prev != previous:
                    raise self._damaged(f"chain broken at entry {entry.seq}")
                previous = entry.hash
            if previous != self._last_hash:
                raise self._damaged("last entry does not match the recorded head")
            return len(self._offsets)

    def plaintexts(self, count: int | None = None) -> Iterator[bytes]:
        """The first ``count`` entries (all by default), oldest first, as their exact
        plaintext JSON; each entry's hash is the SHA-256 of these bytes. The chain is
        checked as it is read."""
        count = len(self._offsets) if count is None else min(count, len(self._offsets))
        previous = GENESIS
        with self.path.open("rb") as handle:
            for index in range(count):
                handle.seek(self._offsets[index])
                length = int.from_bytes(handle.read(4), "big")
                plain = self._unseal(index, length.to_bytes(4, "big") + handle.read(length))
                data = codec.loads(plain)
                if data.get("seq") != index + 1 or data.get("prev") != previous:
                    raise self._damaged(f"chain broken at entry {index + 1}")
                previous = hashlib.sha256(plain).hexdigest()
                yield plain

    def adopt(self, plaintexts: Iterable[bytes]) -> int:
        """Write another log's entries, exactly as they were, into this empty log (a
        restore): each must carry the next sequence number and chain onto the one
        before, so their hashes and the chain stay what they were. Returns the count."""
        with self._lock:
            if self._offsets:
                raise self._damaged("entries can only be adopted into an empty log")
            previous = GENESIS
            with self.path.open("ab") as handle:
                for plain in plaintexts:
                    seq = len(self._offsets) + 1
                    data = codec.loads(plain)
                    if data.get("seq") != seq or data.get("prev") != previous:
                        raise self._damaged(f"adopted entry {seq} does not follow the one before")
                    self._offsets.append(handle.tell())
                    handle.write(self._encode(seq - 1, plain))
                    previous = hashlib.sha256(plain).hexdigest()
                handle.flush()
                os.fsync(handle.fileno())
            self._last_hash = previous
            self._write_head()
            return len(self._offsets)

    def reencrypt(self) -> None:
        """Rewrite the log under the vault's current key (used by key rotation)."""
        with self._lock:
            self.sync()
            self._reencrypt()

    def _reencrypt(self) -> None:
        scratch = tmp_path(self.path)
        with scratch.open("wb") as out:
            out.write(_FILE_HEADER)
            offsets = []
            for index in range(len(self._offsets)):
                start = self._offsets[index]
                with self.path.open("rb") as handle:
                    handle.seek(start)
                    length = int.from_bytes(handle.read(4), "big")
                    raw = length.to_bytes(4, "big") + handle.read(length)
                gen = _RECORD.unpack_from(raw)[1]
                plain = crypto.unseal(self._vault.cipher(gen), raw[8:], self._aad(index, gen))
                offsets.append(out.tell())
                out.write(self._encode(index, plain))
            out.flush()
            os.fsync(out.fileno())
        os.replace(scratch, self.path)
        fsync_dir(self.directory)
        self._offsets = offsets
        self._write_head()
