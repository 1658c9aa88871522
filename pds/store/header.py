"""The store header, ``store.json``: the only file on disk that is not ciphertext.

It holds what is needed to unlock the store and nothing about its contents: the
format version, a random store id, the scrypt parameters and salt, and the
wrapped (encrypted) keys. A SHA-256 checksum over its canonical form detects
accidental damage; deliberate tampering with the parameters or wrapped keys makes
unwrapping fail.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from pds.errors import IntegrityError, StoreError, StoreNotFound
from pds.store.crypto import ScryptParams
from pds.store.fs import atomic_write

HEADER_NAME = "store.json"
FORMAT = "pds-store"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Header:
    store_id: str
    created_at: str
    kdf: ScryptParams
    wrapped_names_key: bytes
    wrapped_data_keys: dict[int, bytes] = field(default_factory=dict)
    current_key: int = 1
    version: int = FORMAT_VERSION

    @property
    def rotation_pending(self) -> bool:
        return len(self.wrapped_data_keys) > 1

    def with_changes(self, **changes: Any) -> Header:
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": self.version,
            "store_id": self.store_id,
            "created_at": self.created_at,
            "kdf": self.kdf.to_json(),
            "keys": {
                "names": self.wrapped_names_key.hex(),
                "data": {
                    str(gen): key.hex() for gen, key in sorted(self.wrapped_data_keys.items())
                },
            },
            "current_key": self.current_key,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Header:
        keys = data["keys"]
        return cls(
            store_id=str(data["store_id"]),
            created_at=str(data["created_at"]),
            kdf=ScryptParams.from_json(data["kdf"]),
            wrapped_names_key=bytes.fromhex(keys["names"]),
            wrapped_data_keys={int(g): bytes.fromhex(k) for g, k in keys["data"].items()},
            current_key=int(data["current_key"]),
            version=int(data["version"]),
        )


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


def write_header(home: Path, header: Header) -> None:
    body = header.to_json()
    body["checksum"] = _checksum(body)
    atomic_write(
        home / HEADER_NAME, orjson.dumps(body, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    )


def read_header(home: Path) -> Header:
    path = home / HEADER_NAME
    if not path.exists():
        raise StoreNotFound(f"no store at {home} (run 'pds init' first)", {"home": str(home)})
    damaged = IntegrityError(f"{HEADER_NAME}: header is damaged", {"file": HEADER_NAME})
    try:
        body = orjson.loads(path.read_bytes())
        checksum = body.pop("checksum")
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError):
        raise damaged from None
    if not isinstance(checksum, str) or checksum != _checksum(body):
        raise damaged
    if body.get("format") != FORMAT:
        raise damaged
    if body.get("version") != FORMAT_VERSION:
        raise StoreError(
            f"store format version {body.get('version')} is not supported by this pds "
            f"(it reads version {FORMAT_VERSION})",
            {"file": HEADER_NAME},
        )
    try:
        return Header.from_json(body)
    except (KeyError, TypeError, ValueError):
        raise damaged from None
