"""The ``pds import`` group: ``pds import FILE [--merge]`` beside ``pds import purchases CSV``."""

from __future__ import annotations

from typing import Any

import click

from pds.cli.exclusive import one_at_a_time

ARCHIVE = "archive"


class ImportGroup(click.Group):
    """Routes an argument that names no subcommand (a file) to ``pds import archive``.

    A file that happens to be named like a subcommand is given as ``./purchases`` or
    through ``pds import archive FILE``. Imports run one at a time.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [ARCHIVE, *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Every import, one at a time (``AlreadyRunning`` while another runs)."""
        with one_at_a_time("import"):
            return super().invoke(ctx)
