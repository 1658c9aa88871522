"""Round trip: export -> restore into a new store -> export gives byte-identical data/ files.

Property-based over generated stores: records made through the services (so they are
what pds really stores) and raw records of arbitrary JSON in the plain collections.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pds.services import Services
from pds.services.archive import restore
from pds.services.collections import SPECS
from pds.services.identity.credentials import OwnerCredentials
from pds.store import ScryptParams, Store
from tests.services.conftest import FakeClock

from .archivekit import (
    ARCHIVE_PASSPHRASE,
    CHEAP_N,
    OWNER_PASSWORD,
    PASSPHRASE,
    export_to,
    members,
)

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
NAMES = st.text(alphabet="abcdefghij ÄÖÜßéç€漢字", min_size=1, max_size=16).filter(str.strip)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
RAW = st.dictionaries(st.text(alphabet="abcdefgh_", min_size=1, max_size=6).map("x_".__add__), JSON)
PURCHASE = st.fixed_dictionaries(
    {
        "date": st.dates().map(lambda d: d.replace(year=2000 + d.year % 30).isoformat()),
        "total": st.integers(0, 10**7).map(lambda cents: f"{cents // 100}.{cents % 100:02d}"),
        "tags": st.lists(st.sampled_from(["food", "gift", "travel", "home"]), max_size=3),
    },
    optional={"notes": NAMES, "category": st.sampled_from(["groceries", "books", "tools"])},
)
STORES = st.fixed_dictionaries(
    {
        "vendors": st.lists(NAMES, min_size=1, max_size=3),
        "purchases": st.lists(PURCHASE, max_size=12),
        "preferences": st.dictionaries(
            st.sampled_from(["clothing.size", "diet.avoid", "contact.hours"]),
            st.one_of(NAMES, st.lists(NAMES, max_size=3), st.integers(0, 99), st.booleans()),
        ),
        "grants": st.lists(RAW, max_size=5),
        "terms": st.lists(RAW, max_size=3),
    }
)


def _build(services: Services, data: dict[str, Any]) -> None:
    vendors = [
        services.relationships.add({"kind": "vendor", "name": name})["id"]
        for name in data["vendors"]
    ]
    for n, purchase in enumerate(data["purchases"]):
        services.purchases.add(
            {**purchase, "vendor_id": vendors[n % len(vendors)], "currency": "EUR"}
        )
    for key, value in data["preferences"].items():
        services.preferences.set(key, value)
    if len(vendors) > 1:  # the undo of a merge travels with the owner's records
        services.merges.merge(vendors[0], vendors[-1])
    store = services.store
    for n, raw in enumerate(data["grants"]):
        store.collection("grants").insert({**raw, "id": f"grant-{n}", "status": "active"})
    for n, raw in enumerate(data["terms"]):
        store.collection("terms").insert({**raw, "id": f"terms-{n}", "version": n + 1})


def _bare(home: Path) -> Store:
    """A new store without the password and key ``pds init`` adds (quicker to make)."""
    return Store.create(home, PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=CHEAP_N))


def _data_members(path: Path) -> dict[str, bytes]:
    return {name: data for name, data in members(path).items() if name.startswith("data/")}


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=STORES)
def test_export_restore_export_gives_identical_data_files(
    tmp_path_factory: pytest.TempPathFactory, data: dict[str, Any]
) -> None:
    base = tmp_path_factory.mktemp("roundtrip")
    source = _bare(base / "a")
    with source.transaction():
        _build(Services(source, clock=FakeClock()), data)
    export_to(source, base / "first.zip")
    target = _bare(base / "b")
    try:
        report = restore(target, base / "first.zip")
        export_to(target, base / "second.zip")
        assert _data_members(base / "first.zip") == _data_members(base / "second.zip")
        assert report.counts["purchases"]["created"] == len(data["purchases"])
        for name in ("purchases", "grants", "terms", "relationships", "preferences", "merges"):
            assert list(target.collection(name).scan_ordered()) == list(
                source.collection(name).scan_ordered()
            )
    finally:
        source.close()
        target.close()


def test_restore_keeps_the_new_stores_password_and_continues_the_audit_chain(
    source: Services, archive: Path, target: Any
) -> None:
    *source_events, exported = [e.event for e in source.store.audit.entries(descending=False)]
    assert exported["action"] == "archive.export"  # written after the archive was made
    report = restore(target, archive)
    assert OwnerCredentials(target).verify_password(OWNER_PASSWORD)
    events = [e.event for e in target.audit.entries(descending=False)]
    assert events[: len(source_events)] == source_events
    assert events[-1]["action"] == "archive.restore"
    assert target.audit.verify() == len(source_events) + 1
    assert report.audit_entries == len(source_events)
    assert len(target.collection("signing_keys")) == 1


def test_an_encrypted_archive_with_secrets_restores_them(
    source: Services, tmp_path: Path, target: Any
) -> None:
    OwnerCredentials(source.store).set_password("the source's password")
    path = tmp_path / "secret.zip.enc"
    export_to(source.store, path, passphrase=ARCHIVE_PASSPHRASE, include_secrets=True)
    report = restore(target, path, ARCHIVE_PASSPHRASE)
    assert report.counts["credentials"]["created"] == 1
    assert OwnerCredentials(target).verify_password("the source's password")
    assert not OwnerCredentials(target).verify_password(OWNER_PASSWORD)
    assert target.collection("clients").get("shop-client")["secret_hash"]
    assert target.collection("provider").get("pairwise-salt")["salt"] == "5a17" * 16


def test_the_restored_store_reopens_with_everything(
    source: Services, archive: Path, target: Any, target_home: Path
) -> None:
    restore(target, archive)
    counts = {name: len(c) for name, c in target.collections.items()}
    target.close()
    reopened = Store.open(target_home, PASSPHRASE, specs=SPECS)
    try:
        assert {name: len(c) for name, c in reopened.collections.items()} == counts
        assert counts["purchases"] == 12
        reopened.audit.verify()
    finally:
        reopened.close()
