"""Scheduled backups in a real ``pds serve``: a SIGKILL of the server in the middle of one
leaves the store and the earlier snapshots whole; ``pds backup verify`` checks them
while the server serves; ``/readyz`` reports the last backup."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import requests

from pds.services.collections import SPECS
from pds.store import Store
from pds.store.snapshots import PARTIAL, snapshots_in
from tests.conftest import PASSPHRASE
from tests.e2e.conftest import RunPds
from tests.e2e.processes import PDS, REPO, free_port, serve

RECORDS = 100_000  # a copy that takes a moment, so that the kill lands inside it


def _fill(home: Path, backups: Path) -> Path:
    """Purchases enough for a slow copy, and an earlier snapshot named two days old (so
    that the server's schedule takes one at once)."""
    with Store.open(home, PASSPHRASE, specs=SPECS) as store:
        purchases = store.collection("purchases")
        for start in range(0, RECORDS, 20_000):
            purchases.insert_many(
                [
                    {"date": f"20{15 + n % 10}-{n % 12 + 1:02d}-03", "vendor_id": f"v{n % 40}"}
                    for n in range(start, start + 20_000)
                ]
            )
        store.checkpoint()
        earlier = store.snapshot(backups).path
    old = earlier.with_name(f"{int(earlier.name[:4]) - 1}{earlier.name[4:]}")
    earlier.rename(old)
    return old


def _files(path: Path) -> dict[str, bytes]:
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_a_kill_during_a_scheduled_backup_leaves_store_and_snapshots_whole(
    made_store: Path, env: dict[str, str], run_pds: RunPds, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    earlier = _fill(made_store, backups)
    earlier_files = _files(earlier)
    env = {**env, "PDS_BACKUP_DIR": str(backups), "PDS_BACKUP_EVERY": "1d"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*PDS, "serve", "--port", str(free_port())], env=env, cwd=REPO, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while len(list(backups.glob(f"*{PARTIAL}/data/*.pds"))) < 50:  # in the middle of the copy
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no backup started"
            time.sleep(0.002)
        os.kill(server.pid, signal.SIGKILL)
    finally:
        server.kill()
        server.wait()
    assert _files(earlier) == earlier_files
    for snapshot in snapshots_in(backups):  # the earlier one; the new one only if it was done
        verify = run_pds("backup", "verify", str(snapshot))
        assert verify.returncode == 0, verify.stderr
    status = run_pds("status", "--json", "--verify")
    assert status.returncode == 0, status.stderr
    assert f'"purchases": {RECORDS}' in status.stdout

    running = serve({**env, "PDS_BACKUP_EVERY": "1d"}, tmp_path / "serve2.log")
    try:
        deadline = time.monotonic() + 60
        while True:  # the restarted server takes the backup the kill interrupted
            ready = requests.get(f"{running.url}/readyz", timeout=5).json()
            if ready["backup"]["last_at"] and ready["backup"]["age_seconds"] < 3600:
                break
            assert time.monotonic() < deadline, ready
            time.sleep(0.1)
        assert ready["status"] == "ready"
        assert not [p for p in backups.iterdir() if p.name.endswith(PARTIAL)]
        verify = run_pds("backup", "verify", str(backups))  # while it serves
        assert verify.returncode == 0, verify.stderr
        assert requests.get(f"{running.url}/healthz", timeout=5).status_code == 200
    finally:
        running.stop()
    shutil.rmtree(backups)
