"""Commits of several files that a crash leaves whole or not at all.

One file is replaced atomically (temp file, fsync, rename, fsync the directory).
Several go through a sealed journal: each new file is written as a scratch file
and fsynced, then the journal listing them is written atomically, then each is
renamed into place and the journal removed. On open, a journal present means
"finish the renames"; scratch files without a journal are discarded.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pds.store import sealed
from pds.store.fs import (
    atomic_write,
    fsync_dir,
    remove_durably,
    remove_scratch_files,
    tmp_path,
    write_all_durably,
)
from pds.store.vault import Vault

JOURNAL_NAME = "journal"


class CommitDecided(Exception):
    """The journal was written, then the commit failed: only recovery may finish it."""


class Journal:
    def __init__(self, vault: Vault, home: Path, data_dir: Path) -> None:
        self._vault = vault
        self._home = home
        self._data_dir = data_dir

    @property
    def path(self) -> Path:
        return self._home / f"{self._vault.file_id(JOURNAL_NAME)}.pds"

    def commit(self, writes: Mapping[Path, bytes | bytearray], deletes: list[Path]) -> None:
        """Replace ``writes`` and remove ``deletes``, all of them or none."""
        if len(writes) == 1 and not deletes:
            path, data = next(iter(writes.items()))
            atomic_write(path, data)
            return
        if not writes and len(deletes) <= 1:
            for path in deletes:
                remove_durably(path)
            return
        tag = os.urandom(6).hex()
        write_all_durably({tmp_path(path, tag): data for path, data in writes.items()})
        fsync_dir(self._data_dir)
        journal = {
            "name": JOURNAL_NAME,
            "tag": tag,
            "replace": [p.name.removesuffix(".pds") for p in writes],
            "delete": [p.name.removesuffix(".pds") for p in deletes],
        }
        fid = self._vault.file_id(JOURNAL_NAME)
        try:
            atomic_write(self.path, sealed.encode(self._vault, fid, journal))
            for path in writes:
                os.replace(tmp_path(path, tag), path)
            for path in deletes:
                path.unlink(missing_ok=True)
            fsync_dir(self._data_dir)
            remove_durably(self.path)
        except BaseException as exc:
            if self.path.exists():
                raise CommitDecided() from exc
            raise

    def recover(self) -> None:
        """Finish a journaled commit a crash interrupted, then drop scratch files."""
        self._data_dir.mkdir(exist_ok=True)
        if self.path.exists():
            meta = sealed.read(self._vault, self.path).meta
            tag = meta["tag"]
            for fid in meta["replace"]:
                scratch = tmp_path(self._data_dir / f"{fid}.pds", tag)
                if scratch.exists():
                    os.replace(scratch, self._data_dir / f"{fid}.pds")
            for fid in meta["delete"]:
                (self._data_dir / f"{fid}.pds").unlink(missing_ok=True)
            fsync_dir(self._data_dir)
            remove_durably(self.path)
        remove_scratch_files(self._data_dir)
        remove_scratch_files(self._home)
