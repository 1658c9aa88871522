"""Online snapshots: a consistent copy of the encrypted files while the store stays open.

Nothing is decrypted: the files are copied as they are. Consistency comes from how
the store writes. Data files are never changed in place (every commit writes a new
file and renames it over the old one) and the audit log only grows. So under the
store's lock, with no transaction open and the audit log held (every entry synced,
its head recorded), a snapshot *pins* the files: it opens each data file, the audit
head and the log (noting the log's length) and reads the header. That is all the
writers wait for. The bytes are copied from the pinned descriptors after the lock is
released: a commit that replaces a file meanwhile gives it a new inode and leaves the
pinned one as it was, and entries appended meanwhile lie past the noted length. So the
snapshot holds exactly every write acknowledged before it began.

The copy goes to ``DIR/<timestamp>.partial``; every file and directory is fsynced,
a sealed manifest (every file's size and SHA-256) is written, and the directory is
renamed to ``DIR/<timestamp>``. A crash or a kill leaves the earlier snapshots and
the store as they were; the next snapshot of the store removes the partial one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import resource
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pds.errors import Conflict, StoreError, ValidationFailed
from pds.store import sealed
from pds.store.fs import fsync_dir, write_durably
from pds.store.header import HEADER_NAME
from pds.store.snapshots import (
    MANIFEST_NAME,
    PARTIAL,
    SnapshotInfo,
    partials_in,
    snapshot_name,
)
from pds.store.state import AUDIT_DIR, DATA_DIR, StoreState

CHUNK = 1 << 20
SPARE_FILES = 256  # descriptors left for everything else the process does meanwhile
Progress = Callable[[int, int], None]


@dataclass
class _Pinned:
    """The files of a snapshot, opened under the store's lock: (name, descriptor, length)."""

    header: bytes = b""
    files: list[tuple[str, int, int]] = field(default_factory=list)
    audit_entries: int = 0

    def close(self) -> None:
        for _, fd, _ in self.files:
            os.close(fd)
        self.files = []


class Snapshots(StoreState):
    def snapshot(self, directory: Path, progress: Progress | None = None) -> SnapshotInfo:
        """Write a consistent copy of the store's encrypted files to a new directory in
        ``directory`` (see the module doc); ``progress(done, total)`` after each file.
        ``Conflict`` while another snapshot of this store is being taken."""
        if not self._snapshotting.acquire(blocking=False):
            raise Conflict("a backup of this store is already running: wait for it to end")
        try:
            return self._snapshot(directory, progress)
        finally:
            self._snapshotting.release()

    def _snapshot(self, directory: Path, progress: Progress | None) -> SnapshotInfo:
        started = time.monotonic()
        if directory.resolve().is_relative_to(self.home.resolve()):
            raise ValidationFailed(
                f"{directory} is inside the store: snapshots must go somewhere else",
                {"directory": ["must be outside the store directory"]},
            )
        directory.mkdir(parents=True, exist_ok=True)
        for stale in partials_in(directory, self.vault.store_id):
            shutil.rmtree(stale)
        when = dt.datetime.now(dt.UTC)
        final = directory / snapshot_name(when)
        partial = final.with_name(final.name + PARTIAL)
        if final.exists() or partial.exists():
            raise Conflict(f"{final} exists already: try again in a moment")
        partial.mkdir()
        try:
            pinned, blocked = self._pin()
            try:
                write_durably(partial / HEADER_NAME, pinned.header)
                listed = _copy(pinned.files, partial, progress)
            finally:
                pinned.close()
            listed[HEADER_NAME] = (len(pinned.header), hashlib.sha256(pinned.header).hexdigest())
            self._write_manifest(partial, when, listed, pinned.audit_entries)
            for folder in (partial / DATA_DIR, partial / AUDIT_DIR, partial):
                fsync_dir(folder)
            os.rename(partial, final)
            fsync_dir(directory)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        return SnapshotInfo(
            path=final,
            taken_at=when,
            files=len(listed) + 1,
            bytes=sum(size for size, _ in listed.values()),
            audit_entries=pinned.audit_entries,
            blocked_seconds=blocked,
            seconds=time.monotonic() - started,
        )

    def _pin(self) -> tuple[_Pinned, float]:
        """Open every file of the snapshot under the store's lock (writers wait for this,
        and only this); how long they waited."""
        pinned = _Pinned()
        with self._lock:
            self._check_open()
            if self._txn is not None:
                raise StoreError("cannot take a snapshot inside a transaction")
            began = time.monotonic()
            audit = self.audit
            with audit.held():
                try:
                    names = sorted(n for n in os.listdir(self.data_dir) if n.endswith(".pds"))
                    _allow_open_files(len(names) + 2)
                    for name in names:  # (os.listdir: a tenth of the time of Path.glob here)
                        _pin_file(pinned, f"{DATA_DIR}/{name}", self.data_dir / name)
                    _pin_file(pinned, f"{AUDIT_DIR}/{audit.path.name}", audit.path)
                    if audit.head_path.exists():  # none before the first entry
                        _pin_file(pinned, f"{AUDIT_DIR}/{audit.head_path.name}", audit.head_path)
                    pinned.header = (self.home / HEADER_NAME).read_bytes()
                    pinned.audit_entries = len(audit)
                except BaseException:
                    pinned.close()
                    raise
            return pinned, time.monotonic() - began

    def _write_manifest(
        self, partial: Path, when: dt.datetime, listed: dict[str, tuple[int, str]], entries: int
    ) -> None:
        meta = {
            "name": MANIFEST_NAME,
            "store_id": self.vault.store_id,
            "taken_at": when.isoformat(timespec="milliseconds"),
            "audit_entries": entries,
            "files": listed,
        }
        fid = self.vault.file_id(MANIFEST_NAME)
        write_durably(partial / f"{fid}.pds", sealed.encode(self.vault, fid, meta))


def _pin_file(pinned: _Pinned, name: str, path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    pinned.files.append((name, fd, os.fstat(fd).st_size))


def _allow_open_files(count: int) -> None:
    """Raise the soft limit on open files if pinning ``count`` files needs it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = count + SPARE_FILES
    if soft == resource.RLIM_INFINITY or soft >= need:
        return
    if hard != resource.RLIM_INFINITY and hard < need:
        raise StoreError(
            f"a snapshot needs {need} open files and the limit is {hard}: raise it "
            "(LimitNOFILE= in the systemd unit, ulimit -n)"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (need, hard))


def _copy(
    files: list[tuple[str, int, int]], target: Path, progress: Progress | None
) -> dict[str, tuple[int, str]]:
    """Copy each pinned file's first ``length`` bytes to ``target``/name (fsynced);
    name -> [length, SHA-256] of each."""
    (target / DATA_DIR).mkdir()
    (target / AUDIT_DIR).mkdir()
    listed: dict[str, tuple[int, str]] = {}
    for done, (name, fd, length) in enumerate(files, start=1):
        listed[name] = (length, _copy_file(fd, length, target / name))
        if progress is not None:
            progress(done, len(files))
    return listed


def _copy_file(source: int, length: int, path: Path) -> str:
    digest = hashlib.sha256()
    out = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        at = 0
        while at < length:
            chunk = os.pread(source, min(CHUNK, length - at), at)
            if not chunk:
                raise StoreError(f"{path.parent.name}/{path.name}: shrank while being copied")
            digest.update(chunk)
            view = memoryview(chunk)
            while view:
                view = view[os.write(out, view) :]
            at += len(chunk)
        os.fsync(out)
    finally:
        os.close(out)
    return digest.hexdigest()
