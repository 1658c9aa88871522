"""The vendor's tokens for one owner's store, and where they are kept.

``TokenStore`` is the small interface the client saves them through: load, save
(after every exchange and every refresh, since refresh tokens rotate) and clear
(after revocation, or when the grant turns out to be gone). Two implementations:
in memory, and a JSON file written atomically with mode 0600.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

EXPIRY_LEEWAY_SECONDS = 30  # refresh this long before the access token expires


@dataclass(frozen=True)
class TokenSet:
    """Tokens from one token response. Secrets stay out of ``repr``."""

    access_token: str = field(repr=False)
    token_type: str = "Bearer"
    expires_at: int | None = None  # epoch seconds
    refresh_token: str | None = field(default=None, repr=False)
    scope: tuple[str, ...] = ()
    id_token: str | None = field(default=None, repr=False)
    subject: str | None = None  # the owner's pairwise ``sub`` from the ID token

    @classmethod
    def from_response(
        cls, body: Mapping[str, Any], *, subject: str | None = None, now: float | None = None
    ) -> TokenSet:
        """From a token endpoint response (``expires_in`` becomes ``expires_at``)."""
        expires_at = body.get("expires_at")
        if expires_at is None and body.get("expires_in") is not None:
            expires_at = int((time.time() if now is None else now) + int(body["expires_in"]))
        return cls(
            access_token=str(body["access_token"]),
            token_type=str(body.get("token_type") or "Bearer"),
            expires_at=None if expires_at is None else int(expires_at),
            refresh_token=body.get("refresh_token"),
            scope=tuple(str(body.get("scope") or "").split()),
            id_token=body.get("id_token"),
            subject=subject,
        )

    def expired(self, now: float | None = None, leeway: int = EXPIRY_LEEWAY_SECONDS) -> bool:
        """Whether the access token has expired (or will within ``leeway`` seconds)."""
        if self.expires_at is None:
            return False
        return self.expires_at - leeway <= (time.time() if now is None else now)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope

    def for_authlib(self) -> dict[str, Any]:
        """The token as Authlib's ``OAuth2Auth`` wants it."""
        token: dict[str, Any] = {"access_token": self.access_token, "token_type": self.token_type}
        if self.expires_at is not None:
            token["expires_at"] = self.expires_at
        return token

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["scope"] = " ".join(self.scope)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TokenSet:
        return cls(
            access_token=str(data["access_token"]),
            token_type=str(data.get("token_type") or "Bearer"),
            expires_at=data.get("expires_at"),
            refresh_token=data.get("refresh_token"),
            scope=tuple(str(data.get("scope") or "").split()),
            id_token=data.get("id_token"),
            subject=data.get("subject"),
        )


class TokenStore(Protocol):
    """Where a client keeps its tokens for one store."""

    def load(self) -> TokenSet | None: ...

    def save(self, tokens: TokenSet) -> None: ...

    def clear(self) -> None: ...


class MemoryTokenStore:
    """Tokens in memory only (gone when the process ends)."""

    def __init__(self, tokens: TokenSet | None = None) -> None:
        self._tokens = tokens

    def load(self) -> TokenSet | None:
        return self._tokens

    def save(self, tokens: TokenSet) -> None:
        self._tokens = tokens

    def clear(self) -> None:
        self._tokens = None


class JSONFileTokenStore:
    """Tokens in one JSON file, replaced atomically, readable by its owner only (0600)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def load(self) -> TokenSet | None:
        with self._lock:
            data = read_json(self.path)
        return None if data is None else TokenSet.from_json(data)

    def save(self, tokens: TokenSet) -> None:
        with self._lock:
            write_private_json(self.path, tokens.to_json())

    def clear(self) -> None:
        with self._lock:
            self.path.unlink(missing_ok=True)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or ``None`` if there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path} does not hold a JSON object")
    return data


def write_private_json(path: Path, data: Mapping[str, Any]) -> None:
    """Replace ``path`` with ``data`` as JSON: temp file (0600) in the same directory,
    fsync, rename over, fsync the directory. Readers see the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # some platforms cannot open directories
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
