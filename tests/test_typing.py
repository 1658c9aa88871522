"""mypy's reach: `make test` checks the whole tree (strict where the logic lives), the
modules excused from it only shrink, and the count of ``# type: ignore`` in pds and
policies only goes down."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Lower it when an ignore goes; never raise it (cast with a reason, or wrap the call).
IGNORES_AT_MOST = 11
# Modules whose mypy errors are ignored for now (five of pds.auth, not yet fixed):
# lower it as they are typed; never raise it.
EXCUSED_AT_MOST = 5
STRICT = {
    "pds.store.*",
    "pds.schemas.*",
    "pds.tabular.*",
    "pds.services.*",
    "pds.runtime.*",
    "pds.errors",
    "pds.config",
    "pds.version",
    "policies.*",
}


def _mypy_config() -> dict[str, Any]:
    config: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    return config


def _recipe(target: str) -> str:
    return (ROOT / "Makefile").read_text().split(f"\n{target}:")[1].split("\n\n")[0]


def test_mypy_checks_the_whole_tree() -> None:
    config = _mypy_config()
    assert config["files"] == ["pds", "policies"]
    assert "follow_imports" not in config, "every module is reported on, none read silently"
    assert config["check_untyped_defs"] is True
    for target in ("test", "typecheck"):
        assert "\t$(BIN)/mypy\n" in _recipe(target) + "\n", f"`make {target}` runs plain mypy"


def test_the_logic_is_strict() -> None:
    strict = {
        module
        for override in _mypy_config()["overrides"]
        if override.get("strict")
        for module in override["module"]
    }
    assert strict == STRICT


def test_excused_modules_only_go_down() -> None:
    excused = [
        module
        for override in _mypy_config()["overrides"]
        if override.get("ignore_errors")
        for module in override["module"]
    ]
    assert len(excused) <= EXCUSED_AT_MOST, excused


def test_type_ignores_only_go_down() -> None:
    ignores = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("pds", "policies")
        for path in sorted((ROOT / package).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "type: ignore" in line
    ]
    assert len(ignores) <= IGNORES_AT_MOST, "\n".join(ignores)
