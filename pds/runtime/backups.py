"""Backups: a snapshot now (``take_backup``), a check of one (``verify_backup``), and the
server's schedule (``BackupSchedule``, one of the runtime's ``Workers``).

A snapshot is a consistent copy of the store's encrypted files, taken while the store
stays open (``Store.snapshot``: writers wait only while its files are pinned). The
schedule takes one every ``PDS_BACKUP_EVERY`` into ``PDS_BACKUP_DIR`` and then keeps
the newest ``PDS_BACKUP_KEEP`` of this store there; it counts from the newest snapshot
already in the directory, so a restart does not reset it. A failed snapshot is retried
after ``RETRY_SECONDS`` (or the interval, if shorter); ``status`` says when the last
one was taken and whether it is overdue (``/readyz``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pds.config import Settings
from pds.errors import PdsError
from pds.store import Store
from pds.store.snapshot_check import SnapshotCheck, snapshot_at, verify_snapshot
from pds.store.snapshots import SnapshotInfo, latest_in, prune, taken_at

log = logging.getLogger("pds.backup")
RETRY_SECONDS = 15 * 60
Progress = Callable[[int, int], None]

__all__ = [
    "BackupSchedule",
    "BackupStatus",
    "SnapshotCheck",
    "SnapshotInfo",
    "take_backup",
    "verify_backup",
]


def take_backup(
    store: Store,
    directory: Path,
    *,
    actor: str = "owner",
    keep: int | None = None,
    progress: Progress | None = None,
) -> tuple[SnapshotInfo, list[Path]]:
    """A snapshot of ``store`` in ``directory`` (audited), then, with ``keep``, all but
    the newest ``keep`` snapshots of the store there removed; the snapshot and those."""
    info = store.snapshot(directory, progress)
    store.audit.append(
        {"actor": actor, "action": "store.backed_up", "files": info.files, "bytes": info.bytes}
    )
    removed = prune(directory, store.vault.store_id, keep) if keep is not None else []
    return info, removed


def verify_backup(path: Path, passphrase: str) -> SnapshotCheck:
    """Check the snapshot at ``path`` (or the latest in the directory ``path``) without
    writing to it: every file authenticates, the audit chain holds."""
    return verify_snapshot(snapshot_at(path), passphrase)


@dataclass(frozen=True)
class BackupStatus:
    """What ``/readyz`` reports about scheduled backups."""

    directory: Path
    every_seconds: int
    alive: bool
    last_at: dt.datetime | None
    last_error: str

    def age_seconds(self, now: dt.datetime) -> float | None:
        return None if self.last_at is None else (now - self.last_at).total_seconds()

    def problem(self, now: dt.datetime) -> str | None:
        """What is wrong, if anything: the worker stopped, or the last snapshot is older
        than two intervals (or none was ever taken and the last try failed)."""
        if not self.alive:
            return "the backup worker is not running"
        age = self.age_seconds(now)
        if age is None:
            return f"no backup yet: {self.last_error}" if self.last_error else None
        if age > 2 * self.every_seconds:
            why = f" (last try: {self.last_error})" if self.last_error else ""
            return f"the last backup is {int(age // 60)} minutes old{why}"
        return None


class BackupSchedule:
    """Snapshots of ``store`` into ``directory`` every ``every_seconds``, keeping ``keep``."""

    def __init__(self, store: Store, directory: Path, every_seconds: int, keep: int) -> None:
        self._store = store
        self.directory = directory
        self.every_seconds = every_seconds
        self.keep = keep
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._last_at: dt.datetime | None = None
        self._last_error = ""

    @classmethod
    def for_settings(cls, store: Store, settings: Settings) -> BackupSchedule | None:
        if settings.backup_dir is None:
            return None
        return cls(store, settings.backup_dir, settings.backup_every_seconds, settings.backup_keep)

    def start(self) -> None:
        if self._thread is not None:
            return
        latest = latest_in(self.directory, self._store.vault.store_id)
        with self._lock:
            self._last_at = taken_at(latest) if latest is not None else None
        self._thread = threading.Thread(target=self._run, name="pds-backup", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Ask the thread to end and wait for it (a snapshot under way finishes first)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def status(self) -> BackupStatus:
        alive = self._thread is not None and self._thread.is_alive()
        with self._lock:
            return BackupStatus(
                self.directory, self.every_seconds, alive, self._last_at, self._last_error
            )

    def run_once(self) -> SnapshotInfo:
        """Take a snapshot and prune now; the outcome is what ``status`` reports."""
        try:
            info, removed = take_backup(
                self._store, self.directory, actor="schedule", keep=self.keep
            )
        except (PdsError, OSError) as exc:
            message = exc.message if isinstance(exc, PdsError) else str(exc.strerror or exc)
            with self._lock:
                self._last_error = message
            log.error("backup into %s failed: %s", self.directory, message)
            raise
        with self._lock:
            self._last_at, self._last_error = info.taken_at, ""
        log.info(
            "backup %s: %d files, %d bytes in %.1f s; writers waited %.1f ms; %d old removed",
            info.path.name,
            info.files,
            info.bytes,
            info.seconds,
            info.blocked_seconds * 1000,
            len(removed),
        )
        return info

    def _wait(self) -> float:
        with self._lock:
            last, failed = self._last_at, bool(self._last_error)
        if failed:
            return float(min(RETRY_SECONDS, self.every_seconds))
        if last is None:
            return 0.0
        due = last + dt.timedelta(seconds=self.every_seconds)
        return max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds())

    def _run(self) -> None:
        while not self._stopping.wait(self._wait()):
            if not self._store.is_open:
                return
            try:
                self.run_once()
            except (PdsError, OSError):
                continue  # reported by status (and the log); retried after a while
