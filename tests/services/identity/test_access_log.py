"""What a vendor has seen: running totals, folded in from the audit log as it grows."""

from __future__ import annotations

from pathlib import Path

import pytest

from pds.errors import IntegrityError
from pds.services import Services
from pds.store import Store


def call(services: Services, client: str, endpoint: str, count: int) -> None:
    services.access_log.record_call(client, f"grant-of-{client}", endpoint, count)


def test_seen_by_totals_each_vendors_calls(services: Services) -> None:
    call(services, "shop", "/api/v1/purchases", 3)
    call(services, "other", "/api/v1/purchases", 7)
    call(services, "shop", "/api/v1/preferences", 2)
    services.store.audit.append({"actor": "owner", "action": "grant.revoke"})

    seen = services.access_log.seen_by("shop")

    assert (seen.calls, seen.records) == (2, 5)
    assert seen.by_endpoint == {"/api/v1/purchases": 3, "/api/v1/preferences": 2}
    assert seen.first is not None and seen.first <= str(seen.last)
    assert services.access_log.seen_by("nobody").calls == 0


def test_later_calls_are_added_to_the_totals(services: Services) -> None:
    call(services, "shop", "/api/v1/purchases", 3)
    assert services.access_log.seen_by("shop").records == 3
    call(services, "shop", "/api/v1/purchases", 4)
    call(services, "shop", "/api/v1/me", 1)

    seen = services.access_log.seen_by("shop")

    assert (seen.calls, seen.records) == (3, 8)
    assert seen.by_endpoint == {"/api/v1/purchases": 7, "/api/v1/me": 1}


def test_a_view_reads_only_what_was_appended_since_the_last(
    services: Services, store: Store
) -> None:
    """The second question does not read the old entries again: damage to the first
    entry's ciphertext (which a full scan would trip over) goes unread; ``verify`` still
    finds it."""
    for n in range(50):
        call(services, "shop", "/api/v1/purchases", n)
    services.access_log.seen_by("shop")
    log = Path(store.audit.path)
    raw = bytearray(log.read_bytes())
    raw[40] ^= 0xFF  # inside entry 1's ciphertext, after the file header and its length
    log.write_bytes(bytes(raw))
    call(services, "shop", "/api/v1/purchases", 1000)

    assert services.access_log.seen_by("shop").records == sum(range(50)) + 1000
    with pytest.raises(IntegrityError):
        store.audit.verify()


def test_entries_after_a_sequence_number(services: Services, store: Store) -> None:
    for n in range(5):
        store.audit.append({"actor": "owner", "action": f"step.{n}"})

    assert [e.seq for e in store.audit.entries(descending=False, after=3)] == [4, 5]
    assert [e.seq for e in store.audit.entries(after=2, before=5)] == [4, 3]
    assert list(store.audit.entries(after=5)) == []
