"""The ``pds`` group: settings, the runtime a command opens the store with, and one error
line per ``PdsError`` with its exit code.

While ``pds serve`` holds the store, the group hands the command to it through the
control socket (``pds.cli.control``) and the server runs it over its own runtime; a
command reads its environment through ``command_env``, the files it is given through
``pds.cli.paths`` and secrets through ``prompt_secret``: the client's, in the server.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pds.cli.control import client
from pds.cli.control.session import remote
from pds.config import Settings, settings_from_env
from pds.errors import ConfigError, PdsError, StoreLocked, ValidationFailed
from pds.runtime import Runtime, build_runtime
from pds.services import Services
from pds.version import __version__

MIN_PASSPHRASE = 8
ARGV = "pds.argv"
#: Commands that need the store to themselves: refused while a server holds it.
NEEDS_STORE_TO_ITSELF = frozenset({"init", "serve", "passwd"})
#: Commands that never open the store: run where they are typed, server or not.
NEEDS_NO_STORE = frozenset({("backup", "verify")})


class PdsGroup(click.Group):
    """Turns domain errors into a readable line on stderr and a non-zero exit code."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGV] = list(args)  # as typed, for the server if one holds the store
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PdsError as error:
            click.echo(f"error: {error.message}", err=True)
            if isinstance(error, ValidationFailed):
                for line in error.lines():
                    click.echo(f"  {line}", err=True)
            ctx.exit(error.exit_code)
        except OSError as error:  # the disk said no: a full disk, a read-only or foreign dir...
            where = f": {error.filename}" if error.filename else ""
            click.echo(f"error: {error.strerror or error}{where}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def settings_of(ctx: click.Context) -> Settings:
    settings: Settings = ctx.ensure_object(dict)["settings"]
    return settings


def command_env(name: str) -> str | None:
    """The variable ``name`` of the environment the command was started in."""
    command = remote()
    return (command.env if command is not None else os.environ).get(name)


def prompt_secret(label: str, confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        raise ConfigError(f"{label.lower()} needed: no terminal to ask on (see --help)")
    value = _ask_secret(f"{label}: ")
    if confirm and _ask_secret(f"{label} (again): ") != value:
        raise ValidationFailed(f"{label.lower()}s do not match")
    return value


def _ask_secret(prompt: str) -> str:
    """A secret typed at the command's terminal, not echoed (the client's, in the server)."""
    command = remote()
    if command is None:
        return getpass.getpass(prompt)
    answer = command.channel.ask({"ask": "secret", "label": prompt})
    if answer is None:
        raise click.Abort()
    return answer


def passphrase_for(settings: Settings) -> str:
    return settings.resolve_passphrase() or prompt_secret("Passphrase")


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        message = f"must be at least {MIN_PASSPHRASE} characters"
        raise ValidationFailed(f"passphrase {message}", {"passphrase": [message]})
    return passphrase


@contextmanager
def runtime_for(settings: Settings) -> Iterator[Runtime]:
    """The runtime over the store ``settings`` point at, for the ``with`` block: in the
    server, the server's own (open already, left open); else one opened with the
    passphrase from the settings or a prompt (its background work not started), closed
    after the block."""
    command = remote()
    if command is not None:
        yield command.runtime
        return
    with build_runtime(settings, passphrase=passphrase_for(settings)) as runtime:
        yield runtime


@contextmanager
def services_of(settings: Settings) -> Iterator[Services]:
    with runtime_for(settings) as runtime:
        yield runtime.services


@click.group(cls=PdsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pds")
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Store directory (default: $PDS_HOME or ~/.pds).",
)
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """pds: your personal data store for vendor relationships.

    The store is unlocked with PDS_PASSPHRASE, PDS_PASSPHRASE_FILE or a prompt.
    While `pds serve` runs on the store, commands run in the server (through its
    control socket), without the passphrase; init, serve and passwd need it stopped.
    """
    command = remote()
    try:
        settings = settings_from_env(command.env if command is not None else None)
    except ConfigError as error:
        click.echo(f"error: {error.message}", err=True)
        ctx.exit(error.exit_code)
    if home is not None:
        settings = settings.with_overrides({"home": home})
    ctx.ensure_object(dict)["settings"] = settings
    name = ctx.invoked_subcommand
    if command is not None and name in NEEDS_STORE_TO_ITSELF:  # sent by hand, not by pds
        raise _needs_the_store(name, settings)
    if command is None and name and not ctx.resilient_parsing:
        _hand_over(ctx, settings, name)


def _hand_over(ctx: click.Context, settings: Settings, name: str) -> None:
    """Run the command in the server that holds the store, if one does (and end with its
    exit code); else let it open the store itself."""
    if name in NEEDS_STORE_TO_ITSELF:
        if client.serving(settings.home):
            raise _needs_the_store(name, settings)
        return
    if _command_path(ctx.meta[ARGV], name) in NEEDS_NO_STORE:
        return
    code = client.forward(settings.home, ctx.meta[ARGV], ctx.find_root().info_name or "pds")
    if code is not None:
        ctx.exit(code)


def _command_path(argv: list[str], name: str) -> tuple[str, str | None]:
    """``name`` and the word after it in ``argv`` (its subcommand, if it has one)."""
    rest = argv[argv.index(name) + 1 :] if name in argv else []
    return name, rest[0] if rest else None


def _needs_the_store(name: str, settings: Settings) -> StoreLocked:
    return StoreLocked(
        f"`pds {name}` needs the store at {settings.home} to itself and a server "
        "(`pds serve`) is running on it: stop the server first"
    )
