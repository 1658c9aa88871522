from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pds.cli import main

Invoke = Callable[..., Result]


@pytest.fixture
def pds(runner: CliRunner, store_env: dict[str, str]) -> Invoke:
    """Run ``pds ARGS`` in-process through click's runner with the store's environment."""

    def invoke(*args: str, **extra_env: str | None) -> Result:
        environment = {**store_env, **extra_env}
        return runner.invoke(main, list(args), env=environment, catch_exceptions=False)

    return invoke


@pytest.fixture
def initialised(pds: Invoke, home: Path) -> Path:
    result = pds("init", "--scrypt-n", "1024")
    assert result.exit_code == 0, result.output
    return home
