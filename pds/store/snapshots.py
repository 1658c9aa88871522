"""Where snapshots live: their names, the manifest each holds, finding and pruning them.

A snapshot is a plain directory ``DIR/<UTC timestamp>`` (``20261203T055248.123Z``)
laid out like a store (``store.json``, ``data/``, ``audit/``) plus a sealed manifest
listing every file with its size and SHA-256. It is written as
``DIR/<timestamp>.partial`` and renamed once complete, so a directory without the
suffix is whole. Only directories named like snapshots whose header belongs to the
store in question are ever listed, pruned or cleaned up: other files in ``DIR`` are
left alone.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import orjson

from pds.store.header import HEADER_NAME

PARTIAL = ".partial"
MANIFEST_NAME = "snapshot/manifest"
_NAME = re.compile(r"^(\d{8}T\d{6}\.\d{3}Z)$")
_FORMAT = "%Y%m%dT%H%M%S"


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot taken: where, when, what it holds and how long writers waited for it."""

    path: Path
    taken_at: dt.datetime
    files: int
    bytes: int
    audit_entries: int
    blocked_seconds: float  # how long the store's writers waited (the files were pinned)
    seconds: float  # the whole snapshot, copies and fsyncs included


def snapshot_name(when: dt.datetime) -> str:
    when = when.astimezone(dt.UTC)
    return f"{when.strftime(_FORMAT)}.{when.microsecond // 1000:03d}Z"


def taken_at(path: Path) -> dt.datetime | None:
    """When the snapshot named ``path`` was taken, or None if it is not named like one."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    stamp, millis = match.group(1)[:-1].split(".")
    when = dt.datetime.strptime(stamp, _FORMAT).replace(tzinfo=dt.UTC)
    return when + dt.timedelta(milliseconds=int(millis))


def store_id_of(path: Path) -> str | None:
    """The store id in the plaintext header of the store or snapshot at ``path``."""
    try:
        data = orjson.loads((path / HEADER_NAME).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    store_id = data.get("store_id") if isinstance(data, dict) else None
    return store_id if isinstance(store_id, str) else None


def snapshots_in(directory: Path, store_id: str | None = None) -> list[Path]:
    """Complete snapshots in ``directory``, oldest first (those of ``store_id`` only, if
    given). Partial ones are not listed."""
    if not directory.is_dir():
        return []
    found = [
        path
        for path in directory.iterdir()
        if path.is_dir() and taken_at(path) is not None and (path / HEADER_NAME).is_file()
    ]
    if store_id is not None:
        found = [path for path in found if store_id_of(path) == store_id]
    return sorted(found, key=lambda path: path.name)


def latest_in(directory: Path, store_id: str | None = None) -> Path | None:
    found = snapshots_in(directory, store_id)
    return found[-1] if found else None


def partials_in(directory: Path, store_id: str) -> list[Path]:
    """Snapshots of ``store_id`` left unfinished (a crash or a kill during a backup); and
    those killed before they had a header (the first file written, microseconds after
    the directory is made)."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.is_dir()
        and path.name.endswith(PARTIAL)
        and taken_at(path.with_name(path.name.removesuffix(PARTIAL))) is not None
        and (store_id_of(path) == store_id or not (path / HEADER_NAME).exists())
    )


def prune(directory: Path, store_id: str, keep: int) -> list[Path]:
    """Remove all but the newest ``keep`` snapshots of ``store_id``; return those removed."""
    if keep < 1:
        raise ValueError("keep at least one snapshot")
    old = snapshots_in(directory, store_id)[:-keep]
    for path in old:
        shutil.rmtree(path)
    return old
