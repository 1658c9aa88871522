"""Reading an archive and checking everything in it: nothing is trusted before it is checked.

``ArchiveReader`` opens the zip (through ``envelope`` if it is encrypted), reads and
checks that no member name comes twice, that the members together unpack to no more
than the limit, the manifest (format, version, shape) and that the members are exactly
the ones it lists. Each member is then checked as it is read: the bytes it unpacks to
are counted against its packed size and the archive's limit (a zip bomb is stopped
after a few MiB, whatever its headers claim), its SHA-256 and size against the
manifest, a data file's records against the collection's JSON Schema (with the
domain's limits), the store's rules for indexed fields, their order and count, the
audit log's chain. Every problem is an ``ArchiveInvalid`` whose message names the file
and the record.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import orjson

from pds.errors import ArchiveInvalid, ValidationFailed
from pds.services.archive import manifest as m
from pds.services.archive.envelope import DecryptingReader, is_encrypted
from pds.services.archive.schemas import schema_errors
from pds.store import CollectionSpec
from pds.store.index import entry_for

MAX_LINE = 16 << 20  # a record or audit entry longer than this is refused
READ = 1 << 20  # bytes read from a member at a time
BATCH = 1000
MAX_UNPACKED = 16 << 30  # bytes all members may unpack to, unless the caller says otherwise
MAX_RATIO = 100  # a member may unpack to at most this many times its packed size ...
RATIO_FROM = 1 << 20  # ... once it has unpacked to this many bytes (small files vary)


def refused(where: str, problem: str, **details: Any) -> ArchiveInvalid:
    return ArchiveInvalid(f"{where}: {problem}", {"file": where, **details})


class ArchiveReader:
    """An archive file opened for checking and reading; close it (or use ``with``)."""

    def __init__(
        self, path: Path, passphrase: str | None = None, max_unpacked: int = MAX_UNPACKED
    ) -> None:
        self.name = path.name
        self._file: IO[bytes] = path.open("rb")
        try:
            self._zip = self._open_zip(passphrase)
            self._unpacked = _Unpacked(self.name, max_unpacked)
            self._check_names_and_sizes()
            self.manifest = m.parse(self._read_whole(m.MANIFEST))
            self._check_members()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> ArchiveReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._file.close()

    @property
    def encrypted(self) -> bool:
        return self._encrypted

    def _open_zip(self, passphrase: str | None) -> zipfile.ZipFile:
        self._encrypted = is_encrypted(self._file.read(8))
        self._file.seek(0)
        source: IO[bytes] = self._file
        if self._encrypted:
            if passphrase is None:
                raise refused(self.name, "the archive is encrypted: give its passphrase")
            source = DecryptingReader(self._file, passphrase, self.name)  # type: ignore[assignment]
        try:
            return zipfile.ZipFile(source)
        except zipfile.BadZipFile as exc:
            problem = f"not a readable zip archive, truncated or damaged ({exc})"
            raise refused(self.name, problem) from None

    def _read_whole(self, name: str) -> bytes:
        try:
            with self._zip.open(name) as handle:
                whole = handle.read(MAX_LINE)
        except KeyError:
            raise refused(self.name, f"{name} is missing: not a pds archive") from None
        except zipfile.BadZipFile as exc:
            raise refused(name, f"damaged ({exc})") from None
        self._unpacked.count(self._zip.getinfo(name), len(whole))
        return whole

    def _check_names_and_sizes(self) -> None:
        """No name twice (readers would disagree on which copy counts), and no more bytes
        than the limit as the headers declare them (counted again while reading)."""
        infos = self._zip.infolist()
        for name, times in sorted(Counter(info.filename for info in infos).items()):
            if times > 1:
                raise refused(name, f"comes {times} times in the archive; a member comes once")
        self._unpacked.declared(sum(info.file_size for info in infos))

    def _check_members(self) -> None:
        present = set(self._zip.namelist()) - {m.MANIFEST}
        expected = m.expected_members(self.manifest)
        listed = set(self.manifest.files)
        for name in sorted(expected - present):
            raise refused(name, "missing from the archive")
        for name in sorted(present - expected):
            raise refused(name, "not a member this archive's manifest describes")
        for name in sorted(expected ^ listed):
            raise refused(m.MANIFEST, f"the checksum list does not match the members ({name})")

    # -- members ---------------------------------------------------------------------

    def lines(self, name: str) -> Iterator[bytes]:
        """The lines of member ``name``; its checksum and size are checked at the end."""
        for block in self._blocks(name):
            yield from block

    def _blocks(self, name: str) -> Iterator[list[bytes]]:
        """The lines of member ``name``, a block at a time (read in large pieces: zip's
        own ``readline`` is slow); its checksum and size are checked at the end."""
        facts = self.manifest.files[name]
        info = self._zip.getinfo(name)
        digest, size, rest = hashlib.sha256(), 0, b""
        try:
            with self._zip.open(info) as handle:
                while piece := handle.read(READ):
                    digest.update(piece)
                    size += len(piece)
                    self._unpacked.count(info, size)
                    if size > facts["bytes"]:  # (a member far larger than listed: stop early)
                        break
                    lines = (rest + piece).split(b"\n")
                    rest = lines.pop()
                    if len(rest) > MAX_LINE:
                        raise refused(name, f"a line longer than {MAX_LINE} bytes")
                    yield [line + b"\n" for line in lines]
        except zipfile.BadZipFile as exc:
            raise refused(name, f"damaged ({exc})") from None
        if size != facts["bytes"] or digest.hexdigest() != facts["sha256"]:
            raise refused(name, "checksum mismatch: the file differs from the manifest's SHA-256")
        if rest:
            yield [rest]

    def check(self, name: str) -> None:
        """Read member ``name`` through to check its checksum."""
        for _ in self.lines(name):
            pass

    def records(
        self, collection: str, spec: CollectionSpec, unique: bool = False
    ) -> Iterator[list[dict[str, Any]]]:
        """The records of ``collection`` in batches, each checked (see the module doc).

        ``unique``: also remember every id, to refuse one that comes twice (records in
        order repeat an id next to each other only if their order values are equal),
        and check indexed fields as the store will (a restore leaves both to the new
        store it builds, which refuses them too).
        """
        checker = _RecordChecker(m.data_name(collection), collection, spec, unique)
        checker.check_index = unique
        batch: list[dict[str, Any]] = []
        for line in self.lines(m.data_name(collection)):
            record = checker.line(line)
            if record is not None:
                batch.append(record)
                if len(batch) == BATCH:
                    yield batch
                    batch = []
        checker.finish(self.manifest.collections[collection].count)
        if batch:
            yield batch

    def audit(self) -> Iterator[bytes]:
        """The audit log's entries (their exact JSON), the chain checked as they come."""
        previous, seq = m.GENESIS, 0
        for line in self.lines(m.AUDIT):
            seq += 1
            plain = line.removesuffix(b"\n")
            try:
                entry = orjson.loads(plain)
            except orjson.JSONDecodeError:
                raise refused(m.AUDIT, f"entry {seq} is not valid JSON") from None
            if not isinstance(entry, dict) or entry.get("seq") != seq:
                raise refused(m.AUDIT, f"entry {seq} is out of place")
            if entry.get("prev") != previous:
                raise refused(m.AUDIT, f"the hash chain is broken at entry {seq}")
            if not isinstance(entry.get("event"), dict) or not isinstance(entry.get("at"), str):
                raise refused(m.AUDIT, f"entry {seq} lacks its time or event")
            previous = hashlib.sha256(plain).hexdigest()
            yield plain
        if seq != self.manifest.audit_entries or previous != self.manifest.audit_head:
            raise refused(m.AUDIT, "the log does not end where the manifest says")


