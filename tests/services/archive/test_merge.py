"""Merge by id into a store that holds data: new records added, changed ones by the later
``updated_at``, secrets never merged, and a second merge of the same archive changes
nothing at all (the store directory hashes the same)."""

from __future__ import annotations

from pathlib import Path

from pds.services import Services
from pds.services.archive import merge, restore
from pds.store import Store

from .archivekit import digest, export_to


def test_merging_into_the_source_itself_changes_nothing(source: Services, archive: Path) -> None:
    before = digest(source.store.home)
    report = merge(source.store, archive)
    assert report.changed == 0
    assert report.counts["purchases"] == {"created": 0, "unchanged": 12}
    assert report.skipped == {}  # secrets were not in the archive
    assert digest(source.store.home) == before


def test_merge_adds_updates_and_keeps_then_a_second_merge_changes_nothing(
    source: Services, archive: Path, target: Store, clock, tmp_path: Path
) -> None:
    restore(target, archive)
    mine = Services(target, clock=clock)
    vendor = source.relationships.list(kind="vendor").items[0]
    purchases = source.purchases.list().items
    clock.advance(days=1)
    newer_there = source.purchases.update(purchases[0]["id"], {"notes": "changed in the archive"})
    clock.advance(days=1)
    newer_here = mine.purchases.update(purchases[1]["id"], {"notes": "changed here, later"})
    source.purchases.update(purchases[1]["id"], {"notes": "changed there, earlier"})
    added = source.purchases.add(
        {"vendor_id": vendor["id"], "date": "2025-02-02", "currency": "EUR", "total": "3.00"}
    )
    later = tmp_path / "later.zip"
    export_to(source.store, later)

    report = merge(target, later)
    assert report.counts["purchases"] == {"created": 1, "updated": 1, "kept": 1, "unchanged": 10}
    assert target.collection("purchases").get(added["id"]) == added
    assert target.collection("purchases").get(newer_there["id"]) == newer_there
    assert target.collection("purchases").get(newer_here["id"]) == newer_here
    events = [e.event for e in target.audit.entries()]
    assert events[0] == {"actor": "owner", "action": "archive.merge", "count": report.changed}

    before = digest(target.home)
    again = merge(target, later)
    assert again.changed == 0
    assert digest(target.home) == before


def test_merge_keeps_the_stores_secret_fields_and_skips_secret_collections(
    source: Services, target: Store, tmp_path: Path
) -> None:
    with_secrets = tmp_path / "secrets.zip.enc"
    export_to(source.store, with_secrets, passphrase="archive passphrase 1", include_secrets=True)
    plain = tmp_path / "plain.zip"
    export_to(source.store, plain)
    target.collection("clients").insert(
        {"id": "shop-client", "client_name": "Shop", "status": "active", "secret_hash": "mine"}
    )
    report = merge(target, plain)
    assert target.collection("clients").get("shop-client")["secret_hash"] == "mine"
    assert report.counts["clients"] == {"created": 0, "unchanged": 1}
    passwords = list(target.collection("credentials").scan_ordered())
    report = merge(target, with_secrets, "archive passphrase 1")
    assert set(report.skipped) == {"credentials", "signing_keys", "provider", "tokens", "codes"}
    assert list(target.collection("credentials").scan_ordered()) == passwords
    assert len(target.collection("provider")) == 0
