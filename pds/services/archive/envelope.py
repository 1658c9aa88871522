"""The encrypted envelope of an archive: passphrase -> scrypt -> AES-256-GCM, in chunks.

Layout (all integers big-endian)::

    magic "PDSENC01" | header length u32 | header (JSON, UTF-8)
    then chunks: AES-256-GCM ciphertext of CHUNK plaintext bytes + 16-byte tag each;
    the last chunk holds 0..CHUNK bytes and is the only one marked final.

The header names the key derivation (scrypt, salt, n, r, p), the chunk size, a
random 7-byte nonce prefix and a key check. scrypt yields 64 bytes: the first 32 are
the AES key, the last 32 the key check (so a wrong passphrase is told apart from
damage). Chunk ``i`` is sealed with nonce ``prefix || i (u32) || final (u8)`` and
associated data ``magic || header``: a chunk moved, dropped, repeated or cut off,
or a header changed, fails authentication, and an archive cut at a chunk boundary
lacks its final chunk. This is the STREAM construction age and Tink use.

Chunks of known size give random access, which zip reading needs (its directory
is at the end): ``DecryptingReader`` decrypts the chunks asked for, in memory; no
plaintext is written anywhere.
"""

from __future__ import annotations

import hmac
import io
import os
import struct
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from pds.errors import ArchiveInvalid

MAGIC = b"PDSENC01"
FORMAT = "pds-archive-encrypted"
VERSION = 1
CHUNK = 64 * 1024
TAG = 16
PREFIX_BYTES = 7
DEFAULT_SCRYPT_N = 2**17
_LENGTH = struct.Struct(">I")
_NONCE_TAIL = struct.Struct(">IB")
MAX_HEADER = 4096
MAX_CHUNK = 16 << 20


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def file_is_encrypted(path: Path) -> bool:
    """Whether the archive at ``path`` is encrypted (so needs a passphrase to read)."""
    with path.open("rb") as handle:
        return is_encrypted(handle.read(len(MAGIC)))


