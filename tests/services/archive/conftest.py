"""Archive suite fixtures: a filled source store, its archive, and a new target store.

Each is copied from a template made once per session (making a store with a password
and a signing key, and filling it, costs more than copying its directory).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from pds.services import SPECS, Services
from pds.store import Store
from tests.services.conftest import FakeClock

from .archivekit import PASSPHRASE, export_to, fill, new_store


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("archive-templates")
    source = new_store(base / "source")
    with source.transaction():  # one commit: quicker than one per record
        fill(Services(source, clock=FakeClock()))
    export_to(source, base / "archive.zip")
    source.close()
    new_store(base / "target").close()
    return {"source": base / "source", "target": base / "target", "archive": base / "archive.zip"}


def _opened(template: Path, home: Path) -> Store:
    shutil.copytree(template, home)
    return Store.open(home, PASSPHRASE, specs=SPECS)


@pytest.fixture
def source(templates: dict[str, Path], tmp_path: Path, clock: FakeClock) -> Iterator[Services]:
    store = _opened(templates["source"], tmp_path / "source")
    yield Services(store, clock=clock)
    if store.is_open:
        store.close()


@pytest.fixture
def archive(templates: dict[str, Path], tmp_path: Path) -> Path:
    """The source's archive (exported just after it was filled)."""
    return Path(shutil.copy(templates["archive"], tmp_path / "archive.zip"))


@pytest.fixture
def target_home(tmp_path: Path) -> Path:
    return tmp_path / "target"


@pytest.fixture
def target(templates: dict[str, Path], target_home: Path) -> Iterator[Store]:
    """A store as ``pds init`` leaves it."""
    store = _opened(templates["target"], target_home)
    yield store
    if store.is_open:
        store.close()
