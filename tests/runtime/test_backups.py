"""The backup schedule: it counts from the newest snapshot already there, keeps
PDS_BACKUP_KEEP of them, and says when backups are overdue or failing (``/readyz``)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pds.errors import PdsError
from pds.runtime.backups import BackupSchedule, BackupStatus
from pds.store import Store
from pds.store.snapshots import snapshots_in

HOUR = 3600


def _wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_the_first_snapshot_is_taken_at_start(store: Store, tmp_path: Path) -> None:
    schedule = BackupSchedule(store, tmp_path / "b", every_seconds=HOUR, keep=3)
    schedule.start()
    try:
        _wait_for(lambda: schedule.status().last_at is not None)
    finally:
        schedule.stop(10)
    assert len(snapshots_in(tmp_path / "b")) == 1
    assert any(e.event["action"] == "store.backed_up" for e in store.audit.entries())


def test_a_restart_counts_from_the_newest_snapshot(store: Store, tmp_path: Path) -> None:
    existing = store.snapshot(tmp_path / "b").path
    schedule = BackupSchedule(store, tmp_path / "b", every_seconds=HOUR, keep=3)
    schedule.start()
    try:
        time.sleep(0.3)
        status = schedule.status()
    finally:
        schedule.stop(10)
    assert snapshots_in(tmp_path / "b") == [existing]  # not due for an hour
    assert status.alive and status.last_at is not None
    assert status.problem(dt.datetime.now(dt.UTC)) is None


def test_each_run_keeps_the_newest(store: Store, tmp_path: Path) -> None:
    schedule = BackupSchedule(store, tmp_path / "b", every_seconds=HOUR, keep=2)
    taken = [schedule.run_once().path for _ in range(4)]
    assert snapshots_in(tmp_path / "b") == taken[-2:]


def test_a_failure_is_reported(store: Store, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the backups should go")
    schedule = BackupSchedule(store, blocked, every_seconds=HOUR, keep=2)
    with pytest.raises((PdsError, OSError)):
        schedule.run_once()
    assert schedule.status().last_error


@pytest.mark.parametrize(
    ("alive", "age_hours", "error", "problem"),
    [
        (True, 1.5, "", None),
        (True, 2.5, "", "the last backup is 150 minutes old"),
        (True, 2.5, "disk full", "the last backup is 150 minutes old (last try: disk full)"),
        (True, None, "", None),
        (True, None, "disk full", "no backup yet: disk full"),
        (False, 0.1, "", "the backup worker is not running"),
    ],
)
def test_what_readyz_hears(
    alive: bool, age_hours: float | None, error: str, problem: str | None
) -> None:
    now = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    last = None if age_hours is None else now - dt.timedelta(hours=age_hours)
    status = BackupStatus(Path("/b"), HOUR, alive, last, error)
    assert status.problem(now) == problem
