"""The owner's portal password, kept only as an argon2id hash inside the encrypted store."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pds.errors import ValidationFailed
from pds.store import Store

OWNER_PASSWORD_ID = "owner-password"
MIN_PASSWORD_LENGTH = 10


def check_password(password: str) -> str:
    """Raise ``ValidationFailed`` unless ``password`` is acceptable as the portal password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"must be at least {MIN_PASSWORD_LENGTH} characters"
        raise ValidationFailed(f"password {message}", {"password": [message]})
    return password


class OwnerCredentials:
    def __init__(self, store: Store, hasher: PasswordHasher | None = None) -> None:
        self._records = store.collection("credentials")
        self._hasher = hasher or PasswordHasher()

    def set_password(self, password: str) -> None:
        record = {
            "id": OWNER_PASSWORD_ID,
            "hash": self._hasher.hash(check_password(password)),
            "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        if self._records.find(OWNER_PASSWORD_ID) is None:
            self._records.insert(record)
        else:
            self._records.replace(OWNER_PASSWORD_ID, record)

    def verify_password(self, password: str) -> bool:
        record = self._records.find(OWNER_PASSWORD_ID)
        if record is None:
            return False
        try:
            return self._hasher.verify(record["hash"], password)
        except (VerificationError, InvalidHashError):
            return False
