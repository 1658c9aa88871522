"""The CSV mapping (columns from the schema, flattening, formula guard) and the encrypted
envelope (chunks, their order, the final flag, the header)."""

from __future__ import annotations

import base64
import csv
import io
import os
from pathlib import Path

import pytest

from pds.errors import ArchiveInvalid
from pds.services import Services
from pds.services.archive.csv_mapping import Shape, table_plan
from pds.services.archive.envelope import MAGIC, DecryptingReader, EncryptingWriter
from pds.services.archive.schemas import json_schema
from pds.services.archive.shapes import inferred_schema
from pds.tabular import CsvPlan
from pds.tabular import workers as workers_module

from .archivekit import export_to, members

PASS = "envelope passphrase"


def _plan(collection: str, order_by: str | None = None) -> CsvPlan:
    return table_plan(Shape(collection, json_schema(collection), order_by))


def test_purchase_columns_follow_the_schema() -> None:
    plan = _plan("purchases", "date")
    assert plan.main.column_names == [
        "id", "vendor_id", "vendor_name", "date", "order_ref", "total", "currency", "category",
        "tags", "notes", "source", "status", "created_at", "updated_at",
    ]  # fmt: skip
    assert [table.name for table in plan.tables] == ["purchases", "purchase_items", "purchase_tags"]
    assert plan.tables[1].column_names == [
        "purchase_id", "vendor_name", "date", "position",
        "description", "quantity", "unit_price", "currency", "sku",
    ]  # fmt: skip


def test_a_day_or_instant_field_is_split_into_a_day_and_an_instant_column() -> None:
    plan = _plan("interactions", "date")
    records = [{"id": "a", "date": "2026-11-14"}, {"id": "b", "date": "2026-08-17T09:30:21Z"}]
    rows = plan.rows(plan.main, records)
    at = plan.main.column_names.index("date")
    assert plan.main.column_names[at : at + 2] == ["date", "date_time"]
    assert [row[at : at + 2] for row in rows] == [
        ["2026-11-14", ""],
        ["2026-08-17", "2026-08-17T09:30:21Z"],
    ]


def test_nested_objects_become_dotted_columns_and_plain_records_inferred_columns() -> None:
    profile = _plan("profile")
    assert "address.locality" in profile.main.column_names
    assert "address" not in profile.main.column_names
    row = dict(
        zip(
            profile.main.column_names,
            profile.rows(profile.main, [{"id": "p", "address": {"locality": "B"}}])[0],
            strict=True,
        )
    )
    assert row["address.locality"] == "B" and row["name"] == ""
    records = [
        {
            "id": "g1",
            "client_id": "c1",
            "status": "active",
            "scopes": ["a", "b"],
            "at": "2026-01-02",
        },
        {"id": "g2", "client_id": "c2", "status": "revoked", "at": "2026-01-03T04:05:06Z"},
    ]
    grants = table_plan(
        Shape("grants", inferred_schema(records)), {"clients.client_name": {"c1": "Shop"}}
    )
    assert grants.main.column_names == [
        "id", "client_id", "client_name", "status", "scopes", "at", "at_time", "_extra",
    ]  # fmt: skip
    assert grants.rows(grants.main, records)[0] == [
        "g1", "c1", "Shop", "active", "a; b", "2026-01-02", "", "",
    ]  # fmt: skip
    assert [table.name for table in grants.tables] == ["grants", "grant_scopes"]


def test_a_lists_table_never_takes_a_collections_name() -> None:
    shape = Shape("purchases", json_schema("purchases"), "date")
    plan = table_plan(shape, reserved=frozenset({"purchases", "purchase_items"}))
    assert [t.name for t in plan.tables] == ["purchases", "purchases__items", "purchase_tags"]


def test_binary_fields_stay_out_of_the_tables() -> None:
    photo = base64.b64encode(os.urandom(600)).decode()
    records = [{"id": "p1", "relationship_id": "r1", "bytes": photo, "type": "image/jpeg"}]
    plan = table_plan(Shape("photos", inferred_schema(records)))
    assert plan.main.column_names == ["id", "relationship_id", "type", "_extra"]
    assert plan.rows(plan.main, records) == [["p1", "r1", "image/jpeg", ""]]


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
    tables = [name for name in made_inline if name.startswith("csv/purchase")]
    assert tables == ["csv/purchases.csv", "csv/purchase_items.csv", "csv/purchase_tags.csv"]
    for name in (*tables, "data/purchases.json"):
        assert made_by_workers[name] == made_inline[name]
    assert made_inline["csv/purchases.csv"].count(b"\r\n") == 2513  # header, 12 + 2500
    assert made_inline["csv/purchase_items.csv"].count(b"\r\n") == 2501  # an item each
    assert b'"2023-01-01","1","thing 0","1","0.00"' in made_inline["csv/purchase_items.csv"]


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
