"""pds log: a contact in one line, the name matched, ambiguity refused or asked about."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def people(on_disk: Callable[[], Any]) -> dict[str, dict[str, Any]]:
    with on_disk() as services:
        return {
            name: services.relationships.add({"kind": "person", "name": name})
            for name in ("Jonas Weber", "Jonás Müller", "Ada Lovelace")
        }


def _log_of(on_disk: Callable[[], Any], record: dict[str, Any]) -> list[dict[str, Any]]:
    with on_disk() as services:
        return services.interactions.list(counterpart_id=record["id"]).items


def test_logs_a_call_by_a_unique_prefix(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds("log", "ada", "--kind", "call", "--note", "about the engine")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("logged a call with Ada Lovelace")
    (entry,) = _log_of(on_disk, people["Ada Lovelace"])
    assert (entry["kind"], entry["note"]) == ("call", "about the engine")
    assert entry["date"][:10] == date.today().isoformat()


def test_accents_case_and_a_date(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds(
        "log", "MULLER", "--kind", "meeting", "--channel", "in_person", "--date", "2026-05-01"
    )
    assert result.exit_code == 0, result.output
    (entry,) = _log_of(on_disk, people["Jonás Müller"])
    assert (entry["kind"], entry["channel"], entry["date"][:10]) == (
        "meeting",
        "in_person",
        "2026-05-01",
    )


def test_an_ambiguous_name_is_refused_with_the_candidates(
    pds: Invoke, people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    result = pds("log", "jonas", "--yes")
    assert result.exit_code == 2
    assert "fits 2 relationships" in result.output
    assert people["Jonas Weber"]["id"] in result.output and "Jonás Müller" in result.output
    assert _log_of(on_disk, people["Jonas Weber"]) == _log_of(on_disk, people["Jonás Müller"]) == []


def test_no_match_is_not_found(pds: Invoke, people: dict[str, Any]) -> None:
    result = pds("log", "zebra")
    assert result.exit_code == 4
    assert "no relationship matches 'zebra'" in result.output


def test_an_impossible_date_is_refused(pds: Invoke, people: dict[str, Any]) -> None:
    result = pds("log", "ada", "--date", "2026-02-30")
    assert result.exit_code != 0
    assert "Invalid value for '--date'" in result.output


def test_on_a_terminal_an_ambiguous_name_is_asked_about(
    store_env: dict[str, str], people: dict[str, Any], on_disk: Callable[[], Any]
) -> None:
    """The real ``pds`` on a pseudo-terminal: it lists the candidates and takes a number."""
    output = _run_on_a_terminal(["log", "jonas", "--kind", "call"], store_env, answer=b"2\n")
    assert "1. Jonas Weber" in output and "2. Jonás Müller" in output and "Which one?" in output
    assert "logged a call with Jonás Müller" in output
    assert len(_log_of(on_disk, people["Jonás Müller"])) == 1
    assert _log_of(on_disk, people["Jonas Weber"]) == []


def _run_on_a_terminal(args: list[str], env: dict[str, str], *, answer: bytes) -> str:
    leader, follower = pty.openpty()
    environment = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "pds", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=environment,
        cwd=ROOT,
    )
    os.close(follower)
    seen = b""
    answered = False
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            process.kill()
            raise AssertionError(f"pds log hung; it said: {seen.decode(errors='replace')}")
        try:
            chunk = os.read(leader, 1024)
        except OSError:  # the terminal closed: the process ended
            break
        if not chunk:
            break
        seen += chunk
        if not answered and b"Which one?" in seen:
            os.write(leader, answer)
            answered = True
    os.close(leader)
    assert process.wait(timeout=30) == 0, seen.decode(errors="replace")
    return seen.decode(errors="replace")
