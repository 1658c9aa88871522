"""Pairwise subject identifiers (OpenID Connect Core §8.1).

Each vendor (client) sees the owner under its own stable ``sub``: an HMAC of the
client id under a random salt that never leaves the encrypted store. Two vendors
cannot join their records on it, and nobody without the salt can link a ``sub``
to the owner or to another ``sub``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from pds.services.collections import PROVIDER
from pds.services.context import Context

SALT_ID = "pairwise-salt"


class Subjects:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self._salt: bytes | None = None

    def _load_salt(self) -> bytes:
        if self._salt is None:
            records = self._ctx.collection(PROVIDER)
            with self._ctx.store.transaction():
                record = records.find(SALT_ID)
                if record is None:
                    record = {"id": SALT_ID, "salt": secrets.token_hex(32)}
                    records.insert(record)
            self._salt = bytes.fromhex(record["salt"])
        return self._salt

    def for_client(self, client_id: str) -> str:
        """The owner's ``sub`` as client ``client_id`` sees it."""
        digest = hmac.new(self._load_salt(), client_id.encode("utf-8"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
