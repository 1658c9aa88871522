from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.processes import PDS, Running, serve

RunPds = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def env(store_env: dict[str, str]) -> dict[str, str]:
    """The store's environment: quick webhook retries, and the suite's vendors (on
    127.0.0.1) allowed (a test may set ``PDS_OUTBOUND_ALLOW_LOOPBACK=false``)."""
    return {
        **os.environ,
        **store_env,
        "PDS_WEBHOOK_RETRY_SECONDS": "1",
        "PDS_OUTBOUND_ALLOW_LOOPBACK": "true",
    }


@pytest.fixture
def run_pds(env: dict[str, str]) -> RunPds:
    """Run the real ``pds`` command in a child process."""

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PDS, *args], env={**env, **extra}, capture_output=True, text=True, timeout=120
        )

    return run


@pytest.fixture
def demo_store(run_pds: RunPds) -> None:
    """``pds init`` and ``pds demo`` in the test's store directory."""
    assert run_pds("init", "--scrypt-n", "1024").returncode == 0
    demo = run_pds("demo")
    assert demo.returncode == 0, demo.stderr


@pytest.fixture
def store(env: dict[str, str], demo_store: None, tmp_path: Path) -> Iterator[Running]:
    """A real ``pds serve`` on a free loopback port, with a demo store behind it (a test
    may stop it early to read the store)."""
    running = serve(env, tmp_path / "pds.log")
    yield running
    running.stop()


@pytest.fixture
def server(store: Running) -> str:
    return store.url
