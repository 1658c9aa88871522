"""Frames on a pipe between the exporting process and a CSV worker: one byte of kind,
four of length (big-endian), then the payload."""

from __future__ import annotations

import struct
from typing import IO

HEAD = struct.Struct(">cI")
_COUNT = struct.Struct(">I")
PLAN = b"P"  # to a worker: the CsvPlan of the batches that follow (its JSON)
BATCH = b"B"  # to a worker: JSON records joined by commas (an array without brackets)
TEXT = b"T"  # from a worker: the batch's CSV lines of each table, UTF-8 (``pack_texts``)
ERROR = b"E"  # from a worker: the kind of error that stopped it (never any data)


def write_frame(stream: IO[bytes], kind: bytes, payload: bytes) -> None:
    stream.write(HEAD.pack(kind, len(payload)))
    stream.write(payload)
    stream.flush()


def read_frame(stream: IO[bytes]) -> tuple[bytes, bytes] | None:
    """The next frame, or None at the end of the stream (a cut frame is an end too)."""
    head = stream.read(HEAD.size)
    if len(head) < HEAD.size:
        return None
    kind, length = HEAD.unpack(head)
    payload = stream.read(length)
    return (kind, payload) if len(payload) == length else None


def pack_texts(texts: list[bytes]) -> bytes:
    """Several texts as one payload: their count, each one's length, then the texts."""
    lengths = struct.pack(f">{len(texts)}I", *map(len, texts))
    return _COUNT.pack(len(texts)) + lengths + b"".join(texts)


def unpack_texts(payload: bytes) -> list[bytes]:
    (count,) = _COUNT.unpack_from(payload)
    lengths = struct.unpack_from(f">{count}I", payload, _COUNT.size)
    texts, start = [], _COUNT.size + 4 * count
    for length in lengths:
        texts.append(payload[start : start + length])
        start += length
    return texts
