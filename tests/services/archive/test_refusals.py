"""Every refused archive names its problem and the file (and record), and leaves the store
exactly as it was: the store directory hashes the same before and after."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from pds.errors import ArchiveInvalid, Conflict
from pds.services import Services
from pds.services.archive import merge, restore
from pds.services.archive.envelope import TAG, EncryptingWriter
from pds.store import Store

from .archivekit import (
    ARCHIVE_PASSPHRASE,
    CHEAP_N,
    data_lines,
    digest,
    members,
    rezip,
)

Run = Callable[[Store, Path, str | None], object]
BOTH = pytest.mark.parametrize("run", [restore, merge], ids=["restore", "merge"])


def _refused(run: Run, store: Store, path: Path, message: str, passphrase: str | None = None):
    """Assert the import is refused with exactly ``message`` and the store unchanged."""
    before = digest(store.home)
    counts = {name: len(c) for name, c in store.collections.items()}
    audit = len(store.audit)
    with pytest.raises(ArchiveInvalid) as refused:
        run(store, path, passphrase)
    assert refused.value.message == message
    assert digest(store.home) == before
    assert {name: len(c) for name, c in store.collections.items()} == counts
    assert len(store.audit) == audit
    return refused.value


@BOTH
def test_a_truncated_archive(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(archive.read_bytes()[:-200])
    error = _refused(
        run,
        target,
        cut,
        "cut.zip: not a readable zip archive, truncated or damaged (File is not a zip file)",
    )
    assert error.details["file"] == "cut.zip"


@BOTH
def test_a_tampered_member_fails_its_checksum(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    data = members(archive)["data/purchases.json"]
    tampered = data.replace(b'"total":"10.50"', b'"total":"01.50"', 1)
    assert tampered != data
    path = rezip(archive, tmp_path / "t.zip", {"data/purchases.json": tampered}, fix_manifest=False)
    _refused(
        run,
        target,
        path,
        "data/purchases.json: checksum mismatch: the file differs from the manifest's SHA-256",
    )


@BOTH
def test_a_tampered_readme_fails_its_checksum(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    path = rezip(archive, tmp_path / "t.zip", {"README.txt": b"hello"}, fix_manifest=False)
    _refused(
        run,
        target,
        path,
        "README.txt: checksum mismatch: the file differs from the manifest's SHA-256",
    )


@BOTH
def test_a_future_format_version(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    manifest = orjson.loads(members(archive)["manifest.json"])
    manifest["format_version"] = 3
    path = rezip(archive, tmp_path / "v3.zip", {"manifest.json": orjson.dumps(manifest)})
    error = _refused(
        run,
        target,
        path,
        "manifest.json: archive format version 3 is newer than this pds reads (2); upgrade pds",
    )
    assert error.details["reason"] == "future_version"


@BOTH
def test_a_schema_invalid_record(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    data = members(archive)["data/purchases.json"]
    lines = data_lines(data)
    record = orjson.loads(lines[2].rstrip(b","))
    record["total"] = 12.5
    bad = data.replace(lines[2], orjson.dumps(record, option=orjson.OPT_SORT_KEYS) + b",")
    path = rezip(archive, tmp_path / "bad.zip", {"data/purchases.json": bad})
    error = _refused(
        run,
        target,
        path,
        f"data/purchases.json: record 3 (id {record['id']}) does not match the purchases "
        'schema: total: 12.5 is not of type "string"',
    )
    assert error.details["record"] == 3 and error.details["id"] == record["id"]


@BOTH
def test_a_record_with_an_unknown_field(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    data = members(archive)["data/relationships.json"]
    first = data_lines(data)[0]
    record = orjson.loads(first.rstrip(b","))
    bad = data.replace(first, first.replace(b'{"', b'{"sneaky":1,"', 1))
    path = rezip(archive, tmp_path / "bad.zip", {"data/relationships.json": bad})
    message = _refused(run, target, path, _message_of(run, target, path)).message
    assert message.startswith(f"data/relationships.json: record 1 (id {record['id']}) does not")
    assert "sneaky" in message


def _message_of(run: Run, store: Store, path: Path) -> str:
    with pytest.raises(ArchiveInvalid) as refused:
        run(store, path, None)
    return refused.value.message


@BOTH
def test_a_broken_audit_chain(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    log = members(archive)["audit/audit.jsonl"].splitlines(keepends=True)
    del log[1]  # an entry removed: the next one's prev no longer matches
    path = rezip(archive, tmp_path / "a.zip", {"audit/audit.jsonl": b"".join(log)})
    _refused(run, target, path, "audit/audit.jsonl: entry 2 is out of place")
    second = orjson.loads(log[1])
    second["seq"] = 2
    log[1] = orjson.dumps(second) + b"\n"
    path = rezip(archive, tmp_path / "b.zip", {"audit/audit.jsonl": b"".join(log)})
    _refused(run, target, path, "audit/audit.jsonl: the hash chain is broken at entry 2")


@BOTH
def test_records_out_of_order(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    data = members(archive)["data/purchases.json"]
    lines = data_lines(data)
    swapped = [lines[1], lines[0], *lines[2:]]
    body = b"[\n" + b"\n".join(swapped) + b"\n]\n"
    path = rezip(archive, tmp_path / "o.zip", {"data/purchases.json": body})
    second = orjson.loads(lines[0].rstrip(b","))
    _refused(
        run,
        target,
        path,
        f"data/purchases.json: record 2 (id {second['id']}): out of order (or its id came before)",
    )


@BOTH
def test_a_count_that_differs_from_the_manifest(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    manifest = orjson.loads(members(archive)["manifest.json"])
    manifest["collections"]["purchases"]["count"] = 13
    path = rezip(archive, tmp_path / "n.zip", {"manifest.json": orjson.dumps(manifest)})
    _refused(run, target, path, "data/purchases.json: holds 12 records, the manifest says 13")


@BOTH
def test_a_missing_and_an_extra_member(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    path = rezip(archive, tmp_path / "m.zip", {"csv/purchases.csv": None}, fix_manifest=False)
    _refused(run, target, path, "csv/purchases.csv: missing from the archive")
    path = rezip(archive, tmp_path / "x.zip", {"data/evil.txt": b"x"}, fix_manifest=False)
    _refused(run, target, path, "data/evil.txt: not a member this archive's manifest describes")


@BOTH
def test_an_unknown_collection(run: Run, archive: Path, target: Store, tmp_path: Path) -> None:
    manifest = orjson.loads(members(archive)["manifest.json"])
    manifest["collections"]["gadgets"] = {"count": 0, "order": ["id"]}
    changes = {
        "data/gadgets.json": b"[\n]\n",
        "csv/gadgets.csv": b"id\r\n",
        "schema/gadgets.schema.json": b"{}",
    }
    rezip(archive, tmp_path / "step.zip", changes, fix_manifest=False)
    fixed = orjson.loads(members(tmp_path / "step.zip")["manifest.json"])
    fixed["collections"] = manifest["collections"]
    for name, data in changes.items():
        fixed["files"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    path = rezip(tmp_path / "step.zip", tmp_path / "u.zip", {"manifest.json": orjson.dumps(fixed)})
    _refused(run, target, path, "data/gadgets.json: this pds keeps no collection 'gadgets'")


SMALL_CHUNK = 1024


@pytest.fixture
def sealed(archive: Path, tmp_path: Path) -> Path:
    """The archive encrypted in small chunks (so that it has many)."""
    path = tmp_path / "sealed.zip.enc"
    with path.open("wb") as out:
        writer = EncryptingWriter(out, ARCHIVE_PASSPHRASE, CHEAP_N, chunk_size=SMALL_CHUNK)
        writer.write(archive.read_bytes())
        writer.close()
    return path


@BOTH
def test_a_wrong_passphrase(run: Run, sealed: Path, target: Store) -> None:
    error = _refused(run, target, sealed, "sealed.zip.enc: wrong passphrase", "not the passphrase")
    assert error.details["reason"] == "wrong_passphrase"


@BOTH
def test_no_passphrase_for_an_encrypted_archive(run: Run, sealed: Path, target: Store) -> None:
    _refused(run, target, sealed, "sealed.zip.enc: the archive is encrypted: give its passphrase")


@BOTH
@pytest.mark.parametrize("cut", [1, SMALL_CHUNK + TAG, 5000])
def test_a_truncated_encrypted_archive(
    run: Run, cut: int, sealed: Path, target: Store, tmp_path: Path
) -> None:
    data = sealed.read_bytes()
    assert len(data) > 10 * (SMALL_CHUNK + TAG)
    short = tmp_path / "short.enc"
    short.write_bytes(data[:-cut])
    _refused(
        run, target, short, "short.enc: the encrypted archive is truncated", ARCHIVE_PASSPHRASE
    )


@BOTH
def test_a_tampered_encrypted_chunk(run: Run, sealed: Path, target: Store, tmp_path: Path) -> None:
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0x01
    bad = tmp_path / "bad.enc"
    bad.write_bytes(bytes(data))
    message = _message_of_encrypted(run, target, bad)
    assert re.fullmatch(
        r"bad\.enc: the encrypted archive is damaged \(chunk \d+ is not authentic\)", message
    )
    _refused(run, target, bad, message, ARCHIVE_PASSPHRASE)


def _message_of_encrypted(run: Run, store: Store, path: Path) -> str:
    with pytest.raises(ArchiveInvalid) as refused:
        run(store, path, ARCHIVE_PASSPHRASE)
    return refused.value.message


def test_restore_refuses_a_store_that_holds_records(
    source: Services, archive: Path, tmp_path: Path
) -> None:
    before = digest(source.store.home)
    with pytest.raises(Conflict) as refused:
        restore(source.store, archive)
    assert refused.value.message == (
        "the store already holds records (clients: 1, interactions: 12, preferences: 2, "
        "profile: 1, purchases: 12, relationships: 2, subscriptions: 1); restore into a new "
        "store (pds init) or merge with --merge"
    )
    assert digest(source.store.home) == before


def _zip_with(target: Path, contents: list[tuple[str, bytes]]) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of a name twice
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in contents:
                archive.writestr(name, data)
    return target


@BOTH
def test_a_member_name_that_comes_twice(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    """Two members of one name: zip readers disagree on which one counts (this one would
    read the second, another tool the first), so the archive is refused."""
    contents = members(archive)
    data = contents["data/purchases.json"]
    lines = data_lines(data)
    other = b"[\n" + lines[0].rstrip(b",") + b"\n]\n"
    twice = [("data/purchases.json", other), *contents.items()]
    path = _zip_with(tmp_path / "twice.zip", twice)
    error = _refused(
        run, target, path, "data/purchases.json: comes 2 times in the archive; a member comes once"
    )
    assert error.details["file"] == "data/purchases.json"


@BOTH
def test_a_record_beyond_the_domains_limits(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    """A total of 100,000 digits is a string of digits, but no amount pds would keep: the
    schema the importer checks carries the domain's limits (12 integer digits, 6 places)."""
    data = members(archive)["data/purchases.json"]
    lines = data_lines(data)
    record = orjson.loads(lines[2].rstrip(b","))
    record["total"] = "9" * 100_000
    bad = data.replace(lines[2], orjson.dumps(record) + b",")
    path = rezip(archive, tmp_path / "huge.zip", {"data/purchases.json": bad})
    error = _refused(run, target, path, _message_of(run, target, path))
    assert error.message.startswith(
        f"data/purchases.json: record 3 (id {record['id']}) does not match the purchases "
        'schema: total: "999999999'
    )
    assert "(100002 characters) does not match" in error.message and len(error.message) < 300
    record["total"] = "1.1234567"  # seven places
    bad = data.replace(lines[2], orjson.dumps(record) + b",")
    path = rezip(archive, tmp_path / "places.zip", {"data/purchases.json": bad})
    assert "total" in _refused(run, target, path, _message_of(run, target, path)).message


@BOTH
def test_a_member_that_unpacks_far_beyond_its_packed_size(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    """A zip bomb: 16 MiB of zeros pack into some 16 KiB. Its checksum and size in the
    manifest are right, so only the ratio refuses it, after the first few MiB are read."""
    bomb = bytes(16 << 20)
    path = rezip(archive, tmp_path / "bomb.zip", {"README.txt": bomb})
    _refused(
        run,
        target,
        path,
        "README.txt: unpacks to more than 100 times its packed size (a zip bomb?)",
    )


@BOTH
def test_an_archive_that_unpacks_beyond_the_limit(
    run: Run, archive: Path, target: Store, tmp_path: Path
) -> None:
    """2 MiB that do not pack (random bytes) in an archive limited to 1 MiB."""
    noise = os.urandom(2 << 20)
    path = rezip(archive, tmp_path / "big.zip", {"README.txt": noise})
    limited = functools.partial(run, max_unpacked=1 << 20)
    error = _refused(
        limited,
        target,
        path,
        "big.zip: unpacks to more than 1 MiB, the most this pds imports "
        "(PDS_ARCHIVE_MAX_UNPACKED_MIB)",
    )
    assert error.details == {"file": "big.zip", "limit_bytes": 1 << 20}
