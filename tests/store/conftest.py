"""Store suite fixtures: `home`, `specs`, `kdf`, `store` (created, closed after), `reopen`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pds.store import CollectionSpec, ScryptParams, Store

from .storekit import SPECS, cheap_kdf, create_store, open_store


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def specs() -> tuple[CollectionSpec, ...]:
    return SPECS


@pytest.fixture
def store(home: Path) -> Iterator[Store]:
    opened = create_store(home)
    yield opened
    opened.close()


@pytest.fixture
def reopen(home: Path) -> Any:
    """``reopen(store)`` closes ``store`` and opens the same home again (closed at teardown)."""
    opened: list[Store] = []

    def _reopen(current: Store | None = None, **options: Any) -> Store:
        if current is not None:
            current.close()
        fresh = open_store(home, **options)
        opened.append(fresh)
        return fresh

    yield _reopen
    for s in opened:
        s.close()


@pytest.fixture
def kdf() -> ScryptParams:
    return cheap_kdf()
