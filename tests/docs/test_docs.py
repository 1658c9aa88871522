"""The generated reference pages are current, and every command and setting is documented."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from pds.cli import main
from pds.config import settings_table
from pds.errors import exit_codes
from policies.scopes import CATALOGUE

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _generator():  # docs/generate.py is a script, not part of the package
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_pages_are_current() -> None:
    generator = _generator()
    for name, render in generator.PAGES.items():
        committed = (DOCS / name).read_text(encoding="utf-8")
        assert committed == render(), f"docs/{name} is stale: run `make docs`"


def _command_paths(group: click.Group, prefix: str = "pds") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        paths.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, f"{prefix} {name}"))
    return paths


def test_every_command_is_documented() -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [p for p in _command_paths(main) if f"## {p}\n" not in reference]
    assert missing == []


def test_every_setting_is_documented() -> None:
    reference = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = [variable for variable, _, _ in settings_table() if f"`{variable}`" not in reference]
    assert missing == []


def test_every_exit_code_is_documented() -> None:
    """The exit code line of the command line reference is generated from ``pds.errors``."""
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [
        code for code, meaning in exit_codes().items() if f" {code} {meaning}" not in reference
    ]
    assert missing == []


def test_every_scope_is_documented() -> None:
    reference = (DOCS / "scopes.md").read_text(encoding="utf-8")
    missing = [name for name in CATALOGUE if f"| `{name}` |" not in reference]
    assert missing == []
    for scope in CATALOGUE.values():
        assert scope.description in reference


def test_docs_index_links_resolve() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    for target in (
        "install.md",
        "concepts.md",
        "cli.md",
        "configuration.md",
        "storage.md",
        "scopes.md",
    ):
        assert f"({target})" in index
        assert (DOCS / target).is_file()
