"""The archive as the other services offer it: bound to the store, for the portal and CLI."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from pds.services.archive import import_
from pds.services.archive.export import Exporter, ExportOptions
from pds.services.archive.import_ import ImportReport, Report
from pds.store import Store


class ArchiveService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def exporter(self, out: IO[bytes], options: ExportOptions | None = None) -> Exporter:
        """An export of the whole store into ``out``; run it with ``steps()``."""
        return Exporter(self._store, out, options)

    def restore(
        self, path: Path, passphrase: str | None = None, progress: Report | None = None
    ) -> ImportReport:
        return import_.restore(self._store, path, passphrase, progress)

    def merge(
        self, path: Path, passphrase: str | None = None, progress: Report | None = None
    ) -> ImportReport:
        return import_.merge(self._store, path, passphrase, progress)
