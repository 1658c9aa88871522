from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import pytest
import requests

PDS = [sys.executable, "-m", "pds"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def env(store_env: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **store_env}


@pytest.fixture
def run_pds(env: dict[str, str]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real ``pds`` command in a child process."""

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PDS, *args], env={**env, **extra}, capture_output=True, text=True, timeout=120
        )

    return run


@pytest.fixture
def server(
    env: dict[str, str], run_pds: Callable[..., subprocess.CompletedProcess[str]]
) -> Iterator[str]:
    """A real ``pds serve`` on a free loopback port, with a demo store behind it."""
    assert run_pds("init", "--scrypt-n", "1024").returncode == 0
    demo = run_pds("demo")
    assert demo.returncode == 0, demo.stderr
    port = free_port()
    process = subprocess.Popen(
        [*PDS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"server did not start: {output}")
        time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)
