"""The full archive: ``pds export`` and ``pds import FILE [--merge]``."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from pds.cli.data_commands import import_
from pds.cli.exclusive import one_at_a_time
from pds.cli.paths import ClientPath, here, shown
from pds.cli.root import (
    check_passphrase,
    command_env,
    main,
    prompt_secret,
    runtime_for,
    settings_of,
)
from pds.errors import ValidationFailed
from pds.services.archive import (
    DEFAULT_SCRYPT_N,
    ExportOptions,
    Progress,
    file_is_encrypted,
    merge,
    restore,
)

PASSPHRASE_VARIABLE = "PDS_ARCHIVE_PASSPHRASE"


def _archive_passphrase(confirm: bool) -> str:
    given = command_env(PASSPHRASE_VARIABLE)
    return check_passphrase(given or prompt_secret("Archive passphrase", confirm=confirm))


def _default_out(encrypt: bool) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return here(f"pds-archive-{stamp}.zip{'.enc' if encrypt else ''}")


@contextmanager
def _bar(label: str) -> Iterator[Callable[[Progress], None]]:
    """A progress bar on stderr, fed with the domain's ``Progress`` reports."""
    with click.progressbar(length=1, label=label, file=sys.stderr) as bar:

        def update(step: Progress) -> None:
            bar.length = max(1, step.total)
            bar.update(step.done - bar.pos)

        yield update


@main.command("export")
@click.option(
    "--out",
    type=ClientPath(dir_okay=False, writable=True, path_type=Path),
    help="Archive file to write (default: pds-archive-<date>-<time>.zip here).",
)
@click.option(
    "--encrypt",
    is_flag=True,
    help=f"Encrypt the archive with a passphrase ({PASSPHRASE_VARIABLE} or a prompt).",
)
@click.option(
    "--include-secrets",
    is_flag=True,
    help="Also export password hash, TOTP seed, keys and token hashes (needs --encrypt).",
)
@click.option(
    "--scrypt-n",
    type=click.IntRange(min=2**10),
    default=DEFAULT_SCRYPT_N,
    show_default=True,
    help="scrypt cost for --encrypt (a power of two); lower only for throwaway archives.",
)
@click.option(
    "--sqlite",
    is_flag=True,
    help="Also write pds.sqlite: every table as one SQLite database (built in memory).",
)
@click.option("--force", is_flag=True, help="Overwrite the file if it exists.")
@click.pass_context
def export(
    ctx: click.Context,
    out: Path | None,
    encrypt: bool,
    include_secrets: bool,
    scrypt_n: int,
    sqlite: bool,
    force: bool,
) -> None:
    """Write everything in the store to one zip archive (see docs/archive.md).

    Secrets are left out unless --include-secrets is given with --encrypt.
    """
    if include_secrets and not encrypt:
        raise ValidationFailed(
            "--include-secrets needs --encrypt: secrets never leave the store unencrypted",
            {"include_secrets": ["needs --encrypt"]},
        )
    if scrypt_n & (scrypt_n - 1):
        raise ValidationFailed("--scrypt-n must be a power of two", {"scrypt_n": ["not 2**k"]})
    target = out or _default_out(encrypt)
    if target.exists() and not force:
        raise ValidationFailed(
            f"{shown(target)} exists; choose another --out or add --force",
            {"out": [shown(target)]},
        )
    passphrase = _archive_passphrase(confirm=True) if encrypt else None
    options = ExportOptions(passphrase, include_secrets, sqlite=sqlite, scrypt_n=scrypt_n)
    with one_at_a_time("export"):
        manifest = _write(ctx, target, options)
    records = sum(entry.count for entry in manifest.collections.values())
    left_out = ", ".join(sorted(manifest.left_out)) or "none"
    click.echo(f"exported {records} records to {shown(target)} (left out: {left_out})")


def _write(ctx: click.Context, target: Path, options: ExportOptions) -> Any:
    """Export into ``target`` through a temporary file beside it, renamed when complete."""
    partial = target.with_name(target.name + ".partial")
    with runtime_for(settings_of(ctx)) as runtime:
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle, _bar("exporting") as progress:
                exporter = runtime.services.archive.exporter(handle, options)
                for step in exporter.steps():
                    progress(step)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
            return exporter.manifest
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


@import_.command("archive")
@click.argument("file", type=ClientPath(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--merge",
    "merging",
    is_flag=True,
    help="Merge into a store that holds data (by id; importing twice changes nothing).",
)
@click.pass_context
def import_archive(ctx: click.Context, file: Path, merging: bool) -> None:
    """Restore an archive made by `pds export`: all of it, or nothing.

    Without --merge the store must be new (made by `pds init`, nothing added). An
    encrypted archive's passphrase comes from PDS_ARCHIVE_PASSPHRASE or a prompt.
    """
    settings = settings_of(ctx)
    passphrase = _archive_passphrase(confirm=False) if file_is_encrypted(file) else None
    with runtime_for(settings) as runtime, _bar("merging" if merging else "restoring") as progress:
        run = merge if merging else restore
        limit = settings.archive_max_unpacked_mib << 20
        report = run(runtime.store, file, passphrase, progress, max_unpacked=limit)
    click.echo(report.summary())
