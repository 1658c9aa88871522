"""The ``pds`` group: settings, the runtime a command opens the store with, and one error
line per ``PdsError`` with its exit code."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pds.config import Settings, settings_from_env
from pds.errors import ConfigError, PdsError, ValidationFailed
from pds.runtime import Runtime, build_runtime
from pds.services import Services
from pds.version import __version__

MIN_PASSPHRASE = 8


class PdsGroup(click.Group):
    """Turns domain errors into a readable line on stderr and a non-zero exit code."""

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


def prompt_secret(label: str, confirm: bool = False) -> str:
    if not sys.stdin.isatty():
        raise ConfigError(f"{label.lower()} needed: no terminal to ask on (see --help)")
    value = getpass.getpass(f"{label}: ")
    if confirm and getpass.getpass(f"{label} (again): ") != value:
        raise ValidationFailed(f"{label.lower()}s do not match")
    return value


def passphrase_for(settings: Settings) -> str:
    return settings.resolve_passphrase() or prompt_secret("Passphrase")


def check_passphrase(passphrase: str) -> str:
    if len(passphrase) < MIN_PASSPHRASE:
        message = f"must be at least {MIN_PASSPHRASE} characters"
        raise ValidationFailed(f"passphrase {message}", {"passphrase": [message]})
    return passphrase


def runtime_for(settings: Settings) -> Runtime:
    """The runtime over the store ``settings`` point at (the passphrase from the settings
    or a prompt); its background work is not started. Close it (``with``) when done."""
    return build_runtime(settings, passphrase=passphrase_for(settings))


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
    """
    try:
        settings = settings_from_env()
    except ConfigError as error:
        click.echo(f"error: {error.message}", err=True)
        ctx.exit(error.exit_code)
    if home is not None:
        settings = settings.with_overrides({"home": home})
    ctx.ensure_object(dict)["settings"] = settings