def _derive(passphrase: str, kdf: dict[str, Any]) -> tuple[bytes, bytes]:
    salt = bytes.fromhex(kdf["salt"])
    scrypt = Scrypt(salt=salt, length=64, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"]))
    derived = scrypt.derive(passphrase.encode("utf-8"))
    return derived[:32], derived[32:]


def _nonce(prefix: bytes, index: int, final: bool) -> bytes:
    return prefix + _NONCE_TAIL.pack(index, int(final))


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what is written to ``out`` in chunks.

    ``close`` writes the final chunk (it does not close ``out``).
    """

    def __init__(
        self,
        out: IO[bytes],
        passphrase: str,
        scrypt_n: int = DEFAULT_SCRYPT_N,
        chunk_size: int = CHUNK,
    ) -> None:
        super().__init__()
        self._chunk = chunk_size
        kdf = {"name": "scrypt", "salt": os.urandom(16).hex(), "n": scrypt_n, "r": 8, "p": 1}
        key, check = _derive(passphrase, kdf)
        self._prefix = os.urandom(PREFIX_BYTES)
        header = orjson.dumps(
            {
                "format": FORMAT,
                "version": VERSION,
                "cipher": "AES-256-GCM",
                "kdf": kdf,
                "chunk_size": chunk_size,
                "nonce_prefix": self._prefix.hex(),
                "key_check": check.hex(),
            }
        )
        self._aad = MAGIC + header
        self._cipher = AESGCM(key)
        self._out = out
        self._buffer = bytearray()
        self._index = 0
        self._written = 0
        out.write(MAGIC + _LENGTH.pack(len(header)) + header)

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._written

    def write(self, data: Any) -> int:
        self._buffer += data
        size = len(data)
        self._written += size
        while len(self._buffer) > self._chunk:  # more than a chunk: this one is not the last
            self._emit(bytes(self._buffer[: self._chunk]), final=False)
            del self._buffer[: self._chunk]
        return size

    def _emit(self, plain: bytes, final: bool) -> None:
        nonce = _nonce(self._prefix, self._index, final)
        self._out.write(self._cipher.encrypt(nonce, plain, self._aad))
        self._index += 1

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buffer), final=True)
            self._buffer.clear()
            self._out.flush()
        super().close()


class DecryptingReader(io.RawIOBase):
    """A seekable read-only view of the plaintext of an encrypted archive in ``source``.

    Opening checks the passphrase and the final chunk (so a cut archive is refused at
    once); each chunk is authenticated when it is read. ``name`` is the archive's file
    name, for messages.
    """

    def __init__(self, source: IO[bytes], passphrase: str, name: str) -> None:
        super().__init__()
        self._source, self._name = source, name
        header = self._read_header()
        key, check = _derive(passphrase, header["kdf"])
        if not hmac.compare_digest(check.hex(), str(header.get("key_check", ""))):
            raise self._refuse("wrong passphrase", "wrong_passphrase")
        self._cipher = AESGCM(key)
        self._prefix = bytes.fromhex(header["nonce_prefix"])
        self._chunk = int(header["chunk_size"])
        body = source.seek(0, io.SEEK_END) - self._start
        full = self._chunk + TAG
        self._chunks = max(1, -(-body // full))
        last = body - (self._chunks - 1) * full
        if last < TAG:
            raise self._refuse("the encrypted archive is truncated", "truncated")
        self._size = (self._chunks - 1) * self._chunk + last - TAG
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._pos = 0
        self._plain(self._chunks - 1)  # the final chunk must be there and be marked final

    def _refuse(self, message: str, reason: str) -> ArchiveInvalid:
        return ArchiveInvalid(f"{self._name}: {message}", {"file": self._name, "reason": reason})

    def _read_header(self) -> dict[str, Any]:
        self._source.seek(0)
        head = self._source.read(len(MAGIC) + _LENGTH.size)
        if not is_encrypted(head) or len(head) < len(MAGIC) + _LENGTH.size:
            raise self._refuse("not an encrypted pds archive", "not_encrypted")
        (length,) = _LENGTH.unpack_from(head, len(MAGIC))
        raw = self._source.read(length) if length <= MAX_HEADER else b""
        try:
            header = orjson.loads(raw)
            if header["format"] != FORMAT or header["kdf"]["name"] != "scrypt":
                raise ValueError(header["format"])
            if not 0 < int(header["chunk_size"]) <= MAX_CHUNK:
                raise ValueError(header["chunk_size"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise self._refuse("the encryption header is damaged", "damaged") from None
        if header["version"] > VERSION:
            raise self._refuse(
                f"encrypted with format version {header['version']}, newer than this pds "
                f"reads ({VERSION}); upgrade pds",
                "future_version",
            )
        self._aad = MAGIC + raw
        self._start = len(MAGIC) + _LENGTH.size + length
        return header  # type: ignore[no-any-return]

    def _plain(self, index: int) -> bytes:
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        full = self._chunk + TAG
        self._source.seek(self._start + index * full)
        sealed = self._source.read(full)
        final = index == self._chunks - 1
        try:
            plain = self._cipher.decrypt(_nonce(self._prefix, index, final), sealed, self._aad)
        except InvalidTag:
            problem = "is truncated" if final else f"is damaged (chunk {index} is not authentic)"
            raise self._refuse(f"the encrypted archive {problem}", "damaged") from None
        self._cache[index] = plain
        if len(self._cache) > 8:
            self._cache.popitem(last=False)
        return plain

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def read(self, size: int | None = -1) -> bytes:
        end = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        parts = []
        while self._pos < end:
            index, offset = divmod(self._pos, self._chunk)
            piece = self._plain(index)[offset : offset + end - self._pos]
            parts.append(piece)
            self._pos += len(piece)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)
