"""init, status, passwd, rotate-key: through click's runner, against a real store on disk."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pds.errors import ConfigError
from tests.cli.conftest import Invoke


def _snapshot(home: Path) -> dict[str, str]:
    return {
        str(p.relative_to(home)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(home.rglob("*"))
        if p.is_file()
    }


def test_init_creates_an_encrypted_store(pds: Invoke, initialised: Path) -> None:
    assert (initialised / "store.json").is_file()
    header = json.loads((initialised / "store.json").read_text())
    assert header["kdf"]["name"] == "scrypt" and header["kdf"]["n"] == 1024
    result = pds("status", "--json")
    assert result.exit_code == 0, result.output
    facts = json.loads(result.output)
    assert facts["key_generation"] == 1
    assert facts["audit_entries"] == 1
    assert set(facts["counts"]) >= {"purchases", "relationships", "preferences", "interactions"}


def test_init_refuses_an_existing_store(pds: Invoke, initialised: Path) -> None:
    before = _snapshot(initialised)
    result = pds("init", "--scrypt-n", "1024")
    assert result.exit_code == 10
    assert "a store already exists" in result.output
    assert _snapshot(initialised) == before


def test_init_refuses_a_directory_with_other_files(pds: Invoke, home: Path) -> None:
    home.mkdir()
    (home / "holiday.jpg").write_bytes(b"not ours")
    result = pds("init", "--scrypt-n", "1024")
    assert result.exit_code == 10
    assert "is not an empty directory" in result.output
    assert [p.name for p in home.iterdir()] == ["holiday.jpg"]


def test_init_validates_before_creating_anything(pds: Invoke, home: Path) -> None:
    result = pds("init", "--scrypt-n", "1024", PDS_PASSPHRASE="short")
    assert result.exit_code == 2
    assert "passphrase must be at least 8 characters" in result.output
    result = pds("init", "--scrypt-n", "1024", PDS_OWNER_PASSWORD="tiny")
    assert result.exit_code == 2
    assert "password must be at least 10 characters" in result.output
    result = pds("init", "--scrypt-n", "3000")
    assert result.exit_code == 2
    assert "power of two" in result.output
    assert not home.exists()


def test_init_without_terminal_or_variables_says_what_is_missing(pds: Invoke) -> None:
    result = pds("init", "--scrypt-n", "1024", PDS_PASSPHRASE=None)
    assert result.exit_code == 3
    assert "new passphrase needed" in result.output


def test_wrong_passphrase_is_clear_and_touches_nothing(pds: Invoke, initialised: Path) -> None:
    before = _snapshot(initialised)
    mtimes = {p: p.stat().st_mtime_ns for p in initialised.rglob("*")}
    result = pds("status", PDS_PASSPHRASE="not the passphrase")
    assert result.exit_code == 12
    assert result.output.strip() == "error: wrong passphrase"
    assert _snapshot(initialised) == before
    assert {p: p.stat().st_mtime_ns for p in initialised.rglob("*")} == mtimes


def test_missing_store_is_clear(pds: Invoke, tmp_path: Path) -> None:
    result = pds("status", PDS_HOME=str(tmp_path / "nothing"))
    assert result.exit_code == 10
    assert "no store at" in result.output and "pds init" in result.output


def test_bad_setting_names_the_variable(pds: Invoke) -> None:
    result = pds("status", PDS_CACHE_RECORDS="lots")
    assert result.exit_code == 3
    assert "PDS_CACHE_RECORDS" in result.output


def test_passwd_rewraps_the_key_only(pds: Invoke, initialised: Path) -> None:
    data_before = {k: v for k, v in _snapshot(initialised).items() if k.startswith("data/")}
    result = pds("passwd", PDS_NEW_PASSPHRASE="a brand new passphrase")
    assert result.exit_code == 0, result.output
    data_after = {k: v for k, v in _snapshot(initialised).items() if k.startswith("data/")}
    assert data_after == data_before
    assert pds("status").exit_code == 12
    assert pds("status", PDS_PASSPHRASE="a brand new passphrase").exit_code == 0


def test_passwd_refuses_a_short_passphrase(pds: Invoke, initialised: Path) -> None:
    before = _snapshot(initialised)
    result = pds("passwd", PDS_NEW_PASSPHRASE="short")
    assert result.exit_code == 2
    assert _snapshot(initialised) == before


def test_rotate_key_reencrypts_every_file(pds: Invoke, initialised: Path) -> None:
    before = _snapshot(initialised)
    result = pds("rotate-key")
    assert result.exit_code == 0, result.output
    assert "now generation 2" in result.output
    after = _snapshot(initialised)
    for name, digest in before.items():
        if name.startswith(("data/", "audit/")) and name in after:
            assert after[name] != digest, f"{name} was not re-encrypted"
    facts = json.loads(pds("status", "--json", "--verify").output)
    assert facts["key_generation"] == 2
    assert facts["audit_verified"] is True
    assert facts["audit_entries"] == 2


def test_an_unwritable_home_is_a_clear_error(pds: Invoke, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "file").write_text("x")  # a file where the store's directory would go
    result = pds("init", "--scrypt-n", "1024", PDS_HOME=str(locked / "file" / "store"))
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output


def test_serve_names_a_bad_option_value(pds: Invoke, initialised: Path) -> None:
    """Options are settings, checked by the same parser: a readable line and the exit code
    of ConfigError, before the store is even opened."""
    for port, says in (
        ("abc", "error: port: 'abc' is not a whole number"),
        ("0", "error: port: must be between 1 and 65535"),
    ):
        result = pds("serve", "--port", port)
        assert result.exit_code == ConfigError.exit_code == 3
        assert result.output.strip() == says
    result = pds("serve", PDS_THREADS="0")
    assert result.exit_code == 3
    assert result.output.strip() == "error: PDS_THREADS: must be between 1 and 64"
