"""Zip members deflated by ISA-L: what zipfile (any zip reader) reads back, CRC checked."""

from __future__ import annotations

import io
import os
import zipfile

from isal import isal_zlib

from pds.services.archive.deflate import open_member


def test_members_are_deflated_by_isal_and_read_back_by_zipfile() -> None:
    data = os.urandom(50_000) + b'{"id":"x","total":"1.00"},\n' * 20_000
    out = io.BytesIO()
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        open_member(archive, "data/x.json") as member,
    ):
        compressor = member._compressor  # type: ignore[attr-defined]
        assert type(compressor) is type(isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15))
        for start in range(0, len(data), 65_536):
            member.write(data[start : start + 65_536])
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.testzip() is None  # every member's CRC
        info = archive.getinfo("data/x.json")
        assert info.compress_type == zipfile.ZIP_DEFLATED and info.compress_size < len(data)
        assert archive.read("data/x.json") == data
