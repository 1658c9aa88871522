"""pds export and pds import FILE [--merge], through click's runner, against real stores."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.services.archive.archivekit import rezip

DATA = Path(__file__).resolve().parents[1] / "data"
ARCHIVE_PASS = "archive passphrase 1"


def _digest(home: Path) -> str:
    files = sorted(p for p in home.rglob("*") if p.is_file() and p.name != "store.lock")
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()


@pytest.fixture
def filled(pds: Invoke, initialised: Path) -> Path:
    result = pds("import", "purchases", str(DATA / "purchases_good.csv"))
    assert result.exit_code == 0, result.output
    return initialised


def _data_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.startswith("data/")}


def test_export_then_import_into_a_new_store(pds: Invoke, filled: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    result = pds("export", "--out", str(first))
    assert result.exit_code == 0, result.output
    assert f"to {first} (left out: codes, credentials, provider, signing_keys, tokens)" in (
        result.output
    )
    other = tmp_path / "other"
    assert pds("init", "--scrypt-n", "1024", PDS_HOME=str(other)).exit_code == 0
    result = pds("import", str(first), PDS_HOME=str(other))
    assert result.exit_code == 0, result.output
    assert "restore: " in result.output and "purchases " in result.output
    assert pds("export", "--out", str(second), PDS_HOME=str(other)).exit_code == 0
    assert _data_files(first) == _data_files(second)
    result = pds("import", str(first), PDS_HOME=str(other))
    assert result.exit_code == 6
    assert "error: the store already holds records (" in result.output
    before = _digest(other)
    for args in (
        ("--merge", str(first)),
        (str(first), "--merge"),
        ("archive", str(first), "--merge"),
    ):
        result = pds("import", *args, PDS_HOME=str(other))
        assert result.exit_code == 0, result.output
        assert "merge: 0 records written" in result.output
    assert _digest(other) == before


def test_an_encrypted_round_trip_and_a_wrong_passphrase(
    pds: Invoke, filled: Path, tmp_path: Path
) -> None:
    sealed = tmp_path / "a.zip.enc"
    result = pds(
        "export", "--encrypt", "--scrypt-n", "1024", "--out", str(sealed),
        PDS_ARCHIVE_PASSPHRASE=ARCHIVE_PASS,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert not zipfile.is_zipfile(sealed)
    other = tmp_path / "other"
    assert pds("init", "--scrypt-n", "1024", PDS_HOME=str(other)).exit_code == 0
    before = _digest(other)
    result = pds("import", str(sealed), PDS_HOME=str(other), PDS_ARCHIVE_PASSPHRASE="wrong one!")
    assert result.exit_code == 14
    assert "error: a.zip.enc: wrong passphrase" in result.output
    assert _digest(other) == before
    result = pds("import", str(sealed), PDS_HOME=str(other), PDS_ARCHIVE_PASSPHRASE=ARCHIVE_PASS)
    assert result.exit_code == 0, result.output


def test_a_truncated_archive_is_refused_and_the_store_unchanged(
    pds: Invoke, filled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "a.zip"
    assert pds("export", "--out", str(path)).exit_code == 0
    path.write_bytes(path.read_bytes()[:-100])
    before = _digest(filled)
    result = pds("import", "--merge", str(path))
    assert result.exit_code == 14
    assert "error: a.zip: not a readable zip archive, truncated or damaged" in result.output
    assert _digest(filled) == before


def test_include_secrets_needs_encrypt(pds: Invoke, filled: Path, tmp_path: Path) -> None:
    result = pds("export", "--include-secrets", "--out", str(tmp_path / "x.zip"))
    assert result.exit_code == 2
    assert (
        "error: --include-secrets needs --encrypt: secrets never leave the store unencrypted"
        in result.output
    )
    assert not (tmp_path / "x.zip").exists()


def test_export_does_not_overwrite_without_force(pds: Invoke, filled: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(b"keep me")
    result = pds("export", "--out", str(path))
    assert result.exit_code == 2
    assert f"error: {path} exists; choose another --out or add --force" in result.output
    assert path.read_bytes() == b"keep me"
    assert pds("export", "--out", str(path), "--force").exit_code == 0
    assert zipfile.is_zipfile(path)
    assert not list(tmp_path.glob("*.partial"))


def test_import_purchases_still_works_beside_archives(pds: Invoke, initialised: Path) -> None:
    result = pds("import", "purchases", "--dry-run", str(DATA / "purchases_good.csv"))
    assert result.exit_code == 0, result.output
    result = pds("import", "nothing-here.zip")
    assert result.exit_code == 2
    assert "'nothing-here.zip' does not exist" in result.output


def test_import_refuses_an_archive_beyond_the_unpacked_limit(
    pds: Invoke, filled: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "a.zip"
    assert pds("export", "--out", str(exported)).exit_code == 0
    big = rezip(exported, tmp_path / "big.zip", {"README.txt": os.urandom(2 << 20)})
    other = tmp_path / "other"
    assert pds("init", "--scrypt-n", "1024", PDS_HOME=str(other)).exit_code == 0
    before = _digest(other)
    result = pds("import", str(big), PDS_HOME=str(other), PDS_ARCHIVE_MAX_UNPACKED_MIB="1")
    assert result.exit_code == 14
    assert "error: big.zip: unpacks to more than 1 MiB, the most this pds imports" in result.output
    assert _digest(other) == before
    result = pds("import", str(big), PDS_HOME=str(other))
    assert result.exit_code == 0, result.output


def test_export_sqlite_adds_the_database_and_restores(
    pds: Invoke, filled: Path, tmp_path: Path
) -> None:
    path = tmp_path / "with-sqlite.zip"
    result = pds("export", "--sqlite", "--out", str(path))
    assert result.exit_code == 0, result.output
    database = tmp_path / "pds.sqlite"
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        database.write_bytes(archive.read("pds.sqlite"))
    assert {"csv/purchases.csv", "csv/purchase_tags.csv", "pds.sqlite"} <= names
    with sqlite3.connect(database) as opened:
        (count,) = opened.execute("SELECT count(*) FROM purchases").fetchone()
    assert count > 0
    other = tmp_path / "other"
    assert pds("init", "--scrypt-n", "1024", PDS_HOME=str(other)).exit_code == 0
    result = pds("import", str(path), PDS_HOME=str(other))
    assert result.exit_code == 0, result.output
    assert re.search(rf"^  purchases +{count} created$", result.output, re.MULTILINE)
