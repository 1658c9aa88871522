"""``ClientPath``: ``click.Path`` for files named on the command line, relative to the
directory the command was typed in, also when the server runs it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from pds.cli.control.session import remote


class ClientPath(click.Path):
    """A relative path given to a command the server runs is taken from the client's
    directory (the server's own is elsewhere) and passed on resolved (``shown`` prints
    it as typed); without a server it is left as typed."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        command = remote()
        if command is None or not isinstance(value, str | os.PathLike):
            return super().convert(value, param, ctx)
        typed = os.fsdecode(value)
        if os.path.isabs(typed):
            return super().convert(value, param, ctx)
        resolved = os.path.join(command.cwd, typed)
        try:
            converted = super().convert(resolved, param, ctx)
        except click.BadParameter as error:  # name the file as it was typed
            raise click.BadParameter(error.message.replace(resolved, typed), ctx, param) from None
        command.typed[resolved] = typed
        return converted


def here(name: str) -> Path:
    """The file ``name`` in the directory the command was typed in."""
    command = remote()
    if command is None:
        return Path(name)
    resolved = command.cwd / name
    command.typed[str(resolved)] = name
    return resolved


def shown(path: os.PathLike[str] | str) -> str:
    """``path`` as the person typed it (a command prints the same with a server or not)."""
    command = remote()
    name = os.fspath(path)
    return command.typed.get(name, name) if command is not None else name
