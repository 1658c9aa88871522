"""The archive's zip: made by stream-zip on a thread of its own, deflated by ISA-L.

stream-zip writes a zip as one stream (zip64; each member's sizes and CRC in a data
descriptor after it, the central directory at the end), so the sink need not be
seekable: the portal's download, the encryption envelope. Its documented
``get_compressobj`` parameter picks the compressor: ISA-L (the ``isal`` package)
writes the same raw deflate stream as zlib, so any zip reader opens the archive, and
at its level 1 it is about four times faster than zlib's level 1 on pds's JSON and
CSV and compresses them a little better (docs/performance.md).

stream-zip pulls each member's bytes from an iterable; the exporter pushes them as it
reads records. So stream-zip runs on a thread that takes the bytes from a bounded
queue and hashes each member (SHA-256, for the manifest) as they pass. The exporting
thread only hands over 64 KiB chunks: deflate, the CRC, hashing, encryption and
writing (which let go of the GIL) overlap with the reading of the next batch.
"""

from __future__ import annotations

import hashlib
import queue
import stat
import threading
from collections.abc import Iterator
from datetime import datetime
from types import TracebackType
from typing import IO, Any

from isal import isal_zlib
from stream_zip import ZIP_64, MemberFile, stream_zip

LEVEL = 1  # ISA-L's levels are 0-3
RAW_DEFLATE = -15  # window bits of a zip member's stream: no zlib header
CHUNK = 1 << 16  # bytes a member hands over at a time
DEPTH = 4  # chunks waiting for the zip thread, at most
MODE = stat.S_IFREG | 0o600  # a plain file only its owner reads, once extracted


def isal_compressobj() -> Any:
    """ISA-L's raw deflate compressor: what stream-zip's ``get_compressobj`` returns."""
    return isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, RAW_DEFLATE)


class _Abandoned(Exception):
    """The exporter gave up: the zip thread stops where it is."""


_END_MEMBER = object()
_END_ZIP = object()
_ABANDON = object()


class ZipMember:
    """One member being written: buffered into chunks, counted, hashed by the zip thread."""

    def __init__(self, archive: ZipWriter, name: str) -> None:
        self.name = name
        self.sha256 = hashlib.sha256()  # (updated on the zip thread)
        self._archive = archive
        self._buffer = bytearray()
        self._size = 0

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self._hand_over()

    def _hand_over(self) -> None:
        if self._buffer:
            chunk = bytes(self._buffer)
            self._buffer.clear()
            self._size += len(chunk)
            self._archive.hand_over(chunk)

    def close(self) -> dict[str, Any]:
        """End the member; its SHA-256 and size (for the manifest), once every byte
        went through the hash."""
        self._hand_over()
        self._archive.end_member(self)
        return {"sha256": self.sha256.hexdigest(), "bytes": self._size}


class ZipWriter:
    """A zip written to ``sink`` one member at a time (``open``, then the member's
    ``write`` and ``close``). ``close`` ends the zip; leaving the ``with`` block on an
    error abandons it unfinished. An error of the zip thread (the sink's, say) is
    raised by the next call."""

    def __init__(self, sink: IO[bytes], modified_at: datetime) -> None:
        self._queue: queue.Queue[object] = queue.Queue(DEPTH)
        self._error: BaseException | None = None
        self._member: ZipMember | None = None
        self._ended = False  # the zip thread took _END_ZIP: nothing more comes
        self._thread = threading.Thread(
            target=self._run, args=(sink, modified_at), name="pds-archive-zip", daemon=True
        )
        self._thread.start()

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abandon()

    def open(self, name: str) -> ZipMember:
        if self._member is not None:
            raise RuntimeError(f"{self._member.name} is still open: one member at a time")
        member = self._member = ZipMember(self, name)
        self._put(member)
        return member

    def hand_over(self, chunk: bytes) -> None:
        self._put(chunk)

    def end_member(self, member: ZipMember) -> None:
        """Wait until the zip thread has taken (and hashed) every chunk of ``member``."""
        assert member is self._member, "the member open is the one ending"
        self._put(_END_MEMBER)
        self._queue.join()
        self._member = None
        self._raise_error()

    def close(self) -> None:
        """Write the central directory and wait for the zip thread to finish."""
        self._put(_END_ZIP)
        self._thread.join()
        self._raise_error()

    def abandon(self) -> None:
        """Stop the zip thread without finishing the zip."""
        if self._thread.is_alive():
            self._queue.put(_ABANDON)
            self._thread.join()

    def _put(self, item: object) -> None:
        self._raise_error()
        self._queue.put(item)

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    # -- the zip thread --------------------------------------------------------------

    def _run(self, sink: IO[bytes], modified_at: datetime) -> None:
        try:
            members = self._members(modified_at)
            for data in stream_zip(members, get_compressobj=isal_compressobj):
                sink.write(data)
        except _Abandoned:
            return
        except BaseException as exc:  # raised by the exporting thread's next call
            self._error = exc
            if not self._ended:
                self._drain()

    def _take(self) -> object:
        item = self._queue.get()
        self._queue.task_done()
        if item is _ABANDON:
            raise _Abandoned
        return item

    def _members(self, modified_at: datetime) -> Iterator[MemberFile]:
        while (member := self._take()) is not _END_ZIP:
            assert isinstance(member, ZipMember)
            yield member.name, modified_at, MODE, ZIP_64, self._chunks(member)
        self._ended = True

    def _chunks(self, member: ZipMember) -> Iterator[bytes]:
        # A chunk is hashed before stream-zip gets it, and the next one is taken only
        # once stream-zip asks for it: when _END_MEMBER is taken, the hash is complete.
        while (chunk := self._take()) is not _END_MEMBER:
            assert isinstance(chunk, bytes)
            member.sha256.update(chunk)
            yield chunk

    def _drain(self) -> None:
        """After an error: take what the exporting thread still hands over, until it
        ends or abandons the zip (so that it never waits on a full queue)."""
        while True:
            item = self._queue.get()
            self._queue.task_done()
            if item is _END_ZIP or item is _ABANDON:
                return
