"""``pds backup DIR`` takes a snapshot of the store; ``pds backup verify PATH`` checks one.

Snapshots are taken while the store stays open (see docs/backup.md); verifying reads a
snapshot with the passphrase and writes nothing to it, and does not need the store.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pds.cli.exclusive import one_at_a_time
from pds.cli.paths import ClientPath
from pds.cli.root import main, passphrase_for, runtime_for, settings_of
from pds.runtime.backups import take_backup, verify_backup


class BackupGroup(click.Group):
    """``pds backup DIR`` is short for ``pds backup take DIR``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["take", *args]
        return super().parse_args(ctx, args)


@main.group(cls=BackupGroup)
def backup() -> None:
    """Snapshots of the encrypted store: `pds backup DIR` takes one into DIR.

    A snapshot is a directory DIR/<UTC time> holding a consistent copy of the
    store's encrypted files (nothing is decrypted); it opens as a store on its own
    (PDS_HOME=DIR/<time> pds status). Copy it off-site with restic, borg or rsync.
    """


@backup.command("take")
@click.argument("directory", type=ClientPath(file_okay=False, path_type=Path))
@click.option(
    "--keep",
    type=click.IntRange(min=1),
    help="Then remove all but the newest N snapshots of this store in DIR.",
)
@click.pass_context
def take(ctx: click.Context, directory: Path, keep: int | None) -> None:
    """Take a snapshot of the store into DIR (made if missing; outside the store)."""
    show = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if show:
            click.echo(f"\rcopying {done}/{total} files", err=True, nl=done == total)

    with one_at_a_time("backup"), runtime_for(settings_of(ctx)) as runtime:
        info, removed = take_backup(runtime.store, directory, keep=keep, progress=progress)
    click.echo(
        f"snapshot {info.path}: {info.files} files, {info.bytes} bytes, "
        f"{info.audit_entries} audit entries in {info.seconds:.1f} s "
        f"(writers waited {info.blocked_seconds * 1000:.1f} ms)"
    )
    for path in removed:
        click.echo(f"removed {path}")


@backup.command("verify")
@click.argument("path", type=ClientPath(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def verify(ctx: click.Context, path: Path) -> None:
    """Check a snapshot (PATH, or the latest snapshot in the directory PATH) without
    restoring it or writing to it: every file authenticates with the passphrase, no
    file is missing or added, and the audit chain holds.

    Exit codes: 0 the snapshot is whole; 10 no snapshot at PATH; 12 wrong passphrase
    (the one the store had when the snapshot was taken); 13 a file is damaged,
    altered, missing or added (the message names it).
    """
    check = verify_backup(path, passphrase_for(settings_of(ctx)))
    click.echo(
        f"ok: {check.path} (taken {check.taken_at}): {check.files} files, {check.bytes} "
        f"bytes, key {check.key_generation}, audit chain of {check.audit_entries} entries intact"
    )
