"""``pds backup DIR``, ``pds backup verify PATH``: a snapshot that opens as a store on its
own, verified read-only, with the exit codes the command documents."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from pds.services import Services

from .conftest import Invoke


def _take(pds: Invoke, target: Path, *args: str) -> Path:
    result = pds("backup", str(target), *args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("snapshot ")
    return Path(result.output.split()[1].rstrip(":"))


def test_a_snapshot_opens_on_its_own(
    pds: Invoke,
    on_disk: Callable[[], AbstractContextManager[Services]],
    tmp_path: Path,
) -> None:
    with on_disk() as services:
        services.relationships.add({"kind": "person", "name": "Ada Lovelace"})
    snapshot = _take(pds, tmp_path / "backups")
    assert snapshot.parent == tmp_path / "backups"
    status = pds("status", "--json", "--verify", PDS_HOME=str(snapshot))
    assert status.exit_code == 0, status.output
    assert '"relationships": 1' in status.output
    verify = pds("backup", "verify", str(snapshot))  # opening it left only its lock file
    assert verify.exit_code == 0, verify.output


def test_verify_passes_a_whole_snapshot_and_takes_the_latest_in_a_directory(
    pds: Invoke, initialised: Path, tmp_path: Path
) -> None:
    backups = tmp_path / "backups"
    _take(pds, backups)
    latest = _take(pds, backups)
    result = pds("backup", "verify", str(backups))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {latest} ")
    assert "audit chain of" in result.output


def test_verify_exit_codes(pds: Invoke, initialised: Path, tmp_path: Path) -> None:
    snapshot = _take(pds, tmp_path / "backups")
    wrong = pds("backup", "verify", str(snapshot), PDS_PASSPHRASE="not the passphrase")
    assert wrong.exit_code == 12
    empty = tmp_path / "empty"
    empty.mkdir()
    assert pds("backup", "verify", str(empty)).exit_code == 10
    log = snapshot / "audit" / "log.pds"
    raw = bytearray(log.read_bytes())
    raw[-3] ^= 0x40
    log.write_bytes(bytes(raw))
    damaged = pds("backup", "verify", str(snapshot))
    assert damaged.exit_code == 13
    assert "audit/log.pds" in damaged.output


def test_keep_removes_older_snapshots(pds: Invoke, initialised: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    first = _take(pds, backups)
    _take(pds, backups)
    result = pds("backup", "take", str(backups), "--keep", "2")
    assert result.exit_code == 0, result.output
    assert f"removed {first}" in result.output
    assert len([p for p in backups.iterdir()]) == 2
