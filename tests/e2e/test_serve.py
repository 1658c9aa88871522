"""The real server in a child process, reached over loopback HTTP."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

import requests

from tests.conftest import OWNER_PASSWORD

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


def test_a_second_process_is_kept_out_while_serving(server: str, run_pds: RunPds) -> None:
    result = run_pds("status")
    assert result.returncode == 11
    assert re.search(r"in use by another pds process \(pid \d+\)", result.stderr)
    assert "Traceback" not in result.stderr