class _Unpacked:
    """The bytes the members unpack to, counted as they are read: each member against
    ``MAX_RATIO`` times its packed size, all of them (each member once, however often it
    is read) against ``limit``."""

    def __init__(self, archive: str, limit: int) -> None:
        self.archive, self.limit = archive, limit
        self.total = 0
        self.most: dict[str, int] = {}  # member -> the most bytes read from it so far

    def _too_many(self) -> ArchiveInvalid:
        return refused(
            self.archive,
            f"unpacks to more than {self.limit >> 20} MiB, the most this pds imports "
            "(PDS_ARCHIVE_MAX_UNPACKED_MIB)",
            limit_bytes=self.limit,
        )

    def declared(self, total: int) -> None:
        if total > self.limit:
            raise self._too_many()

    def count(self, info: zipfile.ZipInfo, unpacked: int) -> None:
        """Member ``info`` has unpacked to ``unpacked`` bytes so far."""
        if unpacked > RATIO_FROM and unpacked > MAX_RATIO * max(info.compress_size, 1):
            raise refused(
                info.filename,
                f"unpacks to more than {MAX_RATIO} times its packed size (a zip bomb?)",
            )
        more = unpacked - self.most.get(info.filename, 0)
        if more > 0:
            self.most[info.filename] = unpacked
            self.total += more
            if self.total > self.limit:
                raise self._too_many()


