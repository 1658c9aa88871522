"""Checking a snapshot without restoring it and without writing a byte to it.

``verify_snapshot`` unlocks the snapshot's header with the passphrase (nothing is
written: no lock file, no recovery), reads the sealed manifest, and then checks that
exactly the files it lists are there, that every data file and the audit head
authenticates, that the audit chain holds from the first entry to the recorded head,
and that every file still has the length and SHA-256 the manifest recorded. The first
problem found is raised as ``IntegrityError`` naming the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pds.errors import IntegrityError, StoreNotFound
from pds.store import sealed
from pds.store.audit import AuditLog
from pds.store.header import HEADER_NAME
from pds.store.lock import LOCK_NAME
from pds.store.snapshots import MANIFEST_NAME, latest_in
from pds.store.state import AUDIT_DIR, DATA_DIR
from pds.store.vault import Vault


@dataclass(frozen=True)
class SnapshotCheck:
    """A snapshot that passed every check: what it holds."""

    path: Path
    store_id: str
    taken_at: str
    files: int
    bytes: int
    audit_entries: int
    key_generation: int


def snapshot_at(path: Path) -> Path:
    """``path`` if it is a snapshot, else the latest snapshot in the directory ``path``."""
    if (path / HEADER_NAME).is_file():
        return path
    latest = latest_in(path)
    if latest is None:
        raise StoreNotFound(f"no snapshot in {path}", {"path": str(path)})
    return latest


def verify_snapshot(path: Path, passphrase: str) -> SnapshotCheck:
    """Check the snapshot at ``path`` (see the module doc); read-only."""
    vault = Vault.unlock(path, passphrase)
    fid = vault.file_id(MANIFEST_NAME)
    manifest_path = path / f"{fid}.pds"
    if not manifest_path.is_file():
        raise IntegrityError(
            f"{path} has no snapshot manifest: not a pds snapshot, or damaged",
            {"file": manifest_path.name},
        )
    meta = sealed.read(vault, manifest_path).meta
    if meta.get("store_id") != vault.store_id:
        raise IntegrityError("the manifest belongs to another store", {"file": manifest_path.name})
    listed: dict[str, list[object]] = meta["files"]
    _same_files(path, set(listed), ignore={manifest_path.name, LOCK_NAME})
    for name in sorted(listed):
        if name.startswith(f"{DATA_DIR}/"):
            sealed.read(vault, path / name)
    entries = AuditLog(path / AUDIT_DIR, vault, writable=False).verify()
    for name, (size, digest) in sorted(listed.items()):
        _same_content(path / name, name, int(str(size)), str(digest))
    return SnapshotCheck(
        path=path,
        store_id=vault.store_id,
        taken_at=str(meta["taken_at"]),
        files=len(listed) + 1,
        bytes=sum(int(str(size)) for size, _ in listed.values()),
        audit_entries=entries,
        key_generation=vault.current_key,
    )


def _same_files(path: Path, listed: set[str], ignore: set[str]) -> None:
    present = {
        item.relative_to(path).as_posix()
        for item in path.rglob("*")
        if item.is_file() and item.relative_to(path).as_posix() not in ignore
    }
    for name in sorted(listed - present):
        raise IntegrityError(f"{name}: file is missing from the snapshot", {"file": name})
    for name in sorted(present - listed):
        raise IntegrityError(f"{name}: file was not part of the snapshot", {"file": name})


def _same_content(path: Path, name: str, size: int, digest: str) -> None:
    data = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            data.update(chunk)
    if path.stat().st_size != size or data.hexdigest() != digest:
        raise IntegrityError(
            f"{name}: differs from the file the snapshot was taken with", {"file": name}
        )
