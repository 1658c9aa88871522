from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pds.cli import main
from pds.services import Services
from pds.services.collections import SPECS
from pds.store import Store
from tests.conftest import PASSPHRASE

Invoke = Callable[..., Result]


@pytest.fixture
def pds(runner: CliRunner, store_env: dict[str, str]) -> Invoke:
    """Run ``pds ARGS`` in-process through click's runner with the store's environment
    (``input``: what is typed at its prompts)."""

    def invoke(*args: str, input: str | None = None, **extra_env: str | None) -> Result:
        environment = {**store_env, **extra_env}
        return runner.invoke(main, list(args), input=input, env=environment, catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(pds: Invoke, home: Path) -> Path:
    result = pds("init", "--scrypt-n", "1024")
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def on_disk(initialised: Path) -> Callable[[], AbstractContextManager[Services]]:
    """Open the store on disk for a moment: ``with on_disk() as services: ...``."""

    @contextmanager
    def opened() -> Iterator[Services]:
        store = Store.open(initialised, PASSPHRASE, specs=SPECS)
        try:
            yield Services(store)
        finally:
            store.close()

    return opened
