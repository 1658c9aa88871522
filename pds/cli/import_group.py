"""The ``pds import`` group: ``pds import FILE [--merge]`` beside ``pds import purchases CSV``."""

from __future__ import annotations

import click

ARCHIVE = "archive"


class ImportGroup(click.Group):
    """Routes an argument that names no subcommand (a file) to ``pds import archive``.

    A file that happens to be named like a subcommand is given as ``./purchases`` or
    through ``pds import archive FILE``.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = [ARCHIVE, *args]
        return super().parse_args(ctx, args)
