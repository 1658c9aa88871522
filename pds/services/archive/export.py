"""Writing an archive: collection by collection, record by record, into a streamed zip.

Memory stays bounded whatever the store's size: records are read a batch at a time
in the collection's order (``Collection.scan_ordered``), each zip member is written
as a stream (``zipstream``: stream-zip, deflated by ISA-L) and hashed as it goes, and
the manifest, which holds the hashes, is written last. ``Exporter.steps`` yields a
``Progress`` after every batch, so a caller can show a bar or send the bytes so far.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import IO

import orjson

from pds.errors import ExportFailed, ValidationFailed
from pds.services.archive import manifest as m
from pds.services.archive.background import Background
from pds.services.archive.csv_mapping import Shape, table_plan
from pds.services.archive.database import MEMBER as SQLITE_MEMBER
from pds.services.archive.database import ArchiveDatabase
from pds.services.archive.envelope import DEFAULT_SCRYPT_N, EncryptingWriter
from pds.services.archive.policy import policy_of
from pds.services.archive.readme import readme
from pds.services.archive.references import references_of
from pds.services.archive.schemas import json_schema
from pds.services.archive.shapes import inferred_schema
from pds.services.archive.spool import Spool
from pds.services.archive.zipstream import ZipWriter
from pds.store import Collection, Store
from pds.store.gcpause import paused_gc
from pds.tabular import CsvPlan
from pds.tabular.workers import CsvMaker, CsvWorkers, InlineCsv
from pds.version import __version__

BATCH = 1000  # records between two progress reports
BOM = "\ufeff".encode()
CSV_WORKERS_FROM = 20_000  # records: below, starting processes costs more than they save
MAX_CSV_WORKERS = 2


@dataclass(frozen=True)
class ExportOptions:
    """``passphrase``: encrypt the archive (see ``envelope``). ``include_secrets``: keep
    the secret collections and fields in, which needs a passphrase. ``sqlite``: add
    ``pds.sqlite`` (see ``database``)."""

    passphrase: str | None = None
    include_secrets: bool = False
    sqlite: bool = False
    scrypt_n: int = DEFAULT_SCRYPT_N
    csv_workers: int | None = None  # processes making the CSV; None: as the machine suits

    def check(self) -> None:
        if self.csv_workers is not None and self.csv_workers < 0:
            raise ValidationFailed("csv_workers must be 0 or more", {"csv_workers": ["< 0"]})
        if self.include_secrets and not self.passphrase:
            raise ValidationFailed(
                "secrets are exported only into an encrypted archive: add --encrypt",
                {"include_secrets": ["needs encrypt"]},
            )


@dataclass(frozen=True)
class Progress:
    done: int  # records and audit entries written so far
    total: int
    member: str  # the file being written


class Exporter:
    """One export of ``store`` into ``out`` (a binary file or stream; left open)."""

    def __init__(self, store: Store, out: IO[bytes], options: ExportOptions | None = None) -> None:
        self.options = options or ExportOptions()
        self.options.check()
        self._store = store
        self._out = out
        self._done = 0
        self._total = 0
        self._created = datetime.now(UTC).replace(microsecond=0)
        self.manifest = m.Manifest(
            created_at=self._created.isoformat().replace("+00:00", "Z"),
            tool_version=__version__,
            store_id=store.vault.store_id,
            secrets_included=self.options.include_secrets,
            encrypted=self.options.passphrase is not None,
        )

    def _included(self) -> list[Collection]:
        chosen, left_out = included(self._store, self.options.include_secrets)
        self.manifest.left_out.update(left_out)
        return chosen

    def steps(self) -> Generator[Progress, None, None]:
        """Write the archive, yielding progress after every batch of records."""
        collections = self._included()
        audit_count = len(self._store.audit)
        self._total = sum(len(c) for c in collections) + audit_count
        sink: IO[bytes] = self._out
        envelope = None
        if self.options.passphrase is not None:
            envelope = EncryptingWriter(self._out, self.options.passphrase, self.options.scrypt_n)
            sink = envelope  # type: ignore[assignment]
        self._background = Background()
        self._inline = InlineCsv()
        self._workers: CsvWorkers | None = None
        self._no_workers = False
        self._names: dict[str, dict[str, str]] = {}
        self._database = ArchiveDatabase() if self.options.sqlite else None
        self._loader = Background() if self.options.sqlite else None
        try:
            yield from self._write(sink, collections, audit_count)
        finally:
            self._background.close()
            if self._loader is not None:
                self._loader.close()
            if self._database is not None:
                self._database.close()
            if self._workers is not None:
                self._workers.close()
        if envelope is not None:
            envelope.close()
        self._store.audit.append(
            {
                "actor": "owner",
                "action": "archive.export",
                "count": sum(entry.count for entry in self.manifest.collections.values()),
                "secrets_included": self.options.include_secrets,
            }
        )
        yield Progress(self._done, self._total, m.MANIFEST)

    def _write(
        self, sink: IO[bytes], collections: list[Collection], audit_count: int
    ) -> Iterator[Progress]:
        with ZipWriter(sink, self._created) as archive:
            self._put(archive, m.README, readme(*self._readme_facts()))
            names = {collection.name for collection in collections}
            for collection in collections:
                yield from self._collection(archive, collection, names)
                schema = orjson.dumps(json_schema(collection.name), option=orjson.OPT_INDENT_2)
                self._put(archive, m.schema_name(collection.name), schema)
            yield from self._audit(archive, audit_count)
            if self._database is not None and self._loader is not None:
                self._loader.wait()
                self._put(archive, SQLITE_MEMBER, self._database.finish())
            manifest = archive.open(m.MANIFEST)
            manifest.write(self.manifest.to_json())
            manifest.close()

    def _readme_facts(self) -> tuple[str, str, dict[str, str]]:
        return self.manifest.created_at, __version__, self.manifest.left_out

    def _put(self, archive: ZipWriter, name: str, data: bytes) -> None:
        member = archive.open(name)
        member.write(data)
        self.manifest.files[name] = member.close()

    def _hidden(self, collection: Collection) -> tuple[str, ...]:
        """The secret fields left out of each record (none if secrets are asked for)."""
        return () if self.options.include_secrets else policy_of(collection.name).secret_fields

    def _collection(
        self, archive: ZipWriter, collection: Collection, included: set[str]
    ) -> Iterator[Progress]:
        """``data/`` and ``csv/`` of one collection in one pass over its records: the JSON
        goes into the zip as it comes, the CSV of each table (made by ``_csv_maker``)
        waits in an encrypted ``Spool``, and ``pds.sqlite`` loads the batch on its own
        thread."""
        name, hidden = m.data_name(collection.name), self._hidden(collection)
        plan, maker = self._plan(collection, hidden, included), self._csv_maker(collection)
        spools = [Spool() for _ in plan.tables]
        if self._database is not None:
            self._database.add(plan, included)
        try:
            maker.use(plan)
            for spool, table in zip(spools, plan.tables, strict=True):
                spool.write(BOM + table.header().encode())  # (nothing in flight yet)
            member, count = archive.open(name), 0
            member.write(b"[")
            for lines in _batches(collection.scan_ordered(encoded=True)):
                joined = _without(hidden, lines)
                member.write((b",\n" if count else b"\n") + joined)
                self._load(collection.name, joined)
                with paused_gc():  # thousands of short-lived objects, no cycles among them
                    texts = maker.put(joined)
                self._spool(spools, texts)
                count += len(lines)
                self._done += len(lines)
                yield Progress(self._done, self._total, name)
            self._spool(spools, maker.drain())
            member.write(b"\n]\n")
            self.manifest.files[name] = member.close()
            self._background.wait()  # the spools' writes
            for spool, table in zip(spools, plan.tables, strict=True):
                self._copy(archive, m.csv_name(table.name), spool)
        finally:
            self._background.wait()
            for spool in spools:
                spool.close()
        spec = collection.spec
        self.manifest.collections[collection.name] = m.CollectionEntry(
            count=count,
            order=[spec.order_by, "id"] if spec.order_by else ["id"],
            left_out_fields=list(hidden),
        )

    def _plan(self, collection: Collection, hidden: tuple[str, ...], included: set[str]) -> CsvPlan:
        """The collection's tables: from its schema, or from its records' shape (one
        more pass over them) when it has none; with the names its references need."""
        name = collection.name
        if policy_of(name).schema is not None:
            schema = json_schema(name)
        else:
            records = (orjson.loads(line) for line in collection.scan_ordered(encoded=True))
            schema = inferred_schema(
                {k: v for k, v in r.items() if k not in hidden} for r in records
            )
        names = {}
        for reference in references_of(name):
            if reference.target in included:
                names[reference.names_key] = self._names_of(reference.target, reference.label)
        reserved = frozenset(self._store.collections)
        return table_plan(Shape(name, schema, collection.spec.order_by), names, reserved)

    def _names_of(self, target: str, label: str) -> dict[str, str]:
        """Each record of ``target`` by id: its ``label`` (read once per export)."""
        key = f"{target}.{label}"
        if key not in self._names:
            found = {}
            for line in self._store.collections[target].scan_ordered(encoded=True):
                record = orjson.loads(line)
                if isinstance(record.get(label), str):
                    found[record["id"]] = record[label]
            self._names[key] = found
        return self._names[key]

    def _load(self, collection: str, joined: bytes) -> None:
        if self._database is not None and self._loader is not None:
            self._loader.submit(partial(self._database.insert, collection, b"[" + joined + b"]"))

    def _csv_maker(self, collection: Collection) -> CsvMaker:
        """Worker processes for a large collection on a machine with cores to spare (they
        are started once, for the first), this process otherwise."""
        workers = self.options.csv_workers
        if workers is None:
            workers = min(MAX_CSV_WORKERS, os.cpu_count() or 1)
            workers = workers if workers > 1 and len(collection) >= CSV_WORKERS_FROM else 0
        if workers == 0 or len(collection) <= BATCH or self._no_workers:
            return self._inline
        if self._workers is None:
            try:
                self._workers = CsvWorkers(workers)
            except ExportFailed:  # a machine that cannot start them converts in-process
                self._no_workers = True
                return self._inline
        return self._workers

    def _spool(self, spools: list[Spool], due: list[list[bytes]]) -> None:
        for texts in due:
            for spool, text in zip(spools, texts, strict=True):
                if text:
                    self._background.submit(partial(spool.write, text))

    def _copy(self, archive: ZipWriter, name: str, spool: Spool) -> None:
        member = archive.open(name)
        for chunk in spool.read_back():
            member.write(chunk)
        self.manifest.files[name] = member.close()

    def _audit(self, archive: ZipWriter, count: int) -> Iterator[Progress]:
        member, head, written = archive.open(m.AUDIT), m.GENESIS, 0
        for plain in self._store.audit.plaintexts(count):
            member.write(plain + b"\n")
            head = hashlib.sha256(plain).hexdigest()
            written += 1
            if written % BATCH == 0:
                self._done += BATCH
                yield Progress(self._done, self._total, m.AUDIT)
        self._done += written % BATCH
        self.manifest.files[m.AUDIT] = member.close()
        self.manifest.audit_entries, self.manifest.audit_head = written, head


def included(store: Store, include_secrets: bool) -> tuple[list[Collection], dict[str, str]]:
    """The collections an archive holds, and the ones it leaves out with the reason."""
    chosen, left_out = [], {}
    for name, collection in sorted(store.collections.items()):
        policy = policy_of(name)
        if policy.secret and not include_secrets:
            left_out[name] = policy.why or "secret"
        else:
            chosen.append(collection)
    return chosen, left_out


def _without(hidden: tuple[str, ...], lines: list[bytes]) -> bytes:
    """A batch of encoded records, without the ``hidden`` fields, joined as ``data/``
    holds them (an array's inside)."""
    if not hidden:
        return b",\n".join(lines)
    records = orjson.loads(b"[" + b",".join(lines) + b"]")
    visible = [{k: v for k, v in r.items() if k not in hidden} for r in records]
    return b",\n".join(map(orjson.dumps, visible))


def _batches(items: Iterator[bytes]) -> Iterator[list[bytes]]:
    batch: list[bytes] = []
    for item in items:
        batch.append(item)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def export_archive(
    store: Store,
    out: IO[bytes],
    options: ExportOptions | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> m.Manifest:
    """Write the archive of ``store`` to ``out``; ``progress`` hears of every batch."""
    exporter = Exporter(store, out, options)
    for step in exporter.steps():
        if progress is not None:
            progress(step)
    return exporter.manifest
