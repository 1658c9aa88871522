"""The archive as the other services offer it: bound to the store, for the portal and CLI."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from pds.services.archive import import_
from pds.services.archive.export import Exporter, ExportOptions, included
from pds.services.archive.import_ import ImportReport, Report
from pds.services.archive.policy import policy_of
from pds.store import Store


@dataclass(frozen=True)
class Contents:
    """What an archive made now would hold: each collection's count (as its manifest
    will say), the collections left out and why, and the fields left out of the records
    of others (the fields, and what they are)."""

    counts: dict[str, int]
    left_out: dict[str, str]
    left_out_fields: dict[str, tuple[tuple[str, ...], str]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ArchiveService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def contents(self, include_secrets: bool = False) -> Contents:
        chosen, left_out = included(self._store, include_secrets)
        policies = {} if include_secrets else {c.name: policy_of(c.name) for c in chosen}
        return Contents(
            counts={collection.name: len(collection) for collection in chosen},
            left_out=left_out,
            left_out_fields={
                name: (policy.secret_fields, policy.why)
                for name, policy in policies.items()
                if policy.secret_fields
            },
        )

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
