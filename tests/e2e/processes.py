"""Real processes on loopback for the end-to-end tests: the store, demo shops, a browser."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

REPO = Path(__file__).resolve().parents[2]
PDS = [sys.executable, "-m", "pds"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # type: ignore[no-any-return]


@dataclass
class Running:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def start(command: list[str], env: dict[str, str], url: str, ready: str, log: Path) -> Running:
    """Start ``command`` and wait until ``url + ready`` answers 200."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=out, stderr=out)
    running = Running(url, process, log)
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(url + ready, timeout=1).status_code == 200:
                return running
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            pytest.fail(f"{command[2:4]} did not start: {log.read_text(errors='replace')}")
        time.sleep(0.1)


def serve(env: dict[str, str], log: Path) -> Running:
    """``pds serve`` on a free loopback port, over the store ``env`` names."""
    port = free_port()
    command = [*PDS, "serve", "--port", str(port)]
    return start(command, env, f"http://127.0.0.1:{port}", "/healthz", log)


def start_shop(store_url: str, log_dir: Path, name: str, *options: str) -> Running:
    """The demo shop as its own process (no PDS_* variables: it is not the store)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "vendors.demo_shop",
        "--pds",
        store_url,
        "--port",
        str(port),
        "--state",
        str(log_dir / f"{name}-state"),
        *options,
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PDS_")}
    return start(command, env, f"http://127.0.0.1:{port}", "/", log_dir / f"{name}.log")


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)