class _RecordChecker:
    """The line-by-line grammar of a data file and the checks of each record in it."""

    def __init__(self, name: str, collection: str, spec: CollectionSpec, unique: bool) -> None:
        self.name, self.collection, self.spec = name, collection, spec
        self.state = "start"  # start -> records -> end
        self.count = 0
        self.last_key: tuple[str, str] | None = None
        self.seen: set[str] | None = set() if unique else None
        self.check_index = True

    def _refuse(self, problem: str, record_id: str | None = None) -> ArchiveInvalid:
        where = f"record {self.count}" + (f" (id {record_id})" if record_id else "")
        return refused(self.name, f"{where}: {problem}", record=self.count, id=record_id)

    def line(self, line: bytes) -> dict[str, Any] | None:
        if self.state == "start":
            if line != b"[\n":
                raise refused(self.name, "does not start with '[' on a line of its own")
            self.state = "records"
            return None
        if self.state == "end":
            raise refused(self.name, "holds something after the closing ']'")
        if line == b"]\n":
            self.state = "end"
            return None
        if self.state == "last":
            raise refused(self.name, f"record {self.count} is not followed by a comma")
        text = line.removesuffix(b"\n")
        if text.endswith(b","):
            text = text[:-1]
        else:
            self.state = "last"
        self.count += 1
        return self._check(text)

    def _check(self, text: bytes) -> dict[str, Any]:
        try:
            record = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise self._refuse(f"not valid JSON ({exc})") from None
        if not isinstance(record, dict):
            raise self._refuse("not a JSON object")
        record_id = record.get("id")
        if not isinstance(record_id, str) or not record_id:
            raise self._refuse("no string id")
        problems = schema_errors(self.collection, record)
        if problems:
            raise refused(
                self.name,
                f"record {self.count} (id {record_id}) does not match the "
                f"{self.collection} schema: {problems[0]}",
                record=self.count,
                id=record_id,
                problems=problems,
            )
        if self.check_index:
            try:
                entry_for(self.spec, record)
            except ValidationFailed as exc:
                raise self._refuse(exc.message, record_id) from None
        order = record.get(self.spec.order_by, "") if self.spec.order_by else ""
        if order.__class__ is not str:
            raise self._refuse(f"{self.spec.order_by} must be a string", record_id)
        key = (order, record_id)
        if self.last_key is not None and key <= self.last_key:
            raise self._refuse("out of order (or its id came before)", record_id)
        self.last_key = key
        if self.seen is not None:
            if record_id in self.seen:
                raise self._refuse("its id came before", record_id)
            self.seen.add(record_id)
        return record

    def finish(self, expected: int) -> None:
        if self.state != "end":
            raise refused(self.name, "ends before its closing ']' (truncated)")
        if self.count != expected:
            raise refused(self.name, f"holds {self.count} records, the manifest says {expected}")
