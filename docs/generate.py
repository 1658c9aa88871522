"""Generate the reference pages that can be generated: the CLI from ``--help``,
the settings from ``Settings``. Run ``make docs``; ``tests/docs`` fails when the
committed pages are stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pds.cli import main as cli_main
from pds.config import settings_table

DOCS = Path(__file__).resolve().parent


def _commands(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


def _help(command: click.Command, path: str) -> str:
    with click.Context(command, info_name=path, terminal_width=80, max_content_width=80) as ctx:
        return command.get_help(ctx)


def cli_reference() -> str:
    parts = [
        "# Command line reference\n",
        "Generated from `pds --help` by `make docs`; do not edit by hand.\n",
        "Every command prints one clear line on error and exits non-zero: 1 general, "
        "2 invalid input, 3 configuration, 4 not found, 10 store problem, "
        "11 store locked by another process, 12 wrong passphrase, 13 integrity error.\n",
        "## pds\n",
        f"```\n{_help(cli_main, 'pds')}\n```\n",
    ]
    for path, command in _commands(cli_main, "pds"):
        parts.append(f"## {path}\n")
        parts.append(f"```\n{_help(command, path)}\n```\n")
    return "\n".join(parts)


def configuration_reference() -> str:
    lines = [
        "# Configuration\n",
        "Generated from `pds.config.Settings` by `make docs`; do not edit by hand.\n",
        "Settings come from their defaults, then from these environment variables, then "
        "(for tests) from overrides passed to `create_app`. Values are checked strictly; a bad "
        "value stops pds with a message naming the variable.\n",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for variable, default, help_text in settings_table():
        lines.append(f"| `{variable}` | `{default}` | {help_text} |")
    lines.append("")
    lines.append(
        "Commands also read `PDS_OWNER_PASSWORD` (`pds init`: the portal password) and "
        "`PDS_NEW_PASSPHRASE` (`pds passwd`), so they can run without a terminal.\n"
    )
    return "\n".join(lines)


PAGES = {"cli.md": cli_reference, "configuration.md": configuration_reference}


def main() -> int:
    for name, render in PAGES.items():
        (DOCS / name).write_text(render(), encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
