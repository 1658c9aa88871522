"""Crash-safe file operations: every replacement is temp file, fsync, rename, fsync dir.

Temporary files live beside their target and carry the ``.tmp`` suffix; they hold
ciphertext only (callers never hand plaintext here) and are removed on the next
open if a crash left them behind.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TMP_SUFFIX = ".tmp"


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_durably(path: Path, data: bytes | bytearray) -> None:
    """Write ``data`` to ``path`` (a new or scratch file) and fsync it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


OPEN_AT_ONCE = 256  # files written and fsynced together (file descriptors held)


def write_all_durably(files: Mapping[Path, bytes | bytearray]) -> None:
    """Write several new files, then fsync them concurrently (the disk can merge flushes)."""
    if len(files) <= 1:
        for path, data in files.items():
            write_durably(path, data)
        return
    items = list(files.items())
    for start in range(0, len(items), OPEN_AT_ONCE):
        _write_group(items[start : start + OPEN_AT_ONCE])


def _write_group(files: list[tuple[Path, bytes | bytearray]]) -> None:
    fds: list[int] = []
    try:
        for path, data in files:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            fds.append(fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        with ThreadPoolExecutor(max_workers=min(16, len(fds))) as pool:
            list(pool.map(os.fsync, fds))
    finally:
        for fd in fds:
            os.close(fd)


def tmp_path(path: Path, tag: str = "") -> Path:
    return path.with_name(f"{path.name}.{tag}{TMP_SUFFIX}" if tag else path.name + TMP_SUFFIX)


def atomic_write(path: Path, data: bytes | bytearray) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either old or new content."""
    scratch = tmp_path(path)
    write_durably(scratch, data)
    os.replace(scratch, path)
    fsync_dir(path.parent)


def remove_durably(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        return
    fsync_dir(path.parent)


def disk_usage(directory: Path) -> tuple[int, int]:
    """How many files are under ``directory`` and their bytes. A file that goes away
    while they are counted (the temp file of another thread's atomic write) is not."""
    files = size = 0
    for folder, _, names in os.walk(directory):
        for name in names:
            try:
                size += os.stat(os.path.join(folder, name)).st_size
            except FileNotFoundError:
                continue
            files += 1
    return files, size


def remove_scratch_files(directory: Path) -> int:
    """Delete leftover temp files from an interrupted write; return how many."""
    removed = 0
    for leftover in directory.glob(f"*{TMP_SUFFIX}"):
        leftover.unlink()
        removed += 1
    if removed:
        fsync_dir(directory)
    return removed
