"""The archive's zip writer: stream-zip, given ISA-L through its ``get_compressobj``
parameter, on a thread of its own; read back by zipfile and by Info-ZIP's unzip."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import stat
import struct
import subprocess
import threading
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pds.services.archive.zipstream import CHUNK, ZipWriter, isal_compressobj

WHEN = datetime(2026, 12, 1, 10, 30, 0, tzinfo=UTC)
LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # a zip member's local header


def sample(size: int) -> bytes:
    """JSON-like lines and some noise: ``size`` bytes, a whole number of chunks."""
    lines = b'{"id":"0190a","total":"1.00","tags":["food"]},\n' * (size // 48 + 1)
    return (os.urandom(5_000) + lines)[:size]


def write_zip(sink: io.RawIOBase | io.BytesIO, members: dict[str, bytes]) -> dict[str, dict]:
    facts = {}
    with ZipWriter(sink, WHEN) as archive:
        for name, data in members.items():
            member = archive.open(name)
            for start in range(0, len(data), CHUNK):
                member.write(data[start : start + CHUNK])
            facts[name] = member.close()
    return facts


def deflated_bytes(zipped: bytes, info: zipfile.ZipInfo) -> bytes:
    """The member's deflate stream as it lies in the zip (after its local header)."""
    header = LOCAL_HEADER.unpack_from(zipped, info.header_offset)
    start = info.header_offset + LOCAL_HEADER.size + header[-2] + header[-1]
    return zipped[start : start + info.compress_size]


def isal_deflate(data: bytes) -> bytes:
    compressor = isal_compressobj()
    pieces = [compressor.compress(data[at : at + CHUNK]) for at in range(0, len(data), CHUNK)]
    return b"".join(pieces) + compressor.flush()


def test_members_are_deflated_by_isal_through_stream_zips_public_hook() -> None:
    data = sample(5 * CHUNK)
    out = io.BytesIO()
    write_zip(out, {"data/x.json": data})
    zipped = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        info = archive.getinfo("data/x.json")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < len(data)
        # byte for byte what ISA-L's compressor makes of these chunks, not zlib's
        assert deflated_bytes(zipped, info) == isal_deflate(data)
        assert archive.read("data/x.json") == data


def test_zipfile_reads_every_member_with_its_hash_size_mode_and_date() -> None:
    members = {"README.txt": b"hello\n", "data/a.json": sample(3 * CHUNK), "empty.txt": b""}
    out = io.BytesIO()
    facts = write_zip(out, members)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.testzip() is None  # every member's CRC
        assert archive.namelist() == list(members)
        for name, data in members.items():
            assert archive.read(name) == data
            assert facts[name] == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            info = archive.getinfo(name)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o600
            assert info.date_time == (2026, 12, 1, 10, 30, 0)


@pytest.mark.skipif(shutil.which("unzip") is None, reason="Info-ZIP's unzip is not installed")
def test_info_zips_unzip_tests_and_extracts_the_zip(tmp_path: Path) -> None:
    members = {"data/a.json": sample(2 * CHUNK), "audit/audit.jsonl": b'{"seq":1}\n'}
    path = tmp_path / "archive.zip"
    with path.open("wb") as handle:
        write_zip(handle, members)
    tested = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "No errors detected" in tested.stdout
    subprocess.run(["unzip", "-q", str(path), "-d", str(tmp_path / "out")], check=True)
    assert (tmp_path / "out/data/a.json").read_bytes() == members["data/a.json"]


class FailingSink(io.RawIOBase):
    """A sink that breaks (a full disk, a closed download) after ``limit`` bytes."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.written = limit, 0

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        size = len(data)  # type: ignore[arg-type]
        if self.written + size > self.limit:
            raise OSError(28, "No space left on device")
        self.written += size
        return size


def test_an_error_of_the_sink_reaches_the_exporting_thread() -> None:
    with pytest.raises(OSError, match="No space left"):
        write_zip(FailingSink(CHUNK), {"data/a.json": os.urandom(20 * CHUNK)})


def test_an_error_of_the_sink_at_the_central_directory_is_raised_by_close() -> None:
    # A small zip goes out as one piece, after the last member: while ``close`` waits.
    with pytest.raises(OSError, match="No space left"):
        write_zip(FailingSink(100), {"README.txt": b"hello\n"})


def test_an_error_of_the_exporter_abandons_the_zip_unfinished() -> None:
    out = io.BytesIO()
    with pytest.raises(RuntimeError, match="reading failed"), ZipWriter(out, WHEN) as archive:
        member = archive.open("data/a.json")
        member.write(os.urandom(3 * CHUNK))
        raise RuntimeError("reading failed")
    assert not any(thread.name == "pds-archive-zip" for thread in threading.enumerate())
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(out.getvalue()))  # no central directory: not a zip


def test_one_member_at_a_time() -> None:
    with ZipWriter(io.BytesIO(), WHEN) as archive:
        first = archive.open("a")
        with pytest.raises(RuntimeError, match="a is still open"):
            archive.open("b")
        first.close()
