"""The sealed file format shared by every data file of a store.

Layout (big-endian)::

    magic "PDSF" | version u8 | key generation u32 | meta length u32
    | meta:  nonce(12) ciphertext tag(16)      -- small: logical name, index entries
    | body:  nonce(12) ciphertext tag(16)      -- the records (may be empty)

Both parts are AES-256-GCM under the data key of the named generation. The
associated data binds the magic, version, key generation and the file's id (its
name on disk, an HMAC of its logical name), so a renamed, swapped or moved file
fails to open; the body's associated data also binds the meta part's nonce, so
the two halves of different writes cannot be spliced together. The meta part is
readable without decrypting the body, which is what makes opening a store fast.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pds.errors import IntegrityError
from pds.store import codec, crypto
from pds.store.vault import Vault

MAGIC = b"PDSF"
VERSION = 1
_PREFIX = struct.Struct(">4sBII")


@dataclass(frozen=True)
class Sealed:
    """A decrypted file: its meta document and (if read) its body bytes."""

    meta: dict[str, Any]
    body: bytes | None
    key_generation: int


def _aad(key_gen: int, fid: str, part: bytes) -> bytes:
    return MAGIC + bytes([VERSION]) + key_gen.to_bytes(4, "big") + fid.encode() + b"|" + part


def encode(
    vault: Vault, fid: str, meta: dict[str, Any], body: bytes | bytearray = b""
) -> bytearray:
    """The sealed file; the body is encrypted straight into it (no copies of a large body)."""
    gen = vault.current_key
    cipher = vault.cipher(gen)
    sealed_meta = crypto.seal(cipher, codec.dumps(meta), _aad(gen, fid, b"meta"))
    nonce = sealed_meta[: crypto.NONCE_BYTES]
    head = _PREFIX.pack(MAGIC, VERSION, gen, len(sealed_meta)) + sealed_meta
    body_at = len(head) + crypto.NONCE_BYTES
    aad = _aad(gen, fid, b"body|" + nonce)
    if not hasattr(cipher, "encrypt_into"):  # cryptography < 45
        return bytearray(head + crypto.seal(cipher, bytes(body), aad))
    out = bytearray(body_at + len(body) + crypto.TAG_BYTES)
    out[: len(head)] = head
    out[len(head) : body_at] = body_nonce = crypto.new_nonce()
    cipher.encrypt_into(body_nonce, body, aad, memoryview(out)[body_at:])
    return out


def _damaged(path: Path, why: str) -> IntegrityError:
    name = f"{path.parent.name}/{path.name}"
    return IntegrityError(f"{name}: {why}", {"file": name})


def read(vault: Vault, path: Path, *, with_body: bool = True) -> Sealed:
    """Decrypt ``path``; raise ``IntegrityError`` naming the file if anything is off."""
    fid = path.name.removesuffix(".pds")
    try:
        with path.open("rb") as handle:
            prefix = handle.read(_PREFIX.size)
            if len(prefix) < _PREFIX.size:
                raise _damaged(path, "file is truncated")
            magic, version, gen, meta_len = _PREFIX.unpack(prefix)
            if magic != MAGIC:
                raise _damaged(path, "not a pds data file")
            if version != VERSION:
                raise _damaged(path, f"unsupported file version {version}")
            sealed_meta = handle.read(meta_len)
            sealed_body = handle.read() if with_body else None
    except FileNotFoundError:
        raise _damaged(path, "file is missing") from None
    try:
        cipher = vault.cipher(gen)
        meta = codec.loads(crypto.unseal(cipher, sealed_meta, _aad(gen, fid, b"meta")))
        body = None
        if sealed_body is not None:
            nonce = sealed_meta[: crypto.NONCE_BYTES]
            body = crypto.unseal(cipher, sealed_body, _aad(gen, fid, b"body|" + nonce))
    except crypto.InvalidTag:
        raise _damaged(path, "failed authentication (damaged, altered or moved)") from None
    if not isinstance(meta, dict) or vault.file_id(str(meta.get("name"))) != fid:
        raise _damaged(path, "file does not belong here")
    return Sealed(meta=meta, body=body, key_generation=gen)
