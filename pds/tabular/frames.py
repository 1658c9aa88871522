"""Frames on a pipe between the exporting process and a CSV worker: one byte of kind,
four of length (big-endian), then the payload."""

from __future__ import annotations

import struct
from typing import IO

HEAD = struct.Struct(">cI")
PLAN = b"P"  # to a worker: the CsvPlan of the batches that follow (its JSON)
BATCH = b"B"  # to a worker: JSON records joined by commas (an array without brackets)
TEXT = b"T"  # from a worker: the batch's CSV lines, UTF-8
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
