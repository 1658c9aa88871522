"""The CSV mapping (columns from the schema, flattening, formula guard) and the encrypted
envelope (chunks, their order, the final flag, the header)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from pds.errors import ArchiveInvalid
from pds.services import Services
from pds.services.archive.csv_mapping import csv_plan
from pds.services.archive.envelope import MAGIC, DecryptingReader, EncryptingWriter
from pds.tabular import workers as workers_module

from .archivekit import export_to, members

PASS = "envelope passphrase"


def test_purchase_columns_follow_the_schema() -> None:
    mapping = csv_plan("purchases")
    assert mapping.columns == [
        "id", "vendor_id", "date", "order_ref", "items", "total", "currency", "category",
        "tags", "notes", "source", "status", "created_at", "updated_at",
    ]  # fmt: skip


def test_nested_objects_become_dotted_columns_and_plain_records_one_json_column() -> None:
    profile = csv_plan("profile")
    assert "address.locality" in profile.columns and "address" not in profile.columns
    row = dict(
        zip(profile.columns, profile.row({"id": "p", "address": {"locality": "B"}}), strict=True)
    )
    assert row["address.locality"] == "B" and row["name"] == ""
    grants = csv_plan("grants")
    assert grants.columns == ["id", "record"]
    assert grants.row({"id": "g1", "status": "active", "n": 2}) == [
        "g1",
        '{"status":"active","n":2}',
    ]


def test_the_csv_in_an_archive_reads_back_with_the_csv_module(archive: Path) -> None:
    text = members(archive)["csv/purchases.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 12
    first = rows[0]
    assert first["tags"] == "food; weekly" and first["currency"] == "EUR"
    assert first["notes"] == '\'=HYPERLINK("x")'


def _sealed(data: bytes, chunk: int = 100) -> io.BytesIO:
    out = io.BytesIO()
    writer = EncryptingWriter(out, PASS, 2**10, chunk_size=chunk)
    writer.write(data)
    writer.close()
    out.seek(0)
    return out


@pytest.mark.parametrize("size", [0, 1, 99, 100, 101, 1000, 12345])
def test_the_envelope_round_trips_and_seeks(size: int) -> None:
    data = os.urandom(size)
    reader = DecryptingReader(_sealed(data), PASS, "x")
    assert reader.read() == data
    if size > 10:
        reader.seek(size // 2)
        assert reader.read(7) == data[size // 2 : size // 2 + 7]
        reader.seek(-3, io.SEEK_END)
        assert reader.read() == data[-3:]


def test_reordered_chunks_are_refused() -> None:
    sealed = _sealed(os.urandom(1000)).getvalue()
    start = len(MAGIC) + 4 + int.from_bytes(sealed[len(MAGIC) : len(MAGIC) + 4], "big")
    first, second = sealed[start : start + 116], sealed[start + 116 : start + 232]
    swapped = sealed[:start] + second + first + sealed[start + 232 :]
    reader = DecryptingReader(io.BytesIO(swapped), PASS, "x.enc")
    with pytest.raises(ArchiveInvalid) as refused:
        reader.read()
    assert (
        refused.value.message
        == "x.enc: the encrypted archive is damaged (chunk 0 is not authentic)"
    )


def test_a_changed_header_is_refused() -> None:
    sealed = _sealed(os.urandom(300)).getvalue()
    changed = sealed.replace(b'"chunk_size":100', b'"chunk_size":101')
    with pytest.raises(ArchiveInvalid) as refused:
        DecryptingReader(io.BytesIO(changed), PASS, "x.enc")
    assert refused.value.message == "x.enc: the encrypted archive is truncated"


def test_not_an_encrypted_archive() -> None:
    with pytest.raises(ArchiveInvalid) as refused:
        DecryptingReader(io.BytesIO(b"PK\x03\x04 plain zip"), PASS, "a.zip")
    assert refused.value.message == "a.zip: not an encrypted pds archive"


def test_csv_worker_processes_write_the_same_archive_as_this_process(
    source: Services, tmp_path: Path
) -> None:
    purchases = source.store.collection("purchases")
    vendor = "0190f1e2-3c4d-7e8f-9a0b-1c2d3e4f5a6b"
    purchases.insert_many(
        {
            "vendor_id": vendor,
            "date": f"2023-{1 + n % 12:02d}-{1 + n % 28:02d}",
            "currency": "EUR",
            "total": f"{n}.00",
            "tags": ["bulk"] if n % 3 else [],
            "notes": "=1+1" if n % 500 == 0 else None,
            "items": [{"description": f"thing {n}", "quantity": "1", "unit_price": f"{n}.00"}],
        }
        for n in range(2500)
    )
    inline, workers = tmp_path / "inline.zip", tmp_path / "workers.zip"
    export_to(source.store, inline, csv_workers=0)
    export_to(source.store, workers, csv_workers=2)
    made_inline, made_by_workers = members(inline), members(workers)
    for name in ("csv/purchases.csv", "data/purchases.json"):
        assert made_by_workers[name] == made_inline[name]
    assert made_inline["csv/purchases.csv"].count(b"\r\n") == 2513  # header, 12 + 2500


def test_without_worker_processes_the_export_converts_in_process(
    source: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source.store.collection("purchases").insert_many(
        {"date": "2023-01-01", "currency": "EUR", "total": f"{n}.00"} for n in range(1500)
    )
    monkeypatch.setattr(workers_module, "WORKER_COMMAND", ("/nonexistent/python",))
    manifest = export_to(source.store, tmp_path / "a.zip", csv_workers=2)
    assert manifest.collections["purchases"].count == 1512
    assert members(tmp_path / "a.zip")["csv/purchases.csv"].count(b"\r\n") == 1513
