"""Replacing a store's data and audit log in one step that a crash cannot split.

A replacement is built as a complete store (same keys) in ``<home>/replacement/``.
Writing ``COMMITTED`` into it, durably, is the decision; then each of ``data/`` and
``audit/`` is moved aside into ``<home>/replaced/`` and the new one renamed into
its place, and both scratch directories are removed. Every step can be repeated:
opening a store finishes a decided replacement (``recover``) and removes one that
was never decided, so a crash leaves the old contents or the new ones, never a mix.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pds.store.fs import fsync_dir, write_durably

SCRATCH = "replacement"
REPLACED = "replaced"
MARK = "COMMITTED"
SWAPPED = ("data", "audit")


def scratch_dir(home: Path) -> Path:
    return home / SCRATCH


def is_decided(home: Path) -> bool:
    return (scratch_dir(home) / MARK).exists()


def discard(home: Path) -> None:
    """Remove an undecided replacement (a build that failed or was interrupted)."""
    scratch = scratch_dir(home)
    if scratch.exists() and not is_decided(home):
        shutil.rmtree(scratch)
        fsync_dir(home)


def commit(home: Path) -> None:
    """Decide the replacement built in ``scratch_dir(home)`` and carry it out."""
    scratch = scratch_dir(home)
    for name in SWAPPED:
        fsync_dir(scratch / name)
    write_durably(scratch / MARK, b"replace data/ and audit/\n")
    fsync_dir(scratch)
    roll_forward(home)


def roll_forward(home: Path) -> None:
    """Carry out a decided replacement from wherever a crash left it."""
    scratch, old = scratch_dir(home), home / REPLACED
    for name in SWAPPED:
        new = scratch / name
        if not new.exists():  # moved in already
            continue
        if (home / name).exists():
            if (old / name).exists():  # left over from an earlier replacement
                shutil.rmtree(old / name)
            old.mkdir(exist_ok=True)
            os.rename(home / name, old / name)
            fsync_dir(old)
        os.rename(new, home / name)
        fsync_dir(home)
    if old.exists():
        shutil.rmtree(old)
    shutil.rmtree(scratch)
    fsync_dir(home)


def recover(home: Path) -> None:
    """At open: finish a decided replacement, remove an undecided one."""
    if is_decided(home):
        roll_forward(home)
    else:
        discard(home)
    if (home / REPLACED).exists():
        shutil.rmtree(home / REPLACED)
