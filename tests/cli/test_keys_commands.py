"""pds keys list | rotate, and the first key made by pds init: against a real store on disk."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pds.services.identity.signing_keys import CLOCK_SKEW_SECONDS, ID_TOKEN_SECONDS
from tests.cli.conftest import Invoke

KID = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256 thumbprint


def listed(pds: Invoke) -> list[dict[str, Any]]:
    result = pds("keys", "list", "--json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.output)
    return rows


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_init_makes_the_first_signing_key(pds: Invoke, initialised: Path) -> None:
    [row] = listed(pds)
    assert KID.match(row["kid"])
    assert row["alg"] == "RS256" and row["status"] == "active"
    assert row["published_until"] is None and row["retired_at"] is None
    assert set(row) == {"kid", "alg", "status", "created_at", "retired_at", "published_until"}


def test_list_prints_a_table(pds: Invoke, initialised: Path) -> None:
    [row] = listed(pds)
    result = pds("keys", "list")
    assert result.exit_code == 0, result.output
    header, line = result.output.splitlines()
    assert header.split() == ["KID", "ALG", "STATUS", "CREATED", "PUBLISHED", "UNTIL"]
    assert line.split() == [row["kid"], "RS256", "active", row["created_at"], "-"]


def test_rotate_prints_the_new_kid_and_how_long_the_old_one_stays(
    pds: Invoke, initialised: Path
) -> None:
    [old] = listed(pds)
    result = pds("keys", "rotate")
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    new_kid = first.removeprefix("new signing key ")
    assert KID.match(new_kid) and new_kid != old["kid"]
    rows = {row["kid"]: row for row in listed(pds)}
    assert set(rows) == {new_kid, old["kid"]}
    assert rows[new_kid]["status"] == "active"
    retired = rows[old["kid"]]
    assert retired["status"] == "retired"
    assert second == f"previous key {old['kid']} stays published until {retired['published_until']}"
    published = instant(retired["published_until"]) - instant(retired["retired_at"])
    assert published == timedelta(seconds=ID_TOKEN_SECONDS + CLOCK_SKEW_SECONDS)


def test_rotate_is_in_the_audit_log(pds: Invoke, initialised: Path) -> None:
    before = json.loads(pds("status", "--json").output)["audit_entries"]
    assert pds("keys", "rotate").exit_code == 0
    assert json.loads(pds("status", "--json").output)["audit_entries"] == before + 1


def test_a_store_from_before_signing_keys(pds: Invoke, made_store: Path) -> None:
    result = pds("keys", "list")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "no signing keys yet (the server makes one when it starts)"
    result = pds("keys", "rotate")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert [row["kid"] for row in listed(pds)] == [line.removeprefix("new signing key ")]


def test_missing_store_is_a_clear_error(pds: Invoke, tmp_path: Path) -> None:
    nowhere = tmp_path / "nothing"
    for command in (("keys", "list"), ("keys", "list", "--json"), ("keys", "rotate")):
        result = pds(*command, PDS_HOME=str(nowhere))
        assert result.exit_code == 10
        assert result.output.strip() == f"error: no store at {nowhere} (run 'pds init' first)"
    assert not nowhere.exists()


def test_wrong_passphrase_rotates_nothing(pds: Invoke, initialised: Path) -> None:
    result = pds("keys", "rotate", PDS_PASSPHRASE="not the passphrase")
    assert result.exit_code == 12
    assert result.output.strip() == "error: wrong passphrase"
    assert len(listed(pds)) == 1
