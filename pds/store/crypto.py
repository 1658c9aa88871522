"""The store's cryptographic primitives, all from the ``cryptography`` package.

- ``derive_kek``: passphrase -> scrypt -> 256-bit key-encryption key.
- ``seal`` / ``unseal``: AES-256-GCM with a fresh random 96-bit nonce and caller
  supplied associated data; a failed tag check raises ``InvalidTag``.
- ``file_id``: HMAC-SHA256 of a logical file name under the naming key, so file
  names on disk reveal nothing about what they hold.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

__all__ = [
    "AESGCM",
    "InvalidTag",
    "ScryptParams",
    "derive_kek",
    "file_id",
    "new_key",
    "seal",
    "unseal",
]


@dataclass(frozen=True)
class ScryptParams:
    """scrypt cost parameters, kept in the store header so a store always reopens."""

    salt: bytes
    n: int = 2**17
    r: int = 8
    p: int = 1

    @classmethod
    def fresh(cls, n: int = 2**17, r: int = 8, p: int = 1) -> ScryptParams:
        return cls(salt=os.urandom(16), n=n, r=r, p=p)

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["salt"] = self.salt.hex()
        return {"name": "scrypt", **data}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScryptParams:
        if data.get("name") != "scrypt":
            raise ValueError(f"unknown key derivation {data.get('name')!r}")
        return cls(
            salt=bytes.fromhex(str(data["salt"])),
            n=int(data["n"]),
            r=int(data["r"]),
            p=int(data["p"]),
        )


def derive_kek(passphrase: str, params: ScryptParams) -> bytes:
    kdf = Scrypt(salt=params.salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def new_nonce() -> bytes:
    """A fresh random 96-bit GCM nonce (one per encryption under a key)."""
    return os.urandom(NONCE_BYTES)


def seal(cipher: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    """Return ``nonce || ciphertext || tag``."""
    nonce = new_nonce()
    return nonce + cipher.encrypt(nonce, plaintext, aad)


def unseal(cipher: AESGCM, sealed: bytes, aad: bytes) -> bytes:
    """Inverse of ``seal``; raises ``InvalidTag`` if anything was altered."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise InvalidTag()
    return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)


def file_id(names_key: bytes, logical_name: str) -> str:
    return hmac.new(names_key, logical_name.encode("utf-8"), hashlib.sha256).hexdigest()[:32]
