"""``pds.sqlite`` opens in Datasette without setup: a real ``datasette`` process on a
loopback port serves an exported archive's database and answers with its tables as
JSON."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from pds.services import Services

from .archivekit import export_to

pytest.importorskip("datasette")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def served(source: Services, tmp_path: Path) -> Iterator[str]:
    export_to(source.store, tmp_path / "archive.zip", sqlite=True)
    database = tmp_path / "pds.sqlite"
    with zipfile.ZipFile(tmp_path / "archive.zip") as archive:
        database.write_bytes(archive.read("pds.sqlite"))
    port = _free_port()
    command = [sys.executable, "-m", "datasette", "serve", "-i", str(database)]
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"{base}/-/versions.json", timeout=2).raise_for_status()
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_datasette_serves_the_tables_and_views(served: str, source: Services) -> None:
    tables = requests.get(f"{served}/pds.json", timeout=10).json()
    names = {table["name"]: table for table in tables["tables"]}
    assert {"purchases", "purchase_tags", "relationships", "relationship_emails"} <= set(names)
    assert names["purchases"]["count"] == source.purchases.count()
    assert "vendor_id" in {key["column"] for key in names["purchases"]["foreign_keys"]["outgoing"]}
    rows = requests.get(f"{served}/pds/purchases.json?_shape=array&_size=max", timeout=10).json()
    assert len(rows) == source.purchases.count()
    assert {row["vendor_name"] for row in rows} == {"Fresh Fields"}
    view = requests.get(
        f"{served}/pds/spend_per_vendor_per_month.json?_shape=array", timeout=10
    ).json()
    assert sum(row["purchases"] for row in view) == source.purchases.count()
