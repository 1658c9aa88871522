"""The real server in a child process, reached over loopback HTTP."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import requests

from tests.conftest import OWNER_PASSWORD
from tests.e2e.processes import Running

RunPds = Callable[..., subprocess.CompletedProcess[str]]


def test_owner_logs_in_and_sees_the_demo_store(server: str) -> None:
    ready = requests.get(f"{server}/readyz", timeout=5)
    assert ready.json()["store"] == "open"
    browser = requests.Session()
    page = browser.get(f"{server}/", timeout=5)
    assert page.url.endswith("/login?next=/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    dashboard = browser.post(
        page.url, data={"password": OWNER_PASSWORD, "csrf_token": token.group(1)}, timeout=5
    )
    assert dashboard.status_code == 200
    rows = dict(
        re.findall(r"<tr><td>(\w+)</td><td class=\"num\">([\d,]+)</td></tr>", dashboard.text)
    )
    assert int(rows["purchases"].replace(",", "")) >= 500
    assert int(rows["relationships"].replace(",", "")) >= 12


def test_commands_run_in_the_server_and_those_needing_the_store_wait(
    server: str, run_pds: RunPds
) -> None:
    status = run_pds("status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.startswith("store ")
    refused = run_pds("passwd", PDS_NEW_PASSPHRASE="another passphrase 2")
    assert refused.returncode == 11
    assert re.fullmatch(
        r"error: `pds passwd` needs the store at \S+ to itself and a server \(`pds serve`\) "
        r"is running on it: stop the server first\n",
        refused.stderr,
    )


def test_sigterm_removes_the_control_socket_and_commands_open_the_store_again(
    store: Running, env: dict[str, str], run_pds: RunPds
) -> None:
    socket_file = Path(env["PDS_HOME"]) / "control.sock"
    assert socket_file.is_socket()
    store.stop()  # SIGTERM
    assert store.process.returncode == 0
    assert not socket_file.exists()
    assert run_pds("status").returncode == 0  # no server: the command opens the store
