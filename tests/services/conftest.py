"""Services suite fixtures: a real store (cheap KDF), a settable clock, the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from pds.services import SPECS, Services
from pds.services.outbound import OutboundPolicy
from pds.store import ScryptParams, Store

PASSPHRASE = "services test passphrase"
LOOPBACK_ALLOWED = OutboundPolicy(allow_loopback=True)  # the suite's vendors are on 127.0.0.1
START = datetime(2025, 3, 1, 9, 0, 0, tzinfo=UTC)


class FakeClock:
    """A clock that stands still until told to move."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.create(
        tmp_path / "store", PASSPHRASE, specs=SPECS, kdf=ScryptParams.fresh(n=2**10)
    )
    yield opened
    opened.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def services(store: Store, clock: FakeClock) -> Services:
    return Services(store, clock=clock, outbound=LOOPBACK_ALLOWED)


@pytest.fixture
def vendor(services: Services) -> dict[str, Any]:
    return services.relationships.add(
        {"kind": "vendor", "name": "Fresh Fields Market", "domain": "freshfields.example.com"}
    )


@pytest.fixture
def person(services: Services) -> dict[str, Any]:
    return services.relationships.add(
        {"kind": "person", "name": "Jonas Becker", "emails": ["jonas@example.org"]}
    )


def audit_events(store: Store) -> list[dict[str, Any]]:
    """The audit events, oldest first."""
    return [entry.event for entry in store.audit.entries(descending=False)]
