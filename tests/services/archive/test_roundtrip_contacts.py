"""Round trip of what contact files carry: import vCards, export, restore into a new
store; birthdays, addresses, work, nicknames, related people and photos come back equal."""

from __future__ import annotations

import base64
import csv
import io
from pathlib import Path

import orjson

from pds.services import Services
from pds.services.archive import restore
from pds.services.importers.vcard import import_vcard
from pds.store import Store
from tests.services.conftest import FakeClock

from .archivekit import export_to, members, new_store

DATA = Path(__file__).resolve().parents[2] / "data"
KEPT = ("kind", "name", "birthday", "anniversaries", "addresses", "organisation", "title")
KEPT_TOO = ("nicknames", "related", "emails", "phones", "urls", "notes", "tags")


def test_contacts_and_photos_survive_export_and_restore(tmp_path: Path, target: Store) -> None:
    source_store = new_store(tmp_path / "source")
    source = Services(source_store, clock=FakeClock())
    import_vcard(source, DATA / "google_contacts.vcf")
    import_vcard(source, DATA / "contacts_v4.vcf")
    archive = tmp_path / "contacts.zip"
    export_to(source_store, archive)

    report = restore(target, archive)
    assert report.counts["photos"]["created"] == 2
    restored = Services(target)
    before = {r["id"]: r for r in source.relationships.all_records()}
    after = {r["id"]: r for r in restored.relationships.all_records()}
    assert after.keys() == before.keys()
    for record_id, record in before.items():
        for name in (*KEPT, *KEPT_TOO):
            assert after[record_id].get(name) == record.get(name), (record["name"], name)
        assert restored.photos.photo_of(record_id) == source.photos.photo_of(record_id)
    maria = next(r for r in after.values() if r["name"] == "Maria Santos")
    assert maria["birthday"] == "1985-04-12" and maria["nicknames"] == ["Mia", "Mimi"]
    photo = restored.photos.photo_of(maria["id"])
    assert photo is not None and photo.data.startswith(b"\xff\xd8\xff")
    source_store.close()


def test_the_archive_carries_photos_in_data_and_their_fields_in_csv(tmp_path: Path) -> None:
    source_store = new_store(tmp_path / "source")
    source = Services(source_store, clock=FakeClock())
    import_vcard(source, DATA / "contacts_v4.vcf")
    archive = tmp_path / "contacts.zip"
    export_to(source_store, archive)
    source_store.close()
    files = members(archive)
    photos = orjson.loads(files["data/photos.json"])
    assert [(p["media_type"], p["size"]) for p in photos] == [("image/png", 144)]
    assert base64.b64decode(photos[0]["data"]).startswith(b"\x89PNG")
    header, row = list(csv.reader(io.StringIO(files["csv/photos.csv"].decode("utf-8-sig"))))
    assert "data" not in header  # bytes stay out of the tables (docs/archive.md)
    assert row[header.index("media_type")] == "image/png"
    addresses = files["csv/relationship_addresses.csv"].decode("utf-8-sig")
    assert "Rua de Santa Catarina 200" in addresses  # a list of objects: its own table
