"""Time-ordered record identifiers (UUIDv7, RFC 9562).

Identifiers sort by creation time, so shards and indexes can use them as a
stable tie-breaker. Python 3.11 has no ``uuid.uuid7``; this is the RFC layout:
48-bit Unix milliseconds, version 7, 12 bits of monotonic sequence within the
same millisecond, variant, 62 random bits.
"""

from __future__ import annotations

import os
import re
import threading
import time
import uuid

_UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_lock = threading.Lock()
_last_ms = 0
_seq = 0


def new_id() -> str:
    """Return a new UUIDv7 string; ids made in one process are strictly increasing."""
    global _last_ms, _seq
    with _lock:
        ms = time.time_ns() // 1_000_000
        if ms <= _last_ms:
            _seq += 1
            if _seq > 0xFFF:  # sequence exhausted: borrow the next millisecond
                _last_ms += 1
                _seq = 0
            ms = _last_ms
        else:
            _last_ms, _seq = ms, int.from_bytes(os.urandom(2), "big") & 0x3FF
        seq = _seq
    rand = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (ms << 80) | (0x7 << 76) | (seq << 64) | (0b10 << 62) | rand
    return str(uuid.UUID(int=value))


def is_id(value: object) -> bool:
    """True if ``value`` is a canonical lower-case UUIDv7 string."""
    return isinstance(value, str) and _UUID7.match(value) is not None
