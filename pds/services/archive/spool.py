"""A temporary spool of bytes that exist only as ciphertext on disk.

The export writes a collection's JSON and its CSV in one pass over the records, but a
zip takes one member at a time: the CSV waits in a spool. Its key is random, lives
only in memory and dies with the spool; the file is unlinked from the start.
"""

from __future__ import annotations

import struct
import tempfile
from collections.abc import Iterator

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_LENGTH = struct.Struct(">I")
CHUNK = 1 << 20


class Spool:
    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="pds-spool-")  # noqa: SIM115 (closed by close)
        self._cipher = AESGCM(AESGCM.generate_key(bit_length=256))
        self._count = 0
        self._buffer = bytearray()

    def write(self, data: bytes) -> None:
        self._buffer += data
        if len(self._buffer) >= CHUNK:
            self._seal()

    def _seal(self) -> None:
        if not self._buffer:
            return
        nonce = self._count.to_bytes(12, "big")  # a fresh key per spool: a counter suffices
        sealed = self._cipher.encrypt(nonce, bytes(self._buffer), None)
        self._file.write(_LENGTH.pack(len(sealed)) + sealed)
        self._count += 1
        self._buffer.clear()

    def read_back(self) -> Iterator[bytes]:
        """Everything written, in order (once); then the spool is gone."""
        self._seal()
        self._file.seek(0)
        try:
            for index in range(self._count):
                (length,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
                nonce = index.to_bytes(12, "big")
                yield self._cipher.decrypt(nonce, self._file.read(length), None)
        finally:
            self.close()

    def close(self) -> None:
        self._file.close()
